// A saturated database is overload, not a fault: a DM admitted by the instance whose
// transaction cannot start in time, or outlives its timeout while waiting behind a busy live
// session, is answered with the documented retryable OVERLOADED (never INTERNAL_SERVER_ERROR),
// and nothing of it is stored. PostgreSQL pass only: on the embedded PGlite one transaction
// runs at a time, so none waits for a connection or a lock.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { onPostgres, startApp, type TestApp } from '../support/app.ts';
import { localId } from '../support/fixtures.ts';
import { closeStreams, liveTeam, startLive, storedEvents } from '../support/live.ts';
import { MESSAGE_SEND } from '../support/messaging.ts';

let t: TestApp | undefined;
afterAll(async () => {
  await closeStreams();
  await t?.close();
});

describe.runIf(onPostgres)('DMs under overload', () => {
  it('are stored, or refused with OVERLOADED and not stored, when their transactions time out', { timeout: 60_000 }, async () => {
    // a few connections, many mutations admitted at once and willing to wait
    t = await startApp({ now: '2026-03-02T10:00:00.000Z', env: { DATABASE_POOL_SIZE: '3', MUTATION_CONCURRENCY: '40', MUTATION_QUEUE_MS: '30000' } });
    const team = await liveTeam(t);
    const id = await startLive(team.owner, team.shop);
    const viewers = Array.from({ length: 24 }, (_, i) => `load.v${i}`);
    await Promise.all(viewers.map((viewer) => t!.as(viewer).raw(`{ viewer { handle } }`)));

    // something holds the session's row longer than a transaction may last (5 s): the DMs that
    // reach it first hold every connection while they wait, then expire; the others wait for
    // a connection
    const holder = new pg.Client({ connectionString: t.app.services.config.databaseUrl });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT id FROM "LiveSession" WHERE id = $1 FOR UPDATE`, [localId(id)]);
    const sends = viewers.map((viewer) =>
      t!.as(viewer).raw(MESSAGE_SEND, { handle: team.shopHandle, input: { kind: 'TEXT', text: `Is it in stock? (${viewer})` }, context: { liveSessionId: id } }),
    );
    await new Promise((resolve) => setTimeout(resolve, 6500));
    await holder.query('ROLLBACK');
    await holder.end();
    const results = await Promise.all(sends);

    const codes = results.map((r) => r.errors?.map((e) => e.extensions?.code) ?? []);
    const landed = results.filter((r) => !r.errors && r.data?.businessMessageSend?.userErrors.length === 0);
    const refused = results.filter((r) => r.errors);
    for (const c of codes) expect(c.length === 0 ? [] : c).toEqual(c.length === 0 ? [] : ['OVERLOADED']);
    for (const r of refused) expect(r.data?.businessMessageSend ?? null).toBeNull();
    expect(landed.length + refused.length).toBe(viewers.length);
    expect(refused.length).toBeGreaterThan(0);

    // exactly the accepted DMs are stored and logged
    const stored = await t.db.message.findMany({ where: { liveSessionId: localId(id), direction: 'INBOUND' }, select: { id: true } });
    const accepted = landed.map((r) => localId(r.data.businessMessageSend.message.id)).sort();
    expect(stored.map((m) => m.id).sort()).toEqual(accepted);
    const logged = (await storedEvents(t, id)).filter((e) => e.type === 'VIEWER_MESSAGE').map((e) => String((e.payload as { messageId: string }).messageId));
    expect(logged.sort()).toEqual(accepted);
    // the refused viewers have no conversation either: they can simply retry
    const refusedViewers = viewers.filter((_, i) => results[i].errors);
    expect(await t.db.conversation.count({ where: { user: { handle: { in: refusedViewers } } } })).toBe(0);
    const retry = await t.as(refusedViewers[0]).raw(MESSAGE_SEND, { handle: team.shopHandle, input: { kind: 'TEXT', text: 'Retry' }, context: { liveSessionId: id } });
    expect(retry.errors).toBeUndefined();
    expect(retry.data.businessMessageSend.userErrors).toEqual([]);
  });
});

// The end of a live is the end of its log: a DM, a lead or an order that reaches the session
// after liveSessionEnd took it is refused with LIVE_NOT_RUNNING and stores nothing, and no
// event ever follows LIVE_ENDED. The state is checked where the event is numbered, under the
// session's row lock, so this holds with several instances writing at once (PostgreSQL pass:
// on the embedded PGlite one transaction runs at a time, so nothing can race there).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, startApp, type TestApp } from '../support/app.ts';
import { localId } from '../support/fixtures.ts';
import { approvedLeadForm } from '../support/leads.ts';
import { closeStreams, liveApi, liveDm, liveLead, liveTeam, startLive, storedEvents, type LiveTeam } from '../support/live.ts';

type Outcome = { accepted: boolean; id?: string; codes: string[] };
const outcome = (payload: { userErrors: { code: string }[] } & Record<string, any>, id: (p: any) => string | undefined): Outcome => ({
  accepted: payload.userErrors.length === 0,
  id: payload.userErrors.length === 0 ? id(payload) : undefined,
  codes: payload.userErrors.map((e) => e.code),
});

/** What the session stored: its events, and the DMs, leads and orders tagged with it. */
async function stored(t: TestApp, sessionId: string) {
  const id = localId(sessionId);
  const [events, messages, leads, orders] = await Promise.all([
    storedEvents(t, sessionId),
    t.db.message.findMany({ where: { liveSessionId: id, direction: 'INBOUND' }, select: { id: true } }),
    t.db.lead.findMany({ where: { liveSessionId: id }, select: { id: true } }),
    t.db.liveOrder.findMany({ where: { sessionId: id }, select: { id: true } }),
  ]);
  return { events, messages, leads, orders };
}

describe.runIf(onPostgres)('the end of a live', () => {
  let a: TestApp;
  let b: TestApp;
  let team: LiveTeam;
  let form: string;
  let observer: pg.Client;

  beforeAll(async () => {
    a = await startApp({ now: '2026-03-02T10:00:00.000Z' });
    b = await a.startPeer();
    team = await liveTeam(a);
    form = await approvedLeadForm(a, team.handle('owner'), team.shop);
    observer = new pg.Client({ connectionString: a.app.services.config.databaseUrl });
    await observer.connect();
  });
  afterAll(async () => {
    await observer?.end();
    await closeStreams();
    await a?.close();
  });

  /** Backends of the test database waiting for a lock. */
  const waitingForLocks = async () =>
    (await observer.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].n as number;

  it('refuses a DM, a lead and an order that wait for the session while it ends; LIVE_ENDED stays last', { timeout: 60_000 }, async () => {
    const id = await startLive(team.owner, team.shop);
    for (const viewer of ['end.dm', 'end.lead']) await a.as(viewer).raw(`{ viewer { handle } }`);
    // another transaction holds the session row: the end, then the DM, the lead and the order queue behind it
    const holder = new pg.Client({ connectionString: a.app.services.config.databaseUrl });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT id FROM "LiveSession" WHERE id = $1 FOR UPDATE`, [localId(id)]);
    const end = liveApi(team.owner).end(id);
    await expect.poll(waitingForLocks, { timeout: 10_000 }).toBe(1);
    const dm = liveDm(a.as('end.dm'), team.shopHandle, id, 'Still there?');
    const lead = liveLead(a.as('end.lead'), form, id);
    const order = liveApi(team.owner).recordOrder(id, { amountMinor: 1500, currency: 'EUR', units: 1 });
    await expect.poll(waitingForLocks, { timeout: 10_000 }).toBe(4);
    await holder.query('ROLLBACK');
    await holder.end();

    const refusal = (payload: { userErrors: { code: string; field?: string[] | null }[] }) => payload.userErrors.map((e) => [e.code, e.field]);
    expect((await end).userErrors).toEqual([]);
    expect(refusal(await dm)).toEqual([['LIVE_NOT_RUNNING', ['context', 'liveSessionId']]]);
    expect(refusal(await lead)).toEqual([['LIVE_NOT_RUNNING', ['input', 'liveSessionId']]]);
    expect(refusal(await order)).toEqual([['LIVE_NOT_RUNNING', ['sessionId']]]);
    const after = await stored(a, id);
    expect(after.events.map((e) => e.type)).toEqual(['STATS', 'LIVE_ENDED']);
    expect([after.messages, after.leads, after.orders]).toEqual([[], [], []]);
    // the refused DM rolled back whole: no conversation was opened for it either
    expect(await a.db.conversation.count({ where: { user: { handle: 'end.dm' } } })).toBe(0);
  });

  it('with DMs, leads and orders racing the end through two instances, everything accepted is logged before LIVE_ENDED', { timeout: 120_000 }, async () => {
    const viewers = Array.from({ length: 10 }, (_, i) => `race.v${i}`);
    const submitters = Array.from({ length: 4 }, (_, i) => `race.l${i}`);
    await Promise.all([...viewers, ...submitters].map((handle) => a.as(handle).raw(`{ viewer { handle } }`)));
    for (let round = 1; round <= 3; round++) {
      const id = await startLive(team.owner, team.shop);
      const outcomes = { dms: [] as Outcome[], leads: [] as Outcome[], orders: [] as Outcome[] };
      let accepted = 0;
      // each client writes again and again, alternating instances, until it is refused
      const loop = async (list: Outcome[], send: (n: number) => Promise<Outcome>) => {
        for (let n = 0; ; n++) {
          const result = await send(n);
          list.push(result);
          if (!result.accepted) return;
          accepted += 1;
        }
      };
      const via = (n: number) => (n % 2 === 0 ? a : b);
      const writers = [
        ...viewers.map((viewer, v) =>
          loop(outcomes.dms, async (n) => outcome(await liveDm(via(n + v).as(viewer), team.shopHandle, id, `r${round} ${viewer} ${n}`), (p) => p.message?.id)),
        ),
        ...submitters.map((handle, i) =>
          loop(outcomes.leads, async (n) => outcome(await liveLead(via(n + i).as(handle), form, id, { idempotencyKey: `r${round}-${handle}-${n}` }), (p) => p.lead?.id)),
        ),
        loop(outcomes.orders, async (n) => outcome(await liveApi(via(n).as(team.handle('owner'))).recordOrder(id, { amountMinor: 100, currency: 'EUR', units: 1 }), (p) => p.orderId)),
      ];
      await expect.poll(() => accepted, { timeout: 30_000 }).toBeGreaterThanOrEqual(30);
      expect((await liveApi(via(round).as(team.handle('owner'))).end(id)).userErrors).toEqual([]);
      await Promise.all(writers);

      const all = [...outcomes.dms, ...outcomes.leads, ...outcomes.orders];
      for (const o of all) expect(o.accepted ? [] : o.codes).toEqual(o.accepted ? [] : ['LIVE_NOT_RUNNING']);
      const after = await stored(a, id);
      const ended = after.events.at(-1)!;
      expect(ended.type).toBe('LIVE_ENDED');
      expect(after.events.filter((e) => e.type === 'LIVE_ENDED')).toHaveLength(1);
      expect(after.events.map((e) => e.seq)).toEqual(after.events.map((_, i) => i + 1));
      // every accepted DM and lead is in the log (before LIVE_ENDED), and only those are stored
      const acceptedIds = (list: Outcome[]) => list.filter((o) => o.accepted).map((o) => localId(o.id!)).sort();
      const logged = (type: string, key: string) =>
        after.events.filter((e) => e.type === type).map((e) => String((e.payload as Record<string, unknown>)[key])).sort();
      expect(logged('VIEWER_MESSAGE', 'messageId')).toEqual(acceptedIds(outcomes.dms));
      expect(after.messages.map((m) => m.id).sort()).toEqual(acceptedIds(outcomes.dms));
      expect(logged('LEAD_SUBMITTED', 'leadId')).toEqual(acceptedIds(outcomes.leads));
      expect(after.leads.map((l) => l.id).sort()).toEqual(acceptedIds(outcomes.leads));
      expect(after.orders.map((o) => o.id).sort()).toEqual(acceptedIds(outcomes.orders));
      // and the final stats count each of them
      expect((ended.payload as { stats: Record<string, number> }).stats).toMatchObject({
        messages: after.messages.length,
        leads: after.leads.length,
        orders: after.orders.length,
      });
    }
  });
});

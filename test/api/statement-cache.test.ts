// Prepared statements on PostgreSQL (DATABASE_STATEMENT_CACHE, platform/statement-cache.ts):
// the hot statements are parsed and planned once per connection, results stay correct as the
// data under a cached plan changes, the cap holds, and 0 turns it off. One connection per app
// (DATABASE_POOL_SIZE=1), so the app's own client sees that session's pg_prepared_statements.
// PostgreSQL pass only: PGlite has no pool and runs every statement unnamed.
import { afterEach, describe, expect, it } from 'vitest';
import { onPostgres, startApp, type TestApp } from '../support/app.ts';
import { dmTeam, inbox, sendDm } from '../support/messaging.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const prepared = async (app: TestApp) =>
  (await app.db.$queryRaw<{ name: string; statement: string }[]>`SELECT name, statement FROM pg_prepared_statements`).filter((row) => row.name.startsWith('ls_'));

/** DMs from `senders` (in order), then the shop's inbox as its agent: contact handles and last texts. */
async function dmsThenInbox(app: TestApp, team: Awaited<ReturnType<typeof dmTeam>>, senders: string[], text: string) {
  for (const sender of senders) {
    app.clock.advance(1000); // the inbox orders by the last message's time
    expect((await sendDm(app.as(sender), team.shopHandle, { kind: 'TEXT', text: `${text} from ${sender}` })).userErrors).toEqual([]);
  }
  const page = await inbox(team.as('agent'), team.shop);
  return page.edges.map((edge: { node: { contact: { handle: string }; lastMessage: { text: string } } }) => [edge.node.contact.handle, edge.node.lastMessage.text]);
}

describe.runIf(onPostgres)('prepared statements', () => {
  it('prepares the DM and inbox statements once per connection and keeps answers current', { timeout: 60_000 }, async () => {
    t = await startApp({ env: { DATABASE_POOL_SIZE: '1' } });
    const team = await dmTeam(t);
    const senders = ['pc_a', 'pc_b', 'pc_c'];
    expect(await dmsThenInbox(t, team, senders, 'first')).toEqual(senders.toReversed().map((s) => [s, `first from ${s}`]));
    // the same statements again, now prepared: newest activity first, the latest texts
    expect(await dmsThenInbox(t, team, ['pc_b'], 'second')).toEqual([
      ['pc_b', 'second from pc_b'],
      ['pc_c', 'first from pc_c'],
      ['pc_a', 'first from pc_a'],
    ]);
    expect(await dmsThenInbox(t, team, ['pc_a', 'pc_d'], 'third')).toEqual([
      ['pc_d', 'third from pc_d'],
      ['pc_a', 'third from pc_a'],
      ['pc_b', 'second from pc_b'],
      ['pc_c', 'first from pc_c'],
    ]);
    const statements = await prepared(t);
    // the inbox page (with its access check) and the one-statement DM are among them
    expect(statements.some((s) => s.statement.includes('LEFT JOIN LATERAL') && s.statement.includes('"Conversation"'))).toBe(true);
    expect(statements.some((s) => s.statement.includes('INSERT INTO "Message"'))).toBe(true);
    // one name per text, the same on every connection
    expect(new Set(statements.map((s) => s.statement)).size).toBe(statements.length);
  });

  it('keeps working when a migration adds columns under the prepared statements (a rolling deploy)', { timeout: 60_000 }, async () => {
    t = await startApp({ env: { DATABASE_POOL_SIZE: '1' } });
    const team = await dmTeam(t);
    expect(await dmsThenInbox(t, team, ['mig_a', 'mig_b', 'mig_a'], 'before')).toEqual([
      ['mig_a', 'before from mig_a'],
      ['mig_b', 'before from mig_b'],
    ]);
    expect((await prepared(t)).length).toBeGreaterThan(0);
    // what a newer instance's migration does while this one runs: PostgreSQL re-plans the
    // prepared statements, and refuses only those whose result would change shape
    for (const table of ['Conversation', 'Message', 'User', 'BusinessAccount']) await t.db.$executeRawUnsafe(`ALTER TABLE "${table}" ADD COLUMN "addedLater" integer`);
    expect(await dmsThenInbox(t, team, ['mig_b', 'mig_c'], 'after')).toEqual([
      ['mig_c', 'after from mig_c'],
      ['mig_b', 'after from mig_b'],
      ['mig_a', 'before from mig_a'],
    ]);
  });

  it('prepares at most DATABASE_STATEMENT_CACHE statements', { timeout: 60_000 }, async () => {
    t = await startApp({ env: { DATABASE_POOL_SIZE: '1', DATABASE_STATEMENT_CACHE: '3' } });
    const team = await dmTeam(t);
    expect(await dmsThenInbox(t, team, ['cap_a', 'cap_b', 'cap_a'], 'hi')).toEqual([
      ['cap_a', 'hi from cap_a'],
      ['cap_b', 'hi from cap_b'],
    ]);
    expect((await prepared(t)).length).toBe(3);
  });

  it('prepares nothing with DATABASE_STATEMENT_CACHE=0', { timeout: 60_000 }, async () => {
    t = await startApp({ env: { DATABASE_POOL_SIZE: '1', DATABASE_STATEMENT_CACHE: '0' } });
    const team = await dmTeam(t);
    expect(await dmsThenInbox(t, team, ['off_a', 'off_b', 'off_a'], 'hi')).toEqual([
      ['off_a', 'hi from off_a'],
      ['off_b', 'hi from off_b'],
    ]);
    expect(await prepared(t)).toEqual([]);
  });
});

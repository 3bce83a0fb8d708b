// Reading a session's event log over HTTP: `LiveSession.events(afterSeq, first)` pages through
// it in order, at most 500 events per call as its description says; more is refused with a
// coded error before anything runs, while connections keep their cap of 100.
import { describe, expect, it } from 'vitest';
import { LiveSessionEventsDocument } from '../generated/graphql.ts';
import type { TestApp } from '../support/app.ts';
import { localId } from '../support/fixtures.ts';
import { endLive, liveSuite, startLive, type LiveTeam } from '../support/live.ts';

let t: TestApp;
let team: LiveTeam;
liveSuite((app, liveTeam) => {
  [t, team] = [app, liveTeam];
});

const EVENTS = LiveSessionEventsDocument;

describe('the event log', () => {
  it('is read in pages of up to 500 events; 501 and negative sizes are refused with PAGE_SIZE_EXCEEDED', async () => {
    const id = await startLive(team.owner, team.shop);
    // a long live's log: 600 reminders after the first STATS (written directly: the log's shape is what matters here)
    await t.db.$executeRaw`
      INSERT INTO "LiveEvent" ("sessionId", "seq", "type", "payload", "createdAt")
      SELECT ${localId(id)}::uuid, n, 'REMINDER', '{"text":"DM us"}'::jsonb, now() FROM generate_series(2, 601) AS n`;
    await t.db.liveSession.update({ where: { id: localId(id) }, data: { lastSeq: 601 } });

    const page = async (afterSeq: number, first: number) => {
      const { node } = await team.as('analyst').request(EVENTS, { id, afterSeq, first });
      return node && 'events' in node ? node.events : [];
    };
    const first = await page(0, 500);
    expect(first.map((e) => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect((await page(500, 500)).map((e) => e.seq)).toEqual(Array.from({ length: 101 }, (_, i) => i + 501));
    // the literal form is checked too
    const literal = await team.owner.raw(`query ($id: ID!) { node(id: $id) { ... on LiveSession { events(first: 500) { seq } } } }`, { id });
    expect(literal.errors).toBeUndefined();

    for (const size of [501, -1]) {
      const refused = await team.owner.raw(EVENTS, { id, afterSeq: 0, first: size });
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['PAGE_SIZE_EXCEEDED', 'first must be between 0 and 500.']]);
    }
    // other lists keep the connection cap
    const connection = await team.owner.raw(`query ($id: ID!) { node(id: $id) { ... on BusinessAccount { liveSessions(first: 101) { edges { node { id } } } } } }`, { id: team.shop });
    expect(connection.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['PAGE_SIZE_EXCEEDED', 'first must be between 0 and 100.']]);
    await endLive(team.owner, id);
  });
});

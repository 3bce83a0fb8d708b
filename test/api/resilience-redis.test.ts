// Redis going away between an instance and its subscribers (PostgreSQL + Redis pass only):
// instance B reaches Redis through a TCP proxy the test cuts and restores, while instance A
// keeps writing. Streams that cannot replay what they missed end with STREAM_INTERRUPTED
// (retryable) and none starts while Redis is away; the live host stream, which replays its
// event log, stays complete; after Redis is back, streams deliver again; the outage is
// logged once and its end once, and ioredis never prints "Unhandled error event".
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { onPostgres, onRedis, startApp, type TestApp } from '../support/app.ts';
import type { Api } from '../support/client.ts';
import { cuttableProxy, type CuttableProxy } from '../support/faults.ts';
import { closeStreams, expectSubscriptionRefused, liveDm, LIVE_NOW, liveTeam, openStream, startLive, watchHost, watchRoom, type LiveTeam } from '../support/live.ts';
import { sendDm, startConversation } from '../support/messaging.ts';

const INBOX_EVENTS = /* GraphQL */ `subscription ($accountId: ID!) { inboxEvents(accountId: $accountId) { type message { text } } }`;
const CONVERSATION_EVENTS = /* GraphQL */ `subscription ($id: ID!) { conversationEvents(id: $id) { type message { text } } }`;
const NOTIFICATIONS = /* GraphQL */ `subscription { notificationAdded { id } }`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** After the events it had already received, a stream ends with the retryable STREAM_INTERRUPTED error. */
async function expectInterrupted(stream: { next(timeoutMs?: number): Promise<{ errors?: readonly { extensions?: Record<string, unknown> }[] }> }) {
  let result = await stream.next(10_000);
  while (!result.errors) result = await stream.next(10_000);
  expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['STREAM_INTERRUPTED']);
  expect(result.errors?.[0].extensions).toMatchObject({ retryable: true, retryAfterMs: expect.any(Number) });
}

describe.skipIf(!onPostgres || !onRedis)('when Redis goes away', () => {
  let a: TestApp;
  let b: TestApp;
  let proxy: CuttableProxy;
  let team: LiveTeam;
  const logs: { level: number; msg: string }[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void consoleErrors.push(args.map(String).join(' ')));
    a = await startApp({ now: LIVE_NOW });
    proxy = await cuttableProxy(process.env.REDIS_URL!);
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    b = await a.startPeer({ env: { REDIS_URL: proxy.url }, logger });
    team = await liveTeam(a, 'rds');
  });
  afterAll(async () => {
    await closeStreams();
    await a?.close();
    await proxy?.close();
    vi.restoreAllMocks();
  });

  /** `api`'s subscription on B, once it delivers what A publishes (`poke` makes A publish). */
  async function liveOnB<T>(api: Api, document: string, variables: Record<string, unknown>, field: string, poke: () => Promise<unknown>) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const stream = openStream<T>(api, document, variables, field);
      await sleep(200);
      await poke();
      const first = await stream.stream.next(2000).catch(() => null);
      if (first && !first.errors) return stream;
      await stream.close();
      await sleep(200);
    }
    throw new Error(`${field} never delivered on B`);
  }

  it('interrupts the streams that cannot replay, keeps the host stream complete, refuses new streams, and recovers', async () => {
    const owner = (app: TestApp) => app.as(team.handle('owner'));
    const sessionId = await startLive(owner(a), team.shop);
    const viewer = 'rds.viewer';
    const conversationId = await startConversation(a.as(viewer), team.shopHandle, 'Hello');
    let n = 0;
    const dmFromA = () => sendDm(a.as(viewer), team.shopHandle, { kind: 'TEXT', text: `Poke ${++n}` });

    const inbox = await liveOnB(owner(b), INBOX_EVENTS, { accountId: team.shop }, 'inboxEvents', dmFromA);
    const conversation = await liveOnB(b.as(viewer), CONVERSATION_EVENTS, { id: conversationId }, 'conversationEvents', dmFromA);
    const notifications = openStream(owner(b), NOTIFICATIONS, {}, 'notificationAdded');
    const room = watchRoom(b.as('rds.watcher'), sessionId);
    expect((await room.value()).state).toBe('LIVE');
    const host = watchHost(owner(b), sessionId, 0);
    await sleep(300);
    expect(logs.filter((l) => l.level >= 40)).toEqual([]);

    await proxy.cut();
    // each stream that would now miss events says so
    await expectInterrupted(inbox.stream);
    await expectInterrupted(conversation.stream);
    await expectInterrupted(notifications.stream);
    await expectInterrupted(room.stream);
    // and none starts while Redis is away
    await expectSubscriptionRefused(owner(b), INBOX_EVENTS, { accountId: team.shop }, 'STREAM_INTERRUPTED');

    // A keeps working meanwhile; B's host console receives every event, from the log
    for (const text of ['During 1', 'During 2', 'During 3']) expect((await liveDm(a.as(`rds.v.${text.slice(-1)}`), team.shopHandle, sessionId, text)).userErrors).toEqual([]);
    const events = await host.until((event) => event.viewerMessage?.text === 'During 3');
    const seqs = events.map((event) => event.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
    expect(events.filter((event) => event.type === 'VIEWER_MESSAGE').map((event) => event.viewerMessage!.text)).toEqual(['During 1', 'During 2', 'During 3']);
    await sleep(1500);

    await proxy.restore();
    // a new stream on B delivers again once Redis is back
    const after = await liveOnB<{ message: { text: string } }>(owner(b), INBOX_EVENTS, { accountId: team.shop }, 'inboxEvents', dmFromA);
    await dmFromA();
    expect((await after.value()).message).toEqual({ text: `Poke ${n}` });

    // one line for the outage, one for its end, and nothing unhandled
    // the pub/sub connection's lines (the cost budget logs its own fallback to memory)
    const redisLines = logs.filter((l) => /^Redis /.test(l.msg));
    expect(redisLines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'Redis connection lost; retrying until it is back'],
      [30, 'Redis connection restored'],
    ]);
    expect(consoleErrors.filter((line) => line.includes('Unhandled error event'))).toEqual([]);
  }, 90_000);

  it('shuts an instance down at once while Redis is away', async () => {
    const away = await cuttableProxy(process.env.REDIS_URL!);
    const peer = await a.startPeer({ env: { REDIS_URL: away.url } });
    await away.cut();
    await peer.close();
    await away.close();
  });
});

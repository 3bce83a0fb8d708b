// Faults that need real processes and real signals (src/main.ts started as a child):
//   - SIGTERM: the instance stops accepting connections, finishes the request it is reading,
//     tells subscribers to reconnect (close code 1001), and exits 0 within the grace period;
//   - a shutdown (what SIGTERM runs) drains the webhook worker: a delivery in flight is finished
//     and recorded, not cut;
//   - SIGKILL mid-broadcast: the host console resubscribes on another instance with its last
//     seq and misses nothing, and the dead instance's viewers stop counting after the expiry;
//   - Redis away from one instance: writes through it are still accepted and stored, and reach
//     the host console on another instance, in order and once, when Redis is back.
// The other fault items are proven by test/api/resilience-database.test.ts (PostgreSQL dropping
// every connection under a load of lead submissions and DMs) and resilience-redis.test.ts.
import { request } from 'node:http';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESENCE_TTL_MS } from '../../src/modules/live/viewer-count.ts';
import { webhookWorker } from '../../src/modules/integrations/worker.ts';
import { onPostgres, onRedis, startApp, type TestApp } from '../support/app.ts';
import { createApi } from '../support/client.ts';
import { cuttableProxy } from '../support/faults.ts';
import { localId } from '../support/fixtures.ts';
import { connect, integrationTeam, registerEndpoint } from '../support/integrations.ts';
import { closeStreams, LIVE, liveDm, liveTeam, sessionRow, startLive, ticks, watchHost, watchRoom, type LiveEvent } from '../support/live.ts';
import { sendDm } from '../support/messaging.ts';
import { startMain, type MainProcess } from '../support/processes.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let t: TestApp;
const mains: MainProcess[] = [];
beforeAll(async () => {
  // the webhook workers run only when a test drives them
  t = await startApp({ env: { WEBHOOK_POLL_MS: '60000' } });
});
afterAll(async () => {
  await closeStreams();
  for (const main of mains) await main.cleanup();
  await t?.close();
});

describe('SIGTERM', () => {
  it('stops accepting, finishes the request in flight, closes sockets with 1001 and exits 0 in time', { timeout: 60_000 }, async () => {
    const main = await startMain(t, { SHUTDOWN_GRACE_MS: '5000' });
    mains.push(main);
    const token = await t.token('term.user');
    // a subscriber
    let closeCode: number | undefined;
    const client = createClient({ url: main.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` }, on: { closed: (event) => (closeCode = (event as CloseEvent).code) } });
    const subscribed = new Promise<void>((resolve) => client.on('connected', () => resolve()));
    client.subscribe({ query: 'subscription { notificationAdded { id } }' }, { next: () => {}, error: () => {}, complete: () => {} });
    await subscribed;
    await sleep(200);

    // a request whose body is still arriving when the signal comes
    const body = JSON.stringify({ query: '{ viewer { handle } }' });
    const url = new URL(main.url);
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 1000);
    });
    await sleep(200);
    const signalled = Date.now();
    main.child.kill('SIGTERM');
    await sleep(300);
    // no new connections
    await expect(fetch(main.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).rejects.toThrow();
    // the request in flight is answered in full
    const response = await answered;
    expect([response.status, JSON.parse(response.body).data]).toEqual([200, { viewer: { handle: 'term.user' } }]);
    // and the process ends by itself, well within the grace period
    const exit = await main.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(5000);
    expect(closeCode).toBe(1001);
    // stdout is the log stream only: JSON lines; the request finished during the shutdown
    const lines = main.output.stdout.trim().split('\n').map((line) => JSON.parse(line) as { msg: string });
    expect(lines.map((line) => line.msg).slice(-3)).toEqual(['SIGTERM: shutting down', 'operation', 'shut down']);
    await client.dispose();
  });

  it.runIf(onPostgres)('drains the webhook worker: a delivery in flight is finished and recorded', { timeout: 60_000 }, async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const { createServer } = await import('node:http');
    const slow = createServer((req, res) => {
      req.resume();
      arrived();
      void released.then(() => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const team = await integrationTeam(t, 'drain');
      const tool = await connect(t, team, [team.us], ['messages:read', 'webhooks:manage']);
      const endpoint = await registerEndpoint(tool.api, `http://127.0.0.1:${(slow.address() as { port: number }).port}/hooks`, ['message.received']);
      const peer = await t.startPeer({ env: { WEBHOOK_POLL_MS: '60000', SHUTDOWN_GRACE_MS: '5000' } });
      await sendDm(t.as('drain.viewer'), team.usHandle, { kind: 'TEXT', text: 'Deliver me' });
      void webhookWorker(peer.app.services).poll();
      await arrival;
      const closing = peer.close();
      await sleep(300);
      release();
      await closing;
      const deliveries = await t.db.webhookDelivery.findMany({ where: { endpointId: localId(endpoint.id) } });
      expect(deliveries.map((d) => [d.status, d.attempts, d.lastStatusCode])).toEqual([['SUCCEEDED', 1, 204]]);
    } finally {
      release();
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });
});

describe.runIf(onPostgres && onRedis)('an instance killed mid-broadcast', () => {
  it('the host resumes on another instance from its last seq and misses nothing; the dead instance’s viewers stop counting', { timeout: 120_000 }, async () => {
    const team = await liveTeam(t, 'kill');
    const owner = team.handle('owner');
    t.clock.set(new Date()); // the child process runs on the real clock
    const id = await startLive(t.as(owner), team.shop);
    const main = await startMain(t);
    mains.push(main);
    const onMain = (handle: string) => createApi(main.url, () => t.token(handle));
    const viewersNow = async () => (await t.as(owner).request(LIVE.session, { id })).node.stats.viewers as number;

    // two viewers on the doomed instance, one on the survivor
    for (const room of [watchRoom(onMain('kill.w1'), id), watchRoom(onMain('kill.w2'), id), watchRoom(t.as('kill.wa'), id)]) await room.value();
    await expect.poll(viewersNow, { timeout: 10_000 }).toBe(3);

    const start = (await sessionRow(t, id)).lastSeq;
    const host = watchHost(onMain(owner), id, start);
    const seen: LiveEvent[] = [];
    const reading = (async () => {
      for (;;) seen.push(await host.value(30_000));
    })().catch(() => {});
    // the broadcast: viewers write through the survivor while the other instance dies
    const texts = Array.from({ length: 16 }, (_, n) => `Broadcast ${n + 1}`);
    let sent = 0;
    const broadcasting = (async () => {
      for (const text of texts) {
        expect((await liveDm(t.as(`kill.v${sent % 4}`), team.shopHandle, id, text)).userErrors).toEqual([]);
        sent += 1;
        await sleep(50);
      }
    })();
    await expect.poll(() => seen.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
    main.child.kill('SIGKILL');
    expect((await main.exited).signal).toBe('SIGKILL');
    await reading;
    await broadcasting;
    const lastSeen = seen.at(-1)!.seq;
    expect(sent).toBe(texts.length);

    // the console resubscribes on the survivor with the last seq it saw
    const resumed = watchHost(t.as(owner), id, lastSeen);
    const last = (await sessionRow(t, id)).lastSeq;
    const missed = last > lastSeen ? await resumed.until((e) => e.seq === last) : [];
    const all = [...seen, ...missed];
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: last - start }, (_, i) => start + 1 + i));
    expect(all.filter((e) => e.type === 'VIEWER_MESSAGE').map((e) => e.viewerMessage!.text)).toEqual(texts);

    // the dead instance's viewers count until their presence expires, then not
    await ticks(t, 1);
    expect(await viewersNow()).toBe(3);
    // the child's heartbeats use the real time: expire them from there
    t.clock.set(new Date(Date.now() + PRESENCE_TTL_MS + 5000));
    await expect.poll(viewersNow, { timeout: 15_000 }).toBe(1);
    expect((await resumed.until((e) => e.type === 'STATS' && e.stats!.viewers === 1)).at(-1)!.stats).toMatchObject({ viewers: 1, peakViewers: 3 });
  });
});

describe.runIf(onPostgres && onRedis)('Redis away from one instance', () => {
  it('accepts and stores the writes made through it, which reach the host on another instance in order and once when Redis is back', { timeout: 90_000 }, async () => {
    const team = await liveTeam(t, 'cut');
    const owner = team.handle('owner');
    const id = await startLive(t.as(owner), team.shop);
    const proxy = await cuttableProxy(process.env.REDIS_URL!);
    const b = await t.startPeer({ env: { REDIS_URL: proxy.url } });
    try {
      const start = (await sessionRow(t, id)).lastSeq;
      const host = watchHost(t.as(owner), id, start);
      await proxy.cut();
      const texts = ['Away 1', 'Away 2', 'Away 3', 'Away 4'];
      for (const text of texts) expect((await liveDm(b.as(`cut.v${text.slice(-1)}`), team.shopHandle, id, text)).userErrors).toEqual([]);
      // stored at once
      const stored = await t.db.message.findMany({ where: { text: { in: texts } }, orderBy: { createdAt: 'asc' } });
      expect(stored.map((m) => m.text)).toEqual(texts);
      expect((await sessionRow(t, id)).lastSeq).toBe(start + texts.length);
      await sleep(500);
      await proxy.restore();
      const events = await host.until((e) => e.viewerMessage?.text === 'Away 4');
      expect(events.map((e) => e.seq)).toEqual(texts.map((_, i) => start + 1 + i));
      expect(events.map((e) => e.viewerMessage?.text)).toEqual(texts);
      // and the next one, through either instance, arrives normally, once
      expect((await liveDm(b.as('cut.after'), team.shopHandle, id, 'After')).userErrors).toEqual([]);
      expect((await host.value()).viewerMessage?.text).toBe('After');
      expect(await host.quiet(1000)).toBe(true);
    } finally {
      await b.close();
      await proxy.close();
    }
  });
});

// The webhook worker running on its own: a delivery in flight when the app closes is sent by
// the next app on the same database (restart survival, same webhook-id, the interrupted try
// not counted), and with two instances on PostgreSQL every event reaches the receiver exactly
// once, in order per conversation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { onPostgres, startApp, type TestApp } from '../support/app.ts';
import { localId } from '../support/fixtures.ts';
import { connect, eventually, integrationTeam, parsed, registerEndpoint, startReceiver, verifySignature, type IntegrationTeam, type Receiver } from '../support/integrations.ts';
import { startConversation } from '../support/messaging.ts';

let t: TestApp;
let team: IntegrationTeam;
let receiver: Receiver;
beforeAll(async () => {
  // no shutdown grace: the delivery in flight is cut at close, not left to time out (a counted attempt)
  t = await startApp({ env: { WEBHOOK_TIMEOUT_MS: '2000', WEBHOOK_POLL_MS: '50', SHUTDOWN_GRACE_MS: '0' } });
  team = await integrationTeam(t, 'whi');
  receiver = await startReceiver();
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

/** Closes the app and starts another on the same database (PGlite: its files, carried over). */
async function restart(app: App): Promise<App> {
  const config = app.services.config;
  if (config.databaseUrl) {
    await app.close();
    return createApp(config, { clock: t.clock });
  }
  // PGlite runs inside the process: stop the app's work, keep its data, then close it
  await app.services.runtime.stopAll();
  const data = await app.database.pglite!.dumpDataDir('none');
  await app.close();
  return createApp(config, { clock: t.clock, loadDataDir: data, pgliteDataDir: 'memory://' });
}

describe('restart survival', () => {
  it('sends a delivery that was in flight when the app closed, once the next app runs, with the same webhook-id', async () => {
    const tool = await connect(t, team, [team.us], ['messages:read', 'webhooks:manage']);
    const endpoint = await registerEndpoint(tool.api, receiver.url, ['message.received']);
    receiver.mode = 'hang';
    await startConversation(t.as('whi.user'), team.usHandle, 'Survive the restart');
    await eventually(() => receiver.received.length === 1);
    const next = await restart(t.app);
    try {
      receiver.mode = 'ok';
      const delivery = await eventually(async () => {
        const row = await next.services.db.webhookDelivery.findFirst({ where: { endpointId: localId(endpoint.id) } });
        return row?.status === 'SUCCEEDED' ? row : undefined;
      });
      // the interrupted try was not an attempt
      expect(delivery.attempts).toBe(1);
      expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([delivery.eventId, delivery.eventId]);
      expect(verifySignature(endpoint.secret, receiver.received[1].headers, receiver.received[1].body)).toBe(true);
    } finally {
      await next.close();
    }
  });
});

describe.skipIf(!onPostgres)('two instances on PostgreSQL', () => {
  it('delivers each event exactly once, in order per conversation', async () => {
    const fresh = await startApp({ env: { WEBHOOK_TIMEOUT_MS: '2000', WEBHOOK_POLL_MS: '20' } });
    const peer = await fresh.startPeer();
    const sink = await startReceiver();
    try {
      const crew = await integrationTeam(fresh, 'whp');
      const tool = await connect(fresh, crew, [crew.us], ['messages:read', 'webhooks:manage']);
      const endpoint = await registerEndpoint(tool.api, sink.url, ['message.received']);
      const users = ['whp.a', 'whp.b', 'whp.c', 'whp.d'];
      // messages written through both instances, several per conversation
      await Promise.all(
        users.map(async (user, u) => {
          for (let n = 1; n <= 6; n++) await startConversation((u % 2 ? peer : fresh).as(user), crew.usHandle, `${user} ${n}`);
        }),
      );
      const expected = users.length * 6;
      await eventually(async () => (await fresh.db.webhookDelivery.count({ where: { endpointId: localId(endpoint.id), status: 'SUCCEEDED' } })) === expected, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ids = sink.received.map((r) => r.headers['webhook-id']);
      expect(ids).toHaveLength(expected);
      expect(new Set(ids).size).toBe(expected);
      for (const user of users) {
        const texts = sink.received.map((r) => parsed(r).data.message.text as string).filter((text) => text.startsWith(`${user} `));
        expect(texts).toEqual([1, 2, 3, 4, 5, 6].map((n) => `${user} ${n}`));
      }
      const attempts = await fresh.db.webhookDelivery.aggregate({ where: { endpointId: localId(endpoint.id) }, _sum: { attempts: true } });
      expect(attempts._sum.attempts).toBe(expected);
    } finally {
      await sink.close();
      await fresh.close();
    }
  });
});

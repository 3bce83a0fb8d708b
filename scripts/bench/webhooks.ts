// Webhooks benchmark (npm run bench:webhooks):
//   1. what the outbox costs an inbound DM: bursts of businessMessageSend over HTTP with the
//      outbox switched off, on with no endpoint wanting the event (the one statement writes
//      nothing), and on with a subscribed endpoint (event + delivery written); CPU of this
//      process (app and client together) per DM, best of BENCH_ROUNDS rounds each;
//   2. deliveries per second: the worker sends every delivery queued by (1) to a local HTTP
//      receiver answering 204 (BENCH_USERS conversations, so ordering allows parallel sends).
// The worker does not poll during (1): only the write path is measured there.
//
//   npm run bench:webhooks
//   BENCH_DMS=1000 BENCH_USERS=200 BENCH_CONCURRENCY=8 BENCH_ROUNDS=3 npm run bench:webhooks
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:webhooks
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { outboxSwitch } from '../../src/modules/integrations/outbox.ts';
import { WebhookWorker, webhookWorker } from '../../src/modules/integrations/worker.ts';
import { throwawayPostgres } from './database.ts';
import { accepted, gql as request } from './http.ts';

const DMS = Number(process.env.BENCH_DMS ?? 1000);
const USERS = Number(process.env.BENCH_USERS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'livesuite-bench-'));
  const postgres = process.env.DATABASE_URL ? await throwawayPostgres(process.env.DATABASE_URL, 'livesuite_bench_webhooks') : null;
  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const config = loadConfig({
    NODE_ENV: 'development',
    SEED_DEMO: 'false',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    MEDIA_DIR: path.join(dir, 'media'),
    DATABASE_URL: postgres?.url,
    AUTH_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    LIVE_TICK_MS: '60000',
  });
  const app = await createApp(config, { pgliteDataDir: postgres ? undefined : 'memory://' });
  // the benchmark drives a worker of its own: the app's must not deliver during the bursts
  await webhookWorker(app.services).stop();
  const engine = app.database.pglite ? 'PGlite (in memory)' : 'PostgreSQL';
  const gql = <T = any>(token: string, query: string, variables?: Record<string, unknown>) => request<T>(app.url, token, query, variables);
  const token = (sub: string, handle: string) => app.services.auth.mint({ sub, handle, roles: [] });
  try {
    const owner = await token('bench|owner', 'bench_owner');
    const { organizationCreate } = await gql(owner, `mutation { organizationCreate(input: { name: "Bench" }) { organization { id } userErrors { code } } }`);
    const org = organizationCreate.organization.id;
    const { businessAccountCreate } = await gql(
      owner,
      `mutation ($o: ID!) { businessAccountCreate(organizationId: $o, input: { handle: "bench.hooks", displayName: "Bench", region: "US", category: "Retail" }) { account { id } userErrors { code } } }`,
      { o: org },
    );
    const accountId = accepted(businessAccountCreate, 'businessAccountCreate').account.id;
    const { integrationCreate } = await gql(owner, `mutation ($o: ID!) { integrationCreate(organizationId: $o, input: { name: "Bench tool" }) { integration { id } userErrors { code } } }`, { o: org });
    const { integrationAuthorize } = await gql(
      owner,
      `mutation ($id: ID!, $a: ID!) { integrationAuthorize(id: $id, input: { accountIds: [$a], scopes: [MESSAGES_READ, WEBHOOKS_MANAGE] }) { accessToken userErrors { code } } }`,
      { id: integrationCreate.integration.id, a: accountId },
    );
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const { webhookEndpointCreate } = await gql(
      accepted(integrationAuthorize, 'integrationAuthorize').accessToken,
      `mutation ($url: String!) { webhookEndpointCreate(input: { url: $url, eventTypes: [MESSAGE_RECEIVED] }) { endpoint { id } userErrors { code message } } }`,
      { url },
    );
    accepted(webhookEndpointCreate, 'webhookEndpointCreate');
    const users = await Promise.all(Array.from({ length: USERS }, (_, i) => token(`bench|u${i}`, `bench_u${i}`)));
    const dm = (i: number) =>
      gql(users[i % USERS], `mutation ($h: String!) { businessMessageSend(handle: $h, input: { kind: TEXT, text: "Hello, is this in stock?" }) { message { id } userErrors { code } } }`, { h: 'bench.hooks' });
    // every user's conversation exists (first contact costs more than the DMs measured)
    for (let i = 0; i < USERS; i++) await dm(i);

    const burst = async () => {
      let next = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < DMS) await dm(next++);
        }),
      );
      const used = process.cpuUsage(cpu);
      return { cpuMsPerDm: (used.user + used.system) / 1000 / DMS, perSecond: DMS / ((performance.now() - started) / 1000) };
    };
    const endpoints = app.services.db.webhookEndpoint;
    const variants: Record<string, () => Promise<void>> = {
      'outbox off': async () => {
        outboxSwitch.enabled = false;
      },
      'outbox on, no endpoint wants it': async () => {
        outboxSwitch.enabled = true;
        await endpoints.updateMany({ data: { disabledAt: new Date() } });
      },
      'outbox on, one endpoint subscribed': async () => {
        outboxSwitch.enabled = true;
        await endpoints.updateMany({ data: { disabledAt: null } });
      },
    };
    const best: Record<string, { cpuMsPerDm: number; perSecond: number }> = {};
    await burst(); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      // the order alternates by round, so no variant always runs right after the same one
      const order = round % 2 ? Object.entries(variants).reverse() : Object.entries(variants);
      for (const [name, set] of order) {
        await set();
        const result = await burst();
        if (!best[name] || result.cpuMsPerDm < best[name].cpuMsPerDm) best[name] = result;
      }
    }
    outboxSwitch.enabled = true;
    await endpoints.updateMany({ data: { disabledAt: null } });
    console.log(`engine: ${engine}; ${DMS} DMs per burst from ${USERS} users, ${CONCURRENCY} at once, best of ${ROUNDS}`);
    const base = best['outbox off'].cpuMsPerDm;
    for (const [name, result] of Object.entries(best)) {
      const extra = ((result.cpuMsPerDm / base - 1) * 100).toFixed(1);
      console.log(`  ${name.padEnd(36)} ${result.cpuMsPerDm.toFixed(3)} ms CPU per DM (${extra} % vs off), ${result.perSecond.toFixed(0)} DMs/s`);
    }

    const pending = await app.services.db.webhookDelivery.count({ where: { status: 'PENDING' } });
    received = 0;
    const started = performance.now();
    const worker = new WebhookWorker(app.services);
    while ((await app.services.db.webhookDelivery.count({ where: { status: 'PENDING' } })) > 0) await worker.poll();
    const seconds = (performance.now() - started) / 1000;
    console.log(`deliveries: ${pending} over ${USERS} conversations in ${seconds.toFixed(2)} s = ${(pending / seconds).toFixed(0)} deliveries/s (receiver saw ${received})`);
  } finally {
    await app.close();
    receiver.close();
    await postgres?.drop();
    await rm(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

void main();

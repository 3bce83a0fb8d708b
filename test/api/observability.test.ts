// What an operator sees: one JSON log line per operation (request id, operation, caller kind,
// duration, outcome, error codes; never a token or a message text), Prometheus metrics at
// /metrics from one registry per app, /health and /ready, and OpenTelemetry spans when
// OTEL_TRACING is on.
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, onRedis, startApp, type TestApp } from '../support/app.ts';
import { subscribe } from '../support/client.ts';
import { cuttableProxy } from '../support/faults.ts';
import { dmTeam, MESSAGE_SEND, type DmTeam } from '../support/messaging.ts';

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  operationId?: string;
  transport?: string;
  operation?: { name: string; type: string };
  caller?: string;
  durationMs?: number;
  outcome?: string;
  errorCodes?: string[];
  status?: number;
}

const INBOX_EVENTS = /* GraphQL */ `subscription InboxWatch($accountId: ID!) { inboxEvents(accountId: $accountId) { type message { text } } }`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let t: TestApp;
let team: DmTeam;
const raw: string[] = [];
const lines = () => raw.map((line) => JSON.parse(line) as LogLine);
const operationLines = () => lines().filter((line) => line.msg === 'operation');

beforeAll(async () => {
  t = await startApp({ logger: pino({ level: 'info' }, { write: (line: string) => void raw.push(line) }) });
  team = await dmTeam(t, 'obs');
});
afterAll(() => t?.close());

async function post(body: object, headers: Record<string, string> = {}) {
  const response = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { response, body: await response.json() };
}

async function scrape(app: TestApp = t): Promise<string> {
  const response = await fetch(new URL('/metrics', app.url));
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one sample line of the exposition, e.g. `livesuite_websockets_open`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('operation log', () => {
  it('writes one line per operation with the caller’s request id, returned in x-request-id', async () => {
    const token = await t.token('obs_owner');
    const { response } = await post({ query: 'query WhoAmI { viewer { handle } }' }, { authorization: `Bearer ${token}`, 'x-request-id': 'req-from-proxy-1' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-from-proxy-1');
    const line = operationLines().find((l) => l.requestId === 'req-from-proxy-1')!;
    expect(line).toMatchObject({ level: 30, transport: 'http', operation: { name: 'WhoAmI', type: 'query' }, caller: 'user', outcome: 'ok', status: 200 });
    expect(line.durationMs).toEqual(expect.any(Number));
    expect(line.errorCodes).toBeUndefined();
    expect(operationLines().filter((l) => l.requestId === 'req-from-proxy-1')).toHaveLength(1);
  });

  it('generates a request id when none (or an unusable one) is sent, and names anonymous and integration callers', async () => {
    const anonymous = await post({ query: '{ businessPage(handle: "nobody.here") { handle } }' });
    const generated = anonymous.response.headers.get('x-request-id')!;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(operationLines().find((l) => l.requestId === generated)).toMatchObject({ caller: 'anonymous', operation: { name: 'anonymous', type: 'query' }, outcome: 'ok' });

    const injected = await post({ query: '{ __typename }' }, { 'x-request-id': 'two words\tand a tab' });
    expect(injected.response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const integration = await post({ query: 'query Tool { viewer { handle } }' }, { authorization: 'Bearer lsa_not-a-real-token', 'x-request-id': 'req-integration' });
    expect(integration.response.status).toBe(401);
    expect(operationLines().find((l) => l.requestId === 'req-integration')).toMatchObject({ caller: 'integration', outcome: 'error', errorCodes: ['UNAUTHENTICATED'], status: 401 });
  });

  it('records the error codes of refused operations', async () => {
    const outsider = await t.token('obs_outsider');
    await post({ query: 'mutation Rename($id: ID!) { businessAccountUpdate(id: $id, input: { displayName: "Nope" }) { userErrors { code } } }', variables: { id: team.shop } }, { authorization: `Bearer ${outsider}`, 'x-request-id': 'req-forbidden' });
    expect(operationLines().find((l) => l.requestId === 'req-forbidden')).toMatchObject({ operation: { name: 'Rename', type: 'mutation' }, outcome: 'error', errorCodes: ['FORBIDDEN'] });
    await post({ query: '{ nosuchfield }' }, { 'x-request-id': 'req-invalid' });
    expect(operationLines().find((l) => l.requestId === 'req-invalid')).toMatchObject({ outcome: 'error', errorCodes: ['GRAPHQL_VALIDATION_FAILED'] });
  });

  it('never writes a token or a message text', async () => {
    const token = await t.token('obs_writer');
    const secret = 'My card number is 4111-1111-1111-1111 do not log';
    const { body } = await post({ query: MESSAGE_SEND, variables: { handle: team.shopHandle, input: { kind: 'TEXT', text: secret } } }, { authorization: `Bearer ${token}`, 'x-request-id': 'req-dm' });
    expect(body.data.businessMessageSend.userErrors).toEqual([]);
    // over a WebSocket too: the token in connectionParams, the text in the variables
    const ws = t.as('obs_writer').ws();
    const sent = subscribe(ws, MESSAGE_SEND, { handle: team.shopHandle, input: { kind: 'TEXT', text: `${secret} (socket)` } });
    expect((await sent.next()).errors).toBeUndefined();
    await ws.dispose();
    await sleep(100);
    expect(operationLines().find((l) => l.requestId === 'req-dm')).toMatchObject({ caller: 'user', operation: { type: 'mutation' }, outcome: 'ok' });
    expect(operationLines().some((l) => l.transport === 'ws' && l.operation?.type === 'mutation')).toBe(true);
    const everything = raw.join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.split('.')[2]); // not even the signature
    expect(everything).not.toContain('4111-1111');
    expect(everything).not.toContain('do not log');
  });

  it('logs WebSocket operations with the connection’s request id, returned on the upgrade', async () => {
    const socket = new WebSocket(t.url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers: { 'x-request-id': 'req-socket' } });
    const upgrade = new Promise<string | undefined>((resolve) => socket.once('upgrade', (response) => resolve(response.headers['x-request-id'] as string)));
    expect(await upgrade).toBe('req-socket');
    socket.close();
    const client = t.as('obs_owner').ws();
    const events = subscribe(client, INBOX_EVENTS, { accountId: team.shop });
    await sleep(300);
    await t.as('obs_viewer').request(MESSAGE_SEND, { handle: team.shopHandle, input: { kind: 'TEXT', text: 'Seen through the socket' } });
    expect((await events.next()).errors).toBeUndefined();
    events.dispose();
    await sleep(200);
    const line = operationLines().find((l) => l.operation?.name === 'InboxWatch')!;
    expect(line).toMatchObject({ transport: 'ws', caller: 'user', operation: { type: 'subscription' }, outcome: 'ok' });
    expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);
    await client.dispose();
  });
});

describe('metrics', () => {
  it('counts operations by name and outcome, with latency histograms, in a registry of this app only', async () => {
    const token = await t.token('obs_owner');
    for (let i = 0; i < 3; i++) await post({ query: 'query Counted { viewer { handle } }' }, { authorization: `Bearer ${token}` });
    await post({ query: 'query Refused { viewer { handle } }' }, { authorization: 'Bearer nonsense' });
    const text = await scrape();
    expect(sample(text, 'livesuite_operations_total{operation="Counted",type="query",outcome="ok"}')).toBe(3);
    expect(sample(text, 'livesuite_operations_total{operation="Refused",type="query",outcome="UNAUTHENTICATED"}')).toBe(1);
    expect(sample(text, 'livesuite_operation_duration_seconds_count{operation="Counted",type="query",outcome="ok"}')).toBe(3);
    // the yoga plugin's series share the registry
    expect(text).toContain('graphql_envelop_request_duration_bucket');
    expect(text).toContain('graphql_yoga_http_duration_bucket');
    for (const series of ['livesuite_admission_queue_length', 'livesuite_webhook_backlog', 'livesuite_websockets_open', 'livesuite_subscriptions_active']) expect(sample(text, series), series).toBe(0);
    expect(text).toContain('livesuite_admission_refusals_total');
    expect(text).toContain('livesuite_webhook_failures_total');
    if (onPostgres) expect(sample(text, 'livesuite_db_pool_connections{state="max"}')).toBe(10);

    // a second app in the same process counts its own operations
    const other = await startApp();
    try {
      expect(sample(await scrape(other), 'livesuite_operations_total{operation="Counted",type="query",outcome="ok"}')).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('shows open WebSockets, active subscriptions and the pub/sub lag', async () => {
    const before = await scrape();
    const lagBefore = sample(before, 'livesuite_pubsub_lag_seconds_count') ?? 0;
    const client = t.as('obs_owner').ws();
    const events = subscribe(client, INBOX_EVENTS, { accountId: team.shop });
    await sleep(300);
    let text = await scrape();
    expect(sample(text, 'livesuite_websockets_open')).toBe(1);
    expect(sample(text, 'livesuite_subscriptions_active')).toBe(1);
    await t.as('obs_viewer2').request(MESSAGE_SEND, { handle: team.shopHandle, input: { kind: 'TEXT', text: 'Lag probe' } });
    expect((await events.next()).errors).toBeUndefined();
    text = await scrape();
    expect(sample(text, 'livesuite_pubsub_lag_seconds_count')).toBeGreaterThan(lagBefore);
    events.dispose();
    await client.dispose();
    await expect.poll(async () => sample(await scrape(), 'livesuite_subscriptions_active')).toBe(0);
    await expect.poll(async () => sample(await scrape(), 'livesuite_websockets_open')).toBe(0);
  });

  it('is off with METRICS=false', async () => {
    const quiet = await startApp({ env: { METRICS: 'false' } });
    try {
      expect((await fetch(new URL('/metrics', quiet.url))).status).toBe(404);
    } finally {
      await quiet.close();
    }
  });
});

describe('health and readiness', () => {
  it('/health says alive; /ready checks the database (and Redis when configured)', async () => {
    const health = await fetch(new URL('/health', t.url));
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(new URL('/ready', t.url));
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', checks: onRedis ? { database: 'ok', redis: 'ok' } : { database: 'ok' } }]);
  });

  it('/ready answers 503 once the database is gone and while shutting down', async () => {
    const doomed = await startApp();
    try {
      const closing = doomed.app.close();
      const during = await fetch(new URL('/ready', doomed.url)).catch(() => null);
      // the server may already refuse connections: either way, no traffic is sent to it
      if (during) expect(during.status).toBe(503);
      await closing;
    } finally {
      await doomed.close();
    }
  });

  it.runIf(onPostgres)('/ready answers 503 while PostgreSQL is unreachable, and 200 again when it is back', { timeout: 30_000 }, async () => {
    const proxy = await cuttableProxy(t.app.services.config.databaseUrl!);
    const peer = await t.startPeer({ env: { DATABASE_URL: proxy.url } });
    try {
      expect((await fetch(new URL('/ready', peer.url))).status).toBe(200);
      await proxy.cut();
      const away = await fetch(new URL('/ready', peer.url));
      expect([away.status, await away.json()]).toEqual([503, { status: 'unavailable', checks: expect.objectContaining({ database: 'unavailable' }) }]);
      expect((await fetch(new URL('/health', peer.url))).status).toBe(200);
      await proxy.restore();
      await expect.poll(async () => (await fetch(new URL('/ready', peer.url))).status, { timeout: 10_000 }).toBe(200);
    } finally {
      await peer.close();
      await proxy.close();
    }
  });

  it.runIf(onPostgres && onRedis)('/ready answers 503 while Redis is unreachable', { timeout: 30_000 }, async () => {
    const proxy = await cuttableProxy(process.env.REDIS_URL!);
    const peer = await t.startPeer({ env: { REDIS_URL: proxy.url } });
    try {
      await proxy.cut();
      await expect.poll(async () => (await fetch(new URL('/ready', peer.url))).status).toBe(503);
      expect((await (await fetch(new URL('/ready', peer.url))).json()).checks).toEqual({ database: 'ok', redis: 'unavailable' });
      await proxy.restore();
      await expect.poll(async () => (await fetch(new URL('/ready', peer.url))).status, { timeout: 10_000 }).toBe(200);
    } finally {
      await peer.close();
      await proxy.close();
    }
  });
});

describe('tracing', () => {
  it('produces spans only with OTEL_TRACING=true, without variables or documents', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const off = await startApp({ tracerProvider: provider });
    try {
      await off.as('obs.trace').request('query Untraced { viewer { handle } }');
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      await off.close();
    }
    const on = await startApp({ env: { OTEL_TRACING: 'true' }, tracerProvider: provider });
    try {
      await on.as('obs.trace').request('query Traced($h: String!) { businessPage(handle: $h) { handle } }', { h: 'secret-handle-variable' });
      const spans = exporter.getFinishedSpans();
      expect(spans.map((span) => span.name)).toContain('query.Traced');
      expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain('secret-handle-variable');
    } finally {
      await on.close();
      await provider.shutdown();
    }
  });
});

// Limits per caller through the real API: the cost budget (extensions.cost on every answer,
// HTTP 429 + Retry-After or RATE_LIMITED over WebSocket once exhausted, nothing run, shared
// across instances through Redis), concurrent operations per caller, WebSocket connections per
// caller and subscriptions per connection.
import { afterEach, describe, expect, it } from 'vitest';
import { NotificationAddedDocument, OrganizationCreateDocument } from '../generated/graphql.ts';
import { onPostgres, onRedis, startApp, type TestApp } from '../support/app.ts';
import { subscribe } from '../support/client.ts';
import { print } from 'graphql';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const VIEWER = '{ viewer { handle } }';
const CREATE = print(OrganizationCreateDocument);

interface Answer {
  status: number;
  retryAfter: string | null;
  data?: any;
  errors?: { message: string; extensions?: Record<string, any> }[];
  extensions?: { cost?: { requestedQueryCost: number; throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } } };
}

/** a POST /graphql as a frontend sends it, with the response's status and Retry-After */
async function post(app: TestApp, handle: string | null, query: string, variables?: Record<string, unknown>, url = app.url): Promise<Answer> {
  const token = handle ? await app.token(handle) : null;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), ...(await response.json()) };
}

const organizationsOf = (app: TestApp, handle: string) => app.db.membership.count({ where: { user: { handle }, role: 'OWNER' } });
const createOrganization = (app: TestApp, handle: string, i: number, url?: string) => post(app, handle, CREATE, { input: { name: `Org ${i}` } }, url);

/** mutations until the bucket refuses one; returns the successes and the refusal */
async function drain(app: TestApp, handle: string, url?: string) {
  const accepted: Answer[] = [];
  for (let i = 0; i < 200; i++) {
    const answer = await createOrganization(app, handle, i, url);
    if (answer.errors) return { accepted, refused: answer };
    accepted.push(answer);
  }
  throw new Error('the budget never ran out');
}

describe('cost budget', () => {
  it('reports the operation cost and the caller’s remaining budget in extensions.cost', async () => {
    t = await startApp({ env: { COST_BUDGET: '1000', COST_RESTORE_RATE: '1' } });
    const first = await post(t, 'cost.a', VIEWER);
    expect(first.data).toEqual({ viewer: { handle: 'cost.a' } });
    const cost = first.extensions!.cost!;
    // armor's estimate: an object field costs 2 plus 1.5× its scalar child (1) → 3.5, rounded up
    expect(cost).toEqual({ requestedQueryCost: 4, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 996, restoreRate: 1 } });
    const second = await post(t, 'cost.a', VIEWER);
    expect(second.extensions!.cost!.throttleStatus.currentlyAvailable).toBeLessThan(996);
    // a page size in a variable is priced like the same literal
    const paged = `query($n: Int) { myConversations(first: $n) { edges { node { id } } } }`;
    const literal = await post(t, 'cost.b', `{ myConversations(first: 50) { edges { node { id } } } }`);
    const variable = await post(t, 'cost.c', paged, { n: 50 });
    expect(variable.extensions!.cost!.requestedQueryCost).toBe(literal.extensions!.cost!.requestedQueryCost);
    expect((await post(t, 'cost.c', paged, { n: 1 })).extensions!.cost!.requestedQueryCost).toBeLessThan(literal.extensions!.cost!.requestedQueryCost / 10);
  });

  it('refuses with HTTP 429, Retry-After and RATE_LIMITED once exhausted, runs nothing, and refills over time', async () => {
    t = await startApp({ env: { COST_BUDGET: '60', COST_RESTORE_RATE: '5' } });
    const { accepted, refused } = await drain(t, 'rl.a');
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('Cost budget exhausted'), extensions: { code: 'RATE_LIMITED', retryable: true, retryAfterMs: expect.any(Number) } })]);
    expect(refused.data ?? null).toBeNull();
    expect(refused.extensions!.cost!.throttleStatus.currentlyAvailable).toBeLessThan(refused.extensions!.cost!.requestedQueryCost);
    // only the accepted mutations are stored
    expect(await organizationsOf(t, 'rl.a')).toBe(accepted.length);
    // another caller has a budget of its own
    expect((await createOrganization(t, 'rl.b', 0)).errors).toBeUndefined();
    expect(await organizationsOf(t, 'rl.b')).toBe(1);
    // after Retry-After the bucket holds enough again
    await new Promise((resolve) => setTimeout(resolve, Number(refused.retryAfter) * 1000));
    const again = await createOrganization(t, 'rl.a', 999);
    expect(again.errors).toBeUndefined();
    expect(await organizationsOf(t, 'rl.a')).toBe(accepted.length + 1);
  });

  it('counts anonymous callers by address', async () => {
    t = await startApp({ env: { COST_BUDGET: '40', COST_RESTORE_RATE: '0.01' } });
    const page = `{ businessPage(handle: "nobody.here") { displayName } }`;
    const answers: Answer[] = [];
    for (let i = 0; i < 30 && !answers.at(-1)?.errors; i++) answers.push(await post(t, null, page));
    const refused = answers.at(-1)!;
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(answers[0]).toMatchObject({ status: 200, data: { businessPage: null }, extensions: { cost: { throttleStatus: { maximumAvailable: 40 } } } });
    // a signed-in caller from the same address is not held back
    expect((await post(t, 'anon.user', VIEWER)).status).toBe(200);
  });

  it('refuses an operation that costs more than a whole budget, without Retry-After', async () => {
    t = await startApp({ env: { COST_BUDGET: '50' } });
    const big = `{ myConversations(first: 100) { edges { node { id } } } }`;
    const answer = await post(t, 'big.a', big);
    expect(answer.status).toBe(400);
    expect(answer.retryAfter).toBeNull();
    expect(answer.errors?.[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX' });
    // nothing was drawn from the bucket
    expect((await post(t, 'big.a', VIEWER)).extensions!.cost!.throttleStatus.currentlyAvailable).toBe(46);
  });

  it('refuses WebSocket queries and subscriptions with RATE_LIMITED once exhausted', async () => {
    t = await startApp({ env: { COST_BUDGET: '60', COST_RESTORE_RATE: '0.01' } });
    const client = t.as('ws.rl').ws();
    try {
      const first = await subscribe(client, VIEWER).next();
      expect(first).toMatchObject({ data: { viewer: { handle: 'ws.rl' } }, extensions: { cost: { throttleStatus: { maximumAvailable: 60 } } } });
      await drain(t, 'ws.rl');
      // then small queries until not even one fits
      while (!(await post(t, 'ws.rl', VIEWER)).errors);
      const refusedQuery = await subscribe(client, VIEWER).next();
      expect(refusedQuery.data ?? null).toBeNull();
      expect(refusedQuery.errors).toEqual([expect.objectContaining({ extensions: { code: 'RATE_LIMITED', retryable: true, retryAfterMs: expect.any(Number) } })]);
      const refusedSubscription = await subscribe(client, NotificationAddedDocument, {}).next();
      expect(refusedSubscription.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    } finally {
      await client.dispose();
    }
  });

  // several instances need PostgreSQL; one bucket for them needs Redis
  it.runIf(onPostgres && onRedis)('is one bucket for every instance when Redis is configured', async () => {
    t = await startApp({ env: { COST_BUDGET: '60', COST_RESTORE_RATE: '0.01' } });
    const peer = await t.startPeer();
    const { accepted, refused } = await drain(t, 'shared.a');
    expect(refused.status).toBe(429);
    // the other instance refuses the same caller at once, and stores nothing for it
    const elsewhere = await createOrganization(t, 'shared.a', 500, peer.url);
    expect(elsewhere.status).toBe(429);
    expect(elsewhere.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(await organizationsOf(t, 'shared.a')).toBe(accepted.length);
    // and both instances report the same bucket
    const a = (await post(t, 'shared.b', VIEWER)).extensions!.cost!.throttleStatus.currentlyAvailable;
    const b = (await post(t, 'shared.b', VIEWER, undefined, peer.url)).extensions!.cost!.throttleStatus.currentlyAvailable;
    // (a fraction of a point restored in between may round up)
    expect(b - (a - 4)).toBeGreaterThanOrEqual(0);
    expect(b - (a - 4)).toBeLessThanOrEqual(1);
  });

  it('can be turned off', async () => {
    t = await startApp({ env: { COST_LIMIT: 'false', COST_BUDGET: '1' } });
    const answer = await post(t, 'off.a', VIEWER);
    expect(answer).toEqual({ status: 200, retryAfter: null, data: { viewer: { handle: 'off.a' } } });
  });
});

describe('caps per caller', () => {
  // on the embedded PGlite a transaction runs to its end without yielding to other requests, so
  // one caller's operations never overlap there: the refusal can only be provoked on PostgreSQL
  it.runIf(onPostgres)('refuses a caller’s operations beyond its concurrency cap with 429 TOO_MANY_CONCURRENT_OPERATIONS, others unaffected', async () => {
    t = await startApp({ env: { MAX_CONCURRENT_OPERATIONS_PER_CALLER: '1', CONCURRENT_OPERATIONS_QUEUE_MS: '0' } });
    const app = t;
    await Promise.all([post(app, 'busy.a', VIEWER), post(app, 'calm.b', VIEWER)]);
    const [burst, other] = await Promise.all([Promise.all(Array.from({ length: 12 }, (_, i) => createOrganization(app, 'busy.a', i))), createOrganization(app, 'calm.b', 0)]);
    const refused = burst.filter((a) => a.errors);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(answer.retryAfter).toBe('1');
      expect(answer.errors).toEqual([expect.objectContaining({ extensions: { code: 'TOO_MANY_CONCURRENT_OPERATIONS', retryable: true, retryAfterMs: 1000 } })]);
    }
    expect(await organizationsOf(app, 'busy.a')).toBe(burst.length - refused.length);
    expect(other.errors).toBeUndefined();
  });

  it('lets a caller’s operations wait in line for a slot', async () => {
    t = await startApp({ env: { MAX_CONCURRENT_OPERATIONS_PER_CALLER: '1', CONCURRENT_OPERATIONS_QUEUE_MS: '20000' } });
    const app = t;
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => createOrganization(app, 'patient.a', i)));
    expect(burst.map((a) => a.errors ?? null)).toEqual(Array(8).fill(null));
    expect(await organizationsOf(app, 'patient.a')).toBe(8);
  });

  it('closes a caller’s WebSocket connections beyond its cap (1008 TOO_MANY_CONNECTIONS); others and freed slots connect', async () => {
    t = await startApp({ env: { MAX_WS_CONNECTIONS_PER_CALLER: '2' } });
    const clients = [t.as('sock.a').ws(), t.as('sock.a').ws(), t.as('sock.a').ws(), t.as('sock.b').ws()];
    try {
      // a lazy client keeps its socket open while a subscription runs
      for (const client of clients.slice(0, 2)) {
        const opened = new Promise((resolve) => client.on('connected', resolve));
        subscribe(client, NotificationAddedDocument, {});
        await opened;
      }
      const closed = new Promise<{ code: number; reason: string }>((resolve) => clients[2].on('closed', (event) => resolve(event as { code: number; reason: string })));
      const third = await subscribe(clients[2], VIEWER).next();
      expect(third.data).toBeUndefined();
      expect(await closed).toMatchObject({ code: 1008, reason: 'TOO_MANY_CONNECTIONS' });
      expect((await subscribe(clients[3], VIEWER).next()).data).toEqual({ viewer: { handle: 'sock.b' } });
      // a closed connection frees its slot
      await clients[0].dispose();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const again = t.as('sock.a').ws();
      clients.push(again);
      expect((await subscribe(again, VIEWER).next()).data).toEqual({ viewer: { handle: 'sock.a' } });
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });

  it('refuses subscriptions beyond the per-connection cap with TOO_MANY_SUBSCRIPTIONS; the open ones keep running', async () => {
    t = await startApp({ env: { MAX_SUBSCRIPTIONS_PER_CONNECTION: '2' } });
    const client = t.as('subs.a').ws();
    try {
      const open = [subscribe(client, NotificationAddedDocument, {}), subscribe(client, NotificationAddedDocument, {})];
      const third = await subscribe(client, NotificationAddedDocument, {}).next();
      expect(third.errors).toEqual([expect.objectContaining({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })]);
      for (const stream of open) expect(await stream.quiet(100)).toBe(true);
      expect(open.every((stream) => !stream.completed && !stream.failure)).toBe(true);
      // completing one frees its place
      open[0].dispose();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const replacement = subscribe(client, NotificationAddedDocument, {});
      expect(await replacement.quiet(300)).toBe(true);
      expect(replacement.failure).toBeUndefined();
    } finally {
      await client.dispose();
    }
  });

  it('rejects impossible settings at start-up, naming the variable', async () => {
    const { loadConfig } = await import('../../src/config.ts');
    expect(() => loadConfig({ COST_BUDGET: '0' })).toThrow(/COST_BUDGET/);
    expect(() => loadConfig({ COST_RESTORE_RATE: 'fast' })).toThrow(/COST_RESTORE_RATE/);
    expect(() => loadConfig({ MAX_WS_CONNECTIONS_PER_CALLER: '0' })).toThrow(/MAX_WS_CONNECTIONS_PER_CALLER/);
    expect(() => loadConfig({ MAX_CONCURRENT_OPERATIONS_PER_CALLER: '-1' })).toThrow(/MAX_CONCURRENT_OPERATIONS_PER_CALLER/);
  });
});

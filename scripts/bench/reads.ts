// HTTP read pages against a hello-world graphql-yoga server, in the same run (npm run bench:reads).
// Three processes, each started as `npm start` starts the app (app-process.ts): the app with
// npm start's node flags, the same app with plain `node` (no flags), and a hello-world yoga
// server with npm start's flags (hello-yoga.mjs). This process is only the load generator.
// Rounds alternate between the targets so that the machine's noise hits them alike; each
// figure is the median over the rounds. CPU per request is read from /proc/<pid>/stat of the
// server process; SQL statements per request are counted inside the app (app-probe.mjs).
//   - `{ hello }` on hello-world yoga: the baseline;
//   - `{ viewer { handle } }` authenticated (HTTP, JWT, GraphQL; no database);
//   - public `businessPage(handle)` (anonymous), info and a 6-photo gallery with its cover;
//   - `inbox(first: 20)` for an agent (contact, last message, state, unread, replies left).
// The inbox page has three floors beside it, each its own process running the app's own statement
// (recorded from the app): the bare stack (`bare-inbox.mjs`: node:http, jose, pg, JSON) and the
// chosen stack without the app (`yoga-inbox.mjs`: graphql-yoga and graphql-js, then the same with
// graphql-jit). What the app adds to yoga is the gap between it and the latter.
// The app runs as in production, with its operation log (LOG_LEVEL=info, stdout drained through
// a pipe) and Prometheus metrics on; a fourth process, the same app with both off
// (LOG_LEVEL=warn, METRICS=false), measures what they cost per read (target ≤ 5 % CPU).
// PostgreSQL only (DATABASE_URL; a throwaway database next to it, dropped at the end).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:reads
//   BENCH_ROUNDS=5 BENCH_REQUESTS=400 BENCH_CLIENTS=8 …
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { createAuth } from '../../src/platform/auth.ts';
import { createMetrics } from '../../src/platform/metrics.ts';
import { pino } from 'pino';
import { buildApp, productionCommand, startAppProcess, type AppProcess } from './app-process.ts';
import { throwawayPostgres } from './database.ts';
import { accepted, gql } from './http.ts';
import { cpuSeconds, fullSize, report, sized, type BenchFigure } from './report.ts';

const ROUNDS = sized('BENCH_ROUNDS', 3, 7);
// rounds of a few hundred requests measure per-round costs more than requests (hello-world
// yoga: ~1 ms of CPU per request in rounds of 300 against ~0.3 ms in rounds of 2,000)
const REQUESTS = sized('BENCH_REQUESTS', 1000, 2000);
/** requests per target in the uncounted first round: V8 optimises hello-world yoga only after a
 * few thousand requests (its CPU per request falls from ~1 ms at 300 to ~0.3 ms at 3,000), so a
 * warm-up of quick size would compare a cold baseline with the app */
const WARMUP = sized('BENCH_WARMUP', 1500, 3000);
const CLIENTS = sized('BENCH_CLIENTS', 8, 16);
const CONVERSATIONS = 30;
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const here = path.dirname(fileURLToPath(import.meta.url));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** `total` POSTs (or GETs) from `clients` keep-alive connections; requests per second and the server's CPU per request. */
async function load(server: { url: string; pid: number }, body: string, headers: Record<string, string>, method = 'POST', total = REQUESTS) {
  const url = new URL(server.url);
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const path = method === 'GET' ? `${url.pathname}?${body}` : url.pathname;
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path, method, agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end(method === 'GET' ? undefined : body);
    });
  if ((await once()) >= 400) throw new Error(`${server.url} refused ${body}`);
  let next = 0;
  let refused = 0;
  const cpu = cpuSeconds(server.pid);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next++ < total) if ((await once()) >= 400) refused += 1;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (refused > 0) throw new Error(`${server.url} refused ${refused} of ${total} requests: the figures would measure refusals`);
  const used = cpuSeconds(server.pid) - cpu;
  agent.destroy();
  return { perSecond: total / seconds, cpuMs: (used * 1000) / total };
}

const PAGE = `query ($h: String!) { businessPage(handle: $h) { handle displayName info { companyName website phone address category } gallery { title cover { url contentType size } photos { url contentType size } } } }`;
const INBOX = `query ($a: ID!) { inbox(accountId: $a, first: 20) { edges { node { id contact { handle } lastMessage { text createdAt } state unread repliesLeft } } pageInfo { hasNextPage endCursor } } }`;

/** An organization, an account with a visible page (info and 6 photos), an agent, and conversations. */
async function seed(url: string, databaseUrl: string, token: (handle: string) => Promise<string>) {
  const owner = await token('bench_owner');
  const agent = await token('bench_agent');
  await gql(url, agent, '{ viewer { handle } }'); // the agent has signed in once
  const org = accepted(
    (await gql(url, owner, `mutation { organizationCreate(input: { name: "Bench" }) { organization { id } userErrors { code } } }`)).organizationCreate,
    'organizationCreate',
  );
  const account = accepted(
    (
      await gql(
        url,
        owner,
        `mutation ($o: ID!) { businessAccountCreate(organizationId: $o, input: { handle: "bench.shop", displayName: "Bench Shop", region: "FR", category: "Retail" }) { account { id } userErrors { code } } }`,
        { o: org.organization.id },
      )
    ).businessAccountCreate,
    'businessAccountCreate',
  );
  const accountId: string = account.account.id;
  accepted(
    (
      await gql(url, owner, `mutation ($o: ID!) { memberAdd(organizationId: $o, input: { handle: "bench_agent", role: AGENT }) { userErrors { code } } }`, {
        o: org.organization.id,
      })
    ).memberAdd,
    'memberAdd',
  );
  accepted(
    (
      await gql(
        url,
        owner,
        `mutation ($a: ID!) { businessInfoUpdate(accountId: $a, input: { companyName: "Bench SARL", website: "https://bench.example.com", phone: "+33 1 23 45 67 89", address: "1 rue de la Paix, Paris", category: "Bakery" }) { userErrors { code } } }`,
        { a: accountId },
      )
    ).businessInfoUpdate,
    'businessInfoUpdate',
  );
  // photos straight into the tables (an upload is not what is measured)
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query(`SELECT id FROM "BusinessAccount" WHERE handle = 'bench.shop'`);
  for (let i = 1; i <= 6; i++) {
    const key = createHash('sha256').update(`photo ${i}`).digest('hex');
    await client.query(`INSERT INTO "MediaObject" (key, "contentType", size) VALUES ($1, 'image/jpeg', $2)`, [key, 1000 * i]);
    await client.query(`INSERT INTO "GalleryPhoto" (id, "accountId", "mediaKey", position) VALUES (gen_random_uuid(), $1, $2, $3)`, [rows[0].id, key, i]);
  }
  for (let i = 0; i < CONVERSATIONS; i++) {
    const user = await token(`bench_user${i}`);
    accepted(
      (
        await gql(
          url,
          user,
          `mutation { businessMessageSend(handle: "bench.shop", input: { kind: TEXT, text: "Hello, is it open today? (${i})" }) { userErrors { code } } }`,
        )
      ).businessMessageSend,
      'businessMessageSend',
    );
  }
  // the inbox excludes message requests: make them all inbox conversations
  await client.query(`UPDATE "Conversation" SET state = 'OPEN' WHERE state = 'REQUEST'`);
  await client.end();
  return { accountId, agent };
}

/**
 * CPU of what the operation log and metrics add per operation, alone in this process (the
 * on/off comparison across processes is within the machine's noise): one JSON line written to
 * /dev/null and the counter and histogram samples, as operation-log.ts does them.
 */
function isolatedObservabilityCostMs(iterations = 50_000): number {
  const logger = pino({ level: 'info', base: undefined }, pino.destination({ dest: '/dev/null', sync: true }));
  const metrics = createMetrics();
  const labels = { operation: 'Inbox', type: 'query', outcome: 'ok' };
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      metrics.operations.inc(labels);
      metrics.operationSeconds.observe(labels, 0.004);
      logger.info({ requestId: '0b0f1c9e-8f7a-4a53-9d1e-3f2b8c7d6e5a', transport: 'http', operation: { name: 'Inbox', type: 'query' }, caller: 'user', durationMs: 4.21, outcome: 'ok', status: 200 }, 'operation');
    }
  };
  run(5000); // warm
  const before = process.cpuUsage();
  run(iterations);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / iterations;
}

async function main() {
  if (!process.env.DATABASE_URL) throw new Error('bench:reads runs on PostgreSQL: set DATABASE_URL');
  const database = await throwawayPostgres(process.env.DATABASE_URL, 'livesuite_bench_reads');
  // the per-caller cost budget would refuse most of one agent's inbox pages (429): this measures reads, not limits
  const env = { NODE_ENV: 'production', DATA_DIR: os.tmpdir(), DATABASE_URL: database.url, AUTH_SECRET: SECRET, LOG_LEVEL: 'info', METRICS: 'true', COST_LIMIT: 'false', MAX_CONCURRENT_OPERATIONS_PER_CALLER: '1000' };
  const unobserved = { ...env, LOG_LEVEL: 'warn', METRICS: 'false' };
  const servers: AppProcess[] = [];
  try {
    buildApp();
    const startFlags = productionCommand().flags;
    // BENCH_APP_FLAGS: more node flags for the app (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof)
    const app = await startAppProcess(env, (process.env.BENCH_APP_FLAGS ?? '').split(' ').filter(Boolean), { drainStdout: true });
    servers.push(app);
    const plain = await startAppProcess(env, [], { flags: [], drainStdout: true });
    servers.push(plain);
    const bare = await startAppProcess(unobserved, [], { drainStdout: true });
    servers.push(bare);
    const hello = await startAppProcess({ NODE_ENV: 'production' }, [], { entry: path.join(here, 'hello-yoga.mjs') });
    servers.push(hello);
    const auth = await createAuth(loadConfig({ ...env, DATA_DIR: os.tmpdir() }), null as never);
    const token = (handle: string) => auth.mint({ sub: `bench|${handle}`, handle });
    const { accountId, agent } = await seed(app.url, database.url, token);

    const bodies = {
      hello: JSON.stringify({ query: '{ hello }' }),
      viewer: JSON.stringify({ query: '{ viewer { handle } }' }),
      page: JSON.stringify({ query: PAGE, variables: { h: 'bench.shop' } }),
      inbox: JSON.stringify({ query: INBOX, variables: { a: accountId } }),
    };
    const bearer = { authorization: `Bearer ${agent}` };
    // statements per request, counted in the app
    const statementsOf = async (body: string, headers: Record<string, string>) => {
      await load({ url: app.url, pid: app.pid }, body, headers).catch(() => undefined); // warm
      const before = await app.statements();
      await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      return (await app.statements()) - before;
    };
    const statements = { page: await statementsOf(bodies.page, {}), inbox: await statementsOf(bodies.inbox, bearer) };
    // the floor of the inbox page: the bare stack runs the app's own statement (bare-inbox.mjs)
    const inboxStatement = await (async () => {
      for (let attempt = 0; attempt < 20; attempt++) {
        await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer }, body: bodies.inbox });
        const last = await app.lastStatement();
        if (last.text?.includes('LATERAL')) return last;
      }
      throw new Error('the inbox statement was not recorded');
    })();
    const floor = await startAppProcess({ DATABASE_URL: database.url, AUTH_SECRET: SECRET, BARE_STATEMENT: JSON.stringify(inboxStatement) }, [], { entry: path.join(here, 'bare-inbox.mjs') });
    servers.push(floor);
    // the chosen stack's floor, with yoga's own executor and with graphql-jit (yoga-inbox.mjs)
    const yogaInbox = async (jit: boolean) => {
      const env = { NODE_ENV: 'production', DATABASE_URL: database.url, AUTH_SECRET: SECRET, BARE_STATEMENT: JSON.stringify(inboxStatement), YOGA_JIT: jit ? '1' : '' };
      const server = await startAppProcess(env, [], { entry: path.join(here, 'yoga-inbox.mjs') });
      servers.push(server);
      return server;
    };
    const yogaFloor = await yogaInbox(false);
    const yogaJit = await yogaInbox(true);

    type Key = 'hello' | 'viewer' | 'page' | 'inbox' | 'inboxFloor' | 'inboxYoga' | 'inboxYogaJit' | 'pagePlain' | 'inboxPlain' | 'pageBare' | 'inboxBare';
    const samples: Record<Key, { perSecond: number; cpuMs: number }[]> = { hello: [], viewer: [], page: [], inbox: [], inboxFloor: [], inboxYoga: [], inboxYogaJit: [], pagePlain: [], inboxPlain: [], pageBare: [], inboxBare: [] };
    const only = process.env.BENCH_READS_ONLY?.split(',');
    // one round not counted: JIT and caches warm in every process
    for (let round = -1; round < ROUNDS; round++) {
      if (round === 0) for (const list of Object.values(samples)) list.length = 0;
      const targets: [Key, AppProcess, string, Record<string, string>][] = [
        ['hello', hello, bodies.hello, {}],
        ['viewer', app, bodies.viewer, bearer],
        ['page', app, bodies.page, {}],
        ['pagePlain', plain, bodies.page, {}],
        ['inbox', app, bodies.inbox, bearer],
        ['inboxFloor', floor, bodies.inbox, bearer],
        ['inboxYoga', yogaFloor, bodies.inbox, bearer],
        ['inboxYogaJit', yogaJit, bodies.inbox, bearer],
        ['inboxPlain', plain, bodies.inbox, bearer],
        ['pageBare', bare, bodies.page, {}],
        ['inboxBare', bare, bodies.inbox, bearer],
      ];
      // BENCH_READS_ONLY=inbox,page: only these (e.g. while profiling)
      for (const [key, server, body, headers] of targets) if (!only || only.includes(key)) samples[key].push(await load(server, body, headers, 'POST', round < 0 ? WARMUP : REQUESTS));
    }
    if (only) return void console.log(JSON.stringify(samples, null, 1)); // partial runs only print
    const m = Object.fromEntries(
      Object.entries(samples).map(([key, list]) => [key, { perSecond: median(list.map((s) => s.perSecond)), cpuMs: median(list.map((s) => s.cpuMs)) }]),
    ) as Record<Key, { perSecond: number; cpuMs: number }>;
    const helloLine = `hello-world yoga ${Math.round(m.hello.perSecond)}/s`;
    const vsHello = (key: Key, name: string, target?: number): BenchFigure => ({
      name,
      value: m[key].perSecond,
      unit: 'requests/s',
      target: target ? `≥ ${target} × hello-world yoga` : undefined,
      baseline: helloLine,
      ratio: m[key].perSecond / m.hello.perSecond,
      cpuMsPerOp: m[key].cpuMs,
      met: target ? m[key].perSecond / m.hello.perSecond >= target : undefined,
    });
    const flagCost = (key: 'page' | 'inbox', name: string): BenchFigure => ({
      name,
      value: m[key].cpuMs,
      unit: 'ms CPU / request',
      target: '≤ 1.1 × plain `node`',
      baseline: `plain node ${m[`${key}Plain`].cpuMs.toFixed(2)} ms`,
      ratio: m[key].cpuMs / m[`${key}Plain`].cpuMs,
      cpuMsPerOp: m[key].cpuMs,
      met: m[key].cpuMs / m[`${key}Plain`].cpuMs <= 1.1,
    });
    const observabilityCost = (key: 'page' | 'inbox', name: string): BenchFigure => ({
      name,
      value: m[key].cpuMs,
      unit: 'ms CPU / request',
      target: '≤ 1.05 × logging and metrics off',
      baseline: `off ${m[`${key}Bare`].cpuMs.toFixed(2)} ms`,
      ratio: m[key].cpuMs / m[`${key}Bare`].cpuMs,
      cpuMsPerOp: m[key].cpuMs,
      met: m[key].cpuMs / m[`${key}Bare`].cpuMs <= 1.05,
    });
    const isolatedMs = isolatedObservabilityCostMs();
    report({
      title: 'HTTP read pages vs hello-world yoga',
      setup: `PostgreSQL; the app (npm start: \`node ${startFlags.join(' ')} dist/main.mjs\`, LOG_LEVEL=info and metrics on, its log stream drained through a pipe), the same app under plain \`node\`, the same app with logging and metrics off (LOG_LEVEL=warn, METRICS=false), and hello-world yoga (same flags), each its own process; ${CLIENTS} keep-alive clients, ${WARMUP} requests per target to warm up, then ${REQUESTS} per target per round, ${ROUNDS} rounds alternating, medians.${fullSize ? '' : ' Quick sizes.'}`,
      figures: [
        { name: 'hello-world yoga `{ hello }`', value: m.hello.perSecond, unit: 'requests/s', cpuMsPerOp: m.hello.cpuMs },
        vsHello('viewer', 'authenticated `{ viewer { handle } }`'),
        vsHello('page', 'public `businessPage(handle)`', 0.5),
        vsHello('inbox', '`inbox(first: 20)` for an agent', 0.25),
        vsHello('inboxFloor', 'floor: the inbox page on the bare stack (HTTP, jose, the app\'s one statement over pg, the same JSON; `bare-inbox.mjs`)'),
        vsHello('inboxYoga', 'floor on the chosen stack: the same request through graphql-yoga and graphql-js (the selected fields in SDL, default resolvers), jose, the app\'s statement over pg; no Pothos, Prisma, authorization, log or metrics (`yoga-inbox.mjs`)'),
        vsHello('inboxYogaJit', 'the same floor with graphql-jit executing, as the app executes queries'),
        flagCost('page', 'npm start flags, `businessPage` CPU'),
        flagCost('inbox', 'npm start flags, `inbox` CPU'),
        observabilityCost('page', 'operation log + metrics, `businessPage` CPU'),
        observabilityCost('inbox', 'operation log + metrics, `inbox` CPU'),
        {
          name: 'operation log line + metrics samples, alone',
          value: isolatedMs * 1000,
          unit: 'µs CPU / operation',
          target: '≤ 5 % of the cheapest read',
          baseline: `businessPage ${m.page.cpuMs.toFixed(2)} ms`,
          ratio: isolatedMs / m.page.cpuMs,
          cpuMsPerOp: isolatedMs,
          met: isolatedMs / m.page.cpuMs <= 0.05,
        },
        { name: 'SQL statements, `businessPage`', value: statements.page, unit: 'per request' },
        { name: 'SQL statements, `inbox(first: 20)`', value: statements.inbox, unit: 'per request' },
      ],
      notes: [`Plain \`node\`: businessPage ${Math.round(m.pagePlain.perSecond)}/s, inbox ${Math.round(m.inboxPlain.perSecond)}/s.`],
    });
  } finally {
    for (const server of servers) await server.stop();
    await database.drop();
  }
}

await main();

// Live-room benchmark (npm run bench:live). The app instances run in child processes
// (createApp, as in production); this process drives the load and the host console, and a
// second child holds the viewers' sockets, so each side's CPU and memory stay apart.
//   1. viewer DM → host console latency: viewers send businessMessageSend from the live room
//      over HTTP (loopback, keep-alive), first one at a time (unloaded), then at each rate of
//      BENCH_DM_RATES per second for BENCH_DM_SECONDS (open loop: a DM leaves on schedule
//      whether or not the previous ones were answered); the host's `liveEvents` subscription
//      (graphql-ws) stamps each VIEWER_MESSAGE on arrival; latency = arrival − send, both on
//      this process's clock.
//      One instance on PGlite; with DATABASE_URL one on PostgreSQL; with DATABASE_URL and
//      REDIS_URL two instances on PostgreSQL + Redis, the DMs sent to B and the host on A.
//   2. fan-out: BENCH_SOCKETS graphql-ws sockets × BENCH_SUBSCRIPTIONS_PER_SOCKET `liveRoom`
//      subscriptions on one instance (PGlite); memory per idle subscription = the app's RSS
//      delta / subscriptions (after a warm-up, with a forced GC); then an entry toggle
//      (liveEntrySetVisible) → time until every subscription received the new room.
//   3. the baseline: the same sockets and the same `next` frames (one per subscription) sent
//      by a raw `ws` server from the app's process; the ratio of the two.
// Times across processes use performance.timeOrigin + performance.now() (one machine).
// PostgreSQL runs use a throwaway database created next to DATABASE_URL and dropped at the
// end. Loopback only; every loop is bounded. A full run's results replace this benchmark's
// section of BENCHMARKS.md (other sections are kept).
//
//   npm run bench:live
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 npm run bench:live
//   BENCH_DM_RATES=50,500 BENCH_DM_SECONDS=10 BENCH_SOCKETS=100 BENCH_SUBSCRIPTIONS_PER_SOCKET=100 npm run bench:live
//   BENCH_ONLY=fanout BENCH_APP_FLAGS=--cpu-prof npm run bench:live   (BENCH_ONLY=dm|fanout)
//   BENCH_ONLY=dm BENCH_SCENARIOS=postgres npm run bench:live   (BENCH_SCENARIOS: pglite,postgres,redis)
//   BENCH_APP_ENV='{"METRICS":"false"}' npm run bench:live   (more settings for the app instances: a feature's cost)
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import { SignJWT } from 'jose';
import pg from 'pg';
import WebSocket, { WebSocketServer } from 'ws';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { productionCommand, startAppProcess } from './app-process.ts';
import { accepted, gql, percentile } from './http.ts';
import { cpuSeconds, fullSize, report, sized, type BenchFigure } from './report.ts';

/** the sustained rates to try, per second (the target is 500) */
const RATES = (process.env.BENCH_DM_RATES ?? (fullSize ? '100,250' : '100')).split(',').map(Number);
/** dm or fanout: run only that part */
const ONLY = process.env.BENCH_ONLY;
// quick sizes (npm run bench) unless BENCH_SIZE=full or the variable is set
const SECONDS = sized('BENCH_DM_SECONDS', 5, 10);
const DM_VIEWERS = sized('BENCH_DM_VIEWERS', 50, 200);
const SOCKETS = sized('BENCH_SOCKETS', 40, 100);
const PER_SOCKET = sized('BENCH_SUBSCRIPTIONS_PER_SOCKET', 100, 100);
const SEQUENTIAL = sized('BENCH_DM_SEQUENTIAL', 30, 100);
/** closed-loop saturation: this many DMs from this many concurrent senders */
const SATURATION_DMS = sized('BENCH_DM_SATURATION', 1500, 5000);
const SATURATION_CLIENTS = sized('BENCH_DM_CLIENTS', 32, 32);
const TOGGLES = 3;
const DRAIN_MS = 60_000;
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const KB = 1024;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Milliseconds on a clock every process of this machine shares. */
const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

// ───────────── child processes ─────────────

type Reply = Record<string, any>;
interface Child {
  pid: number;
  call(command: Reply): Promise<Reply>;
  stop(): Promise<void>;
}

/** Forks this script in a role; commands are answered one at a time, in order. */
async function spawn(role: '--server' | '--viewers', env: Record<string, string>): Promise<Child> {
  const child = fork(fileURLToPath(import.meta.url), [role], {
    // the app instances get `npm start`'s V8 flags (heap and WASM tuning); BENCH_APP_FLAGS: more
    // node flags for the children, e.g. --cpu-prof
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      ...(role === '--server' ? productionCommand().flags : []),
      ...(process.env.BENCH_APP_FLAGS ?? '').split(' ').filter(Boolean),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await once(child, 'message')) as [Reply];
  let queue = Promise.resolve<unknown>(undefined);
  const call = (command: Reply) =>
    (queue = queue.then(async () => {
      child.send(command);
      const [reply] = (await once(child, 'message')) as [Reply];
      if (reply.error) throw new Error(`${role} ${command.cmd}: ${reply.error}`);
      return reply;
    })) as Promise<Reply>;
  return {
    pid: child.pid!,
    call,
    ...ready,
    async stop() {
      if (!child.connected) return;
      child.send({ cmd: 'stop' });
      await once(child, 'exit');
    },
  };
}

/** Runs a child's command handlers. */
function answer(handlers: Record<string, (command: Reply) => Promise<Reply> | Reply>, ready: Reply) {
  process.on('message', async (command: Reply) => {
    try {
      process.send!(await handlers[command.cmd](command));
    } catch (error) {
      process.send!({ error: String((error as Error)?.stack ?? error) });
    }
  });
  process.send!(ready);
}

// ───────────── the app (child) ─────────────

/** Counts every statement the pg driver sends from this process (the pool's clients included). */
function countPgStatements() {
  const counter = { count: 0, recording: null as string[] | null };
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    counter.count++;
    if (counter.recording) {
      const first = args[0] as string | { text?: string };
      counter.recording.push(String(typeof first === 'string' ? first : first?.text).replace(/\s+/g, ' ').slice(0, 160));
    }
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  return counter;
}

async function serve() {
  const { databaseUrl, redisUrl } = JSON.parse(process.env.BENCH_INSTANCE!) as { databaseUrl?: string; redisUrl?: string };
  const statements = countPgStatements();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'livesuite-bench-live-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    AUTH_SECRET: SECRET,
    LOG_LEVEL: 'fatal',
    // BENCH_APP_ENV: more settings for the app instances as JSON, e.g. {"METRICS":"false","COST_LIMIT":"false"}
    ...(JSON.parse(process.env.BENCH_APP_ENV ?? '{}') as Record<string, string>),
  });
  const app = await createApp(config, { pgliteDataDir: databaseUrl ? undefined : 'memory://' });
  let raw: WebSocketServer | undefined;
  const gc = (globalThis as { gc?: () => void }).gc!;
  answer(
    {
      tokens: async ({ handles, roles }) => ({
        tokens: await Promise.all((handles as string[]).map((handle) => app.services.auth.mint({ sub: `bench|${handle}`, handle, roles: roles ?? [] }))),
      }),
      /** statements sent so far; `record`: start (true) or stop (false) keeping their text */
      statements: ({ record }) => {
        const recorded = statements.recording ?? [];
        statements.recording = record ? [] : null;
        return { count: statements.count, recorded };
      },
      memory: async () => {
        for (let i = 0; i < 3; i++) {
          gc();
          await sleep(50);
        }
        const { rss, heapUsed } = process.memoryUsage();
        return { rss, heapUsed };
      },
      rawListen: async () => {
        raw = new WebSocketServer({ host: '127.0.0.1', port: 0 });
        await once(raw, 'listening');
        return { port: (raw.address() as { port: number }).port };
      },
      /** every frame to every socket: the frames are serialized once, as a broadcaster would */
      rawBroadcast: ({ frames }) => {
        const at = clock();
        for (const socket of raw!.clients) for (const frame of frames as string[]) socket.send(frame);
        return { at };
      },
      stop: async () => {
        raw?.close();
        await app.close();
        await rm(dir, { recursive: true, force: true });
        process.exit(0);
      },
    },
    { url: app.url },
  );
}

// ───────────── the viewers' sockets (child) ─────────────

const ROOM = /* GraphQL */ `
  subscription ($s: ID!) {
    liveRoom(sessionId: $s) {
      sessionId
      state
      allowViewerMessages
      entries {
        id
        type
        function
        label
        target
        leadFormId
        leadFormName
        callToAction
      }
    }
  }
`;

async function holdViewers() {
  const { url, sessionId, tokens } = JSON.parse(process.env.BENCH_VIEWERS!) as { url: string; sessionId: string; tokens: string[] };
  const clients: Client[] = [];
  const rawSockets: WebSocket[] = [];
  // what the current measurement waits for: a predicate per message, and when it is met
  let expected = 0;
  let arrived = 0;
  let first = 0;
  let last = 0;
  let done: (() => void) | undefined;
  let matches: ((room: any) => boolean) | undefined;
  let seen: Uint8Array = new Uint8Array(0);
  const arrive = (index: number) => {
    if (seen[index]) return;
    seen[index] = 1;
    last = clock();
    if (arrived++ === 0) first = last;
    if (arrived === expected) done?.();
  };
  const arm = (count: number, match?: (room: any) => boolean) => {
    expected = count;
    arrived = 0;
    seen = new Uint8Array(count);
    matches = match;
    return new Promise<void>((resolve) => (done = resolve));
  };
  let waiting: Promise<void> = Promise.resolve();
  let snapshot: unknown;

  /** `perSocket` subscriptions on each of `sockets` clients; resolves when each has its first room */
  const open = async (sockets: number, perSocket: number, offset: number) => {
    const all = arm(sockets * perSocket);
    for (let s = 0; s < sockets; s++) {
      const client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${tokens[(offset + s) % tokens.length]}` },
      });
      clients.push(client);
      const opened: Promise<void>[] = [];
      for (let k = 0; k < perSocket; k++) {
        const index = s * perSocket + k;
        let joined = false;
        opened.push(
          new Promise<void>((resolve, reject) =>
            client.subscribe(
              { query: ROOM, variables: { s: sessionId } },
              {
                next: (value) => {
                  const room = (value.data as { liveRoom: any })?.liveRoom;
                  if (!joined) {
                    joined = true;
                    snapshot ??= value;
                    arrive(index);
                    return resolve();
                  }
                  if (matches?.(room)) arrive(index);
                },
                error: (error) => reject(new Error(JSON.stringify(error))),
                complete: () => {},
              },
            ),
          ),
        );
      }
      await Promise.all(opened);
    }
    await all;
  };

  answer(
    {
      open: async ({ sockets, perSocket }) => {
        const started = clock();
        await open(sockets, perSocket, clients.length);
        return { subscriptions: sockets * perSocket, seconds: (clock() - started) / 1000, snapshot };
      },
      closeAll: async () => {
        await Promise.all(clients.splice(0).map((client) => client.dispose()));
        return {};
      },
      /** wait for the next room of every subscription with `entries` visible entries */
      arm: ({ entries }) => {
        waiting = arm(clients.length * PER_SOCKET, (room) => room?.entries?.length === entries);
        return {};
      },
      rawOpen: async ({ port, sockets, perSocket }) => {
        for (let s = 0; s < sockets; s++) {
          const socket = new WebSocket(`ws://127.0.0.1:${port}`);
          let k = 0;
          socket.on('message', (data) => {
            JSON.parse(String(data)); // as a graphql-ws client does with every frame
            arrive(s * perSocket + (k++ % perSocket));
          });
          await once(socket, 'open');
          rawSockets.push(socket);
        }
        return {};
      },
      rawArm: ({ perSocket }) => {
        waiting = arm(rawSockets.length * perSocket);
        return {};
      },
      wait: async ({ timeoutMs }) => {
        const timedOut = await Promise.race([waiting.then(() => false), sleep(timeoutMs).then(() => true)]);
        return { first, last, arrived, expected, timedOut };
      },
      stop: async () => {
        for (const socket of rawSockets) socket.terminate();
        await Promise.all(clients.map((client) => client.dispose()));
        process.exit(0);
      },
    },
    {},
  );
}

// ───────────── API calls ─────────────

async function mutate(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const data = await gql(url, token, query, variables);
  return accepted(Object.values(data)[0] as { userErrors: unknown[] } & Record<string, any>, query.slice(0, 60));
}

async function tokens(server: Child, handles: string[], roles: string[] = []): Promise<string[]> {
  return (await server.call({ cmd: 'tokens', handles, roles })).tokens;
}

interface Live {
  sessionId: string;
  accountHandle: string;
  owner: string;
}

/** An eligible account and a running live session, through the API. */
async function setUpLive(server: Child & { url?: string }, url: string): Promise<Live> {
  const [owner] = await tokens(server, ['bench_owner']);
  const [admin] = await tokens(server, ['bench_admin'], ['admin']);
  const org = await mutate(url, owner, `mutation { organizationCreate(input: { name: "Bench" }) { organization { id } userErrors { code } } }`, {});
  const account = await mutate(
    url,
    owner,
    `mutation ($o: ID!) { businessAccountCreate(organizationId: $o, input: { handle: "bench.live", displayName: "Bench live", region: "US", category: "Retail" }) { account { id } userErrors { code } } }`,
    { o: org.organization.id },
  );
  await mutate(
    url,
    admin,
    `mutation ($id: ID!) { businessAccountPlatformUpdate(id: $id, input: { followerCount: 50000, ownerAge: 30 }) { userErrors { code } } }`,
    { id: account.account.id },
  );
  const scheduled = await mutate(
    url,
    owner,
    `mutation ($a: ID!) { liveSessionSchedule(accountId: $a, input: { title: "Bench" }) { session { id } userErrors { code } } }`,
    { a: account.account.id },
  );
  await mutate(url, owner, `mutation ($id: ID!) { liveSessionStart(id: $id) { userErrors { code } } }`, { id: scheduled.session.id });
  return { sessionId: scheduled.session.id, accountHandle: 'bench.live', owner };
}

// ───────────── databases ─────────────

async function throwawayDatabase(url: string) {
  const name = `livesuite_bench_live_${Date.now().toString(36)}`;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await run(`CREATE DATABASE "${name}"`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return { url: target.toString(), drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

// ───────────── 1. DM → host latency ─────────────

const SEND = /* GraphQL */ `
  mutation ($handle: String!, $text: String!, $live: ID!) {
    businessMessageSend(handle: $handle, input: { kind: TEXT, text: $text }, context: { liveSessionId: $live }) {
      message {
        id
      }
      userErrors {
        code
      }
    }
  }
`;
const HOST = /* GraphQL */ `
  subscription ($s: ID!, $after: Int) {
    liveEvents(sessionId: $s, afterSeq: $after) {
      seq
      type
      viewerMessage {
        text
      }
    }
  }
`;

interface Scenario {
  name: string;
  instances: 1 | 2;
  postgres: boolean;
  redis: boolean;
  target: number;
}

interface RateRun {
  rate: number;
  total: number;
  sendRate: number;
  failed: number;
  unanswered: number;
  received: number;
  deliveredRate: number;
  /** app CPU (every instance) per accepted DM */
  cpuMs: number;
  request: { p50: number; p99: number };
  latency: { p50: number; p95: number; p99: number; max: number };
}

/**
 * The floor for the DM write: the same number of rows as the saturation run inserted into
 * "Message" by a plain SQL INSERT loop (one statement each, SATURATION_CLIENTS at once over a
 * pool as large as the app's), from this process. Rows per second.
 */
async function sqlInsertFloor(url: string | undefined) {
  if (!url) return null;
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  try {
    const {
      rows: [c],
    } = await pool.query(`SELECT id, "userId" FROM "Conversation" LIMIT 1`);
    let issued = 0;
    const started = clock();
    await Promise.all(
      Array.from({ length: SATURATION_CLIENTS }, async () => {
        while (issued < SATURATION_DMS) {
          issued++;
          await pool.query(`INSERT INTO "Message" (id, "conversationId", direction, kind, text, "senderId", "createdAt") VALUES (gen_random_uuid(), $1, 'INBOUND', 'TEXT', $2, $3, now())`, [
            c.id,
            `floor:${issued}`,
            c.userId,
          ]);
        }
      }),
    );
    return SATURATION_DMS / ((clock() - started) / 1000);
  } finally {
    await pool.end();
  }
}

/**
 * Open loop: `issue(index)` for 0…total-1 on schedule, `rate` per second, whether or not the
 * earlier ones were answered; resolves once all are issued, with their promises.
 */
async function openLoop(rate: number, total: number, issue: (index: number) => Promise<void>): Promise<Promise<void>[]> {
  const pending: Promise<void>[] = [];
  const started = clock();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (const due = Math.min(total, Math.floor(((clock() - started) / 1000) * rate)); pending.length < due; ) pending.push(issue(pending.length));
      if (pending.length >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  return pending;
}

/** A conversation of the seeded database, for the bare stack's INSERTs. */
async function firstConversation(databaseUrl: string): Promise<{ id: string; userId: string }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    return (await pool.query(`SELECT id, "userId" FROM "Conversation" LIMIT 1`)).rows[0];
  } finally {
    await pool.end();
  }
}

/**
 * The floor for the two-instance figure: the bare stack's DM (bare-dm.mjs: HTTP, one INSERT, one
 * Redis PUBLISH) under the same closed loop, first one process, then two with the requests
 * spread over both. DMs per second each, and CPU ms per DM of the server processes.
 */
async function bareScaling(databaseUrl: string) {
  const c = await firstConversation(databaseUrl);
  const entry = path.join(root, 'scripts/bench/bare-dm.mjs');
  const env = { DATABASE_URL: databaseUrl, REDIS_URL: process.env.REDIS_URL };
  const run = async (processes: number) => {
    const servers = await Promise.all(Array.from({ length: processes }, () => startAppProcess(env, [], { entry })));
    try {
      const body = (i: number) => JSON.stringify({ conversationId: c.id, senderId: c.userId, text: `bare:${i}` });
      const post = (i: number) => fetch(servers[i % processes].url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i) }).then((r) => r.text());
      await Promise.all(Array.from({ length: 200 }, (_, i) => post(i))); // warm-up
      let issued = 0;
      const cpu = () => servers.reduce((sum, server) => sum + cpuSeconds(server.pid), 0);
      const [started, cpu0] = [clock(), cpu()];
      await Promise.all(
        Array.from({ length: SATURATION_CLIENTS }, async () => {
          while (issued < SATURATION_DMS) await post(issued++);
        }),
      );
      return { perSecond: SATURATION_DMS / ((clock() - started) / 1000), cpuMs: ((cpu() - cpu0) * 1000) / SATURATION_DMS };
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  };
  const one = await run(1);
  const two = await run(2);
  return { one, two, ratio: two.perSecond / one.perSecond };
}

/**
 * The floors for CPU per DM, one process each, at each sustained rate of the app's run, open loop
 * for the same time; CPU ms per DM of the server process:
 *   - the bare stack's DM (bare-dm.mjs: HTTP, one INSERT, one PUBLISH), what this machine charges
 *     a process that is woken for every DM, apart from anything GraphQL or the app does;
 *   - the chosen stack's DM (yoga-dm.mjs: a yoga mutation with a verified token, one INSERT, the
 *     message delivered over graphql-ws to a console subscription held by this process), what
 *     the app's DM would cost if everything it adds to yoga, graphql-ws and pg were free.
 */
async function floorsAtRates(databaseUrl: string, redisUrl: string | undefined) {
  const c = await firstConversation(databaseUrl);
  const atRates = async (server: { pid: number }, post: (i: number) => Promise<void>) => {
    for (let i = 0; i < 2000; i += 20) await Promise.all(Array.from({ length: 20 }, (_, k) => post(i + k))); // warm-up
    const results: { rate: number; cpuMs: number }[] = [];
    for (const rate of RATES) {
      const total = rate * SECONDS;
      const cpu0 = cpuSeconds(server.pid);
      await Promise.all(await openLoop(rate, total, post));
      results.push({ rate, cpuMs: ((cpuSeconds(server.pid) - cpu0) * 1000) / total });
    }
    return results;
  };
  const bare = await startAppProcess({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl }, [], { entry: path.join(root, 'scripts/bench/bare-dm.mjs') });
  const bareRates = await (async () => {
    try {
      // the same client as the app's run (fetch, keep-alive)
      const post = (i: number) =>
        fetch(bare.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId: c.id, senderId: c.userId, text: `bare:${i}` }) }).then((r) => void r.text());
      return await atRates(bare, post);
    } finally {
      await bare.stop();
    }
  })();
  const yoga = await startAppProcess({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, AUTH_SECRET: SECRET }, [], { entry: path.join(root, 'scripts/bench/yoga-dm.mjs') });
  const authorization = `Bearer ${await new SignJWT({ handle: 'floor' }).setProtectedHeader({ alg: 'HS256' }).setSubject('bench|floor').sign(new TextEncoder().encode(SECRET))}`;
  const hostConsole = createClient({ url: yoga.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization } });
  try {
    let delivered = 0;
    await new Promise<void>((resolve, reject) => {
      hostConsole.subscribe({ query: 'subscription ($c: ID!) { console(conversationId: $c) { id text } }', variables: { c: c.id } }, { next: () => void delivered++, error: reject, complete: () => {} });
      // graphql-ws subscribes on the server before this answer: one message proves the path
      const probe = setInterval(() => (delivered > 0 ? (clearInterval(probe), resolve()) : void post(-1)), 100);
    });
    function post(i: number) {
      const body = JSON.stringify({ query: 'mutation ($c: ID!, $t: String!) { send(conversationId: $c, text: $t) { message { id } } }', variables: { c: c.id, t: `yoga:${i}` } });
      return fetch(yoga.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body }).then((r) => void r.text());
    }
    const before = delivered;
    const yogaRates = await atRates(yoga, post);
    const sent = 2000 + RATES.reduce((sum, rate) => sum + rate * SECONDS, 0);
    for (const deadline = clock() + DRAIN_MS; delivered - before < sent && clock() < deadline; ) await sleep(20);
    if (delivered - before < sent) throw new Error(`the chosen stack's floor delivered ${delivered - before} of ${sent} DMs to its console`);
    return { bareRates, yogaRates };
  } finally {
    await hostConsole.dispose();
    await yoga.stop();
  }
}

async function dmLatency(scenario: Scenario) {
  const database = scenario.postgres ? await throwawayDatabase(process.env.DATABASE_URL!) : null;
  const instance = JSON.stringify({ databaseUrl: database?.url, redisUrl: scenario.redis ? process.env.REDIS_URL : undefined });
  const servers: (Child & { url?: string })[] = [];
  try {
    for (let i = 0; i < scenario.instances; i++) servers.push(await spawn('--server', { BENCH_INSTANCE: instance }));
    const [hostUrl, sendUrl] = [servers[0].url!, servers.at(-1)!.url!];
    const live = await setUpLive(servers[0], hostUrl);
    const viewers = await tokens(
      servers[0],
      Array.from({ length: DM_VIEWERS }, (_, i) => `bench_v${i}`),
    );

    // the host console, on the first instance: stamps each of the current run's DMs on arrival
    let run = { tag: 'warm', sentAt: new Float64Array(DM_VIEWERS), receivedAt: new Float64Array(DM_VIEWERS).fill(NaN), received: 0 };
    let lastSeq = 0;
    let outOfOrder = 0;
    const host = createClient({
      url: hostUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${live.owner}` },
    });
    await new Promise<void>((resolve, reject) =>
      host.subscribe(
        { query: HOST, variables: { s: live.sessionId, after: 0 } },
        {
          next: ({ data }) => {
            const at = clock();
            const event = (data as { liveEvents: { seq: number; viewerMessage: { text: string } | null } }).liveEvents;
            if (event.seq !== lastSeq + 1) outOfOrder++;
            lastSeq = event.seq;
            const [tag, index] = (event.viewerMessage?.text ?? '').split(':');
            if (tag === run.tag && Number.isNaN(run.receivedAt[Number(index)])) {
              run.receivedAt[Number(index)] = at;
              run.received++;
            }
            resolve(); // the first STATS: the console is live
          },
          error: (error) => reject(new Error(JSON.stringify(error))),
          complete: () => {},
        },
      ),
    );
    const startRun = (tag: string, total: number) =>
      (run = { tag, sentAt: new Float64Array(total), receivedAt: new Float64Array(total).fill(NaN), received: 0 });
    const send = (index: number, url = sendUrl) => {
      run.sentAt[index] = clock();
      return mutate(url, viewers[index % viewers.length], SEND, { handle: live.accountHandle, text: `${run.tag}:${index}`, live: live.sessionId });
    };
    // the saturation run spreads the DMs over every instance, as a load balancer would
    const spread = (index: number) => send(index, servers[index % servers.length].url);
    const drained = async (expected: () => number) => {
      for (const deadline = clock() + DRAIN_MS; run.received < expected() && clock() < deadline;) await sleep(20);
    };
    const latencies = () =>
      Float64Array.from(run.receivedAt, (at, i) => at - run.sentAt[i])
        .filter((v) => !Number.isNaN(v))
        .sort();

    // warm-up: every viewer's conversation created
    // (retried: on a loaded host the admission gate may refuse some with OVERLOADED, changing nothing)
    const sendRetried = async (index: number) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await send(index);
        } catch (error) {
          if (attempt >= 5) throw error;
          await sleep(200);
        }
      }
    };
    for (let from = 0; from < DM_VIEWERS; from += 10) await Promise.all(Array.from({ length: Math.min(10, DM_VIEWERS - from) }, (_, k) => sendRetried(from + k)));
    await drained(() => DM_VIEWERS);

    const sender = servers.at(-1)!;
    const appCpu = () => servers.reduce((sum, server) => sum + cpuSeconds(server.pid), 0);

    // the statements of one DM, as the sending instance's pg driver sent them
    await sender.call({ cmd: 'statements', record: true });
    startRun('rec', 1);
    await send(0);
    const { recorded } = await sender.call({ cmd: 'statements', record: false });

    // unloaded: one DM at a time, each sent once the previous reached the console
    startRun('one', SEQUENTIAL);
    const [statementsBefore, cpuBefore] = [(await sender.call({ cmd: 'statements' })).count, appCpu()];
    for (let i = 0; i < SEQUENTIAL; i++) {
      await send(i);
      for (const deadline = clock() + DRAIN_MS; run.received === i && clock() < deadline;) await sleep(1);
    }
    const statementsPerDm = ((await sender.call({ cmd: 'statements' })).count - statementsBefore) / SEQUENTIAL;
    const cpuMsPerDmUnloaded = ((appCpu() - cpuBefore) * 1000) / SEQUENTIAL;
    const one = latencies();

    // saturation: SATURATION_CLIENTS senders, each sending its next DM once the previous was answered
    const saturation = await (async () => {
      const total = SATURATION_DMS;
      startRun('sat', total);
      let issued = 0;
      let failed = 0;
      const [started, cpu0] = [clock(), appCpu()];
      await Promise.all(
        Array.from({ length: SATURATION_CLIENTS }, async () => {
          while (issued < total) await spread(issued++).catch(() => void failed++);
        }),
      );
      const seconds = (clock() - started) / 1000;
      const cpuMs = ((appCpu() - cpu0) * 1000) / (total - failed);
      await drained(() => total - failed);
      return { perSecond: (total - failed) / seconds, failed, cpuMs, delivered: run.received };
    })();

    // sustained: DMs leave on schedule, answered or not (open loop)
    const rates: RateRun[] = [];
    for (const rate of RATES) {
      const total = rate * SECONDS;
      startRun(`r${rate}`, total);
      const requestMs: number[] = [];
      let failed = 0;
      let answered = 0;
      const [started, cpu0] = [clock(), appCpu()];
      const pending = await openLoop(rate, total, (index) =>
        send(index).then(
          () => void requestMs.push(clock() - run.sentAt[index]),
          () => void failed++,
        ),
      );
      const sendSeconds = (clock() - started) / 1000;
      pending.forEach((p) => p.then(() => answered++));
      await Promise.race([Promise.all(pending), sleep(DRAIN_MS)]);
      await drained(() => total - failed);
      const deliveredSeconds = (clock() - started) / 1000;
      const cpuMs = ((appCpu() - cpu0) * 1000) / Math.max(1, total - failed);
      const sorted = latencies();
      requestMs.sort((a, b) => a - b);
      rates.push({
        rate,
        total,
        sendRate: total / sendSeconds,
        failed,
        unanswered: total - answered,
        received: run.received,
        deliveredRate: run.received / deliveredSeconds,
        cpuMs,
        request: { p50: percentile(requestMs, 50), p99: percentile(requestMs, 99) },
        latency: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] },
      });
    }
    await host.dispose();
    const floor = await sqlInsertFloor(database?.url);
    const bare = scenario.instances === 2 && database ? await bareScaling(database.url) : null;
    const floors = scenario.instances === 1 && database ? await floorsAtRates(database.url, scenario.redis ? process.env.REDIS_URL : undefined) : null;
    return { scenario, outOfOrder, statementsPerDm, recorded: recorded as string[], cpuMsPerDmUnloaded, saturation, floor, bare, floors, one: { p50: percentile(one, 50), p99: percentile(one, 99), max: one[one.length - 1] }, rates };
  } finally {
    for (const server of servers) await server.stop();
    await database?.drop();
  }
}

// ───────────── 2 and 3. fan-out ─────────────

async function fanOut() {
  const server = (await spawn('--server', { BENCH_INSTANCE: JSON.stringify({}) })) as Child & { url: string };
  let viewers: Child | undefined;
  try {
    const live = await setUpLive(server, server.url);
    const entry = await mutate(
      server.url,
      live.owner,
      `mutation ($s: ID!) { liveEntryAdd(sessionId: $s, input: { type: BUSINESS, function: WEBSITE, label: "Shop now", target: "https://shop.example.com/live" }) { entry { id } userErrors { code } } }`,
      {
        s: live.sessionId,
      },
    );
    const viewerTokens = await tokens(
      server,
      Array.from({ length: SOCKETS }, (_, i) => `bench_room${i}`),
    );
    viewers = await spawn('--viewers', { BENCH_VIEWERS: JSON.stringify({ url: server.url, sessionId: live.sessionId, tokens: viewerTokens }) });

    // warm-up: one socket's worth of subscriptions, opened and closed
    await viewers.call({ cmd: 'open', sockets: 1, perSocket: PER_SOCKET });
    await viewers.call({ cmd: 'closeAll' });
    await sleep(2000);
    const before = await server.call({ cmd: 'memory' });
    const opened = await viewers.call({ cmd: 'open', sockets: SOCKETS, perSocket: PER_SOCKET });
    await sleep(3000); // the joins' viewer counts and stats settle
    const after = await server.call({ cmd: 'memory' });
    const subscriptions = opened.subscriptions as number;

    const toggles: { request: number; first: number; all: number; arrived: number }[] = [];
    const cpuBeforeToggles = cpuSeconds(server.pid);
    for (let round = 0; round < TOGGLES; round++) {
      const visible = round % 2 === 0;
      await viewers.call({ cmd: 'arm', entries: visible ? 1 : 0 });
      const t0 = clock();
      await mutate(server.url, live.owner, `mutation ($id: ID!, $v: Boolean!) { liveEntrySetVisible(id: $id, visible: $v) { userErrors { code } } }`, {
        id: entry.entry.id,
        v: visible,
      });
      const answered = clock();
      const result = await viewers.call({ cmd: 'wait', timeoutMs: 60_000 });
      toggles.push({ request: answered - t0, first: result.first - t0, all: result.last - t0, arrived: result.arrived });
      await sleep(500);
    }
    const toggleCpu = cpuSeconds(server.pid) - cpuBeforeToggles;

    // the baseline: the same frames through a raw ws server, on as many sockets
    const { port } = await server.call({ cmd: 'rawListen' });
    await viewers.call({ cmd: 'rawOpen', port, sockets: SOCKETS, perSocket: PER_SOCKET });
    const frames = Array.from({ length: PER_SOCKET }, () => JSON.stringify({ id: randomUUID(), type: 'next', payload: opened.snapshot }));
    const raw: { all: number; arrived: number }[] = [];
    const cpuBeforeRaw = cpuSeconds(server.pid);
    for (let round = 0; round < TOGGLES; round++) {
      await viewers.call({ cmd: 'rawArm', perSocket: PER_SOCKET });
      const { at } = await server.call({ cmd: 'rawBroadcast', frames });
      const result = await viewers.call({ cmd: 'wait', timeoutMs: 60_000 });
      raw.push({ all: result.last - at, arrived: result.arrived });
      await sleep(500);
    }
    const rawCpu = cpuSeconds(server.pid) - cpuBeforeRaw;
    return {
      /** server CPU µs per delivered frame (the toggles include their mutation) */
      cpuUsPerDelivery: { graphql: (toggleCpu * 1e6) / (TOGGLES * subscriptions), raw: (rawCpu * 1e6) / (TOGGLES * subscriptions) },
      subscriptions,
      openSeconds: opened.seconds as number,
      frameBytes: Buffer.byteLength(frames[0]),
      perSubscription: { rss: (after.rss - before.rss) / subscriptions, heap: (after.heapUsed - before.heapUsed) / subscriptions },
      toggles,
      raw,
    };
  } finally {
    await viewers?.stop();
    await server.stop();
  }
}

// ───────────── report ─────────────

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const lines: string[] = [];
  const log = (line = '') => {
    console.log(line);
    lines.push(line);
  };
  const scenarios: Scenario[] = [{ name: 'one instance, PGlite', instances: 1, postgres: false, redis: false, target: 50 }];
  if (process.env.DATABASE_URL) scenarios.push({ name: 'one instance, PostgreSQL', instances: 1, postgres: true, redis: false, target: 50 });
  if (process.env.DATABASE_URL && process.env.REDIS_URL)
    scenarios.push({ name: 'two instances, PostgreSQL + Redis (DMs to B, host on A)', instances: 2, postgres: true, redis: true, target: 100 });
  // BENCH_SCENARIOS=postgres,redis runs only those (pglite, postgres, redis)
  const only = process.env.BENCH_SCENARIOS?.split(',');
  if (only) scenarios.splice(0, scenarios.length, ...scenarios.filter((s) => only.includes(s.redis ? 'redis' : s.postgres ? 'postgres' : 'pglite')));

  log(
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} CPUs (load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')} at the start), Node ${process.version}.`,
  );
  log();
  const dmFigures: BenchFigure[] = [];
  if (ONLY !== 'fanout') {
    const runs = [];
    for (const scenario of scenarios) runs.push(await dmLatency(scenario));
    log(`### Viewer DM → host console latency (${DM_VIEWERS} viewers; ${SECONDS} s per rate, open loop)`);
    log();
    log(
      '| setup | target rate /s | sent/s | delivered/s | failed | unanswered | delivered | mutation p50 / p99 ms | p50 ms | p95 ms | p99 ms | max ms | target p99 | met |',
    );
    log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const r of runs) {
      for (const x of r.rates) {
        const met = x.rate >= 500 && x.received === x.total && x.latency.p99 < r.scenario.target;
        log(
          `| ${r.scenario.name} | ${x.rate} | ${x.sendRate.toFixed(0)} | ${x.deliveredRate.toFixed(0)} | ${x.failed} | ${x.unanswered} | ${x.received} / ${x.total} | ${ms(x.request.p50)} / ${ms(x.request.p99)} | ${ms(x.latency.p50)} | ${ms(x.latency.p95)} | ${ms(x.latency.p99)} | ${ms(x.latency.max)} | < ${r.scenario.target} | ${x.rate >= 500 ? (met ? 'yes' : 'no') : '–'} |`,
        );
      }
    }
    log();
    log(
      `Unloaded: ${SEQUENTIAL} DMs one at a time, each sent once the previous reached the console. Events out of sequence on the console over all runs: ${runs.map((r) => r.outOfOrder).join(', ')}.`,
    );
    log();
    log('| setup | p50 ms | p99 ms | max ms | target p99 |');
    log('| --- | ---: | ---: | ---: | ---: |');
    for (const r of runs) log(`| ${r.scenario.name} | ${ms(r.one.p50)} | ${ms(r.one.p99)} | ${ms(r.one.max)} | < ${r.scenario.target} |`);
    log();
    log(`The DM write path: SQL statements per DM (sending instance, unloaded), app CPU per DM (every instance, from /proc), closed-loop saturation (${SATURATION_DMS} DMs from ${SATURATION_CLIENTS} concurrent senders), and the floor: the same number of rows by a plain SQL \`INSERT\` loop in the same run.`);
    log();
    log('| setup | statements / DM | CPU ms / DM unloaded | CPU ms / DM at each rate | saturation DMs/s | CPU ms / DM at saturation | plain INSERT loop rows/s | ratio |');
    log('| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |');
    for (const r of runs)
      log(
        `| ${r.scenario.name} | ${r.statementsPerDm.toFixed(1)} | ${r.cpuMsPerDmUnloaded.toFixed(2)} | ${r.rates.map((x) => `${x.rate}/s: ${x.cpuMs.toFixed(2)}`).join(', ')} | ${r.saturation.perSecond.toFixed(0)}${r.saturation.failed ? ` (${r.saturation.failed} failed)` : ''} | ${r.saturation.cpuMs.toFixed(2)} | ${r.floor ? r.floor.toFixed(0) : '–'} | ${r.floor ? (r.saturation.perSecond / r.floor).toFixed(2) : '–'} |`,
      );
    const sample = runs.find((r) => r.scenario.postgres) ?? runs[0];
    log();
    log(`The statements of one DM (${sample.scenario.name}):`);
    log();
    for (const statement of sample.recorded) log(`- \`${statement.replace(/`/g, "'")}\``);
    log();
    const oneInstance = runs.find((r) => r.scenario.postgres && r.scenario.instances === 1);
    for (const r of runs) {
      const ratioToOne = r.scenario.instances === 2 && oneInstance ? r.saturation.perSecond / oneInstance.saturation.perSecond : undefined;
      dmFigures.push(
        { name: `SQL statements per viewer DM, ${r.scenario.name}`, value: r.statementsPerDm, unit: 'per DM', target: '≤ 4 (no auto-reply)', met: r.statementsPerDm <= 4 },
        {
          name: `viewer DMs/s at saturation, ${r.scenario.name}`,
          value: r.saturation.perSecond,
          unit: 'DMs/s',
          target: r.scenario.instances === 2 ? '≥ 1.6 × one instance' : r.scenario.postgres ? '≥ 250' : undefined,
          baseline: r.bare ? `bare stack: two processes ${r.bare.ratio.toFixed(2)} × one` : r.floor ? `plain SQL INSERT loop ${r.floor.toFixed(0)} rows/s` : undefined,
          ratio: ratioToOne ?? (r.floor ? r.saturation.perSecond / r.floor : undefined),
          cpuMsPerOp: r.saturation.cpuMs,
          met: r.scenario.instances === 2 ? (ratioToOne ?? 0) >= 1.6 : r.scenario.postgres ? r.saturation.perSecond >= 250 : undefined,
        },
      );
    }
    for (const r of runs) {
      if (!r.floors) continue;
      // the app's CPU per DM at each sustained rate, against both floors' at the same rate
      for (const x of r.rates) {
        const bare = r.floors.bareRates.find((b) => b.rate === x.rate);
        const yoga = r.floors.yogaRates.find((b) => b.rate === x.rate);
        dmFigures.push({
          name: `app CPU per viewer DM at ${x.rate}/s, ${r.scenario.name}`,
          value: x.cpuMs,
          unit: 'ms / DM',
          target: '≤ 3 ms',
          baseline: bare ? `bare stack DM at ${x.rate}/s: ${bare.cpuMs.toFixed(2)} ms (\`bare-dm.mjs\`)` : undefined,
          ratio: bare ? x.cpuMs / bare.cpuMs : undefined,
          cpuMsPerOp: x.cpuMs,
          met: x.cpuMs <= 3,
        });
        if (yoga)
          dmFigures.push({
            name: `floor on the chosen stack at ${x.rate}/s: a yoga mutation (jose), one INSERT, graphql-ws delivery to a console subscription; no Pothos, Prisma, rules or log (\`yoga-dm.mjs\`)`,
            value: yoga.cpuMs,
            unit: 'ms / DM',
            baseline: `the app at ${x.rate}/s: ${x.cpuMs.toFixed(2)} ms`,
            ratio: x.cpuMs / yoga.cpuMs,
            cpuMsPerOp: yoga.cpuMs,
          });
      }
    }
    for (const { bare } of runs) {
      if (!bare) continue;
      // the machine's own scaling: the same closed loop against the bare stack's DM (bare-dm.mjs)
      const name = 'bare stack DM (HTTP, one INSERT, one Redis PUBLISH; `bare-dm.mjs`)';
      dmFigures.push(
        { name: `${name}, one process`, value: bare.one.perSecond, unit: 'DMs/s', cpuMsPerOp: bare.one.cpuMs },
        { name: `${name}, two processes`, value: bare.two.perSecond, unit: 'DMs/s', baseline: `one process ${bare.one.perSecond.toFixed(0)}/s`, ratio: bare.ratio, cpuMsPerOp: bare.two.cpuMs },
      );
    }
    for (const r of runs) {
      dmFigures.push({ name: `viewer DM → console p99, one at a time, ${r.scenario.name}`, value: r.one.p99, unit: 'ms' });
      for (const x of r.rates)
        dmFigures.push({
          name: `viewer DM → console p99 at ${x.rate}/s offered (${x.deliveredRate.toFixed(0)}/s delivered), ${r.scenario.name}`,
          value: x.latency.p99,
          unit: 'ms',
          target: x.rate === 100 && r.scenario.postgres && r.scenario.instances === 1 ? '< 50 ms at 100/s' : undefined,
          cpuMsPerOp: x.cpuMs,
          met: x.rate === 100 && r.scenario.postgres && r.scenario.instances === 1 ? x.latency.p99 < 50 && x.received === x.total : undefined,
        });
    }
    log();
  }
  if (ONLY === 'dm') {
    // partial runs only print (BENCHMARKS.md keeps the fan-out figures of the last full run)
    report({ title: 'Live rooms: viewer DMs', setup: `App instances in child processes with npm start's flags, ${DM_VIEWERS} viewers.`, figures: dmFigures });
    return;
  }
  const f = await fanOut();
  const graphqlAll = median(f.toggles.map((x) => x.all));
  const rawAll = median(f.raw.map((x) => x.all));
  log(
    `### Fan-out: one entry toggle to ${f.subscriptions.toLocaleString('en')} \`liveRoom\` subscriptions (${SOCKETS} sockets × ${PER_SOCKET}), one instance, PGlite`,
  );
  log();
  log(
    `Opening them took ${f.openSeconds.toFixed(1)} s (each join counts a viewer). Memory per idle subscription: ${(f.perSubscription.rss / KB).toFixed(1)} KB of RSS (${(f.perSubscription.heap / KB).toFixed(1)} KB of JS heap) — target < 30 KB: ${f.perSubscription.rss < 30 * KB ? 'met' : 'not met'}.`,
  );
  log();
  log('| toggle | mutation answered ms | first delivered ms | all delivered ms | delivered |');
  log('| ---: | ---: | ---: | ---: | ---: |');
  f.toggles.forEach((x, i) => log(`| ${i + 1} | ${ms(x.request)} | ${ms(x.first)} | ${ms(x.all)} | ${x.arrived} / ${f.subscriptions} |`));
  log();
  log(
    `Raw \`ws\` baseline, the same ${f.subscriptions.toLocaleString('en')} \`next\` frames (${f.frameBytes} bytes each) on the same ${SOCKETS} sockets: ${f.raw.map((x) => `${ms(x.all)} ms`).join(', ')} (all delivered: ${f.raw.every((x) => x.arrived === f.subscriptions) ? 'yes' : 'no'}).`,
  );
  log();
  log(
    `Median all delivered: GraphQL ${ms(graphqlAll)} ms (from the mutation's start) vs raw ${ms(rawAll)} ms: ratio ${(graphqlAll / rawAll).toFixed(1)}×. Target within 1 s: ${graphqlAll < 1000 && f.toggles.every((x) => x.arrived === f.subscriptions) ? 'met' : 'not met'}.`,
  );
  if (!ONLY) await writeSection(lines);
  const complete = f.toggles.every((x) => x.arrived === f.subscriptions);
  // the toggle's own transaction (before its publish) is not fan-out: from the first frame to the last
  const graphqlDelivery = median(f.toggles.map((x) => x.all - x.first));
  const rawLine = `raw \`ws\` ${ms(rawAll)} ms (${(f.cpuUsPerDelivery.raw / 1000).toFixed(3)} ms CPU per frame)`;
  const fanoutFigures: BenchFigure[] = [
    {
      name: `entry toggle → ${f.subscriptions.toLocaleString('en')} \`liveRoom\` subscriptions: first frame → last frame`,
      value: graphqlDelivery,
      unit: 'ms',
      target: '≤ 1.5 × raw `ws` broadcast',
      baseline: rawLine,
      ratio: graphqlDelivery / rawAll,
      cpuMsPerOp: f.cpuUsPerDelivery.graphql / 1000,
      met: graphqlDelivery / rawAll <= 1.5 && complete,
    },
    {
      name: "the same, from the mutation's start (its transaction included)",
      value: graphqlAll,
      unit: 'ms',
      baseline: rawLine,
      ratio: graphqlAll / rawAll,
    },
  ];
  report({
    title: 'Live rooms: fan-out and viewer DMs',
    setup: `One instance on PGlite with npm start's flags; ${f.subscriptions.toLocaleString('en')} subscriptions (${SOCKETS} sockets × ${PER_SOCKET}) held by a child process; ${TOGGLES} toggles, then the same frames through a raw \`ws\` server in the same process, medians; CPU per delivered frame from /proc of the app process.${fullSize ? '' : ' Quick sizes.'}`,
    figures: [
      ...fanoutFigures,
      ...dmFigures,
      { name: 'memory per idle subscription', value: f.perSubscription.rss / KB, unit: 'KB RSS', target: '< 30 KB', met: f.perSubscription.rss < 30 * KB },
    ],
  });
}

/** Replaces this benchmark's section of BENCHMARKS.md (or appends it), keeping the others. */
async function writeSection(lines: string[]) {
  const file = path.join(root, 'BENCHMARKS.md');
  const [begin, end] = ['<!-- bench:live:results -->', '<!-- /bench:live:results -->'];
  const results = [begin, ...lines, end].join('\n');
  let text = await readFile(file, 'utf8').catch(() => '# Benchmarks\n');
  if (text.includes(begin) && text.includes(end)) text = text.slice(0, text.indexOf(begin)) + results + text.slice(text.indexOf(end) + end.length);
  else {
    const commands = [
      '## Live rooms (`npm run bench:live`)',
      '',
      'What `scripts/bench/live.ts` measures is described at its top. Commands:',
      '',
      '```sh',
      'npm run bench:live',
      'DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 npm run bench:live',
      '```',
      '',
    ];
    text = `${text.trimEnd()}\n\n${commands.join('\n')}\n${results}\n`;
  }
  await writeFile(file, text);
}

const role = process.argv[2];
if (role === '--server') await serve();
else if (role === '--viewers') await holdViewers();
else await main();

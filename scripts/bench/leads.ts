// Leads benchmark (npm run bench:leads). The app runs in a child process (createApp, as in
// production); this process is only the load generator, so the app's CPU and memory are
// measured apart from the clients' (Linux /proc).
//   1. lead capture: BENCH_CLIENTS concurrent clients (one viewer each) submit BENCH_SUBMISSIONS
//      leads over HTTP (loopback, keep-alive) → submissions per second, latency, and the CPU
//      the app and PostgreSQL used; the same clients sending a request that touches no
//      database (`{ viewer { handle } }`) give the API layer's own ceiling for comparison;
//      then the same submissions again (idempotent retries: nothing new is stored);
//   2. export: BENCH_EXPORT_ROWS leads inserted with SQL (INSERT … SELECT generate_series, all
//      within the last 90 days), then the CSV downloaded from a freshly started app process
//      whose RSS is sampled every 50 ms (and its kernel high-water mark, VmHWM, read at the
//      end) → rows, seconds, peak RSS.
// Runs on PostgreSQL when DATABASE_URL is set (in a throwaway database created next to it and
// dropped at the end; BENCH_KEEP_DATABASE=1 keeps it), else on PGlite in a temporary
// DATA_DIR. On PGlite the database engine lives in the app's process, CPU and RSS included.
//
//   node --import tsx scripts/bench/leads.ts
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test BENCH_CLIENTS=32 BENCH_SUBMISSIONS=5000 BENCH_EXPORT_ROWS=1000000 npm run bench:leads
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { accepted, gql, percentile } from './http.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const SUBMISSIONS = Number(process.env.BENCH_SUBMISSIONS ?? 5_000);
const EXPORT_ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
const INSERT_BATCH = 100_000;
const SAMPLE_MS = 50;
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const MB = 1024 * 1024;

const configFor = (database: { databaseUrl?: string; dataDir: string }) =>
  loadConfig({ NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, AUTH_SECRET: SECRET, LOG_LEVEL: 'warn' });

// ───────────── /proc ─────────────

/** CPU seconds (user + system) a process has used. */
function cpuSeconds(pid: number | string): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ
}

/** CPU seconds used so far by each PostgreSQL backend serving `database` (its command line names it). */
function postgresCpuSeconds(database: string): Map<string, number> {
  const backends = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `)) backends.set(pid, cpuSeconds(pid));
    } catch {
      // the process ended meanwhile
    }
  }
  return backends;
}

/** CPU the backends alive at the end used since `before` (a backend that ended meanwhile is not counted). */
function postgresCpuSince(database: string, before: Map<string, number>): number {
  let total = 0;
  for (const [pid, seconds] of postgresCpuSeconds(database)) total += seconds - (before.get(pid) ?? 0);
  return total;
}

const memoryOf = (pid: number, field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;

// ───────────── the app in a child process ─────────────

type Command = { cmd: 'token'; handle: string; roles?: string[] } | { cmd: 'insert'; rows: number } | { cmd: 'count' } | { cmd: 'memoryStart' } | { cmd: 'memoryReport' } | { cmd: 'stop' };

interface Server {
  url: string;
  pid: number;
  call<T = any>(command: Command): Promise<T>;
  stop(): Promise<void>;
}

async function startServer(database: BenchDatabase): Promise<Server> {
  const child = fork(fileURLToPath(import.meta.url), ['--server'], {
    // BENCH_APP_FLAGS: node flags for the app process, e.g. --max-old-space-size=96
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_APP_FLAGS ?? '').split(' ').filter(Boolean)],
    env: { ...process.env, BENCH_DATABASE: JSON.stringify(database) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [{ url }] = (await once(child, 'message')) as [{ url: string }];
  let queue = Promise.resolve<unknown>(undefined);
  const call = <T>(command: Command) =>
    (queue = queue.then(async () => {
      child.send(command);
      const [reply] = (await once(child, 'message')) as [{ error?: string } & T];
      if (reply.error) throw new Error(reply.error);
      return reply;
    })) as Promise<T>;
  return {
    url,
    pid: child.pid!,
    call,
    async stop() {
      if (!child.connected) return;
      child.send({ cmd: 'stop' });
      await once(child, 'exit');
    },
  };
}

/** The child: the app, plus what the benchmark asks of it over IPC. */
async function serve() {
  const app = await createApp(configFor(JSON.parse(process.env.BENCH_DATABASE!)));
  const db = app.services.db;
  // what the memory is made of at its peak, sampled from inside (for the breakdown)
  const peaks: Record<string, number> = {};
  const sample = () => Object.entries(process.memoryUsage()).forEach(([key, value]) => (peaks[key] = Math.max(peaks[key] ?? 0, value)));
  let sampler: NodeJS.Timeout | undefined;
  const handlers = {
    token: async (c: { handle: string; roles?: string[] }) => ({ token: await app.services.auth.mint({ sub: `bench|${c.handle}`, handle: c.handle, roles: c.roles ?? [] }) }),
    count: async () => ({ count: await db.lead.count() }),
    insert: async (c: { rows: number }) => {
      const account = await db.businessAccount.findFirstOrThrow({ where: { handle: 'bench.shop' }, select: { id: true } });
      const form = await db.leadForm.findFirstOrThrow({ where: { accountId: account.id }, select: { id: true } });
      const submitter = await db.user.findFirstOrThrow({ where: { handle: 'bench.viewer0' }, select: { id: true } });
      for (let start = 0; start < c.rows; start += INSERT_BATCH) {
        await db.$executeRawUnsafe(
          `INSERT INTO "Lead" ("id", "formId", "accountId", "userId", "source", "adId", "answers", "createdAt", "updatedAt")
           SELECT gen_random_uuid(), $1::uuid, $2::uuid, $3::uuid,
                  (CASE WHEN g % 3 = 0 THEN 'AD' ELSE 'PROFILE' END)::"LeadSource",
                  CASE WHEN g % 3 = 0 THEN gen_random_uuid() END,
                  jsonb_build_array(
                    jsonb_build_object('question', 'ENQUIRY', 'answer', 'Quote request number ' || g || ', please call back'),
                    jsonb_build_object('question', 'NAME', 'answer', 'Viewer ' || g),
                    jsonb_build_object('question', 'PHONE', 'answer', '+33 1 23 45 67 89'),
                    jsonb_build_object('question', 'EMAIL', 'answer', 'viewer' || g || '@example.com'),
                    jsonb_build_object('question', 'COUNTRY_CITY', 'answer', 'France / Lyon')),
                  now() - random() * interval '89 days', now()
           FROM generate_series($4::int, $5::int) AS g`,
          form.id,
          account.id,
          submitter.id,
          start + 1,
          Math.min(start + INSERT_BATCH, c.rows),
        );
      }
      await db.$executeRawUnsafe(`ANALYZE "Lead"`);
      return { count: await db.lead.count() };
    },
    memoryStart: async () => {
      for (const key of Object.keys(peaks)) delete peaks[key];
      sample();
      sampler = setInterval(sample, SAMPLE_MS);
      return {};
    },
    memoryReport: async () => {
      sample();
      clearInterval(sampler);
      return { peaks };
    },
    stop: async () => {
      await app.close();
      process.exit(0);
    },
  };
  process.on('message', async (command: Command) => {
    try {
      process.send!(await handlers[command.cmd](command as never));
    } catch (error) {
      process.send!({ error: String((error as Error)?.stack ?? error) });
    }
  });
  process.send!({ url: app.url });
}

// ───────────── load ─────────────

/** `clients` loops sharing one counter until `total` requests are done: rate, latencies, and the CPU the app and PostgreSQL used. */
async function load(server: Server, database: string | undefined, clients: number, total: number, request: (client: number, index: number) => Promise<void>) {
  let next = 0;
  const latencies: number[] = [];
  const appCpu = cpuSeconds(server.pid);
  const dbCpu = database ? postgresCpuSeconds(database) : new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let index = next++; index < total; index = next++) {
        const t0 = performance.now();
        await request(client, index);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const appCpuUsed = cpuSeconds(server.pid) - appCpu;
  const dbCpuUsed = database ? postgresCpuSince(database, dbCpu) : null;
  latencies.sort((a, b) => a - b);
  return {
    clients,
    requests: total,
    seconds: +seconds.toFixed(2),
    perSecond: Math.round(total / seconds),
    p50ms: +percentile(latencies, 50).toFixed(1),
    p95ms: +percentile(latencies, 95).toFixed(1),
    p99ms: +percentile(latencies, 99).toFixed(1),
    /** CPU time of the app process per second of wall time (1.0 = one core busy); on PGlite it includes the database */
    appCpuCores: +(appCpuUsed / seconds).toFixed(2),
    /** the same for the PostgreSQL backends of the benchmark's database (null on PGlite) */
    postgresCpuCores: dbCpuUsed === null ? null : +(dbCpuUsed / seconds).toFixed(2),
    /** milliseconds of app CPU per request */
    appCpuMsPerRequest: +((appCpuUsed * 1000) / total).toFixed(2),
    postgresCpuMsPerRequest: dbCpuUsed === null ? null : +((dbCpuUsed * 1000) / total).toFixed(2),
  };
}

// ───────────── main ─────────────

async function main() {
  const database = await openBenchDatabase();
  const dbName = database.databaseUrl && new URL(database.databaseUrl).pathname.slice(1);
  let server: Server | undefined;
  try {
    // ── 1. lead capture ──
    server = await startServer(database);
    const { url } = server;
    const token = async (handle: string, roles?: string[]) => (await server!.call<{ token: string }>({ cmd: 'token', handle, roles })).token;
    const owner = await token('bench.owner');

    // an organization, an account and an approved form asking all five questions
    const org = await gql(url, owner, `mutation { organizationCreate(input: { name: "Bench" }) { organization { id } userErrors { code } } }`);
    const orgId = accepted(org.organizationCreate, 'organizationCreate').organization.id;
    const account = await gql(url, owner, `mutation ($o: ID!) { businessAccountCreate(organizationId: $o, input: { handle: "bench.shop", displayName: "Bench", region: "FR", category: "Retail" }) { account { id } userErrors { code } } }`, { o: orgId });
    const accountId: string = accepted(account.businessAccountCreate, 'businessAccountCreate').account.id;
    const form = await gql(url, owner, `mutation ($a: ID!) { leadFormCreate(accountId: $a, input: { name: "Quote", introduction: "Tell us", questions: [ENQUIRY, NAME, PHONE, EMAIL, COUNTRY_CITY], privacyPolicyUrl: "https://bench.example.com/privacy" }) { leadForm { id } userErrors { code } } }`, { a: accountId });
    const formId: string = accepted(form.leadFormCreate, 'leadFormCreate').leadForm.id;
    accepted((await gql(url, owner, `mutation ($id: ID!) { leadFormSubmit(id: $id) { userErrors { code } } }`, { id: formId })).leadFormSubmit, 'leadFormSubmit');
    const reviewer = await token('bench.reviewer', ['reviewer']);
    const queue = await gql(url, reviewer, `{ reviewQueue(kind: LEAD_FORM) { edges { node { id } } } }`);
    accepted((await gql(url, reviewer, `mutation ($id: ID!) { reviewApprove(id: $id) { userErrors { code } } }`, { id: queue.reviewQueue.edges[0].node.id })).reviewApprove, 'reviewApprove');

    const viewers: string[] = [];
    for (let i = 0; i < CLIENTS; i++) viewers.push(await token(`bench.viewer${i}`));
    const submitDoc = `mutation ($f: ID!, $input: LeadSubmitInput!) { leadSubmit(formId: $f, input: $input) { lead { id } userErrors { code field } } }`;
    // the viewer is a function of the index, so that a retry comes from the same viewer (keys are per viewer)
    const submit = async (_client: number, index: number) => {
      const viewer = index % CLIENTS;
      const input = {
        source: index % 2 ? 'PROFILE' : 'AD',
        adId: index % 2 ? null : randomUUID(),
        idempotencyKey: `bench-${index}`,
        answers: [
          { question: 'ENQUIRY', answer: `Quote request number ${index}, please call back` },
          { question: 'NAME', answer: `Viewer ${viewer}` },
          { question: 'PHONE', answer: '+33 1 23 45 67 89' },
          { question: 'EMAIL', answer: `viewer${viewer}@example.com` },
          { question: 'COUNTRY_CITY', answer: 'France / Lyon' },
        ],
      };
      accepted((await gql(url, viewers[viewer], submitDoc, { f: formId, input })).leadSubmit, 'leadSubmit');
    };
    const warmup = Math.min(500, SUBMISSIONS);
    await load(server, dbName, CLIENTS, warmup, (client, index) => submit(client, SUBMISSIONS + index)); // users created, code warm
    const apiLayerOnly = await load(server, dbName, CLIENTS, SUBMISSIONS, (client) => gql(url, viewers[client], `{ viewer { handle } }`).then(() => undefined));
    const capture = await load(server, dbName, CLIENTS, SUBMISSIONS, submit);
    const { count: stored } = await server.call<{ count: number }>({ cmd: 'count' });
    if (stored !== SUBMISSIONS + warmup) throw new Error(`expected ${SUBMISSIONS + warmup} leads, found ${stored}`);
    const idempotentRetries = await load(server, dbName, CLIENTS, Math.min(2000, SUBMISSIONS), submit);
    if ((await server.call<{ count: number }>({ cmd: 'count' })).count !== stored) throw new Error('retries stored new leads');

    // ── 2. export ──
    const insertStarted = performance.now();
    const { count: expectedRows } = await server.call<{ count: number }>({ cmd: 'insert', rows: EXPORT_ROWS });
    const insertSeconds = (performance.now() - insertStarted) / 1000;
    await server.stop();

    // a fresh app process: its memory is the export's, not that of the phases before
    server = await startServer(database);
    const exporter = server;
    const link = await gql(exporter.url, owner, `mutation ($a: ID!) { leadsExport(accountId: $a) { url userErrors { code } } }`, { a: accountId });
    const exportUrl: string = accepted(link.leadsExport, 'leadsExport').url;
    await exporter.call({ cmd: 'memoryStart' });
    const rssBefore = memoryOf(exporter.pid, 'VmRSS');
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, memoryOf(exporter.pid, 'VmRSS'))), SAMPLE_MS);
    const cpuBefore = cpuSeconds(exporter.pid);
    const started = performance.now();
    const response = await fetch(exportUrl);
    if (response.status !== 200) throw new Error(`export answered ${response.status}`);
    let firstByte = 0;
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      firstByte ||= performance.now() - started;
      bytes += chunk.byteLength;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
    }
    const exportSeconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const exportCpu = cpuSeconds(exporter.pid) - cpuBefore;
    const highWaterMark = memoryOf(exporter.pid, 'VmHWM');
    const { peaks } = await exporter.call<{ peaks: Record<string, number> }>({ cmd: 'memoryReport' });
    const rows = lines - 1; // the header; no answer holds a newline
    if (rows !== expectedRows) throw new Error(`exported ${rows} rows, expected ${expectedRows}`);

    const results = {
      database: database.databaseUrl ? 'PostgreSQL' : 'PGlite',
      node: process.version,
      appFlags: process.env.BENCH_APP_FLAGS ?? '',
      cpus: os.cpus().length,
      loadAverage: os.loadavg().map((n) => +n.toFixed(1)),
      capture,
      apiLayerOnly,
      idempotentRetries,
      export: {
        rows,
        insertSeconds: +insertSeconds.toFixed(1),
        seconds: +exportSeconds.toFixed(1),
        rowsPerSecond: Math.round(rows / exportSeconds),
        megabytes: +(bytes / MB).toFixed(1),
        firstByteMs: Math.round(firstByte),
        appCpuCores: +(exportCpu / exportSeconds).toFixed(2),
        rssAfterBootMB: +(rssBefore / MB).toFixed(1),
        peakRssSampledMB: +(peakRss / MB).toFixed(1),
        peakRssHighWaterMarkMB: +(highWaterMark / MB).toFixed(1),
        /** peaks of process.memoryUsage() inside the app during the download */
        peaksMB: Object.fromEntries(Object.entries(peaks).map(([key, value]) => [key, +(value / MB).toFixed(1)])),
      },
    };
    console.log(JSON.stringify(results, null, 2));
  } finally {
    await server?.stop();
    await database.drop();
  }
}

interface BenchDatabase {
  databaseUrl?: string;
  dataDir: string;
  drop(): Promise<void>;
}

/** A throwaway database: next to DATABASE_URL when set, else PGlite in a temporary directory. */
async function openBenchDatabase(): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'livesuite-bench-leads-'));
  const base = process.env.DATABASE_URL;
  if (!base) return { dataDir, drop: () => rm(dataDir, { recursive: true, force: true }) };
  const name = `livesuite_bench_leads_${Date.now().toString(36)}`;
  const at = (db: string) => Object.assign(new URL(base), { pathname: `/${db}` }).toString();
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: at('postgres') });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await admin(`CREATE DATABASE "${name}"`);
  return {
    databaseUrl: at(name),
    dataDir,
    async drop() {
      if (process.env.BENCH_KEEP_DATABASE) console.log(`kept ${name}`);
      else await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// ───────────── entry ─────────────

if (process.argv[2] === '--server') await serve();
else await main();

// Leads benchmark (npm run bench:leads). The app runs in a child process exactly as `npm start`
// runs it (the compiled dist/main.mjs with npm start's node flags, see app-process.ts); this
// process is only the load generator, so the app's CPU and memory are measured apart from the
// clients' (Linux /proc). Tokens are minted here with the app's secret; rows are counted and
// bulk-inserted here too, while the app is stopped (PGlite allows one process at a time).
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
// BENCH_APP_FLAGS adds node flags after npm start's.
//
//   node --import tsx scripts/bench/leads.ts
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test BENCH_CLIENTS=32 BENCH_SUBMISSIONS=5000 BENCH_EXPORT_ROWS=1000000 npm run bench:leads
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { createAuth } from '../../src/platform/auth.ts';
import { openDatabase } from '../../src/platform/db.ts';
import { buildApp, startAppProcess, type AppProcess } from './app-process.ts';
import { accepted, gql, percentile } from './http.ts';
import { cpuSeconds, fullSize, report, sized } from './report.ts';
import { throwawayPostgres } from './database.ts';

// quick sizes (npm run bench) unless BENCH_SIZE=full or the variable is set
const CLIENTS = sized('BENCH_CLIENTS', 8, 32);
const SUBMISSIONS = sized('BENCH_SUBMISSIONS', 300, 5_000);
const EXPORT_ROWS = sized('BENCH_EXPORT_ROWS', 100_000, 1_000_000);
const INSERT_BATCH = 100_000;
const SAMPLE_MS = 50;
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const MB = 1024 * 1024;

/** The app's whole configuration, as environment variables. */
const appEnv = (database: { databaseUrl?: string; dataDir: string }) => ({
  NODE_ENV: 'production',
  DATA_DIR: database.dataDir,
  DATABASE_URL: database.databaseUrl,
  AUTH_SECRET: SECRET,
  LOG_LEVEL: 'warn',
});

// ───────────── /proc ─────────────


/** CPU seconds used so far by each PostgreSQL backend serving `database` (its command line names it). */
function postgresCpuSeconds(database: string): Map<string, number> {
  const backends = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `)) backends.set(pid, cpuSeconds(Number(pid)));
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

const memoryOf = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;

// ───────────── the app in a child process, the database from here ─────────────

const startServer = (database: BenchDatabase) => startAppProcess(appEnv(database), (process.env.BENCH_APP_FLAGS ?? '').split(' ').filter(Boolean));

/** Mints bearer tokens with the app's secret (no database needed). */
async function tokenMinter() {
  const auth = await createAuth(loadConfig(appEnv({ dataDir: os.tmpdir() })), null as never);
  return (handle: string, roles: string[] = []) => auth.mint({ sub: `bench|${handle}`, handle, roles });
}

/** Uses the benchmark's database from this process; the app must be stopped (PGlite is single-process). */
async function withDatabase<T>(database: BenchDatabase, use: (db: Awaited<ReturnType<typeof openDatabase>>['prisma']) => Promise<T>): Promise<T> {
  const opened = await openDatabase(database, { migrate: false });
  try {
    return await use(opened.prisma);
  } finally {
    await opened.close();
  }
}

/** BENCH_EXPORT_ROWS leads for the bench account, with SQL; returns the account's lead count. */
async function insertLeads(database: BenchDatabase, rows: number): Promise<number> {
  return withDatabase(database, async (db) => {
    const account = await db.businessAccount.findFirstOrThrow({ where: { handle: 'bench.shop' }, select: { id: true } });
    const form = await db.leadForm.findFirstOrThrow({ where: { accountId: account.id }, select: { id: true } });
    const submitter = await db.user.findFirstOrThrow({ where: { handle: 'bench.viewer0' }, select: { id: true } });
    for (let start = 0; start < rows; start += INSERT_BATCH) {
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
        Math.min(start + INSERT_BATCH, rows),
      );
    }
    await db.$executeRawUnsafe(`ANALYZE "Lead"`);
    return db.lead.count();
  });
}

// ───────────── load ─────────────

/** `clients` loops sharing one counter until `total` requests are done: rate, latencies, and the CPU the app and PostgreSQL used. */
async function load(
  server: AppProcess,
  database: string | undefined,
  clients: number,
  total: number,
  request: (client: number, index: number) => Promise<void>,
) {
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
  let server: AppProcess | undefined;
  try {
    buildApp();
    // ── 1. lead capture ──
    server = await startServer(database);
    const { url } = server;
    const token = await tokenMinter();
    const owner = await token('bench.owner');

    // an organization, an account and an approved form asking all five questions
    const org = await gql(url, owner, `mutation { organizationCreate(input: { name: "Bench" }) { organization { id } userErrors { code } } }`);
    const orgId = accepted(org.organizationCreate, 'organizationCreate').organization.id;
    const account = await gql(
      url,
      owner,
      `mutation ($o: ID!) { businessAccountCreate(organizationId: $o, input: { handle: "bench.shop", displayName: "Bench", region: "FR", category: "Retail" }) { account { id } userErrors { code } } }`,
      { o: orgId },
    );
    const accountId: string = accepted(account.businessAccountCreate, 'businessAccountCreate').account.id;
    const form = await gql(
      url,
      owner,
      `mutation ($a: ID!) { leadFormCreate(accountId: $a, input: { name: "Quote", introduction: "Tell us", questions: [ENQUIRY, NAME, PHONE, EMAIL, COUNTRY_CITY], privacyPolicyUrl: "https://bench.example.com/privacy" }) { leadForm { id } userErrors { code } } }`,
      { a: accountId },
    );
    const formId: string = accepted(form.leadFormCreate, 'leadFormCreate').leadForm.id;
    accepted(
      (await gql(url, owner, `mutation ($id: ID!) { leadFormSubmit(id: $id) { userErrors { code } } }`, { id: formId })).leadFormSubmit,
      'leadFormSubmit',
    );
    const reviewer = await token('bench.reviewer', ['reviewer']);
    const queue = await gql(url, reviewer, `{ reviewQueue(kind: LEAD_FORM) { edges { node { id } } } }`);
    accepted(
      (await gql(url, reviewer, `mutation ($id: ID!) { reviewApprove(id: $id) { userErrors { code } } }`, { id: queue.reviewQueue.edges[0].node.id }))
        .reviewApprove,
      'reviewApprove',
    );

    const viewers: string[] = [];
    for (let i = 0; i < CLIENTS; i++) viewers.push(await token(`bench.viewer${i}`));
    const submitDoc = `mutation ($f: ID!, $input: LeadSubmitInput!) { leadSubmit(formId: $f, input: $input) { lead { id } userErrors { code field } } }`;
    // the viewer is a function of the index, so that a retry comes from the same viewer (keys are per viewer)
    const submit = async (_client: number, index: number) => {
      const viewer = index % CLIENTS;
      const input = {
        // other sources must name what they came from (an ad the viewer clicked, a conversation…)
        source: 'PROFILE',
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
    const idempotentRetries = await load(server, dbName, CLIENTS, Math.min(2000, SUBMISSIONS), submit);
    await server.stop();
    // counted once the app is stopped: the retries must not have stored anything either
    const stored = await withDatabase(database, (db) => db.lead.count());
    if (stored !== SUBMISSIONS + warmup) throw new Error(`expected ${SUBMISSIONS + warmup} leads (first submissions; retries store none), found ${stored}`);

    // ── 2. export ──
    const insertStarted = performance.now();
    const expectedRows = await insertLeads(database, EXPORT_ROWS);
    const insertSeconds = (performance.now() - insertStarted) / 1000;

    // a fresh app process: its memory is the export's, not that of the phases before
    server = await startServer(database);
    const exporter = server;
    const link = await gql(exporter.url, owner, `mutation ($a: ID!) { leadsExport(accountId: $a) { url userErrors { code } } }`, { a: accountId });
    const exportUrl: string = accepted(link.leadsExport, 'leadsExport').url;
    await exporter.memoryStart(SAMPLE_MS);
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
    const peaks = await exporter.memoryReport();
    const rows = lines - 1; // the header; no answer holds a newline
    if (rows !== expectedRows) throw new Error(`exported ${rows} rows, expected ${expectedRows}`);

    const results = {
      database: database.databaseUrl ? 'PostgreSQL' : 'PGlite',
      node: process.version,
      appFlags: exporter.flags.join(' '),
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
    const exported = results.export;
    report({
      title: 'Leads: capture and the CSV export',
      setup: `${results.database}; the app as npm start runs it (\`node ${results.appFlags}\`), ${CLIENTS} clients, ${SUBMISSIONS.toLocaleString('en')} submissions; export of ${rows.toLocaleString('en')} leads from a freshly started app (RSS from /proc).${fullSize ? '' : ' Quick sizes.'}`,
      figures: [
        { name: '`leadSubmit`', value: capture.perSecond, unit: 'submissions/s', baseline: `API layer only (\`{ viewer { handle } }\`) ${apiLayerOnly.perSecond}/s`, ratio: capture.perSecond / apiLayerOnly.perSecond, cpuMsPerOp: capture.appCpuMsPerRequest },
        { name: 'idempotent retries', value: idempotentRetries.perSecond, unit: 'requests/s', cpuMsPerOp: idempotentRetries.appCpuMsPerRequest },
        {
          name: `export peak RSS (${rows.toLocaleString('en')} rows)`,
          value: exported.peakRssHighWaterMarkMB,
          unit: 'MB',
          target: '< 150 MB (1M rows)',
          baseline: `RSS after boot ${exported.rssAfterBootMB} MB`,
          cpuMsPerOp: (exportCpu * 1000) / (rows / 1000),
          met: exported.peakRssHighWaterMarkMB < 150,
        },
        { name: 'export rate', value: exported.rowsPerSecond, unit: 'rows/s' },
      ],
      notes: ['CPU per op of the export: ms of app CPU per 1,000 rows.'],
    });
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
  const postgres = await throwawayPostgres(base, 'livesuite_bench_leads');
  return {
    databaseUrl: postgres.url,
    dataDir,
    async drop() {
      if (process.env.BENCH_KEEP_DATABASE) console.log(`kept ${postgres.name}`);
      else await postgres.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// ───────────── entry ─────────────

await main();

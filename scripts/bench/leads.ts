// Leads benchmark (npm run bench:leads):
//   1. lead capture: BENCH_CLIENTS concurrent clients (one viewer each) submit BENCH_SUBMISSIONS
//      leads over HTTP (loopback, keep-alive) → submissions per second and latency; the same
//      clients sending a request that touches no database (`{ viewer { handle } }`) give the
//      API layer's own ceiling for comparison;
//   2. export: BENCH_EXPORT_ROWS leads inserted with SQL (INSERT … SELECT generate_series, all
//      within the last 90 days), then the CSV downloaded from an app running in a child
//      process, whose RSS is sampled every 50 ms from /proc (and its kernel high-water mark,
//      VmHWM, read at the end) → rows, seconds, peak RSS.
// Runs on PostgreSQL when DATABASE_URL is set (in a throwaway database created next to it and
// dropped at the end), else on PGlite in a temporary DATA_DIR. On PGlite the database lives in
// the app's process, so the exporter's RSS includes the database engine.
//
//   node --import tsx scripts/bench/leads.ts
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test BENCH_CLIENTS=32 BENCH_SUBMISSIONS=5000 BENCH_EXPORT_ROWS=1000000 npm run bench:leads
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const SUBMISSIONS = Number(process.env.BENCH_SUBMISSIONS ?? 5_000);
const EXPORT_ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
const INSERT_BATCH = 100_000;
const SAMPLE_MS = 50;
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const MB = 1024 * 1024;

const configFor = (database: { databaseUrl?: string; dataDir: string }) =>
  loadConfig({ NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, AUTH_SECRET: SECRET, LOG_LEVEL: 'warn' });

// ───────────── HTTP ─────────────

async function gql<T = any>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

function accepted<T extends { userErrors: unknown[] }>(payload: T, what: string): T {
  if (payload.userErrors.length > 0) throw new Error(`${what}: ${JSON.stringify(payload.userErrors)}`);
  return payload;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** `clients` loops sharing one counter until `total` requests are done; wall time, latencies, CPU. */
async function load(clients: number, total: number, request: (client: number, index: number) => Promise<void>) {
  let next = 0;
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
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
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    requests: total,
    seconds: +seconds.toFixed(2),
    perSecond: Math.round(total / seconds),
    p50ms: +percentile(latencies, 50).toFixed(1),
    p95ms: +percentile(latencies, 95).toFixed(1),
    p99ms: +percentile(latencies, 99).toFixed(1),
    /** CPU time of this process (app + load generator) per second of wall time: 1.0 = one core busy */
    nodeCpuCores: +((used.user + used.system) / 1e6 / seconds).toFixed(2),
  };
}

// ───────────── main ─────────────

async function main() {
  const database = await openBenchDatabase();
  let app: App | undefined;
  let child: ChildProcess | undefined;
  try {
    app = await createApp(configFor(database));
    const token = (handle: string, roles: string[] = []) => app!.services.auth.mint({ sub: `bench|${handle}`, handle, roles });
    const owner = await token('bench.owner');
    const url = app.url;

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

    // ── 1. lead capture ──
    const viewers = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => token(`bench.viewer${i}`)));
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
    await load(CLIENTS, warmup, (client, index) => submit(client, SUBMISSIONS + index)); // users created, code warm
    const apiLayer = await load(CLIENTS, SUBMISSIONS, (client) => gql(url, viewers[client], `{ viewer { handle } }`).then(() => undefined));
    const capture = await load(CLIENTS, SUBMISSIONS, submit);
    const stored = await app.services.db.lead.count();
    if (stored !== SUBMISSIONS + warmup) throw new Error(`expected ${SUBMISSIONS + warmup} leads, found ${stored}`);
    // the idempotent retry path: the same keys again, nothing new stored
    const retries = await load(CLIENTS, Math.min(2000, SUBMISSIONS), submit);
    if ((await app.services.db.lead.count()) !== stored) throw new Error('retries stored new leads');

    // ── 2. export ──
    const insertStarted = performance.now();
    const [{ id: rawAccount }] = await app.services.db.businessAccount.findMany({ where: { handle: 'bench.shop' }, select: { id: true } });
    const { id: rawForm } = await app.services.db.leadForm.findFirstOrThrow({ where: { accountId: rawAccount }, select: { id: true } });
    const submitter = (await app.services.db.user.findFirstOrThrow({ where: { handle: 'bench.viewer0' }, select: { id: true } })).id;
    for (let start = 0; start < EXPORT_ROWS; start += INSERT_BATCH) {
      await app.services.db.$executeRawUnsafe(
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
        rawForm,
        rawAccount,
        submitter,
        start + 1,
        Math.min(start + INSERT_BATCH, EXPORT_ROWS),
      );
    }
    await app.services.db.$executeRawUnsafe(`ANALYZE "Lead"`);
    const insertSeconds = (performance.now() - insertStarted) / 1000;
    const expectedRows = await app.services.db.lead.count();
    await app.close();
    app = undefined;

    // the exporter in its own process: its RSS is the export's, not the load generator's
    child = fork(fileURLToPath(import.meta.url), ['--export-server'], {
      // BENCH_EXPORTER_FLAGS: node flags for the exporter, e.g. --max-old-space-size=96
      execArgv: ['--import', 'tsx', ...(process.env.BENCH_EXPORTER_FLAGS ?? '').split(' ').filter(Boolean)],
      env: { ...process.env, BENCH_DATABASE: JSON.stringify(database) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [{ url: exporterUrl }] = (await once(child, 'message')) as [{ url: string }];
    const rssOf = (field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child!.pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
    const link = await gql(exporterUrl, owner, `mutation ($a: ID!) { leadsExport(accountId: $a) { url userErrors { code } } }`, { a: accountId });
    const exportUrl: string = accepted(link.leadsExport, 'leadsExport').url;
    child.send('start');
    await once(child, 'message');
    const rssBefore = rssOf('VmRSS');
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf('VmRSS'))), SAMPLE_MS);
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
    const highWaterMark = rssOf('VmHWM');
    child.send('report');
    const [{ peaks }] = (await once(child, 'message')) as [{ peaks: Record<string, number> }];
    const rows = lines - 1; // the header; no answer holds a newline
    if (rows !== expectedRows) throw new Error(`exported ${rows} rows, expected ${expectedRows}`);

    const results = {
      database: database.databaseUrl ? 'PostgreSQL' : 'PGlite',
      node: process.version,
      cpus: os.cpus().length,
      capture: { clients: CLIENTS, ...capture },
      apiLayerOnly: { clients: CLIENTS, ...apiLayer },
      idempotentRetries: { clients: CLIENTS, ...retries },
      export: {
        rows,
        insertSeconds: +insertSeconds.toFixed(1),
        seconds: +exportSeconds.toFixed(1),
        rowsPerSecond: Math.round(rows / exportSeconds),
        megabytes: +(bytes / MB).toFixed(1),
        firstByteMs: Math.round(firstByte),
        exporterRssBeforeMB: +(rssBefore / MB).toFixed(1),
        exporterPeakRssSampledMB: +(peakRss / MB).toFixed(1),
        exporterPeakRssHighWaterMarkMB: +(highWaterMark / MB).toFixed(1),
        /** peaks of process.memoryUsage() inside the exporter during the download */
        exporterPeaksMB: Object.fromEntries(Object.entries(peaks).map(([key, value]) => [key, +(value / MB).toFixed(1)])),
      },
    };
    console.log(JSON.stringify(results, null, 2));
  } finally {
    if (child?.connected) {
      child.send('stop');
      await once(child, 'exit');
    }
    await app?.close();
    await database.drop();
  }
}

/** A throwaway database: next to DATABASE_URL when set, else PGlite in a temporary directory. */
async function openBenchDatabase(): Promise<{ databaseUrl?: string; dataDir: string; drop(): Promise<void> }> {
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

// ───────────── entry: the benchmark, or (in the child) the exporter ─────────────

if (process.argv[2] === '--export-server') {
  const app = await createApp(configFor(JSON.parse(process.env.BENCH_DATABASE!)));
  // what the memory is made of, at its peak (sampled from inside, for the breakdown)
  const peaks: Record<string, number> = {};
  const sample = () => Object.entries(process.memoryUsage()).forEach(([key, value]) => (peaks[key] = Math.max(peaks[key] ?? 0, value)));
  process.send!({ url: app.url });
  process.on('message', async (message) => {
    if (message === 'start') {
      for (const key of Object.keys(peaks)) delete peaks[key];
      sample();
      setInterval(sample, SAMPLE_MS).unref();
      process.send!('started');
    } else if (message === 'report') {
      sample();
      process.send!({ peaks });
    } else {
      await app.close();
      process.exit(0);
    }
  });
} else {
  await main();
}

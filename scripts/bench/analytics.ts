// Campaign analytics benchmark (npm run bench:analytics), PostgreSQL only (DATABASE_URL).
// In a throwaway database next to DATABASE_URL (dropped at the end; BENCH_KEEP_DATABASE=1
// keeps it), migrated like the app's:
//   1. data, inserted with SQL: BENCH_CAMPAIGNS campaigns, BENCH_SESSIONS registered sessions
//      (one registration and one attributed, ended live each; 20 organizations of 50 accounts,
//      sessions a week apart over a year), BENCH_ORDERS order events spread over the lives
//      (3 of 4 in EUR, 1 in USD), and the rollup rows those orders would have produced;
//   2. reads, each timed BENCH_REPEAT times in the same run (median and p95): the per-campaign
//      query and the year-to-date query exactly as the API runs them (campaignFigures /
//      yearToDate in src/modules/campaigns/analytics.ts, for the organization with the most
//      rows), against a plain `SELECT sum("amountMinor") FROM "LiveOrder"` scan;
//   3. order recording through the live service (`recordOrder`: one transaction, its hooks)
//      by BENCH_WORKERS concurrent workers on as many attributed lives, BENCH_RECORDS orders,
//      in a child process that loads the campaign rollup hooks and in one that does not.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx scripts/bench/analytics.ts
//   DATABASE_URL=… BENCH_ORDERS=1000000 npm run bench:analytics     (a smaller run)
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { openDatabase } from '../../src/platform/db.ts';
import { createMemoryPubSub } from '../../src/platform/pubsub.ts';
import { Runtime } from '../../src/platform/runtime.ts';

const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 1_000);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 50_000);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 5_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 20);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 8);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 4_000);
const ORGANIZATIONS = 20;
const ACCOUNTS = 1_000;

/** A deterministic uuid per table and number, so rows can reference each other in SQL. */
const id = (prefix: string, expr: string) => `('${prefix}000000-0000-4000-8000-' || lpad(to_hex(${expr}), 12, '0'))::uuid`;
const ids = { org: (e: string) => id('0a', e), account: (e: string) => id('0b', e), campaign: (e: string) => id('0c', e), registration: (e: string) => id('0d', e), session: (e: string) => id('0e', e), live: (e: string) => id('0f', e), user: (e: string) => id('01', e) };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

async function timeIt(label: string, work: () => Promise<unknown>) {
  const start = performance.now();
  await work();
  const seconds = (performance.now() - start) / 1000;
  console.log(`  ${label}: ${seconds.toFixed(1)} s`);
}

async function seed(sql: (text: string) => Promise<unknown>) {
  console.log(`seeding ${CAMPAIGNS} campaigns, ${SESSIONS} registered sessions, ${ORDERS} orders`);
  await timeIt('organizations, accounts, campaigns', async () => {
    await sql(`INSERT INTO "User" (id, subject, handle) VALUES (${ids.user('1')}, 'bench|admin', 'bench.admin')`);
    await sql(`INSERT INTO "Organization" (id, name) SELECT ${ids.org('i')}, 'Org ' || i FROM generate_series(0, ${ORGANIZATIONS - 1}) i`);
    await sql(`INSERT INTO "BusinessAccount" (id, "organizationId", handle, "displayName", region, category, "updatedAt", "followerCount", "ownerAge", "shopScore", "livestreamLevel")
      SELECT ${ids.account('a')}, ${ids.org(`a % ${ORGANIZATIONS}`)}, 'acct' || a, 'Account ' || a, 'FR', 'Bakery', now(), 5000, 30, 4.8, 5 FROM generate_series(0, ${ACCOUNTS - 1}) a`);
    await sql(`INSERT INTO "Campaign" (id, name, description, kind, "registrationType", "registrationStartsAt", "registrationEndsAt", "startsAt", "endsAt", "allowedCategories", benefits, "createdById", "createdAt", "updatedAt")
      SELECT ${ids.campaign('c')}, 'Campaign ' || c, '', 'KEY_LIVESTREAM', 'REVIEWED', '2025-12-01', '2026-12-31', '2026-01-01', '2027-01-01', '{}', '[]', ${ids.user('1')}, '2025-12-01'::timestamp + c * interval '1 minute', now()
      FROM generate_series(0, ${CAMPAIGNS - 1}) c`);
  });
  // session i: account i / per, campaign i % CAMPAIGNS, starting a week after the account's previous one
  const per = Math.ceil(SESSIONS / ACCOUNTS);
  const start = `('2026-01-01'::timestamp + (i % ${per}) * interval '7 days' + (i / ${per} % 24) * interval '1 hour')`;
  await timeIt('registrations, sessions, lives, attributions', async () => {
    await sql(`INSERT INTO "CampaignRegistration" (id, "campaignId", "accountId", "organizationId", status, current, "submittedById", "submittedAt", "statusChangedAt")
      SELECT ${ids.registration('i')}, ${ids.campaign(`i % ${CAMPAIGNS}`)}, ${ids.account(`i / ${per}`)}, ${ids.org(`i / ${per} % ${ORGANIZATIONS}`)}, 'APPROVED', true, ${ids.user('1')}, '2025-12-02', '2025-12-03'
      FROM generate_series(0, ${SESSIONS - 1}) i`);
    await sql(`INSERT INTO "CampaignSession" (id, "registrationId", "campaignId", "accountId", "startsAt", "endsAt", "mainCategory", "livestreamLevel", "createdAt")
      SELECT ${ids.session('i')}, ${ids.registration('i')}, ${ids.campaign(`i % ${CAMPAIGNS}`)}, ${ids.account(`i / ${per}`)}, ${start}, ${start} + interval '2 hours', 'Bakery', 3, '2025-12-02'
      FROM generate_series(0, ${SESSIONS - 1}) i`);
    await sql(`INSERT INTO "LiveSession" (id, "accountId", title, state, "startedAt", "endedAt", "peakViewers", "totalViewers", "createdAt")
      SELECT ${ids.live('i')}, ${ids.account(`i / ${per}`)}, 'Live ' || i, 'ENDED', ${start}, ${start} + interval '2 hours', 100 + i % 900, 1000 + i % 5000, ${start}
      FROM generate_series(0, ${SESSIONS - 1}) i`);
    await sql(`INSERT INTO "CampaignLive" ("liveSessionId", "campaignId", "registrationId", "registeredSessionId", "organizationId", "accountId", "startedAt", "viewerMessages", leads)
      SELECT ${ids.live('i')}, ${ids.campaign(`i % ${CAMPAIGNS}`)}, ${ids.registration('i')}, ${ids.session('i')}, ${ids.org(`i / ${per} % ${ORGANIZATIONS}`)}, ${ids.account(`i / ${per}`)}, ${start}, i % 50, i % 7
      FROM generate_series(0, ${SESSIONS - 1}) i`);
  });
  const batch = 1_000_000;
  await timeIt('order events', async () => {
    for (let from = 0; from < ORDERS; from += batch) {
      const to = Math.min(ORDERS, from + batch) - 1;
      await sql(`INSERT INTO "LiveOrder" (id, "sessionId", "accountId", "amountMinor", currency, units, "createdAt")
        SELECT gen_random_uuid(), ${ids.live(`j % ${SESSIONS}`)}, ${ids.account(`j % ${SESSIONS} / ${per}`)}, 100 + (j::bigint * 7919) % 10000, CASE WHEN j % 4 = 0 THEN 'USD' ELSE 'EUR' END, 1 + j % 3,
               ('2026-01-01'::timestamp + (j % ${SESSIONS} % ${per}) * interval '7 days' + (j % ${SESSIONS} / ${per} % 24) * interval '1 hour') + (j / ${SESSIONS}) * interval '1 second'
        FROM generate_series(${from}, ${to}) j`);
    }
  });
  await timeIt('rollups from the orders', async () => {
    await sql(`INSERT INTO "CampaignLiveSales" ("liveSessionId", month, currency, "campaignId", "organizationId", "registeredSessionId", "gmvMinor", orders, "itemsSold")
      SELECT o."sessionId", date_trunc('month', o."createdAt")::date, o.currency, l."campaignId", l."organizationId", l."registeredSessionId", sum(o."amountMinor"), count(*), sum(o.units)
      FROM "LiveOrder" o JOIN "CampaignLive" l ON l."liveSessionId" = o."sessionId" GROUP BY 1, 2, 3, 4, 5, 6`);
    await sql(`VACUUM ANALYZE`);
  });
}

async function measureReads(databaseUrl: string, sql: (text: string) => Promise<pg.QueryResult>) {
  const { campaignFigures, yearToDate } = await import('../../src/modules/campaigns/analytics.ts');
  const database = await openDatabase({ databaseUrl, dataDir: '/tmp' }, { migrate: false });
  const busiest = (await sql(`SELECT "organizationId"::text AS org, count(*) FROM "CampaignLiveSales" GROUP BY 1 ORDER BY 2 DESC LIMIT 1`)).rows[0].org as string;
  const campaign = (await sql(`SELECT "campaignId"::text AS c FROM "CampaignLiveSales" WHERE "organizationId" = '${busiest}' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`)).rows[0].c as string;
  const time = async (work: () => Promise<unknown>) => {
    const samples: number[] = [];
    await work(); // warm the plan and the cache
    for (let i = 0; i < REPEAT; i++) {
      const start = performance.now();
      await work();
      samples.push(performance.now() - start);
    }
    return samples;
  };
  const scan = await time(() => sql(`SELECT sum("amountMinor") FROM "LiveOrder"`));
  const perCampaign = await time(() => campaignFigures(database.prisma, campaign, busiest));
  const ytd = await time(() => yearToDate(database.prisma, busiest, 2026));
  const figures = await campaignFigures(database.prisma, campaign, busiest);
  await database.close();
  const line = (label: string, xs: number[]) => console.log(`  ${label.padEnd(44)} median ${median(xs).toFixed(2)} ms  p95 ${p95(xs).toFixed(2)} ms  (${(median(scan) / median(xs)).toFixed(0)}× faster than the scan)`);
  console.log(`reads (${REPEAT} runs each, organization with the most rollup rows; campaign: ${figures.liveSessions} lives, ${figures.orders} orders)`);
  line('SELECT sum("amountMinor") FROM "LiveOrder"', scan);
  line('per-campaign (campaignFigures)', perCampaign);
  line('year to date (yearToDate)', ytd);
}

/** Child mode: records orders through the live service, with or without the campaign hooks loaded. */
async function recordOrders(databaseUrl: string, withRollups: boolean, liveIds: string[]) {
  if (withRollups) await import('../../src/modules/campaigns/rollups.ts');
  const live = await import('../../src/modules/live/service.ts');
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-0123', DATA_DIR: '/tmp', DATABASE_POOL_SIZE: String(WORKERS + 2) });
  const database = await openDatabase({ databaseUrl, dataDir: '/tmp', poolSize: WORKERS + 2 }, { migrate: false });
  const runtime = new Runtime();
  const deps = { db: database.prisma, clock: systemClock, pubsub: createMemoryPubSub(), runtime, config };
  let next = 0;
  const start = performance.now();
  await Promise.all(
    liveIds.map(async (sessionId) => {
      while (next < RECORDS) {
        next++;
        await live.recordOrder(deps as never, sessionId, { amountMinor: 1234, currency: 'EUR', units: 2 });
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await runtime.stopAll();
  await database.close();
  return RECORDS / seconds;
}

async function measureWrites(databaseUrl: string, sql: (text: string) => Promise<pg.QueryResult>) {
  let round = 0;
  const run = async (withRollups: boolean) => {
    // fresh attributed lives for each run, LIVE
    const liveIds: string[] = [];
    round++;
    for (let w = 0; w < WORKERS; w++) {
      const n = 10_000_000 + round * 1000 + w;
      await sql(`INSERT INTO "LiveSession" (id, "accountId", title, state, "startedAt", "createdAt") VALUES (${ids.live(String(n))}, ${ids.account(String(w))}, 'bench', 'LIVE', now(), now())`);
      await sql(`INSERT INTO "CampaignLive" ("liveSessionId", "campaignId", "registrationId", "registeredSessionId", "organizationId", "accountId", "startedAt")
        VALUES (${ids.live(String(n))}, ${ids.campaign('0')}, ${ids.registration(String(w))}, ${ids.session(String(w))}, ${ids.org(String(w % ORGANIZATIONS))}, ${ids.account(String(w))}, now())`);
      liveIds.push((await sql(`SELECT ${ids.live(String(n))}::text AS id`)).rows[0].id as string);
    }
    const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, BENCH_CHILD: withRollups ? 'with' : 'without', BENCH_LIVES: liveIds.join(','), BENCH_DB: databaseUrl }, execArgv: ['--import', 'tsx'] });
    const [message] = (await once(child, 'message')) as [{ perSecond: number }];
    await once(child, 'exit');
    return message.perSecond;
  };
  // alternate, so a change in the shared host's load hits both sides alike
  const without: number[] = [];
  const withRollups: number[] = [];
  for (let i = 0; i < 3; i++) {
    without.push(await run(false));
    withRollups.push(await run(true));
  }
  const show = (xs: number[]) => `${xs.map((x) => x.toFixed(0)).join(', ')} orders/s (median ${median(xs).toFixed(0)})`;
  console.log(`order recording (${WORKERS} workers on ${WORKERS} attributed lives, ${RECORDS} orders per run, liveOrderRecord's service call; 3 alternating runs each)`);
  console.log(`  without the campaign hooks: ${show(without)}`);
  console.log(`  with the rollups:           ${show(withRollups)}  → ${(median(withRollups) / median(without)).toFixed(2)}×`);
}

async function main() {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('the analytics benchmark runs on PostgreSQL: set DATABASE_URL');
  // not named livesuite_…: test runs drop their leftover livesuite_ databases by name
  const name = `bench_campaign_analytics_${Date.now().toString(36)}`;
  const at = (db: string) => Object.assign(new URL(base), { pathname: `/${db}` }).toString();
  const admin = new pg.Client({ connectionString: at('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const databaseUrl = at(name);
  try {
    const migrated = await openDatabase({ databaseUrl, dataDir: '/tmp' });
    await migrated.close();
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on('error', () => {}); // the drop below ends it when a step failed
    await client.connect();
    const sql = (text: string) => client.query(text);
    await seed(sql);
    await measureReads(databaseUrl, sql);
    await measureWrites(databaseUrl, sql);
    await client.end();
  } finally {
    if (process.env.BENCH_KEEP_DATABASE) console.log(`kept ${name}`);
    else await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

if (process.env.BENCH_CHILD) {
  const perSecond = await recordOrders(process.env.BENCH_DB!, process.env.BENCH_CHILD === 'with', process.env.BENCH_LIVES!.split(','));
  process.send!({ perSecond });
  process.exit(0);
} else {
  await main();
  process.exit(0);
}

// Inbox benchmark (npm run bench:inbox): an account with 10,000 conversations (seeded with
// createMany; most with 3 messages, 1 in 50 with 60), then
//   1. inbox pages over HTTP (first: 10, 50, 100) with the contact and the last message:
//      SQL statements per request, counted at the driver (PGlite or pg), must not grow with
//      the page size; requests per second, one client and several at once;
//   2. one returning user's DM that a keyword rule answers, sent one at a time: the SQL
//      statements (round trips, BEGIN/COMMIT included) of that DM and its automated reply;
//   3. bursts of inbound messages (businessMessageSend from many users), with approved
//      keyword rules switched on, then off: messages per second.
// Loopback only, bounded loops. Runs on PGlite in memory, or on PostgreSQL when DATABASE_URL
// is set (in a throwaway database created next to it and dropped at the end).
//
//   npm run bench:inbox
//   BENCH_CONVERSATIONS=10000 BENCH_REQUESTS=100 BENCH_BURST=2000 BENCH_CONCURRENCY=16 npm run bench:inbox
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app.ts';
import type { Prisma } from '../../src/generated/prisma/client.ts';
import { loadConfig } from '../../src/config.ts';
import { throwawayPostgres } from './database.ts';
import { fullSize, report, sized, type BenchFigure } from './report.ts';
import { accepted, gql as request, percentile } from './http.ts';
import { wrapPg, wrapPglite, type Seen } from '../../test/support/statements.ts';

// quick sizes (npm run bench) unless BENCH_SIZE=full or the variable is set
const CONVERSATIONS = sized('BENCH_CONVERSATIONS', 2_000, 10_000);
const REQUESTS = sized('BENCH_REQUESTS', 30, 100);
const BURST = sized('BENCH_BURST', 200, 2_000);
const CONCURRENCY = sized('BENCH_CONCURRENCY', 16, 16);
const figures: BenchFigure[] = [];
const PAGE_SIZES = [10, 50, 100];
/** every 50th conversation has a long history */
const LONG_HISTORY_EVERY = 50;
const LONG_HISTORY = 60;
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';

// ───────────── counting SQL statements at the driver ─────────────

let statements = 0;
let recording: string[] | null = null;
const seen: Seen = (sql) => {
  statements += 1;
  recording?.push(String(sql).replace(/\s+/g, ' '));
  return null;
};

// ───────────── load ─────────────

/** Runs `total` jobs with `concurrency` workers; returns the wall time and each job's latency (ms). */
async function run(total: number, concurrency: number, job: (index: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const index = next++;
        const at = performance.now();
        await job(index);
        latencies.push(performance.now() - at);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { seconds, perSecond: total / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

// ───────────── the database ─────────────

const INBOX = /* GraphQL */ `
  query Inbox($accountId: ID!, $first: Int!, $after: String) {
    inbox(accountId: $accountId, first: $first, after: $after) {
      edges {
        node {
          contact {
            handle
          }
          lastMessage {
            text
            createdAt
          }
          state
          unread
          repliesLeft
        }
      }
      pageInfo {
        endCursor
      }
    }
  }
`;

const SEND = /* GraphQL */ `
  mutation Send($handle: String!, $text: String!) {
    businessMessageSend(handle: $handle, input: { kind: TEXT, text: $text }) {
      message {
        id
      }
      userErrors {
        code
      }
    }
  }
`;

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'livesuite-bench-'));
  const postgres = process.env.DATABASE_URL ? await throwawayPostgres(process.env.DATABASE_URL) : null;
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    MEDIA_DIR: path.join(dir, 'media'),
    DATABASE_URL: postgres?.url,
    REDIS_URL: process.env.REDIS_URL,
    AUTH_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    // the live runtime's tick runs SQL of its own: keep it out of the requests' counts
    LIVE_TICK_MS: '60000',
    // one owner token pages the inbox from 16 clients at once, far faster than any caller: the
    // cost budget and the per-caller cap stay on but large (as in the API tests)
    COST_BUDGET: '10000000',
    COST_RESTORE_RATE: '1000000',
    MAX_CONCURRENT_OPERATIONS_PER_CALLER: '1000',
  });
  const app = await createApp(config, { pgliteDataDir: postgres ? undefined : 'memory://' });
  const engine = app.database.pglite ? 'PGlite (in memory)' : 'PostgreSQL';
  if (app.database.pglite) wrapPglite(app.database.pglite, seen);
  else wrapPg(seen);
  const db = app.services.db;
  const gql = <T = any>(token: string, query: string, variables?: Record<string, unknown>) => request<T>(app.url, token, query, variables);
  const token = (sub: string, handle: string, roles: string[] = []) => app.services.auth.mint({ sub, handle, roles });
  const results: string[] = [];
  const log = (line: string) => {
    console.log(line);
    results.push(line);
  };

  try {
    // ── the account, its keyword rules (approved, switched on), through the API ──
    const owner = await token('bench|owner', 'bench_owner');
    const reviewer = await token('bench|reviewer', 'bench_reviewer', ['reviewer']);
    const { organizationCreate } = await gql(owner, `mutation { organizationCreate(input: { name: "Bench" }) { organization { id } userErrors { code } } }`);
    const { businessAccountCreate } = await gql(
      owner,
      `mutation ($o: ID!) { businessAccountCreate(organizationId: $o, input: { handle: "bench.shop", displayName: "Bench", region: "US", category: "Retail" }) { account { id } userErrors { code } } }`,
      { o: organizationCreate.organization.id },
    );
    const accountId: string = accepted(businessAccountCreate, 'businessAccountCreate').account.id;
    const rules: [string[], string][] = [
      [['price', 'prix', 'cost'], 'Our prices are on the menu in our profile.'],
      [['deliver', 'delivery', 'livraison'], 'We deliver within 10 km, every day but Sunday.'],
      [['营业时间', '営業時間'], '每天 9:00–19:00 营业。'],
      [['refund'], 'Write "order" and your order number, we will refund within 5 days.'],
    ];
    for (const [keywords, reply] of rules) {
      const { keywordReplyCreate } = await gql(
        owner,
        `mutation ($a: ID!, $input: KeywordReplyCreateInput!) { keywordReplyCreate(accountId: $a, input: $input) { autoMessage { id } userErrors { code field } } }`,
        { a: accountId, input: { keywords, reply, matchMode: 'CONTAINS' } },
      );
      accepted(keywordReplyCreate, 'keywordReplyCreate');
    }
    const queue = await gql(reviewer, `{ reviewQueue(kind: AUTO_MESSAGE, first: 100) { edges { node { id } } } }`);
    for (const edge of queue.reviewQueue.edges)
      accepted(
        (await gql(reviewer, `mutation ($id: ID!) { reviewApprove(id: $id) { userErrors { code } } }`, { id: edge.node.id })).reviewApprove,
        'reviewApprove',
      );
    accepted(
      (
        await gql(owner, `mutation ($a: ID!) { autoReplySettingsUpdate(accountId: $a, input: { keywordRepliesEnabled: true }) { userErrors { code } } }`, {
          a: accountId,
        })
      ).autoReplySettingsUpdate,
      'autoReplySettingsUpdate',
    );
    const approvedRules = await db.autoMessage.count({ where: { kind: 'KEYWORD_REPLY', approvedAt: { not: null } } });

    // ── 10,000 conversations with their users and messages, seeded directly ──
    const account = await db.businessAccount.findUniqueOrThrow({ where: { handle: 'bench.shop' }, select: { id: true } });
    const seedStarted = performance.now();
    const now = Date.now();
    const CHUNK = 1000;
    for (let from = 0; from < CONVERSATIONS; from += CHUNK) {
      const indexes = Array.from({ length: Math.min(CHUNK, CONVERSATIONS - from) }, (_, i) => from + i);
      const users = indexes.map((i) => ({ id: randomUUID(), subject: `bench|u${i}`, handle: `bench_u${i}` }));
      const conversations: Prisma.ConversationCreateManyInput[] = [];
      const messages: Prisma.MessageCreateManyInput[] = [];
      for (const [k, i] of indexes.entries()) {
        const last = new Date(now - (i % 20_000) * 60_000); // one conversation a minute, newest first
        const conversationId = randomUUID();
        // alternating user and business messages a minute apart, the user's last
        const count = i % LONG_HISTORY_EVERY === 7 ? LONG_HISTORY : 3;
        const ids = Array.from({ length: count }, () => randomUUID());
        ids.forEach((id, m) => {
          const inbound = (count - 1 - m) % 2 === 0;
          messages.push({
            id,
            conversationId,
            direction: inbound ? 'INBOUND' : 'OUTBOUND',
            kind: 'TEXT',
            text: inbound ? `Question ${m} from ${users[k].handle}` : `Answer ${m}`,
            senderId: inbound ? users[k].id : null,
            createdAt: new Date(last.getTime() - (count - 1 - m) * 60_000),
          });
        });
        conversations.push({
          id: conversationId,
          accountId: account.id,
          userId: users[k].id,
          state: i % 20 === 0 ? ('REQUEST' as const) : i % 10 === 0 ? ('CLOSED' as const) : ('OPEN' as const),
          origin: (['ORGANIC', 'ORGANIC', 'LIVE', 'CHAT_LINK'] as const)[i % 4],
          lastUserMessageAt: last,
          windowRepliesUsed: 1,
          unread: i % 3 === 0,
          lastMessageAt: last,
          lastMessageId: ids[count - 1],
        });
      }
      await db.user.createMany({ data: users });
      await db.conversation.createMany({ data: conversations });
      await db.message.createMany({ data: messages });
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const load = os.loadavg().map((n) => n.toFixed(1)).join(', ');
    log(`### ${engine}`);
    log('');
    log(`Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} CPUs (load average ${load} after seeding), Node ${process.version}.`);
    log('');
    const seededMessages = await db.message.count();
    log(
      `Seeded ${CONVERSATIONS.toLocaleString('en')} conversations (1 in ${LONG_HISTORY_EVERY} with ${LONG_HISTORY} messages, the others 3) and ${seededMessages.toLocaleString('en')} messages with createMany in ${seedSeconds.toFixed(1)} s.`,
    );
    log('');

    // ── inbox pages ──
    const agent = owner;
    const page = (first: number, after?: string) => gql(agent, INBOX, { accountId, first, after });
    // client and server share this process: while seeding kept the event loop busy, the
    // server's keep-alive timer expired on the sockets fetch still holds; let both sides
    // drop them before measuring
    await new Promise((resolve) => setTimeout(resolve, 6000));
    for (let i = 0; i < 5; i++) await page(50); // warm up
    log(
      `Inbox pages (\`inbox(accountId, first: N) { edges { node { contact { handle } lastMessage { text createdAt } state unread repliesLeft } } }\`), ${REQUESTS} sequential requests per size, then ${REQUESTS * 2} with ${CONCURRENCY} clients at once:`,
    );
    log('');
    log('| first | SQL statements / request | p50 ms | p95 ms | requests/s (1 client) | requests/s (' + CONCURRENCY + ' clients) |');
    log('| ---: | ---: | ---: | ---: | ---: | ---: |');
    // a statement of the app's background jobs may land inside a request: the fewest a
    // request ran is its own count
    const counts = new Map<number, number>();
    let sample: string[] = [];
    for (const size of PAGE_SIZES) {
      const perRequest: number[] = [];
      const sequential = await run(REQUESTS, 1, async (i) => {
        recording = i === 0 ? [] : null;
        const start = statements;
        const result = await page(size);
        perRequest.push(statements - start);
        if (result.inbox.edges.length !== size) throw new Error(`expected ${size} conversations, got ${result.inbox.edges.length}`);
        if (size === 50 && recording) sample = recording;
        recording = null;
      });
      const concurrent = await run(REQUESTS * 2, CONCURRENCY, async () => {
        await page(size);
      });
      const own = Math.min(...perRequest);
      const others = perRequest.filter((n) => n !== own).length;
      counts.set(size, own);
      figures.push({ name: `inbox(first: ${size}), SQL statements`, value: own, unit: 'per request' });
      figures.push({ name: `inbox(first: ${size}), ${CONCURRENCY} clients (client in the same process)`, value: concurrent.perSecond, unit: 'requests/s' });
      log(
        `| ${size} | ${own}${others ? ` (${others} with a background statement)` : ''} | ${sequential.p50.toFixed(1)} | ${sequential.p95.toFixed(1)} | ${sequential.perSecond.toFixed(0)} | ${concurrent.perSecond.toFixed(0)} |`,
      );
    }
    // a deeper page: page 2, after the first page's cursor
    const first = await page(50);
    const beforeDeep = statements;
    await page(50, first.inbox.pageInfo.endCursor);
    const deep = statements - beforeDeep;
    log('');
    log(`Page 2 (\`after\` the first page's cursor, first: 50): ${deep} statements.`);
    log('');
    log('The statements of one request (first: 50), columns elided:');
    log('');
    for (const sql of sample)
      log(
        `- \`${sql
          .replace(/^SELECT .*? FROM/, 'SELECT … FROM')
          .replace(/\$\d+(,\$\d+)+/g, '…')
          .replace(/`/g, "'")}\``,
      );
    log('');
    // no statement per row: the same count for every page size; a later page reads the
    // caller's access in its own statement (the first page joins it to the page)
    const constant = new Set(counts.values()).size === 1 && deep <= [...counts.values()][0] + 1;

    // ── bursts of inbound messages: keyword rules on, then off ──
    const texts = [
      'What is the price of the large box?',
      'Do you deliver to Lyon?',
      '请问营业时间是几点？',
      'Hello!',
      'Is the shop open on Sunday?',
      'Quel est le prix ?',
      'Thanks a lot',
    ];
    const sentCount = () => db.message.count({ where: { autoMessageId: { not: null }, status: 'SENT' } });
    const inboundCount = () => db.message.count({ where: { direction: 'INBOUND' } });
    let failures = 0;
    /** BURST messages, half from users with a conversation, half from users writing first (`round` keeps them new). */
    async function burst(round: number) {
      const senders = await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          i % 2 === 0
            ? token(`bench|u${(round * BURST + i) % CONVERSATIONS}`, `bench_u${(round * BURST + i) % CONVERSATIONS}`)
            : token(`bench|new${round}_${i}`, `bench_new${round}_${i}`),
        ),
      );
      const [automatedBefore, inboundBefore, statementsBefore] = [await sentCount(), await inboundCount(), statements];
      let refused = 0;
      const timing = await run(BURST, CONCURRENCY, async (i) => {
        const { businessMessageSend } = await gql(senders[i], SEND, { handle: 'bench.shop', text: texts[i % texts.length] });
        if (businessMessageSend.userErrors.length > 0) refused += 1;
      });
      const perMessage = (statements - statementsBefore) / BURST;
      const [automated, inbound] = [(await sentCount()) - automatedBefore, (await inboundCount()) - inboundBefore];
      if (refused > 0 || inbound !== BURST) failures += 1;
      figures.push({ name: `businessMessageSend, keyword replies ${round === 0 ? 'on' : 'off'}: messages/s (${perMessage.toFixed(1)} statements each)`, value: timing.perSecond, unit: 'messages/s' });
      return `| ${BURST} | ${refused} | ${inbound} | ${automated} | ${perMessage.toFixed(1)} | ${timing.p50.toFixed(1)} | ${timing.p95.toFixed(1)} | ${timing.perSecond.toFixed(0)} |`;
    }
    // ── returning users' DMs that a keyword rule answers, one at a time: their round trips ──
    const KEYWORD_DMS = 20;
    const keywordSenders = await Promise.all(
      Array.from({ length: KEYWORD_DMS }, (_, i) => token(`bench|u${CONVERSATIONS - 1 - i}`, `bench_u${CONVERSATIONS - 1 - i}`)),
    );
    // each sender's first request creates their user row: not part of the DM
    for (const sender of keywordSenders) await gql(sender, '{ viewer { handle } }');
    const repliesBefore = await sentCount();
    const perKeywordDm: number[] = [];
    let keywordSample: string[] = [];
    for (const [i, sender] of keywordSenders.entries()) {
      recording = i === 0 ? [] : null;
      const start = statements;
      const { businessMessageSend } = await gql(sender, SEND, { handle: 'bench.shop', text: 'What is the price of the large box?' });
      perKeywordDm.push(statements - start);
      if (recording) keywordSample = recording;
      recording = null;
      if (businessMessageSend.userErrors.length > 0) failures += 1;
    }
    const keywordReplies = (await sentCount()) - repliesBefore;
    if (keywordReplies !== KEYWORD_DMS) failures += 1;
    // a statement of the app's background jobs may land inside a DM: the fewest is its own count
    const keywordStatements = Math.min(...perKeywordDm);
    figures.push({ name: 'businessMessageSend, returning user, keyword reply sent: SQL statements (BEGIN/COMMIT included)', value: keywordStatements, unit: 'per message', target: '≤ 5', met: keywordStatements <= 5 });
    log(
      `A returning user's DM that a keyword rule answers (${KEYWORD_DMS} users, one at a time, ${keywordReplies} replies sent): ${keywordStatements} SQL statements each, BEGIN/COMMIT included (target ≤ 5). Its statements, columns elided:`,
    );
    log('');
    for (const sql of keywordSample) log(`- \`${sql.slice(0, 140).replace(/`/g, "'")}…\``);
    log('');

    const withRules = await burst(0);
    accepted(
      (
        await gql(owner, `mutation ($a: ID!) { autoReplySettingsUpdate(accountId: $a, input: { keywordRepliesEnabled: false }) { userErrors { code } } }`, {
          a: accountId,
        })
      ).autoReplySettingsUpdate,
      'autoReplySettingsUpdate',
    );
    const withoutRules = await burst(1);
    log(
      `Bursts of ${BURST.toLocaleString('en')} \`businessMessageSend\` from as many users (half with an existing conversation, half writing first), ${CONCURRENCY} at once:`,
    );
    log('');
    log('| keyword rules | messages | refused | stored inbound | keyword replies sent | SQL statements / message | p50 ms | p95 ms | messages/s |');
    log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    log(`| ${approvedRules} approved, on ${withRules}`);
    log(`| off ${withoutRules}`);
    log('');

    report({
      title: `Inbox pages and inbound messages (${engine})`,
      setup: `The app in the benchmark's process (clients too), ${CONVERSATIONS.toLocaleString('en')} conversations, ${REQUESTS} requests per page size, bursts of ${BURST.toLocaleString('en')} messages; statements counted at the driver.${fullSize ? '' : ' Quick sizes.'} The read pages against hello-world yoga are in \`reads.ts\`.`,
      figures,
    });
    if (!constant) {
      console.error(`FAIL: statements per inbox request grow with the page size or the page: ${JSON.stringify([...counts])}, page 2: ${deep}`);
      process.exitCode = 1;
    }
    if (failures > 0) {
      console.error('FAIL: a burst had refused or unstored messages');
      process.exitCode = 1;
    }
  } finally {
    await app.close();
    await postgres?.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

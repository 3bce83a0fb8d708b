// The CSV download streams: 20,000 leads go out page by page in many chunks while the
// app's heap (the app runs in this process) stays flat; a slow reader is waited for, and a
// failure mid-way cuts the connection.
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';
import { localId, signIn } from '../support/fixtures.ts';
import { answers, approvedLeadForm, LEADS_EXPORT, leadTeam, userId } from '../support/leads.ts';

// a collector the test can call (the app runs in this process)
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const COUNT = 20_000;
const DAY = 86_400_000;
let t: TestApp;
let accountId: string;

beforeAll(async () => {
  t = await startApp();
  const team = await leadTeam(t);
  accountId = team.shopA;
  const formId = localId(await approvedLeadForm(t, 'owner', accountId));
  await signIn(t, 'viewer');
  const submitter = await userId(t, 'viewer');
  const now = t.clock.now().getTime();
  for (let start = 0; start < COUNT; start += 2000) {
    await t.db.lead.createMany({
      data: Array.from({ length: 2000 }, (_, i) => {
        const n = start + i;
        return {
          formId,
          accountId: localId(accountId),
          userId: submitter,
          source: 'PROFILE' as const,
          answers: answers(undefined, { ENQUIRY: `Lead number ${n}: ${'a fairly long enquiry about catering for events '.repeat(3)}`, NAME: `Person ${n}` }),
          // spread over the last 80 days; a few share an instant
          createdAt: new Date(now - Math.floor((n / COUNT) * 80 * DAY) - (n % 7)),
        };
      }),
    });
  }
  // PGlite runs queries on this thread: let the timers that fell due meanwhile (the server
  // closing idle keep-alive connections) fire before the next request picks a connection
  await new Promise((resolve) => setTimeout(resolve, 100));
}, 300_000);
afterAll(() => t?.close());

const exportUrl = async () => (await t.as('owner').request(LEADS_EXPORT, { accountId })).leadsExport.url as string;

/** Reads a download chunk by chunk, optionally pausing after each chunk. */
async function read(url: string, options: { pauseMs?: number; onChunk?: () => void } = {}) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let chunks = 0;
  let bytes = 0;
  let lines = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks += 1;
    bytes += value.byteLength;
    const text = decoder.decode(value, { stream: true });
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines += 1;
    options.onChunk?.();
    if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
  }
  return { chunks, bytes, lines };
}

describe('streaming a large export', () => {
  it(`sends all ${COUNT} leads in many chunks while the heap stays flat`, async () => {
    const url = await exportUrl();
    await read(url); // warm up: code paths, prepared queries
    // heapUsed between collections is mostly garbage: measure what is live, collecting every few chunks
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let chunk = 0;
    const sample = () => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    };
    const result = await read(url, { onChunk: () => ++chunk % 25 === 0 && sample() });
    expect(result.lines).toBe(COUNT + 1); // the header, then one line per lead (no answer has a newline)
    expect(result.chunks).toBeGreaterThan(20);
    expect(result.bytes).toBeGreaterThan(COUNT * 250);
    const growth = peak - baseline;
    console.info(`export of ${COUNT} leads: ${(result.bytes / 1e6).toFixed(1)} MB in ${result.chunks} chunks, live heap growth ${(growth / 1e6).toFixed(1)} MB`);
    // holding every row (Prisma objects with their JSON answers) would take several times the file's size
    expect(growth).toBeLessThan(Math.min(result.bytes, 15e6));
  }, 180_000);

  it('waits for a slow reader without piling up listeners', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const result = await read(await exportUrl(), { pauseMs: 2 });
      expect(result.lines).toBe(COUNT + 1);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });

  it('cuts the connection when the database fails mid-way, so a partial file never looks complete', async () => {
    // pages are read with $queryRaw (src/modules/leads/export-query.ts): the third one fails.
    // Only the export's pages count: the background jobs (the webhook worker's poll, the live
    // presence tick) use $queryRaw too, and one may run while the export streams.
    const real = t.db.$queryRaw.bind(t.db);
    const isExportPage = (args: unknown[]) => Array.isArray(args[0]) && (args[0] as string[]).join('?').includes('FROM "Lead" l');
    let calls = 0;
    const queryRaw = vi.spyOn(t.db, '$queryRaw').mockImplementation(((...args: never[]) => {
      if (isExportPage(args)) calls += 1;
      return isExportPage(args) && calls === 3 ? Promise.reject(new Error('connection lost')) : (real as (...a: never[]) => unknown)(...args);
    }) as never);
    try {
      const url = await exportUrl();
      await expect(read(url)).rejects.toThrow();
      expect(calls).toBe(3);
    } finally {
      queryRaw.mockRestore();
    }
  });
});

it('sanity: the lead ids in the export are unique and ordered newest first', async () => {
  const response = await fetch(await exportUrl());
  const lines = (await response.text()).trim().split('\n').slice(1);
  const dates = lines.map((line) => line.slice(0, 24));
  const ids = lines.map((line) => line.slice(-36));
  expect(new Set(ids).size).toBe(COUNT);
  expect([...dates].sort().reverse()).toEqual(dates);
  expect(ids.every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
});

// `npm run bench` (quick sizes) / `npm run bench -- --full`: runs every benchmark under
// scripts/bench/ one after the other and rewrites the report at the top of BENCHMARKS.md.
// A benchmark is any scripts/bench/*.ts that imports ./report.ts (the shared reporting
// interface, described in BENCHMARKS.md): it is run as `node --import tsx <script>` with
// BENCH_SIZE=quick|full and BENCH_REPORT=<file>, and hands its figures back through that file.
// `--only reads,live` runs some of them (the report then keeps the others' previous sections).
// The environment is passed on: DATABASE_URL and REDIS_URL select PostgreSQL and Redis.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdown, type BenchReport } from './report.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const full = process.argv.includes('--full');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? process.argv[onlyAt + 1]?.split(',') : undefined;
const [BEGIN, END] = ['<!-- bench:report -->', '<!-- /bench:report -->'];

/** The benchmarks: scripts of this folder that use the reporting interface. */
function discover(): string[] {
  return readdirSync(here)
    .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && file !== 'report.ts')
    .filter((file) => /from '\.\/report\.ts'/.test(readFileSync(path.join(here, file), 'utf8')))
    .sort();
}

/** Runs one benchmark to completion; its report, or the reason it has none. */
async function runOne(file: string, reportFile: string): Promise<{ report?: BenchReport; failure?: string; seconds: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, file)], {
    cwd: root,
    env: { ...process.env, BENCH_SIZE: full ? 'full' : 'quick', BENCH_REPORT: reportFile },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) return { failure: `exited with ${code}`, seconds };
  if (!existsSync(reportFile)) return { failure: 'ended without a report', seconds };
  return { report: JSON.parse(await readFile(reportFile, 'utf8')) as BenchReport, seconds };
}

const loadAverage = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(', ');

async function main() {
  const scripts = discover().filter((file) => !only || only.includes(file.replace(/\.ts$/, '')));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'livesuite-bench-run-'));
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  const sections: Record<string, string> = {};
  try {
    for (const file of scripts) {
      console.log(`\n── ${file} ──`);
      const result = await runOne(file, path.join(dir, `${file}.json`));
      const name = file.replace(/\.ts$/, '');
      sections[name] = result.report
        ? `${markdown(result.report)}\n\n(\`${file}\`, ${result.seconds.toFixed(0)} s)`
        : `### ${name}\n\n**Failed**: ${result.failure} after ${result.seconds.toFixed(0)} s (\`${file}\`).`;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const command = `${process.env.DATABASE_URL ? 'DATABASE_URL=… ' : ''}${process.env.REDIS_URL ? 'REDIS_URL=… ' : ''}npm run bench${full ? ' -- --full' : ''}${only ? ` -- --only ${only.join(',')}` : ''}`;
  const header = [
    `Run ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${((Date.now() - startedAt.getTime()) / 60000).toFixed(1)} min, ${full ? 'full' : 'quick'} sizes.`,
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, ${os.type()} ${os.release()}, Node ${process.version}.`,
    `Load average at the start ${loadAtStart}; at the end ${loadAverage()} (the host is shared: compare the ratios and CPU per operation of one run, not absolute rates across runs).`,
    `Database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}${process.env.REDIS_URL ? ', Redis' : ''}. Command: \`${command}\`.`,
  ];
  const file = path.join(root, 'BENCHMARKS.md');
  let text = await readFile(file, 'utf8').catch(() => '# Benchmarks\n');
  // sections of benchmarks not run this time are kept from the previous report
  // the markers on lines of their own (prose may quote them)
  const at = (marker: string) => text.search(new RegExp(`^${marker}$`, 'm'));
  const [begin, end] = [at(BEGIN), at(END)];
  const previous = begin >= 0 && end > begin ? text.slice(begin, end) : '';
  for (const match of previous.matchAll(/<!-- bench:section (\S+) -->\n([\s\S]*?)<!-- \/bench:section -->/g))
    sections[match[1]] ??= `${match[2].trim().replace(/(\n\n\(from an earlier run\))+$/, '')}\n\n(from an earlier run)`;
  const body = [
    BEGIN,
    '## Latest report (`npm run bench`)',
    '',
    ...header.map((line) => `${line}  `),
    '',
    ...Object.keys(sections)
      .sort()
      .flatMap((name) => [`<!-- bench:section ${name} -->`, sections[name], `<!-- /bench:section -->`, '']),
    END,
  ].join('\n');
  if (begin >= 0 && end > begin) text = text.slice(0, begin) + body + text.slice(end + END.length);
  else {
    const title = text.indexOf('\n') + 1;
    text = `${text.slice(0, title)}\n${body}\n${text.slice(title)}`;
  }
  await writeFile(file, text);
  console.log(`\nBENCHMARKS.md rewritten (${Object.keys(sections).length} sections).`);
}

await main();

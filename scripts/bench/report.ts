// The reporting interface every benchmark shares with `npm run bench` (scripts/bench/run.ts).
// A script under scripts/bench/ that imports this module is a benchmark: the runner runs it
// with BENCH_SIZE (quick | full) and BENCH_REPORT (a file path) set, and the script ends by
// calling `report(...)` once. Run alone, it prints the same report as Markdown.
import { readFileSync, writeFileSync } from 'node:fs';

/** One measured figure, read against its target and its baseline from the same run. */
export interface BenchFigure {
  /** what was measured, e.g. "public businessPage, requests/s" */
  name: string;
  value: number;
  unit: string;
  /** the goal, in words, e.g. "≥ 0.5 × hello-world yoga" (omit for context figures) */
  target?: string;
  /** what the value is compared with, measured in the same run, e.g. "hello-world yoga 2,100/s" */
  baseline?: string;
  /** value ÷ baseline when that is what the target is about */
  ratio?: number;
  /** CPU time of the measured process per operation, from its own accounting (/proc or process.cpuUsage) */
  cpuMsPerOp?: number;
  /** true / false against the target; undefined when the figure has no target */
  met?: boolean;
}

export interface BenchReport {
  /** short title of the section, e.g. "HTTP read pages" */
  title: string;
  /** setup in one or two sentences: database, processes, sizes */
  setup: string;
  figures: BenchFigure[];
  /** extra lines (Markdown) printed under the table */
  notes?: string[];
}

/** quick (default) or full sizes: `npm run bench -- --full` sets BENCH_SIZE=full. */
export const fullSize = process.env.BENCH_SIZE === 'full';

/** A size: the environment variable if set, else the quick or the full default. */
export function sized(variable: string, quick: number, full: number): number {
  const set = process.env[variable];
  return set ? Number(set) : fullSize ? full : quick;
}

const number = (value: number) => (Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en') : String(+value.toPrecision(3)));

/** The report as a Markdown table (what BENCHMARKS.md shows). */
export function markdown(report: BenchReport): string {
  const lines = [
    `### ${report.title}`,
    '',
    report.setup,
    '',
    '| figure | value | target | baseline (same run) | ratio | CPU ms / op | met |',
    '| --- | ---: | --- | --- | ---: | ---: | --- |',
  ];
  for (const f of report.figures) {
    const met = f.met === undefined ? '–' : f.met ? 'yes' : '**no**';
    lines.push(
      `| ${f.name} | ${number(f.value)} ${f.unit} | ${f.target ?? '–'} | ${f.baseline ?? '–'} | ${f.ratio === undefined ? '–' : `${f.ratio.toFixed(2)}×`} | ${f.cpuMsPerOp === undefined ? '–' : f.cpuMsPerOp.toFixed(2)} | ${met} |`,
    );
  }
  if (report.notes?.length) lines.push('', ...report.notes);
  return lines.join('\n');
}

/** Hands the report to the runner (BENCH_REPORT) and prints it. */
export function report(result: BenchReport): void {
  if (process.env.BENCH_REPORT) writeFileSync(process.env.BENCH_REPORT, JSON.stringify(result, null, 2));
  console.log(markdown(result));
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ
}

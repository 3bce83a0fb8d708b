// The app as production runs it, for benchmarks that measure the app process itself: built with
// the same script and started with the same node flags as `npm start` (read from package.json,
// so the two cannot drift apart), in a child process with its own pid for /proc readings.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The node flags and entry of `npm start` ("… && node <flags> dist/main.mjs"). */
export function productionCommand(): { flags: string[]; entry: string } {
  const start: string = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start;
  const words = start.split('&&').at(-1)!.trim().split(/\s+/);
  if (words[0] !== 'node' || !words.at(-1)!.endsWith('.mjs')) throw new Error(`unexpected start script: ${start}`);
  return { flags: words.slice(1, -1), entry: path.join(root, words.at(-1)!) };
}

/** Runs the production build (what `npm start` does first). */
export function buildApp() {
  const built = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('build failed');
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface AppProcess {
  url: string;
  pid: number;
  /** node flags the app runs with (npm start's, then extraFlags) */
  flags: string[];
  /** peaks of process.memoryUsage() inside the app between memoryStart and memoryReport */
  memoryStart(intervalMs: number): Promise<void>;
  memoryReport(): Promise<Record<string, number>>;
  /** SQL statements the app's pg clients have sent so far (PostgreSQL only) */
  statements(): Promise<number>;
  /** the last statement with parameters the app's pg clients sent (PostgreSQL only) */
  lastStatement(): Promise<{ text?: string; values?: unknown[] }>;
  stop(): Promise<void>;
}

/**
 * Starts the built app with `env` (its whole configuration) and waits until it answers GraphQL.
 * `options.flags` replaces npm start's node flags (e.g. [] for plain node); `options.entry`
 * runs another server instead (the hello-world baseline).
 */
export async function startAppProcess(
  env: Record<string, string | undefined>,
  extraFlags: string[] = [],
  options: { flags?: string[]; entry?: string; /** read stdout (the JSON log stream) into a pipe and drop it, as a log shipper would */ drainStdout?: boolean } = {},
): Promise<AppProcess> {
  const production = productionCommand();
  const flags = options.flags ?? production.flags;
  const entry = options.entry ?? production.entry;
  const port = await freePort();
  const appFlags = [...flags, ...extraFlags];
  const child: ChildProcess = fork(entry, [], {
    cwd: root,
    execArgv: [...appFlags, '--import', path.join(root, 'scripts/bench/app-probe.mjs')],
    env: { PATH: process.env.PATH, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', options.drainStdout ? 'pipe' : 'inherit', 'inherit', 'ipc'],
  });
  child.stdout?.resume();
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}/graphql`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode} while starting`);
    const answered = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const ask = async <T>(probe: string, extra: object = {}): Promise<T> => {
    child.send({ probe, ...extra });
    for (;;) {
      const [message] = (await once(child, 'message')) as [{ probe?: string } & T];
      if (message?.probe === probe) return message;
    }
  };
  return {
    url,
    pid: child.pid!,
    flags: appFlags,
    memoryStart: async (intervalMs) => void (await ask('memoryStart', { intervalMs })),
    memoryReport: async () => (await ask<{ peaks: Record<string, number> }>('memoryReport')).peaks,
    statements: async () => (await ask<{ count: number }>('statements')).count,
    lastStatement: () => ask<{ text?: string; values?: unknown[] }>('lastStatement'),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM'); // main.ts shuts down gracefully
      await exited;
    },
  };
}

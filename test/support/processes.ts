// The real entry point (src/main.ts) as a child process, for the fault tests that need real
// signals: SIGTERM (graceful shutdown) and SIGKILL (a crash). On PostgreSQL it shares a test
// app's database; on PGlite it gets a data directory of its own (one process per directory).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openDatabase } from '../../src/platform/db.ts';
import { TEST_SECRET, type TestApp } from './app.ts';

const root = path.resolve(import.meta.dirname, '../..');

export interface MainProcess {
  child: ChildProcess;
  /** http://localhost:<port>/graphql */
  url: string;
  output: { stdout: string; stderr: string };
  /** resolves with the exit code (null when killed by a signal) */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** stops the process if it still runs and removes its data directory */
  cleanup(): Promise<void>;
}

/** Starts `node --import tsx src/main.ts` beside `t` (same database on PostgreSQL, same token secret) and waits until it is ready. */
export async function startMain(t: TestApp, env: Record<string, string> = {}): Promise<MainProcess> {
  const config = t.app.services.config;
  let dataDir: string | undefined;
  if (!config.databaseUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'livesuite-main-'));
    const database = await openDatabase({ dataDir, loadDataDir: new Blob([await readFile(inject('pgliteTemplate'))]) });
    await database.close();
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      AUTH_SECRET: TEST_SECRET,
      LOG_LEVEL: 'info',
      SEED_DEMO: 'false',
      ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : { DATA_DIR: dataDir }),
      ...(config.redisUrl ? { REDIS_URL: config.redisUrl } : {}),
      ...env,
    },
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk) => (output.stdout += chunk));
  child.stderr!.on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /livesuite ready: GraphiQL on (\S+)"/.exec(output.stdout);
      if (match) resolve(match[1]);
    };
    child.stdout!.on('data', check);
    void exited.then(({ code }) => reject(new Error(`main exited with ${code}: ${output.stderr}`)));
  });
  return {
    child,
    url,
    output,
    exited,
    async cleanup() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

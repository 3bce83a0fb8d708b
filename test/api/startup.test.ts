// The first run as a newcomer meets it, through the real entry points (src/main.ts,
// scripts/seed.ts, scripts/db-migrate.ts) started as processes: one process per embedded
// database directory, and one line naming the setting to change when the port or the
// database is wrong.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../src/platform/db.ts';
import { lockFileName } from '../../src/platform/data-dir-lock.ts';
import { onPostgres } from '../support/app.ts';

const root = path.resolve(import.meta.dirname, '../..');
const SECRET = 'startup-test-secret-startup-test-secret-0123';

/** A clean environment: the embedded database unless the test says otherwise, whatever pass the suite runs in. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', AUTH_SECRET: SECRET, LOG_LEVEL: 'info', ...extra };
}

function spawnScript(script: string, extra: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

/** Runs a script to its end. */
async function run(script: string, extra: Record<string, string>) {
  const { output, exited } = spawnScript(script, extra);
  const code = await exited;
  return { code, ...output };
}

/** Starts src/main.ts and waits for its "ready" line. */
async function startMain(extra: Record<string, string>): Promise<{ child: ChildProcess; url: string; stop(signal?: NodeJS.Signals): Promise<number | null> }> {
  const started = spawnScript('src/main.ts', extra);
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /livesuite ready: GraphiQL on (\S+)"/.exec(started.output.stdout);
      if (match) resolve(match[1]);
    };
    started.child.stdout!.on('data', check);
    void started.exited.then((code) => reject(new Error(`main exited with ${code}: ${started.output.stderr}`)));
  });
  return {
    child: started.child,
    url,
    async stop(signal = 'SIGTERM') {
      started.child.kill(signal);
      return started.exited;
    },
  };
}

/** A data directory holding a migrated embedded database (the run's template when there is one). */
async function preparedDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'livesuite-startup-'));
  const template = inject('pgliteTemplate');
  const database = await openDatabase({ dataDir: dir, loadDataDir: template ? new Blob([await readFile(template)]) : undefined });
  await database.close();
  return dir;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** stderr without Node's own warnings: what the person reads */
const messageLines = (stderr: string) =>
  stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('(node:') && !line.startsWith('(Use `node --trace'));

describe('one process per embedded database directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await preparedDataDir();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('refuses npm run seed while npm start holds the directory, naming its pid, and leaves the database intact', { timeout: 300_000 }, async () => {
    const main = await startMain({ DATA_DIR: dir });
    try {
      expect((await readFile(path.join(dir, lockFileName), 'utf8')).trim()).toBe(String(main.child.pid));
      const publicPage = () =>
        fetch(main.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ businessPage(handle: "acme.store") { displayName gallery { cover { url } } } }' }) }).then((r) => r.json());
      const before = await publicPage();
      expect(before.data.businessPage.displayName).toBe('Acme Store');

      const seed = await run('scripts/seed.ts', { DATA_DIR: dir });
      expect(seed.code).toBe(1);
      expect(messageLines(seed.stderr)).toEqual([expect.stringContaining(`in use by process ${main.child.pid}`)]);
      expect(seed.stderr).toContain('DATA_DIR');
      expect(seed.stdout).not.toContain('Demo data seeded');

      // the running server is unharmed and still answers from the same data
      expect(await publicPage()).toEqual(before);
    } finally {
      expect(await main.stop()).toBe(0);
    }
    // closed cleanly: the lock is gone and the stored demo is whole
    expect(existsSync(path.join(dir, lockFileName))).toBe(false);
    const database = await openDatabase({ dataDir: dir });
    try {
      expect(await database.prisma.organization.count()).toBe(1);
      expect(await database.prisma.businessAccount.findMany({ select: { handle: true }, orderBy: { handle: 'asc' } })).toEqual([{ handle: 'acme.store' }, { handle: 'acme.us' }]);
      expect(await database.prisma.galleryPhoto.count()).toBe(12);
    } finally {
      await database.close();
    }
  });

  it('takes over the lock of a process that died without closing', { timeout: 300_000 }, async () => {
    const main = await startMain({ DATA_DIR: dir, SEED_DEMO: 'false' });
    // killed: no chance to remove its lock
    await main.stop('SIGKILL');
    expect((await readFile(path.join(dir, lockFileName), 'utf8')).trim()).toBe(String(main.child.pid));
    const migrate = await run('scripts/db-migrate.ts', { DATA_DIR: dir });
    expect(migrate).toMatchObject({ code: 0, stdout: expect.stringContaining('database is up to date') });
    expect(existsSync(path.join(dir, lockFileName))).toBe(false);
  });

  it('refuses a second opener in the same process too', { timeout: 60_000 }, async () => {
    const first = await openDatabase({ dataDir: dir });
    try {
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(`in use by process ${process.pid}`);
      expect(await first.prisma.organization.count()).toBe(1);
    } finally {
      await first.close();
    }
    expect(existsSync(path.join(dir, lockFileName))).toBe(false);
  });
});

describe('one line naming the setting to change', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await preparedDataDir();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a port in use: PORT, exit code 1, no stack trace, the directory released', { timeout: 120_000 }, async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const result = await run('src/main.ts', { DATA_DIR: dir, PORT: String(port), SEED_DEMO: 'false' });
      expect(result.code).toBe(1);
      expect(messageLines(result.stderr)).toEqual([`Port ${port} is already in use on 127.0.0.1: stop the process using it, or set PORT to a free port (PORT=0 picks one).`]);
      expect(existsSync(path.join(dir, lockFileName))).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('an unreachable database: DATABASE_URL, exit code 1, no driver error', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const result = await run('src/main.ts', { DATA_DIR: dir, DATABASE_URL: `postgres://livesuite:secret@127.0.0.1:${port}/app` });
    expect(result.code).toBe(1);
    expect(messageLines(result.stderr)).toEqual([`Cannot reach PostgreSQL at postgres://livesuite:***@127.0.0.1:${port}/app: is it running? Start it or fix DATABASE_URL.`]);
    expect(result.stderr).not.toContain('DriverAdapterError');
  });

  it.skipIf(!onPostgres)('a database that does not exist: DATABASE_URL, exit code 1', { timeout: 120_000 }, async () => {
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = '/livesuite_no_such_database';
    const result = await run('src/main.ts', { DATA_DIR: dir, DATABASE_URL: url.toString() });
    expect(result.code).toBe(1);
    expect(messageLines(result.stderr)).toEqual([expect.stringMatching(/^The database "livesuite_no_such_database" does not exist \(.*\): create it or fix DATABASE_URL\.$/)]);
  });
});

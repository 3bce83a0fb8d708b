// Boots a real app for a test file: its own database (a clone of the run's migrated
// template), its own media directory, a random port, and HTTP/WebSocket clients that talk
// to it as a frontend would.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TracerProvider } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { inject } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { adminUrl } from './global-setup.ts';
import { createApi, type Api } from './client.ts';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface TestApp {
  app: App;
  url: string;
  clock: ManualClock;
  db: App['services']['db'];
  /** an API client for a user (created on first request), optionally with platform roles */
  as(handle: string, roles?: ('reviewer' | 'admin' | 'ads')[], claims?: { region?: string }): Api;
  /** an API client that sends no token */
  anonymous(): Api;
  /** a token for a user */
  token(handle: string, roles?: string[], ttl?: string, claims?: { region?: string }): Promise<string>;
  /** another instance on the same database (Postgres only: PGlite is one process), optionally with more configuration and a logger */
  startPeer(options?: PeerOptions): Promise<TestApp>;
  close(): Promise<void>;
}

export interface PeerOptions {
  env?: Record<string, string>;
  logger?: Logger;
  /** where OpenTelemetry spans go when OTEL_TRACING is on */
  tracerProvider?: TracerProvider;
}

interface Shared {
  databaseUrl?: string;
  loadDataDir?: Blob;
  mediaDir: string;
  dataDir: string;
  /** configuration on top of the test defaults */
  env?: Record<string, string>;
}

async function createDatabase(): Promise<Omit<Shared, 'mediaDir' | 'dataDir' | 'env'> & { drop(): Promise<void> }> {
  const baseUrl = process.env.DATABASE_URL;
  const template = inject('postgresTemplate');
  if (baseUrl && template) {
    const name = `livesuite_${inject('runId')}_${randomUUID().slice(0, 8)}`;
    const admin = new pg.Client({ connectionString: adminUrl(baseUrl) });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    await admin.end();
    return {
      databaseUrl: adminUrl(baseUrl, name),
      async drop() {
        const client = new pg.Client({ connectionString: adminUrl(baseUrl) });
        await client.connect();
        // wait for the app's pool to finish closing: forcing the drop would kill connections
        // still saying goodbye, which surfaces as an unhandled error in their client
        for (let attempt = 0; ; attempt++) {
          try {
            await client.query(`DROP DATABASE IF EXISTS "${name}"${attempt >= 50 ? ' WITH (FORCE)' : ''}`);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
        await client.end();
      },
    };
  }
  const dump = await readFile(inject('pgliteTemplate'));
  return { loadDataDir: new Blob([dump]), drop: async () => {} };
}

async function boot(shared: Shared, clock: ManualClock, cleanups: (() => Promise<void>)[], peer: PeerOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: shared.dataDir,
    MEDIA_DIR: shared.mediaDir,
    DATABASE_URL: shared.databaseUrl,
    REDIS_URL: process.env.REDIS_URL,
    AUTH_SECRET: TEST_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // tests fire requests far faster than any client: the cost budget is on (extensions.cost is
    // reported) but large; test/api/caller-limits.test.ts sets small ones
    COST_BUDGET: '10000000',
    COST_RESTORE_RATE: '1000000',
    // likewise the per-caller caps: tests race one user's operations on purpose (reply-window
    // and idempotency races); caller-limits.test.ts sets small caps
    MAX_CONCURRENT_OPERATIONS_PER_CALLER: '1000',
    MAX_WS_CONNECTIONS_PER_CALLER: '1000',
    ...shared.env,
    ...peer.env,
  });
  const app = await createApp(config, { clock, logger: peer.logger, tracerProvider: peer.tracerProvider, loadDataDir: shared.loadDataDir, pgliteDataDir: shared.databaseUrl ? undefined : 'memory://' });
  const tokens = new Map<string, Promise<string>>();
  const token = (handle: string, roles: string[] = [], ttl?: string, claims: { region?: string } = {}) => {
    const key = `${handle}|${roles.join(',')}|${ttl ?? ''}|${claims.region ?? ''}`;
    if (!tokens.has(key)) tokens.set(key, app.services.auth.mint({ sub: `test|${handle}`, handle, roles, region: claims.region }, ttl));
    return tokens.get(key)!;
  };
  const testApp: TestApp = {
    app,
    url: app.url,
    clock,
    db: app.services.db,
    as: (handle, roles = [], claims = {}) => createApi(app.url, () => token(handle, roles, undefined, claims)),
    anonymous: () => createApi(app.url, async () => null),
    token,
    async startPeer(options) {
      if (!shared.databaseUrl) throw new Error('several instances need PostgreSQL (DATABASE_URL)');
      return boot(shared, clock, cleanups, options);
    },
    close: () => app.close(),
  };
  cleanups.unshift(() => app.close());
  return testApp;
}

/** Starts an app on a fresh database; call `close()` in afterAll. */
/** `env`: more configuration for this app (e.g. tight limits), on top of the test defaults. */
/** `logger` / `tracerProvider`: where this first instance logs and traces (tests that read them). */
export async function startApp(options: { now?: string; env?: Record<string, string>; logger?: Logger; tracerProvider?: TracerProvider } = {}): Promise<TestApp> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'livesuite-test-'));
  const database = await createDatabase();
  const clock = new ManualClock(options.now ?? new Date());
  const cleanups: (() => Promise<void>)[] = [];
  const shared: Shared = { ...database, mediaDir: path.join(dir, 'media'), dataDir: dir, env: options.env ?? {} };
  const first = await boot(shared, clock, cleanups, { logger: options.logger, tracerProvider: options.tracerProvider });
  return {
    ...first,
    async close() {
      for (const cleanup of cleanups) await cleanup();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** True when the suite runs on PostgreSQL + Redis (the CI's second pass). */
export const onPostgres = Boolean(process.env.DATABASE_URL);
export const onRedis = Boolean(process.env.REDIS_URL);

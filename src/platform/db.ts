// The Prisma client on PGlite (embedded, default) or PostgreSQL (DATABASE_URL).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { applyMigrations, hasPendingMigrations } from './migrations.ts';
import { databaseStartupError } from './startup-errors.ts';
import { outageLog } from './outage.ts';
import { statementCache } from './statement-cache.ts';
import { sendHotStatementsDirectly } from './hot-sql.ts';
import type { Logger } from 'pino';

export type Db = PrismaClient;
/** The client handed to code running inside `db.$transaction(async (tx) => …)`. */
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export interface DbTarget {
  databaseUrl?: string;
  /** PGlite data directory (ignored with databaseUrl) */
  dataDir: string;
  /** a PGlite dump to start from (tests clone a migrated template this way) */
  loadDataDir?: Blob | File;
  /** PGlite location override, e.g. memory:// for throwaway databases */
  pgliteDataDir?: string;
  /** PostgreSQL connections per instance */
  poolSize?: number;
  /** distinct statements prepared on each PostgreSQL connection (statement-cache.ts); 0 or absent: none */
  statementCacheSize?: number;
  /** where the loss and return of PostgreSQL connections are logged */
  logger?: Pick<Logger, 'warn' | 'info'>;
}

export interface Database {
  prisma: PrismaClient;
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** the embedded engine, when running on PGlite */
  pglite?: PGlite;
  /** the PostgreSQL pool's connections now (metrics); undefined on PGlite */
  poolUse?(): PoolUse;
  close(): Promise<void>;
}

export interface PoolUse {
  /** connections open (idle or in use) */
  total: number;
  idle: number;
  /** queries waiting for a connection */
  waiting: number;
  max: number;
}

export async function openAdapterFactory(target: DbTarget): Promise<{ factory: SqlMigrationAwareDriverAdapterFactory; pglite?: PGlite; poolUse?(): PoolUse; close(): Promise<void> }> {
  if (target.databaseUrl) {
    // one pool we own, shared by the client and the migration engine, ended on close
    // a server that does not answer (network partition) fails a connection attempt after 5 s
    // (then SERVICE_UNAVAILABLE) instead of holding the request until the OS gives up on TCP
    const pool = new pg.Pool({ connectionString: target.databaseUrl, max: target.poolSize ?? 10, connectionTimeoutMillis: 5000, keepAlive: true });
    survivePostgresOutages(pool, target.logger);
    const poolUse = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 });
    const cache = target.statementCacheSize ? statementCache(target.statementCacheSize) : undefined;
    // the adapter's type says string, but it hands the value to pg's `name`, where undefined means unnamed
    const factory = new PrismaPg(pool, cache && { statementNameGenerator: cache.nameOf as (query: { sql: string }) => string });
    return { factory, poolUse, close: () => pool.end() };
  }
  const dir = target.pgliteDataDir ?? path.join(target.dataDir, 'pglite');
  // PGlite creates only the last folder of its path
  if (!target.pgliteDataDir) await mkdir(target.dataDir, { recursive: true });
  // one process per data directory: a second one (npm run seed beside npm start) would corrupt it
  const lock = target.pgliteDataDir ? undefined : lockDataDir(target.dataDir);
  try {
    // loaded only when used: the embedded engine costs ~50 MB that a Postgres deployment does not need
    const [{ createPGlite }, { PrismaPGlite }] = await Promise.all([import('./pglite.ts'), import('pglite-prisma-adapter')]);
    const pglite = await createPGlite({ dataDir: dir, loadDataDir: target.loadDataDir });
    await pglite.waitReady;
    return {
      factory: new PrismaPGlite(pglite),
      pglite,
      async close() {
        try {
          await pglite.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/**
 * A restart or failover of PostgreSQL ends every connection (57P01): pg reports it as an
 * 'error' event on idle clients (re-emitted by the pool) and on clients in use, and an
 * 'error' event nobody listens to ends the process. The pool drops the broken clients and
 * opens new ones on demand, so listening is all recovery needs; requests that hit the outage
 * are answered SERVICE_UNAVAILABLE (errors.ts).
 */
function survivePostgresOutages(pool: pg.Pool, logger: DbTarget['logger']): void {
  const outage = outageLog(logger, 'PostgreSQL');
  pool.on('error', (error) => outage.down(error));
  pool.on('connect', (client) => {
    outage.up();
    client.on('error', (error) => outage.down(error));
  });
}

/**
 * Opens the database, applies pending migrations, and returns a connected client. A failure a
 * person can fix (unreachable server, missing database, data directory in use) is a
 * StartupError naming the setting.
 */
export async function openDatabase(target: DbTarget, options: { migrate?: boolean } = {}): Promise<Database> {
  try {
    return await openAndMigrate(target, options);
  } catch (error) {
    throw databaseStartupError(error, target);
  }
}

async function openAndMigrate(target: DbTarget, options: { migrate?: boolean }): Promise<Database> {
  const opened = await openAdapterFactory(target);
  try {
    if (options.migrate !== false && (await hasPendingMigrations(opened.factory))) {
      if (target.databaseUrl) {
        // the schema engine takes a session-level advisory lock and never releases it: on a pooled
        // connection it would outlive the migration and block every other instance's start, so
        // migrate over a connection of its own and close it
        // (without prepared statements: they would outlive the tables the migration changes)
        const migrator = await openAdapterFactory({ ...target, statementCacheSize: 0 });
        try {
          await applyMigrations(migrator.factory);
        } finally {
          await migrator.close();
        }
      } else await applyMigrations(opened.factory);
    }
    // minimal errors: the other formats capture a stack trace (new Error) on every query to
    // point at the caller, which cost ~5% of the CPU of a DM under load
    const prisma = new PrismaClient({ adapter: opened.factory, errorFormat: 'minimal' });
    await prisma.$connect();
    // on PostgreSQL the hot statements skip the client's pipeline (hot-sql.ts); the adapter
    // shares the pool, so the pool's end closes it too
    if (target.databaseUrl) sendHotStatementsDirectly(prisma, await opened.factory.connect());
    let closing: Promise<void> | undefined;
    return {
      prisma,
      factory: opened.factory,
      pglite: opened.pglite,
      poolUse: opened.poolUse,
      // once: a second call (a test that cut the database off before closing the app) waits for the first
      close: () =>
        (closing ??= (async () => {
          await prisma.$disconnect();
          await opened.close();
        })()),
    };
  } catch (error) {
    await opened.close();
    throw error;
  }
}

/**
 * Runs `work` with a client whose every `$transaction` joins one outer transaction, so code
 * written against the client (services that open transactions of their own) commits or rolls
 * back as a whole. Events those services publish after their inner "commit" go out before the
 * outer one: use it only where nobody is subscribed yet (the demo seed).
 */
export async function inOneTransaction<T>(db: Db, work: (db: Db) => Promise<T>, timeoutMs = 120_000): Promise<T> {
  return db.$transaction(
    async (tx) => {
      const joined: Db = new Proxy(tx as Db, {
        get(target, property) {
          if (property !== '$transaction') return Reflect.get(target, property);
          return async (arg: unknown) => {
            if (typeof arg === 'function') return arg(joined);
            // batch form: the queries run in order inside the outer transaction
            const results: unknown[] = [];
            for (const query of arg as Promise<unknown>[]) results.push(await query);
            return results;
          };
        },
      });
      return work(joined);
    },
    { timeout: timeoutMs, maxWait: timeoutMs },
  );
}

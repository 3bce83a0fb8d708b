// The Prisma client on PGlite (embedded, default) or PostgreSQL (DATABASE_URL).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client.ts';
import { applyMigrations, hasPendingMigrations } from './migrations.ts';

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
}

export interface Database {
  prisma: PrismaClient;
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** the embedded engine, when running on PGlite */
  pglite?: PGlite;
  close(): Promise<void>;
}

export async function openAdapterFactory(target: DbTarget): Promise<{ factory: SqlMigrationAwareDriverAdapterFactory; pglite?: PGlite; close(): Promise<void> }> {
  if (target.databaseUrl) {
    // one pool we own, shared by the client and the migration engine, ended on close
    const pool = new pg.Pool({ connectionString: target.databaseUrl, max: target.poolSize ?? 10 });
    return { factory: new PrismaPg(pool), close: () => pool.end() };
  }
  const dir = target.pgliteDataDir ?? path.join(target.dataDir, 'pglite');
  // PGlite creates only the last folder of its path
  if (!target.pgliteDataDir) await mkdir(target.dataDir, { recursive: true });
  // loaded only when used: the embedded engine costs ~50 MB that a Postgres deployment does not need
  const [{ createPGlite }, { PrismaPGlite }] = await Promise.all([import('./pglite.ts'), import('pglite-prisma-adapter')]);
  const pglite = await createPGlite({ dataDir: dir, loadDataDir: target.loadDataDir });
  await pglite.waitReady;
  return { factory: new PrismaPGlite(pglite), pglite, close: () => pglite.close() };
}

/** Opens the database, applies pending migrations, and returns a connected client. */
export async function openDatabase(target: DbTarget, options: { migrate?: boolean } = {}): Promise<Database> {
  const opened = await openAdapterFactory(target);
  try {
    if (options.migrate !== false && (await hasPendingMigrations(opened.factory))) {
      if (target.databaseUrl) {
        // the schema engine takes a session-level advisory lock and never releases it: on a pooled
        // connection it would outlive the migration and block every other instance's start, so
        // migrate over a connection of its own and close it
        const migrator = await openAdapterFactory(target);
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
    return {
      prisma,
      factory: opened.factory,
      pglite: opened.pglite,
      async close() {
        await prisma.$disconnect();
        await opened.close();
      },
    };
  } catch (error) {
    await opened.close();
    throw error;
  }
}

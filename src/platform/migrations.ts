// Applies and authors Prisma migrations without Prisma's native engine (which cannot be
// downloaded offline): the wasm build of the schema engine, driven through a driver
// adapter. It writes `_prisma_migrations` exactly as the native CLI does.
import { existsSync } from 'node:fs';
import { readFile, readdir, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';

/** The project root: the nearest folder holding package.json (this file runs from src/platform or bundled in dist/). */
function projectRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

const root = projectRoot();
export const prismaDir = path.join(root, 'prisma');
export const migrationsDir = path.join(prismaDir, 'migrations');
const schemaPath = path.join(prismaDir, 'schema.prisma');
const noFilters = { externalTables: [], externalEnums: [] };

type EngineModule = typeof import('@prisma/schema-engine-wasm');
let engineModule: Promise<EngineModule> | undefined;

/** The package does `import "*.wasm"`, which Node cannot; instantiate it by hand once. */
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as EngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const glueJs = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmPath = path.join(path.dirname(glueJs), 'schema_engine_bg.wasm');
    const module = new WebAssembly.Module(await readFile(wasmPath));
    const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': glue as unknown as WebAssembly.ModuleImports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return engineModule;
}

async function withEngine<T>(factory: SqlMigrationAwareDriverAdapterFactory, use: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  const datamodel = await readFile(schemaPath, 'utf8');
  const log = (line: string) => {
    if (process.env.LIVESUITE_DEBUG_MIGRATIONS) console.error('[schema-engine]', line);
  };
  const engine = await SchemaEngine.new({ datamodels: [[schemaPath, datamodel]] }, log, bindMigrationAwareSqlAdapterFactory(factory));
  try {
    return await use(engine);
  } finally {
    engine.free();
  }
}

export async function readMigrations(): Promise<MigrationList> {
  await mkdir(migrationsDir, { recursive: true });
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  const lock = await readFile(lockPath, 'utf8').catch(() => null);
  const names = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      const content = await readFile(file, 'utf8').then(
        (value) => ({ tag: 'ok' as const, value }),
        (error: Error) => ({ tag: 'error' as const, value: error.message }),
      );
      return { path: name, migrationFile: { path: 'migration.sql', content } };
    }),
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: lock },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/**
 * Whether some migration folder is not recorded as applied (or a migration failed). One cheap
 * query, so that a start-up with nothing to do never loads the schema engine (a large WASM
 * module that would stay in the process's memory). Checksums are not compared: deploying
 * does not act on them either.
 */
export async function hasPendingMigrations(factory: SqlMigrationAwareDriverAdapterFactory): Promise<boolean> {
  const names = (await readMigrations()).migrationDirectories.map((entry) => entry.path);
  const adapter = await factory.connect();
  try {
    const table = await adapter.queryRaw({ sql: `SELECT to_regclass('_prisma_migrations') IS NOT NULL AS "present"`, args: [], argTypes: [] });
    if (!table.rows[0]?.[0]) return true;
    const recorded = await adapter.queryRaw({
      sql: `SELECT "migration_name", "finished_at" IS NOT NULL AS "finished" FROM "_prisma_migrations" WHERE "rolled_back_at" IS NULL`,
      args: [],
      argTypes: [],
    });
    // an unfinished row is a failed (or running) migration: let the engine report it or wait for it
    if (recorded.rows.some(([, finished]) => !finished)) return true;
    const applied = new Set(recorded.rows.map(([name]) => String(name)));
    return names.some((name) => !applied.has(name));
  } finally {
    await adapter.dispose();
  }
}

/** Applies every migration not yet recorded in `_prisma_migrations`; returns their names. */
export async function applyMigrations(factory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const migrationsList = await readMigrations();
  const result = await withEngine(factory, (engine) => engine.applyMigrations({ migrationsList, filters: noFilters }));
  return result.appliedMigrationNames;
}

/**
 * Writes a new migration with the SQL that takes the migrations so far to the current
 * schema.prisma (replayed on the factory's shadow database). Returns its folder, or
 * null when the schema has no change.
 */
export async function createMigration(factory: SqlMigrationAwareDriverAdapterFactory, name: string): Promise<string | null> {
  const list = await readMigrations();
  if (list.lockfile.content === null) {
    await writeFile(path.join(migrationsDir, 'migration_lock.toml'), '# Please do not edit this file manually\nprovider = "postgresql"\n');
  }
  const migrationsList = await readMigrations();
  const datamodel = await readFile(schemaPath, 'utf8');
  const result = await withEngine(factory, (engine) =>
    engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: datamodel }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    } as Parameters<SchemaEngine['diff']>[0]),
  );
  const sql = result.stdout ?? '';
  if (!sql.trim() || /^-- This is an empty migration\.\s*$/.test(sql.trim())) return null;
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const folder = path.join(migrationsDir, `${stamp}_${name.replace(/[^a-z0-9_]+/gi, '_').toLowerCase()}`);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'migration.sql'), sql);
  return folder;
}

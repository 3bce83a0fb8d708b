// npm run db:migrate: applies pending migrations to the configured database
// (DATABASE_URL, or PGlite in DATA_DIR).
import { loadConfig } from '../src/config.ts';
import { openAdapterFactory } from '../src/platform/db.ts';
import { applyMigrations } from '../src/platform/migrations.ts';

const config = loadConfig();
const target = await openAdapterFactory(config);
const applied = await applyMigrations(target.factory);
console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
await target.close();
process.exit(0);

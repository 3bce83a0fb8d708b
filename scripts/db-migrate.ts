// npm run db:migrate: applies pending migrations to the configured database
// (DATABASE_URL, or PGlite in DATA_DIR).
import { loadConfig } from '../src/config.ts';
import { openAdapterFactory } from '../src/platform/db.ts';
import { applyMigrations } from '../src/platform/migrations.ts';
import { databaseStartupError, exitOnStartupError } from '../src/platform/startup-errors.ts';

const config = loadConfig();
const refuse = (error: unknown) => exitOnStartupError(databaseStartupError(error, config));
const target = await openAdapterFactory(config).catch(refuse);
const applied = await applyMigrations(target.factory).catch(refuse);
console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
await target.close();
process.exit(0);

// npm run db:migration -- <name>: writes prisma/migrations/<stamp>_<name>/migration.sql with
// the SQL that takes the existing migrations to prisma/schema.prisma. Offline: replays the
// migrations on an in-memory PGlite shadow database.
import { createMigration } from '../src/platform/migrations.ts';
import { createPGlite, pgliteMigrationFactory } from '../src/platform/pglite.ts';

const name = process.argv[2];
if (!name) {
  console.error('usage: npm run db:migration -- <name>');
  process.exit(2);
}
const pglite = await createPGlite();
const folder = await createMigration(await pgliteMigrationFactory(pglite), name);
console.log(folder ? `created ${folder}` : 'schema.prisma matches the migrations: nothing to do');
await pglite.close();
// the engine leaves a timer running
process.exit(0);

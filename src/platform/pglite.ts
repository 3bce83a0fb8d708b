// The embedded PostgreSQL with the extensions the migrations use: btree_gist, for the exclusion
// constraint that keeps an account's registered campaign sessions from overlapping.
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';

export async function createPGlite(options: PGliteOptions = {}): Promise<PGlite> {
  const [{ PGlite }, { btree_gist }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/btree_gist')]);
  return new PGlite({ ...options, extensions: { ...options.extensions, btree_gist } });
}

/** The Prisma adapter factory on PGlite whose shadow database (migration diffs) has the extensions too. */
export async function pgliteMigrationFactory(pglite: PGlite) {
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  const factory = new PrismaPGlite(pglite);
  factory.connectToShadowDb = async () => new PrismaPGlite(await createPGlite({ dataDir: 'memory://shadow' })).connect();
  return factory;
}

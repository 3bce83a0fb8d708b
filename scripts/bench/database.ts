// A throwaway PostgreSQL database for a benchmark, created next to the one DATABASE_URL names
// and dropped at the end.
import pg from 'pg';

export async function throwawayPostgres(base: string, prefix = 'livesuite_bench') {
  const name = `${prefix}_${Date.now().toString(36)}`;
  const at = (db: string) => Object.assign(new URL(base), { pathname: `/${db}` }).toString();
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: at('postgres') });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await admin(`CREATE DATABASE "${name}"`);
  return { name, url: at(name), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

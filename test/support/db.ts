import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = '/' + db;
  return u.toString();
}

export const embeddedTestDatabase = () => process.env.GC_TEST_EMBEDDED === '1';

/**
 * A database of its own for one test file: cloned from the migrated template on a
 * server; on the embedded fallback (one database, files in band) the data tables are emptied.
 */
export async function freshDatabaseUrl(): Promise<string> {
  const base = process.env.DATABASE_URL!;
  if (embeddedTestDatabase()) {
    const c = new Client({ connectionString: base });
    await c.connect();
    const keep = ['schema_migration', 'spatial_ref_sys', 'change_counter', ...(process.env.GC_TEST_SEEDED_TABLES ?? '').split(',').filter(Boolean)];
    const { rows } = await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND NOT (tablename = ANY($1::text[]))`, [keep]);
    if (rows.length) await c.query(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(', ')} RESTART IDENTITY`);
    await c.query(`UPDATE change_counter SET seq = 0`);
    await c.end();
    return base;
  }
  const name = `gc_t_${process.env.GC_TEST_RUN}_${randomBytes(4).toString('hex')}`;
  const c = new Client({ connectionString: base });
  await c.connect();
  await c.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.GC_TEST_TEMPLATE}`);
  await c.end();
  return withDatabase(base, name);
}

/** A pg client on a test database, for assertions straight against the tables. */
export async function sqlClient(url: string): Promise<Client> {
  const c = new Client({ connectionString: url });
  await c.connect();
  return c;
}

/** The rows of one statement on a test database, on a client of its own (opened and closed here). */
export async function sqlRows(url: string, query: string, params: unknown[] = []): Promise<any[]> {
  const c = await sqlClient(url);
  try {
    return (await c.query(query, params)).rows;
  } finally {
    await c.end();
  }
}

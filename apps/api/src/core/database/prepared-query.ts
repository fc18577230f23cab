import type { EntityManager } from 'typeorm';
import type { Pool, PoolClient } from 'pg';

/** What pg keeps per connection about the statements it has prepared there. */
type Tracked = PoolClient & { connection?: { parsedStatements?: Record<string, string> } };

/**
 * A named prepared statement for a hot path: PostgreSQL parses it once per session and, after a
 * few runs, keeps a generic plan, instead of parsing and planning every call (for the intake
 * statement that was most of its database time). Only for a statement that runs on its own
 * (autocommit): with a transaction's manager it runs unnamed on that transaction's connection.
 * `name` must stand for one text in the whole process.
 *
 * pg remembers what it prepared per connection, but a prepared statement belongs to the database
 * SESSION, and a session can outlive a connection (a session pooler reuses server sessions; PGlite
 * has one session behind all its connections, so there named statements are off altogether). A new
 * connection then asks to prepare a name the session already has (42P05); as the text is the same,
 * it is marked as prepared on that connection and run again.
 */
let namedStatements = true;

/** Off on a single-session database (PGlite): there a prepared statement is shared by every connection. */
export function useNamedStatements(on: boolean): void {
  namedStatements = on;
}

export async function queryPrepared<T = Record<string, unknown>>(db: EntityManager, name: string, text: string, params: unknown[]): Promise<T[]> {
  if (db.queryRunner || !namedStatements) return db.query(text, params);
  const pool = (db.connection.driver as unknown as { master?: Pool }).master;
  if (!pool) return db.query(text, params);
  const client = (await pool.connect()) as Tracked;
  let broken: Error | undefined;
  try {
    try {
      return (await client.query({ name, text, values: params })).rows as T[];
    } catch (e) {
      const parsed = client.connection?.parsedStatements;
      if ((e as { code?: string }).code !== '42P05' || !parsed) throw e;
      parsed[name] = text;
      return (await client.query({ name, text, values: params })).rows as T[];
    }
  } catch (e) {
    // a lost connection must not go back to the pool; a statement error leaves it usable
    if (!(e as { code?: string }).code) broken = e as Error;
    throw e;
  } finally {
    client.release(broken);
  }
}

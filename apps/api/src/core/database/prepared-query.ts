import type { EntityManager } from 'typeorm';
import type { Pool } from 'pg';

/**
 * A named prepared statement for a hot path: PostgreSQL parses it once per connection and,
 * after a few runs, keeps a generic plan, instead of parsing and planning every call (for the
 * intake statement that was most of its database time). Only for a statement that runs on its
 * own (autocommit): with a transaction's manager it falls back to that transaction's connection
 * without a name. `name` must be unique per text in the whole process (pg refuses one name with
 * two texts on a connection).
 */
export async function queryPrepared<T = Record<string, unknown>>(db: EntityManager, name: string, text: string, params: unknown[]): Promise<T[]> {
  if (db.queryRunner) return db.query(text, params);
  const pool = (db.connection.driver as unknown as { master?: Pool }).master;
  if (!pool) return db.query(text, params);
  const result = await pool.query({ name, text, values: params });
  return result.rows as T[];
}

import type { ClientBase, Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * One typed way to run a hand-written statement (issue 21), for the SQL that is the right tool
 * (the intake statement, attribution, tiles, analytics): `$1…$n` parameters always, rows typed by
 * the caller as an entity or a narrow projection of one (`Pick<AreaEntity, 'code' | 'name'>`).
 *
 *   sqlRows<T>   every row                    sqlRow<T>   the first row, or undefined
 *   sqlChanged   rows written (rowCount)      sqlRun      nothing back
 *
 * Each runs on a transaction's EntityManager (on its connection), the DataSource's manager (a
 * connection from the pool for the one statement), a TypeORM QueryRunner, or a pg client.
 */
export type SqlDb = EntityManager | QueryRunner | ClientBase;

type SqlScalar = string | number | bigint | boolean | Date | Buffer | null;
/**
 * What a parameter may be. `undefined` is not one: pg would send it as NULL, which hides a
 * forgotten `?? null`. Objects are sent as JSON (for jsonb parameters).
 */
export type SqlParam = SqlScalar | readonly SqlScalar[] | { readonly [key: string]: unknown } | readonly { readonly [key: string]: unknown }[];

function isQueryRunner(db: SqlDb): db is QueryRunner {
  return 'manager' in db && 'connection' in db && typeof (db as QueryRunner).release === 'function';
}
function isEntityManager(db: SqlDb): db is EntityManager {
  return 'connection' in db && 'transaction' in db && !isQueryRunner(db);
}

async function run(db: SqlDb, text: string, params: readonly SqlParam[]): Promise<{ rows: unknown[]; rowCount: number }> {
  if (isEntityManager(db) || isQueryRunner(db)) {
    // A transaction's manager runs on its query runner; a plain manager borrows one for the
    // statement (as EntityManager.query does), so logging and the session gate see it alike.
    const own = isQueryRunner(db) ? db : db.queryRunner;
    const qr = own ?? db.connection.createQueryRunner();
    try {
      const r = await qr.query(text, params as unknown[], true);
      return { rows: r.records ?? [], rowCount: r.affected ?? 0 };
    } finally {
      if (!own) await qr.release();
    }
  }
  const r = await db.query(text, params as unknown[]);
  return { rows: r.rows, rowCount: r.rowCount ?? 0 };
}

export async function sqlRows<T>(db: SqlDb, text: string, params: readonly SqlParam[] = []): Promise<T[]> {
  return (await run(db, text, params)).rows as T[];
}

export async function sqlRow<T>(db: SqlDb, text: string, params: readonly SqlParam[] = []): Promise<T | undefined> {
  return (await run(db, text, params)).rows[0] as T | undefined;
}

/** How many rows an INSERT, UPDATE or DELETE wrote (its command tag's count). */
export async function sqlChanged(db: SqlDb, text: string, params: readonly SqlParam[] = []): Promise<number> {
  return (await run(db, text, params)).rowCount;
}

export async function sqlRun(db: SqlDb, text: string, params: readonly SqlParam[] = []): Promise<void> {
  await run(db, text, params);
}

/**
 * An id the application holds as a number, as the entity's `bigint` property (a string, as pg
 * returns it); undefined and null pass through (a partial update leaves undefined fields alone).
 */
export function bigintParam<N extends number | null | undefined>(n: N): N extends number ? string : Exclude<N, number> {
  return (typeof n === 'number' ? String(n) : n) as N extends number ? string : Exclude<N, number>;
}

/**
 * The pg pool behind TypeORM's postgres driver (`PostgresDriver.master`), for the few things
 * TypeORM does not do: the session gate wraps its `connect`, named prepared statements keep a
 * connection. Undefined before the data source is initialised.
 */
export function pgPoolOf(ds: DataSource): Pool | undefined {
  return ds.driver instanceof PostgresDriver ? (ds.driver.master as Pool | undefined) : undefined;
}

/**
 * The pg connection a transaction runs on (QueryRunner.connect() gives the one it holds), for what
 * TypeORM's query() cannot do, such as COPY streams. Only inside a transaction: outside one the
 * connection would not be the statement's.
 */
export async function pgClientOf(tx: EntityManager): Promise<PoolClient> {
  if (!tx.queryRunner?.isTransactionActive) throw new Error('pgClientOf: not inside a transaction');
  return (await tx.queryRunner.connect()) as PoolClient;
}

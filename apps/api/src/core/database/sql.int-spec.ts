import { DataSource } from 'typeorm';
import { embeddedTestDatabase, freshDatabaseUrl, sqlClient } from '@test/support/db';
import { dataSourceOptions } from './data-source-options';
import type { AppSecretEntity } from '../security/entities/app-secret.entity';
import { pgClientOf, pgPoolOf, sqlChanged, sqlRow, sqlRows, sqlRun, type SqlDb } from './sql';

/** The typed SQL helper on every kind of target it takes, against PostgreSQL. */
describe('sql helper', () => {
  let ds: DataSource;
  let url: string;

  beforeAll(async () => {
    url = await freshDatabaseUrl();
    ds = new DataSource(dataSourceOptions(url, embeddedTestDatabase() ? 1 : 2));
    await ds.initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  type Secret = Pick<AppSecretEntity, 'name' | 'value'>;

  async function roundTrip(db: SqlDb, tag: string) {
    await sqlRun(db, `INSERT INTO app_secret (name, value) VALUES ($1, $2), ($1 || '_b', $2)`, [`sql_${tag}`, 'v1']);
    expect(await sqlChanged(db, `UPDATE app_secret SET value = $2 WHERE name LIKE $1 || '%'`, [`sql_${tag}`, 'v2'])).toBe(2);
    expect(await sqlChanged(db, `UPDATE app_secret SET value = 'x' WHERE name = 'nobody'`)).toBe(0);
    const rows = await sqlRows<Secret>(db, `SELECT name, value FROM app_secret WHERE name LIKE $1 || '%' ORDER BY name`, [`sql_${tag}`]);
    expect(rows).toEqual([
      { name: `sql_${tag}`, value: 'v2' },
      { name: `sql_${tag}_b`, value: 'v2' },
    ]);
    expect(await sqlRow<Secret>(db, `SELECT name, value FROM app_secret WHERE name = $1`, [`sql_${tag}_b`])).toEqual({ name: `sql_${tag}_b`, value: 'v2' });
    expect(await sqlRow<Secret>(db, `SELECT name, value FROM app_secret WHERE name = 'nobody'`)).toBeUndefined();
    expect(await sqlChanged(db, `DELETE FROM app_secret WHERE name LIKE $1 || '%'`, [`sql_${tag}`])).toBe(2);
  }

  it('runs on the data source manager (a pooled connection per statement)', async () => {
    await roundTrip(ds.manager, 'manager');
  });

  it("runs on a transaction's manager, on the transaction's connection", async () => {
    await ds.transaction(async (tx) => {
      await roundTrip(tx, 'tx');
      const [{ pid }] = await tx.query(`SELECT pg_backend_pid() AS pid`);
      expect(await sqlRow<{ pid: number }>(tx, `SELECT pg_backend_pid() AS pid`)).toEqual({ pid });
    });
  });

  it('a rolled-back transaction takes its writes back', async () => {
    await expect(
      ds.transaction(async (tx) => {
        await sqlRun(tx, `INSERT INTO app_secret (name, value) VALUES ('sql_rollback', 'v')`);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await sqlRows(ds.manager, `SELECT 1 FROM app_secret WHERE name = 'sql_rollback'`)).toEqual([]);
  });

  it('runs on a query runner and on a pg client', async () => {
    const qr = ds.createQueryRunner();
    try {
      await roundTrip(qr, 'runner');
    } finally {
      await qr.release();
    }
    if (embeddedTestDatabase()) return; // a second client next to the pool: one session there
    const c = await sqlClient(url);
    try {
      await roundTrip(c, 'client');
    } finally {
      await c.end();
    }
  });

  it('sends objects as JSON and arrays as arrays', async () => {
    expect(await sqlRow<{ j: { a: number }; n: number }>(ds.manager, `SELECT $1::jsonb AS j, cardinality($2::bigint[]) AS n`, [{ a: 1 }, [1, 2, 3]])).toEqual({
      j: { a: 1 },
      n: 3,
    });
  });

  it("names TypeORM's pool and a transaction's connection without reaching into private fields", async () => {
    const pool = pgPoolOf(ds)!;
    expect(typeof pool.connect).toBe('function');
    expect(pool.totalCount).toBeGreaterThan(0);
    await expect(pgClientOf(ds.manager)).rejects.toThrow('not inside a transaction');
    await ds.transaction(async (tx) => {
      const client = await pgClientOf(tx);
      const [{ pid }] = await tx.query(`SELECT pg_backend_pid() AS pid`);
      expect((await client.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid).toBe(pid);
    });
  });
});

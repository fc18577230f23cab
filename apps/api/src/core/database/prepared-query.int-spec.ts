import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { embeddedTestDatabase, freshDatabaseUrl } from '@test/support/db';
import { dataSourceOptions } from './data-source-options';
import { PinnedSession, useNamedStatements } from './prepared-query';
import { pgPoolOf } from './sql';

/** The connection the event intake keeps between its batches (PinnedSession), against PostgreSQL. */
describe('PinnedSession', () => {
  const embedded = embeddedTestDatabase();
  let ds: DataSource;
  let pool: Pool;
  const pidSql = 'SELECT pg_backend_pid() AS pid, $1::int AS n';

  beforeAll(async () => {
    ds = new DataSource(dataSourceOptions(await freshDatabaseUrl(), 3));
    await ds.initialize();
    // as DatabaseModule sets it: no named statements on a single-session database
    useNamedStatements(!embedded);
    pool = pgPoolOf(ds)!;
  });

  afterAll(async () => {
    // ends only when every connection lent by the pool is back (pg-pool's end waits for them)
    await ds?.destroy();
    useNamedStatements(true);
  });

  it('keeps one connection: every statement after the first is written to it in the same tick, without asking the pool', async () => {
    const s = new PinnedSession(ds);
    const connect = jest.spyOn(pool, 'connect');
    try {
      const [first] = await s.query<{ pid: number; n: number }>('pin_test', pidSql, [0]);
      expect(first.n).toBe(0);
      if (embedded) return; // nothing is kept there: each statement runs unnamed through the pool
      expect(connect).toHaveBeenCalledTimes(1);
      expect(s.kept).toBe(1);
      for (let i = 1; i <= 5; i++) {
        const pending = s.query<{ pid: number; n: number }>('pin_test', pidSql, [i]);
        // already on its way: the kept connection left the idle list synchronously
        expect(s.kept).toBe(0);
        const [row] = await pending;
        expect(row).toEqual({ pid: first.pid, n: i });
      }
      expect(connect).toHaveBeenCalledTimes(1);
    } finally {
      connect.mockRestore();
      s.close();
    }
    expect(s.kept).toBe(0);
    expect(pool.totalCount - pool.idleCount).toBe(0); // given back
  });

  it('after the server ends its connection (idle or mid-statement), the next statement gets a new one and the process lives on', async () => {
    if (embedded) return;
    const s = new PinnedSession(ds);
    try {
      const [{ pid }] = await s.query<{ pid: number }>('pin_test', pidSql, [1]);
      // idle: the server ends it; pg emits 'error' on the connection, which must not go unhandled
      await ds.query('SELECT pg_terminate_backend($1)', [pid]);
      for (let waited = 0; s.kept > 0 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      expect(s.kept).toBe(0);
      const [{ pid: second }] = await s.query<{ pid: number }>('pin_test', pidSql, [2]);
      expect(second).not.toBe(pid);
      // mid-statement: that statement fails, the one after it runs on a new connection
      // (its failure is taken at once: it may come while this test still awaits the termination)
      const slow = s.query('pin_sleep', 'SELECT pg_sleep(5), $1::int', [1]).then(
        () => null,
        (e: Error) => e,
      );
      await new Promise((r) => setTimeout(r, 200));
      await ds.query('SELECT pg_terminate_backend($1)', [second]);
      expect(await slow).toBeInstanceOf(Error);
      const [{ pid: third }] = await s.query<{ pid: number }>('pin_test', pidSql, [3]);
      expect(third).not.toBe(second);
    } finally {
      s.close();
    }
  });

  it('holds its session settings on the kept connections only, and gives them back to the pool reset', async () => {
    if (embedded) return; // nothing is kept there
    const s = new PinnedSession(ds, { plan_cache_mode: 'force_generic_plan' });
    const mode = 'SELECT pg_backend_pid() AS pid, current_setting($1) AS mode';
    let kept: { pid: number; mode: string } | undefined;
    try {
      [kept] = await s.query<{ pid: number; mode: string }>('pin_mode', mode, ['plan_cache_mode']);
      expect(kept.mode).toBe('force_generic_plan');
      // a named statement new to that connection gets the generic plan from its first run
      for (let i = 0; i < 3; i++) await s.query('pin_generic', pidSql, [i]);
      const [plans] = await s.query<{ generic: number; custom: number }>('pin_plans', `SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name = $1`, ['pin_generic']);
      expect(plans).toEqual({ generic: 3, custom: 0 });
    } finally {
      s.close();
    }
    for (let waited = 0; pool.totalCount - pool.idleCount > 0 && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    // the same server session, back in the pool (of 3: take them all), plans as every other connection does
    const all = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    try {
      const modes = await Promise.all(all.map(async (c) => (await c.query<{ pid: number; mode: string }>(mode, ['plan_cache_mode'])).rows[0]));
      expect(modes.find((m) => m.pid === kept!.pid)).toEqual({ pid: kept!.pid, mode: 'auto' });
    } finally {
      all.forEach((c) => c.release());
    }
  });

  it('after close, statements still run, through the pool, and nothing is kept', async () => {
    const s = new PinnedSession(ds);
    s.close();
    const [row] = await s.query<{ n: number }>('pin_test', pidSql, [7]);
    expect(row.n).toBe(7);
    expect(s.kept).toBe(0);
  });
});

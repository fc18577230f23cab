import type { Pool, PoolClient } from 'pg';
import { asBackground, inTransaction } from './background-work';
import { BACKGROUND_STATEMENT_BUDGET, SessionGate } from './session-gate';

/**
 * The gate's rules on a stand-in pool (it only hands out client objects; what matters here is who
 * gets a connection when, which no database is needed to show).
 */
function fakePool(): Pool {
  let n = 0;
  return {
    connect: async () => {
      const id = ++n;
      const client = { id, query: async () => ({ rows: [] }), release: () => undefined };
      return client as unknown as PoolClient;
    },
  } as unknown as Pool;
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SessionGate', () => {
  it('serves every waiting interactive request before a waiting background job, on a pool of one', async () => {
    const pool = fakePool();
    const gate = new SessionGate(1);
    gate.install(pool);
    const order: string[] = [];
    const holder = await asBackground('sweep', () => pool.connect());
    const bg = asBackground('simulator', async () => {
      const c = await pool.connect();
      order.push('simulator');
      c.release();
    });
    await tick();
    const reads = [1, 2].map(async (k) => {
      const c = await pool.connect();
      order.push(`read${k}`);
      await tick();
      c.release();
    });
    await tick();
    holder.release();
    await Promise.all([bg, ...reads]);
    expect(order).toEqual(['read1', 'read2', 'simulator']);
    expect(gate.report().counters.backgroundBeforeInteractive).toBe(0);
    // two reads waited behind the sweep's hold, which stayed within its budget
    expect(gate.report().counters.interactiveBehindBackground).toBe(2);
    expect(gate.report().counters.interactiveBehindOverBudget).toBe(0);
  });

  it('counts the requests that waited behind a background hold over its statement budget', async () => {
    const pool = fakePool();
    const gate = new SessionGate(1);
    gate.install(pool);
    const c = await asBackground('import', () => pool.connect());
    const waiting = pool.connect();
    await tick();
    for (let k = 0; k <= BACKGROUND_STATEMENT_BUDGET; k++) await c.query('SELECT 1');
    c.release();
    (await waiting).release();
    const r = gate.report();
    expect(r.counters.backgroundOverStatementBudget).toBe(1);
    expect(r.counters.interactiveBehindOverBudget).toBe(1);
    expect(r.jobs.import).toEqual(expect.objectContaining({ holds: 1, maxStatements: BACKGROUND_STATEMENT_BUDGET + 1 }));
  });

  it('lets background jobs hold at most half of a larger pool', async () => {
    const pool = fakePool();
    const gate = new SessionGate(4);
    gate.install(pool);
    const held = await Promise.all([1, 2].map(() => asBackground('sim', () => pool.connect())));
    let third = false;
    const p = asBackground('sim', () => pool.connect()).then((c) => ((third = true), c));
    await tick();
    expect(third).toBe(false);
    // an interactive request still gets one at once
    const mine = await pool.connect();
    expect(gate.report().inUse).toBe(3);
    held[0].release();
    (await p).release();
    expect(third).toBe(true);
    mine.release();
    held[1].release();
    expect(gate.report().inUse).toBe(0);
  });

  it('refuses a second connection asked for inside a transaction on a pool of one (it would wait for itself)', async () => {
    const pool = fakePool();
    const gate = new SessionGate(1);
    gate.install(pool);
    const own = await pool.connect();
    await expect(inTransaction.run(true, () => pool.connect())).rejects.toThrow(/inside a transaction/);
    expect(gate.report().counters.nestedInTransaction).toBe(1);
    // background work started from inside a transaction is not part of it
    const later = inTransaction.run(true, () => asBackground('refresh', () => pool.connect()));
    own.release();
    (await later).release();
    expect(gate.report().counters.nestedInTransaction).toBe(1);
  });

  it('gives a connection back once, whether released by the client or by the callback style', async () => {
    const pool = fakePool();
    const gate = new SessionGate(1);
    gate.install(pool);
    const c = await new Promise<PoolClient>((ok, fail) =>
      (pool.connect as unknown as (cb: (e: Error | undefined, c: PoolClient, done: () => void) => void) => void)((e, client, done) => (e ? fail(e) : ok(Object.assign(client, { done })))),
    );
    (c as unknown as { done: () => void }).done();
    expect(gate.report().inUse).toBe(0);
    const d = await pool.connect();
    expect(gate.report().inUse).toBe(1);
    d.release();
  });
});

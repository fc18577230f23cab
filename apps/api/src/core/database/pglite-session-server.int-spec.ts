import { Socket } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';

/**
 * PGlite loads parts of itself with import(), which jest's module sandbox refuses: the database and
 * the session server (built by the test setup) run in a thread of their own, as `npm start` runs them.
 */
const SERVER = join(__dirname, '../../../../../dist/api/apps/api/src/core/database/pglite-session-server.js');
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require('@electric-sql/pglite');
const { PgliteSessionServer } = require(workerData.server);
(async () => {
  const db = await PGlite.create();
  const server = new PgliteSessionServer(db);
  parentPort.postMessage(await server.listen(0));
  parentPort.on('message', async (m) => {
    if (m === 'exclusive') {
      // what the snapshot does: work on the session between two exchanges of the connections
      const seen = await server.exclusive(async (session) => ({ inTransaction: session.isInTransaction(), rows: (await session.query('SELECT count(*)::int AS n FROM t')).rows[0].n }));
      return parentPort.postMessage(seen);
    }
    await server.stop(); await db.close(); parentPort.postMessage('stopped');
  });
})();
`;

/**
 * Several `pg` connections at once through the loopback socket in front of PGlite's one session:
 * each gets its own answers, a transaction is never entered by another connection's statements,
 * and a connection that drops inside a transaction leaves none behind.
 */
/**
 * A socket that sends a large write in two parts 30 ms apart (what a busy machine or a big
 * statement does anyway: the server reads it in pieces), so that another connection's statements
 * arrive between the parts of one exchange.
 */
class SplittingSocket extends Socket {
  override _writev(chunks: { chunk: Buffer }[], done: (e?: Error | null) => void): void {
    // 'buffer': the bytes as they are (net.Socket treats 'binary' as latin1 text and aborts the process on a Buffer)
    this._write(Buffer.concat(chunks.map((c) => c.chunk)), 'buffer' as BufferEncoding, done);
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, done: (e?: Error | null) => void): void {
    if (chunk.length < 100_000) return super._write(chunk, encoding, done);
    super._write(chunk.subarray(0, 1000), encoding, (e) => (e ? done(e) : setTimeout(() => super._write(chunk.subarray(1000), encoding, done), 30)));
  }
}

const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

/**
 * A socket that holds back each Sync for 20 ms: the server reads an exchange's Parse, Bind and
 * Execute before its Sync, as a busy machine or a cursor's Execute + Flush has it do.
 */
class LateSyncSocket extends Socket {
  override _writev(chunks: { chunk: Buffer }[], done: (e?: Error | null) => void): void {
    this._write(Buffer.concat(chunks.map((c) => c.chunk)), 'buffer' as BufferEncoding, done);
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, done: (e?: Error | null) => void): void {
    const sync = chunk.length > 5 && chunk.subarray(-5).equals(SYNC);
    if (!sync) return super._write(chunk, encoding, done);
    super._write(chunk.subarray(0, -5), encoding, (e) => (e ? done(e) : setTimeout(() => super._write(SYNC, encoding, done), 20)));
  }
}

describe('PgliteSessionServer (several connections, one PGlite session)', () => {
  let thread: Worker;
  let url: string;
  const clients: Client[] = [];

  const connect = async (stream?: () => Socket) => {
    const c = new Client({ connectionString: url, ...(stream ? { stream } : {}) });
    c.on('error', () => undefined);
    await c.connect();
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    thread = new Worker(THREAD, { eval: true, workerData: { server: SERVER } });
    const port = await new Promise<number>((resolve, reject) => {
      thread.once('message', resolve);
      thread.once('error', reject);
    });
    url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const c = await connect();
    await c.query('CREATE TABLE t (who text, i int)');
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
    const c = await connect();
    await c.query('TRUNCATE t');
    await clients.pop()!.end();
  });

  /** Run `first` on one connection while `b` runs statements of its own; every answer that went to the wrong one. */
  const alongside = async (b: Client, first: (wrong: string[]) => Promise<void>) => {
    const wrong: string[] = [];
    let done = false;
    await Promise.all([first(wrong).finally(() => (done = true)), runOther(b, () => done, wrong)]);
    return wrong;
  };

  /** The other connection's statements while the first one runs (until `done()`): each must get its own rows. */
  const runOther = async (b: Client, done: () => boolean, wrong: string[]) => {
    for (let i = 0; !done(); i++) {
      const r = await b.query(`SELECT $1::text AS b, $2::int AS n, 'B'::text AS who FROM generate_series(1, $2::int)`, [`b${i}`, 1 + (i % 3)]).catch((e: Error) => ({ rows: [e.message] }));
      if (r.rows.length !== 1 + (i % 3) || r.rows.some((x: { who: string; b: string }) => x.who !== 'B' || x.b !== `b${i}`)) wrong.push(`B ${i}: ${JSON.stringify(r.rows).slice(0, 120)}`);
    }
  };

  afterAll(async () => {
    thread.postMessage('stop');
    await new Promise((resolve) => thread.once('message', resolve));
    await thread.terminate();
  });

  it('gives each of two connections running statements at once its own rows, when one statement arrives in parts', async () => {
    const [a, b] = await Promise.all([connect(() => new SplittingSocket()), connect()]);
    const wrong = await alongside(b, async (found) => {
      for (let i = 0; i < 10; i++) {
        // ~300 kB of parameters: the server gets the statement (Parse) 30 ms before its parameters (Bind)
        const r = await a.query(`SELECT $1::int AS a, 'A'::text AS who, length($2::text) AS len`, [i, 'x'.repeat(300_000 + i)]).catch((e: Error) => ({ rows: [e.message] }));
        if (r.rows.length !== 1 || r.rows[0].who !== 'A' || r.rows[0].a !== i || r.rows[0].len !== 300_000 + i) found.push(`A ${i}: ${JSON.stringify(r.rows).slice(0, 120)}`);
      }
    });
    expect(wrong).toEqual([]);
  });

  it('keeps an exchange whose statement fails before its Sync arrives whole: one answer per query, no stray ReadyForQuery', async () => {
    // PGlite answers a failed Parse or Execute with ErrorResponse and a ReadyForQuery of its own when
    // its input ends before the Sync, and again at the Sync: the client would take the second as the
    // end of its next query (empty rows, then "unexpected rowDescription"), and the session would be
    // handed to another connection between the failure and the Sync.
    const [a, b] = await Promise.all([connect(() => new LateSyncSocket()), connect()]);
    const wrong = await alongside(b, async (found) => {
      for (let i = 0; i < 15; i++) {
        const failed = await a.query(i % 2 ? 'SELECT nosuch' : 'SELECT 1 / $1::int AS x', [0]).then(
          () => 'no error',
          (e: Error) => e.message,
        );
        if (!/nosuch|division by zero/.test(failed)) found.push(`A ${i} failed with: ${failed}`);
        const r = await a.query(`SELECT $1::int AS a, 'A'::text AS who`, [i]).catch((e: Error) => ({ rows: [e.message] }));
        if (r.rows.length !== 1 || r.rows[0].who !== 'A' || r.rows[0].a !== i) found.push(`A ${i}: ${JSON.stringify(r.rows).slice(0, 120)}`);
      }
    });
    expect(wrong).toEqual([]);
  });

  it("never runs one connection's statements inside another's open transaction", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    const seen: number[] = [];
    let writing = true;
    const writer = async () => {
      for (let i = 0; i < 20; i++) {
        await a.query('BEGIN');
        await a.query(`INSERT INTO t VALUES ('A', $1)`, [i]);
        await new Promise((r) => setTimeout(r, 5)); // the transaction stays open while the other connection asks
        await a.query(`INSERT INTO t VALUES ('A', $1)`, [i]);
        await a.query('COMMIT');
      }
      writing = false;
    };
    const reader = async () => {
      while (writing) seen.push((await b.query(`SELECT count(*)::int AS n FROM t`)).rows[0].n as number);
    };
    await Promise.all([writer(), reader()]);
    // each transaction inserts two rows: a reader outside it sees an even count
    expect(seen.filter((n) => n % 2 !== 0)).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
    expect((await b.query(`SELECT count(*)::int AS n FROM t`)).rows[0].n).toBe(40);
  });

  it("runs the database thread's own work (the snapshot) only between exchanges, never inside a connection's transaction", async () => {
    const a = await connect();
    await a.query('BEGIN');
    await a.query(`INSERT INTO t VALUES ('A', 1)`);
    const seen = new Promise((resolve) => thread.once('message', resolve));
    thread.postMessage('exclusive');
    await new Promise((r) => setTimeout(r, 50)); // it waits while the transaction is open
    await a.query(`INSERT INTO t VALUES ('A', 2)`);
    await a.query('COMMIT');
    expect(await seen).toEqual({ inTransaction: false, rows: 2 });
  });

  it('rolls back the transaction of a connection that drops inside it, and serves the next one', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    await a.query('BEGIN');
    await a.query(`INSERT INTO t VALUES ('A', 1)`);
    const waiting = b.query(`SELECT count(*)::int AS n FROM t`); // waits for A's transaction
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect((await waiting).rows[0].n).toBe(0);
    // outside any transaction: nothing has a transaction id assigned in the session
    expect((await b.query('SELECT txid_current_if_assigned() AS x')).rows[0].x).toBeNull();
  });
});

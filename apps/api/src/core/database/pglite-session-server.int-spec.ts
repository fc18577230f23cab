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
  parentPort.on('message', async () => { await server.stop(); await db.close(); parentPort.postMessage('stopped'); });
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

  afterAll(async () => {
    thread.postMessage('stop');
    await new Promise((resolve) => thread.once('message', resolve));
    await thread.terminate();
  });

  it('gives each of two connections running statements at once its own rows, when one statement arrives in parts', async () => {
    const [a, b] = await Promise.all([connect(() => new SplittingSocket()), connect()]);
    const wrong: string[] = [];
    let aDone = false;
    const runA = async () => {
      for (let i = 0; i < 10; i++) {
        // ~300 kB of parameters: the server gets the statement (Parse) 30 ms before its parameters (Bind)
        const r = await a.query(`SELECT $1::int AS a, 'A'::text AS who, length($2::text) AS len`, [i, 'x'.repeat(300_000 + i)]).catch((e: Error) => ({ rows: [e.message] }));
        if (r.rows.length !== 1 || r.rows[0].who !== 'A' || r.rows[0].a !== i || r.rows[0].len !== 300_000 + i) wrong.push(`A ${i}: ${JSON.stringify(r.rows).slice(0, 120)}`);
      }
      aDone = true;
    };
    const runB = async () => {
      for (let i = 0; !aDone; i++) {
        const r = await b.query(`SELECT $1::text AS b, $2::int AS n, 'B'::text AS who FROM generate_series(1, $2::int)`, [`b${i}`, 1 + (i % 3)]).catch((e: Error) => ({ rows: [e.message] }));
        if (r.rows.length !== 1 + (i % 3) || r.rows.some((x: { who: string; b: string }) => x.who !== 'B' || x.b !== `b${i}`)) wrong.push(`B ${i}: ${JSON.stringify(r.rows).slice(0, 120)}`);
      }
    };
    await Promise.all([runA(), runB()]);
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

import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * The loopback socket in front of PGlite's one PostgreSQL session, for `pg` and TypeORM.
 *
 * Every connection shares that session, so one connection at a time must own it for a whole
 * exchange: from its first message to the server's ReadyForQuery, and, when that ReadyForQuery
 * says a transaction is open (status T or E), on to the ReadyForQuery that ends it. Another
 * connection's messages wait until then. (pglite-socket's server queued single messages from all
 * connections: a Parse of one connection could run between another's Parse and Bind, and that
 * other connection got the first one's rows: "unexpected rowDescription".)
 *
 * Connections that wait are served in arrival order; an owner whose exchange ends idle goes to the
 * back of the line if it has more to send. An owner that disconnects mid-exchange or inside a
 * transaction has its exchange synced and its transaction rolled back first. (COPY FROM STDIN does
 * not work through PGlite's protocol entry point; the app uses it only on a server.)
 */
export class PgliteSessionServer {
  private server: Server | null = null;
  private owner: Connection | null = null;
  private readonly line: Connection[] = [];
  private readonly connections = new Set<Connection>();
  /** work of the database's own thread (the snapshot's CHECKPOINT and copy), run between exchanges */
  private readonly tasks: (() => Promise<void>)[] = [];
  private running = false;

  constructor(private readonly db: PGlite) {}

  /** Listen on 127.0.0.1 (port 0: any free port); the port listened on. */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    // let a running exchange and the clean-up of a dropped owner finish before the database closes
    while (this.running) await new Promise((r) => setTimeout(r, 5));
  }

  /**
   * Run `fn` on the session between two exchanges: no connection is inside an exchange or a
   * transaction while it runs, and none starts one until it ends.
   */
  exclusive<T>(fn: (db: PGlite) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.tasks.push(() => fn(this.db).then(resolve, reject));
      void this.pump();
    });
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const c = new Connection(socket);
    this.connections.add(c);
    socket.on('data', (chunk: Buffer) => {
      try {
        c.receive(chunk);
      } catch {
        socket.destroy(); // not the PostgreSQL protocol
        return;
      }
      this.want(c);
    });
    socket.on('error', () => undefined); // 'close' follows
    socket.on('close', () => {
      c.closed = true;
      this.connections.delete(c);
      const k = this.line.indexOf(c);
      if (k >= 0) this.line.splice(k, 1);
      void this.pump();
    });
  }

  /** `c` has messages to run: it owns the session already, or joins the line. */
  private want(c: Connection): void {
    if (!c.inbox.length) return;
    if (this.owner !== c && !this.line.includes(c)) this.line.push(c);
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        // an owner that went away: what it sent before it closed runs first, as a server would
        if (this.owner?.closed && !this.owner.inbox.length) await this.abandon(this.owner);
        if (!this.owner && this.tasks.length) {
          await this.tasks.shift()!();
          continue;
        }
        if (!this.owner) this.owner = this.line.shift() ?? null;
        const c = this.owner;
        if (!c || !c.inbox.length) return; // nobody waiting, or the owner is mid-exchange and has sent nothing more yet
        const batch = c.take();
        try {
          await this.db.runExclusive(() => this.db.execProtocolRawStream(batch, { onRawData: (out) => c.send(out) }));
        } catch {
          c.socket.destroy();
          continue; // the next turn abandons it
        }
        if (c.idle) {
          // the exchange ended outside a transaction: the session is free for the next in line
          this.owner = null;
          if (c.inbox.length) this.line.push(c);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** An owner that went away: end its exchange (a Sync), roll back its transaction. */
  private async abandon(c: Connection): Promise<void> {
    this.owner = null;
    if (c.idle) return;
    // a Sync ends an exchange it left open (and is answered harmlessly when it left none)
    await this.db.runExclusive(() => this.db.execProtocolRawStream(SYNC, { onRawData: () => undefined }));
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
  }
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const TERMINATE = 0x58; // 'X'
const READY = 0x5a; // 'Z', ReadyForQuery: 6 bytes, the last one the transaction status
const IDLE = 0x49; // 'I'
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]); // 'S', length 4
/** Client messages the server answers with a ReadyForQuery: Sync, Query, FunctionCall. */
const ENDS_EXCHANGE = new Set([0x53, 0x51, 0x46]);
const EMPTY = Buffer.alloc(0);

/**
 * One client connection: its complete messages not yet run, and where its exchange stands.
 *
 * Where it stands is counted from the messages run, not only from the server's answers: PGlite
 * sends a ReadyForQuery of its own after an error when its input ends before the exchange's Sync
 * (PostgreSQL waits for the Sync), and another one at the Sync. That first one is nobody's answer:
 * the client would take it as the end of its next query (no rows, then "unexpected
 * rowDescription"), and the session would be free while the exchange is not over. So a
 * ReadyForQuery is passed on only when a Sync, Query or startup is waiting for one, and the
 * exchange lasts until the last message run is answered.
 */
class Connection {
  closed = false;
  /** complete messages received and not yet run */
  inbox: Buffer[] = [];
  private pending: Buffer = EMPTY;
  private started = false;
  /** ReadyForQuery answers owed for the messages run (one per Sync, Query or startup) */
  private owed = 0;
  /** extended-protocol messages run since the last Sync: the exchange goes on until its Sync */
  private unsynced = false;
  /** the transaction status of the last ReadyForQuery passed on */
  private status = IDLE;
  /** an answer message's first bytes, while its header (5 bytes, 6 for a ReadyForQuery) is incomplete */
  private outHead: Buffer = EMPTY;
  /** bytes of the current answer message's body still to pass on */
  private outBody = 0;

  constructor(readonly socket: Socket) {}

  /** Between exchanges outside a transaction (or before the first): the session can serve another connection. */
  get idle(): boolean {
    return this.owed === 0 && !this.unsynced && this.status === IDLE;
  }

  /** Cut what arrived into complete messages (the startup packet has no type byte). */
  receive(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (!this.started) {
        if (this.pending.length < 8) return;
        const len = this.pending.readInt32BE(0);
        if (len < 8 || len > 10_000) throw new Error('bad startup packet');
        if (this.pending.length < len) return;
        const code = this.pending.readInt32BE(4);
        const packet = this.pending.subarray(0, len);
        this.pending = this.pending.subarray(len);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.socket.write('N'); // no encryption on the loopback socket
        } else if (code === CANCEL_REQUEST) {
          this.socket.end(); // not supported: one session, nothing to cancel from outside
          return;
        } else {
          this.started = true;
          this.inbox.push(Buffer.from(packet));
        }
        continue;
      }
      if (this.pending.length < 5) return;
      const len = 1 + this.pending.readInt32BE(1);
      if (len < 5) throw new Error('bad message length');
      if (this.pending.length < len) return;
      const m = this.pending.subarray(0, len);
      this.pending = this.pending.subarray(len);
      if (m[0] === TERMINATE) {
        this.socket.end();
        return;
      }
      this.inbox.push(Buffer.from(m));
    }
  }

  /**
   * The messages to run in one go: the startup packet alone (PGlite answers it on a path of its
   * own), otherwise every complete message received so far; what they leave owed is noted.
   */
  take(): Uint8Array {
    if (this.inbox[0][0] === 0) {
      this.owed++;
      return this.inbox.shift()!;
    }
    const batch = this.inbox.splice(0);
    for (const m of batch) {
      if (ENDS_EXCHANGE.has(m[0])) {
        this.owed++;
        this.unsynced = false;
      } else {
        this.unsynced = true;
      }
    }
    return Buffer.concat(batch);
  }

  /** Pass the server's answer on, less any ReadyForQuery nobody is waiting for. */
  send(out: Uint8Array): void {
    const bytes = Buffer.from(out.buffer, out.byteOffset, out.byteLength); // a view: copied below before PGlite reuses it
    const pass: Buffer[] = [];
    let i = 0;
    while (i < bytes.length) {
      if (this.outBody > 0) {
        const n = Math.min(this.outBody, bytes.length - i);
        pass.push(bytes.subarray(i, i + n));
        this.outBody -= n;
        i += n;
        continue;
      }
      const want = (this.outHead.length && this.outHead[0] === READY ? 6 : 5) - this.outHead.length;
      this.outHead = Buffer.concat([this.outHead, bytes.subarray(i, i + want)]);
      i += Math.min(want, bytes.length - i);
      if (this.outHead[0] === READY) {
        if (this.outHead.length < 6) continue;
        if (this.owed > 0) {
          this.owed--;
          this.status = this.outHead[5];
          pass.push(this.outHead);
        }
        this.outHead = EMPTY;
        continue;
      }
      if (this.outHead.length < 5) continue;
      pass.push(this.outHead);
      this.outBody = this.outHead.readInt32BE(1) - 4;
      this.outHead = EMPTY;
    }
    if (pass.length && !this.closed && this.socket.writable) this.socket.write(Buffer.concat(pass));
  }
}

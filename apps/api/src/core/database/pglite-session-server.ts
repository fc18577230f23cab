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
    await this.db.runExclusive(() => this.db.execProtocolRawStream(SYNC, { onRawData: () => undefined }));
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
  }
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const TERMINATE = 0x58; // 'X'
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]); // 'S', length 4

/** One client connection: its complete messages not yet run, and where its exchange stands (from the server's answers). */
class Connection {
  closed = false;
  /** complete messages received and not yet run */
  inbox: Buffer[] = [];
  /** true between exchanges outside a transaction (the last ReadyForQuery said I), or before the first */
  idle = true;
  private pending: Buffer = Buffer.alloc(0);
  private started = false;
  /** answer bytes of a message whose header or body is split across chunks */
  private outHeader: Buffer = Buffer.alloc(0);
  private outSkip = 0;
  private outType = 0;

  constructor(readonly socket: Socket) {}

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
          this.idle = false;
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
      this.idle = false;
    }
  }

  /**
   * The messages to run in one go: the startup packet alone (PGlite answers it on a path of its
   * own), otherwise every complete message received so far.
   */
  take(): Uint8Array {
    if (this.inbox[0][0] === 0) return this.inbox.shift()!;
    return Buffer.concat(this.inbox.splice(0));
  }

  /** Pass the server's answer on, noting where its ReadyForQuery messages leave the session. */
  send(out: Uint8Array): void {
    if (!this.closed && this.socket.writable) this.socket.write(Buffer.from(out));
    let i = 0;
    while (i < out.length) {
      if (this.outSkip > 0) {
        const n = Math.min(this.outSkip, out.length - i);
        if (this.outType === 0x5a && this.outSkip === 1) this.readyForQuery(out[i]); // 'Z': its one byte, the status
        this.outSkip -= n;
        i += n;
        continue;
      }
      const need = 5 - this.outHeader.length;
      const part = out.subarray(i, i + need);
      this.outHeader = Buffer.concat([this.outHeader, part]);
      i += part.length;
      if (this.outHeader.length < 5) return;
      this.outType = this.outHeader[0];
      this.outSkip = this.outHeader.readInt32BE(1) - 4;
      this.outHeader = Buffer.alloc(0);
      if (this.outType !== 0x5a) this.idle = false;
    }
  }

  private readyForQuery(status: number): void {
    this.idle = status === 0x49 && this.inbox.length === 0; // 'I'
  }
}

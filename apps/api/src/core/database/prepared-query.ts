import type { DataSource, EntityManager } from 'typeorm';
import type { Pool, PoolClient } from 'pg';
import { gateOf } from './session-gate';
import { pgPoolOf } from './sql';

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

/** Run a named statement on a connection; on 42P05 (the session already has it) mark it prepared and run again. */
async function runNamed<T>(client: Tracked, name: string, text: string, params: unknown[]): Promise<T[]> {
  try {
    return (await client.query({ name, text, values: params })).rows as T[];
  } catch (e) {
    const parsed = client.connection?.parsedStatements;
    if ((e as { code?: string }).code !== '42P05' || !parsed) throw e;
    parsed[name] = text;
    return (await client.query({ name, text, values: params })).rows as T[];
  }
}

/**
 * A lost connection must not be used again: an error without a SQLSTATE (the socket closed), a
 * FATAL one (e.g. 57P01, the backend was terminated mid-statement) or a connection exception (08…).
 * A statement error (ERROR) leaves the connection usable.
 */
function brokenBy(e: unknown): Error | undefined {
  const { code, severity } = e as { code?: string; severity?: string };
  return !code || severity === 'FATAL' || severity === 'PANIC' || code.startsWith('08') ? (e as Error) : undefined;
}

const poolOf = (db: EntityManager): Pool | undefined => pgPoolOf(db.connection);

export async function queryPrepared<T = Record<string, unknown>>(db: EntityManager | PinnedSession, name: string, text: string, params: unknown[]): Promise<T[]> {
  if (db instanceof PinnedSession) return db.query<T>(name, text, params);
  if (db.queryRunner || !namedStatements) return db.query(text, params);
  const pool = poolOf(db);
  if (!pool) return db.query(text, params);
  const client = (await pool.connect()) as Tracked;
  return runThen<T>(client, name, text, params, (broken) => client.release(broken));
}

/** runNamed, then `done` with the error that broke the connection (undefined: it is still usable). */
async function runThen<T>(client: Tracked, name: string, text: string, params: unknown[], done: (broken: Error | undefined) => void): Promise<T[]> {
  let broken: Error | undefined;
  try {
    return await runNamed<T>(client, name, text, params);
  } catch (e) {
    broken = brokenBy(e);
    throw e;
  } finally {
    done(broken);
  }
}

/**
 * Pool connections KEPT by one hot path (the intake's group commit) between its statements, for
 * named statements in autocommit. Why not take one from the pool each time: pg-pool hands over
 * even an idle connection only on a later tick (process.nextTick, then a promise), after every
 * microtask queued before it. In a group commit those are the answers to the batch that just
 * committed (their views, serialisation and socket writes, ~0.5 ms for a batch of four), so the
 * next batch reached the database only after them. With a kept connection, the next batch's
 * statement is written to the socket synchronously, before those answers are built.
 *
 * It keeps as many connections as were ever busy at once (the group commit's slots). A connection
 * that broke goes back to the pool to be discarded; `close()` (at shutdown, before the pool ends:
 * pg-pool's end() waits for every connection lent out) gives the rest back. On a single-session
 * database (PGlite) nothing is kept: statements run unnamed, as queryPrepared runs them.
 */
export class PinnedSession {
  private readonly idle: Tracked[] = [];
  /** our 'error' listener on each kept connection (pg-pool listens only while a connection is in the pool) */
  private readonly listeners = new Map<Tracked, (e: Error) => void>();
  private closed = false;

  /**
   * `settings`: session settings for the kept connections (set when one is kept, reset when it goes
   * back to the pool), e.g. `plan_cache_mode: 'force_generic_plan'` for a statement PostgreSQL would
   * otherwise plan anew at every call.
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: Record<string, string> = {},
  ) {}

  async query<T = Record<string, unknown>>(name: string, text: string, params: unknown[]): Promise<T[]> {
    const db = this.dataSource.manager;
    const pool = poolOf(db);
    if (this.closed || !namedStatements || !pool) return queryPrepared<T>(db, name, text, params);
    // an idle kept connection is used at once, in this tick (see above)
    // marked as kept for the session gate: in use, but not a hold it measures (idle between statements)
    const gate = gateOf(pool);
    const client = this.idle.pop() ?? (await this.keep((await (gate ? gate.keep(() => pool.connect()) : pool.connect())) as Tracked));
    return runThen<T>(client, name, text, params, (broken) => {
      if (broken || this.closed) this.giveBack(client, broken);
      else this.idle.push(client);
    });
  }

  /** Give the kept connections back to the pool (those in use, when their statement ends). */
  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) this.giveBack(c);
  }

  /** Connections kept and not in use (for tests). */
  get kept(): number {
    return this.idle.length;
  }

  /**
   * A connection lent by the pool is ours to watch: if the server ends it while it waits here, pg
   * emits 'error' on it, and with no listener that would end the process. It goes back to the pool
   * as broken. (While a statement runs, that statement fails and `query` gives it back.)
   */
  private async keep(client: Tracked): Promise<Tracked> {
    const onError = (e: Error) => {
      const k = this.idle.indexOf(client);
      if (k >= 0) {
        this.idle.splice(k, 1);
        this.giveBack(client, e);
      }
    };
    this.listeners.set(client, onError);
    client.on('error', onError);
    try {
      for (const [name, value] of Object.entries(this.settings)) await client.query(`SELECT set_config($1, $2, false)`, [name, value]);
    } catch (e) {
      this.giveBack(client, brokenBy(e) ?? (e as Error));
      throw e;
    }
    return client;
  }

  private giveBack(client: Tracked, broken?: Error): void {
    const onError = this.listeners.get(client);
    if (onError) client.removeListener('error', onError);
    this.listeners.delete(client);
    const names = Object.keys(this.settings);
    if (broken || names.length === 0) return client.release(broken);
    // back to the pool as the pool gave it: the session's own settings again
    client.query(names.map((n) => `RESET ${n.replace(/[^a-z_.]/g, '')}`).join('; ')).then(
      () => client.release(),
      (e: Error) => client.release(e),
    );
  }
}

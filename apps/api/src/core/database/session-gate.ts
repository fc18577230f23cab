import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { AppException } from '../http/app-exception';
import { backgroundJob, inTransaction } from './background-work';

/**
 * Most statements a background job may run on one connection before giving it back (one
 * transaction or one autocommit statement = one hold). Background work is cut into units of at
 * most this many statements, so an interactive request never waits behind a long batch.
 */
export const BACKGROUND_STATEMENT_BUDGET = 64;
/** The same budget in time (reported by /api/health; never asserted: the machine may be busy). */
export const BACKGROUND_TIME_BUDGET_MS = 100;
/** An interactive request waiting this long for a connection gets a 503 (the database is saturated). */
export const INTERACTIVE_WAIT_LIMIT_MS = 15_000;
/** A background job waits longer before it fails (it has no one waiting on it). */
export const BACKGROUND_WAIT_LIMIT_MS = 600_000;
/** Window of the wait and hold figures reported by /api/health. */
export const WINDOW_MS = 60_000;
/** An interactive wait longer than this makes background jobs back off for BACKOFF_MS. */
export const PRESSURE_WAIT_MS = 20;
export const BACKOFF_MS = 1_000;

type Lane = 'interactive' | 'background' | 'kept';

interface Hold {
  lane: Lane;
  job: string;
  at: number;
  statements: number;
  /** interactive requests that began waiting while this hold was on */
  blocked: number;
  /** start of the last statement (text only, never parameters), for the report of who holds a connection */
  last: string;
}

interface Waiter {
  lane: Lane;
  job: string;
  at: number;
  grant: (h: Hold) => void;
  fail: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export interface JobHolds {
  holds: number;
  totalMs: number;
  maxMs: number;
  maxStatements: number;
  /** the last hold: how long (ms) and how many statements */
  lastMs: number;
  lastStatements: number;
  /** holds longer than BACKGROUND_TIME_BUDGET_MS / with more statements than BACKGROUND_STATEMENT_BUDGET (background jobs) */
  overTimeBudget: number;
  overStatementBudget: number;
}

export interface GateReport {
  size: number;
  inUse: number;
  waiting: { interactive: number; background: number };
  /** connections lent now: to whom, for how long, how many statements, the last statement's start */
  holders: { job: string; ms: number; statements: number; last: string }[];
  /** interactive waits for a connection over the last minute */
  wait: { count: number; waited: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** since start: counts that must stay 0 (see `SessionGate`) */
  counters: GateCounters;
  /** holds by job (background jobs by name, and `interactive`), since start */
  jobs: Record<string, JobHolds>;
}

export interface GateCounters {
  interactiveAcquired: number;
  interactiveWaited: number;
  interactiveTimedOut: number;
  backgroundAcquired: number;
  /** background holds that ran more statements than BACKGROUND_STATEMENT_BUDGET */
  backgroundOverStatementBudget: number;
  /** background holds longer than BACKGROUND_TIME_BUDGET_MS (reported, a busy machine can cause it) */
  backgroundOverTimeBudget: number;
  /** interactive requests that waited while a background hold was on (contention: expected, within budget) */
  interactiveBehindBackground: number;
  /** interactive requests that waited while a background hold ran over its statement budget */
  interactiveBehindOverBudget: number;
  /**
   * interactive requests that waited while a background hold lasted longer than its time budget
   * (reported, not a promise: on a busy machine a short batch can take long)
   */
  interactiveBehindOverTimeBudget: number;
  /** a background job got a connection while an interactive request was waiting for one */
  backgroundBeforeInteractive: number;
  /**
   * a connection asked for from inside a transaction's work (beside the transaction's own): on a
   * pool of one it would wait for itself, so it fails at once there
   */
  nestedInTransaction: number;
}

const HOLD = Symbol('gc.gate.hold');
const COUNTED = Symbol('gc.gate.counted');
type Gated = PoolClient & { [HOLD]?: Hold | null; [COUNTED]?: true };

const gates = new WeakMap<Pool, SessionGate>();
/** The gate installed on a pool (PinnedSession marks its kept connections through it). */
export const gateOf = (pool: Pool): SessionGate | undefined => gates.get(pool);

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);

/**
 * Who gets the database connections. Every connection the pool lends goes through here:
 * interactive requests (HTTP, sockets) are served before background jobs (simulator, escalation
 * sweep, live tailer; see `asBackground`), and background jobs hold at most half the pool (the
 * one connection of the single-session embedded database, where everything shares one session).
 *
 * It also measures: how long interactive requests waited (health's pool wait), how long and for
 * how many statements each background job held a connection, and two counts that say whether
 * the discipline held: interactive requests that waited behind a background hold over its
 * statement budget, and background grants made while an interactive request waited.
 */
export class SessionGate {
  private readonly active = new Set<Hold>();
  private readonly queue: { interactive: Waiter[]; background: Waiter[] } = { interactive: [], background: [] };
  private readonly backgroundMax: number;
  private waits: { at: number; ms: number }[] = [];
  private lastPressureAt = 0;
  readonly counters: GateCounters = {
    interactiveAcquired: 0,
    interactiveWaited: 0,
    interactiveTimedOut: 0,
    backgroundAcquired: 0,
    backgroundOverStatementBudget: 0,
    backgroundOverTimeBudget: 0,
    interactiveBehindBackground: 0,
    interactiveBehindOverBudget: 0,
    interactiveBehindOverTimeBudget: 0,
    backgroundBeforeInteractive: 0,
    nestedInTransaction: 0,
  };
  private readonly jobs = new Map<string, JobHolds>();

  constructor(readonly size: number) {
    this.backgroundMax = Math.max(1, Math.floor(size / 2));
  }

  /** Wrap the pool's connect() so every checkout goes through the gate (callback and promise styles). */
  install(pool: Pool): void {
    gates.set(pool, this);
    const connect = pool.connect.bind(pool) as () => Promise<PoolClient>;
    const gated = async (): Promise<PoolClient> => {
      const hold = await this.acquire(backgroundJob());
      let client: Gated;
      try {
        client = (await connect()) as Gated;
      } catch (e) {
        this.release(hold);
        throw e;
      }
      this.track(client, hold);
      return client;
    };
    (pool as unknown as { connect: unknown }).connect = (cb?: (e: Error | undefined, c?: PoolClient, done?: (e?: Error) => void) => void) => {
      if (!cb) return gated();
      gated().then(
        (c) => cb(undefined, c, c.release.bind(c)),
        (e: Error) => cb(e),
      );
      return undefined;
    };
  }

  /** Mark the work of every `dataSource.transaction(…)` (see nestedInTransaction). */
  watchTransactions(ds: DataSource): void {
    const transaction = ds.transaction.bind(ds) as (...a: unknown[]) => Promise<unknown>;
    (ds as unknown as { transaction: unknown }).transaction = (...args: unknown[]) => {
      const k = args.findIndex((a) => typeof a === 'function');
      const work = args[k] as (tx: EntityManager) => Promise<unknown>;
      args[k] = (tx: EntityManager) => inTransaction.run(true, () => work(tx));
      return transaction(...args);
    };
  }

  /**
   * A connection kept by one hot path between its statements (PinnedSession): counted as in use,
   * but not as a hold (it is idle most of the time).
   */
  keep<T>(work: () => T): T {
    // connect() asks the gate synchronously, so the mark is only on while it is being asked
    this.keptDepth++;
    try {
      return work();
    } finally {
      this.keptDepth--;
    }
  }

  /** Whether background work should pause: an interactive request waits, or waited noticeably a moment ago. */
  pressure(now = Date.now()): boolean {
    return this.queue.interactive.length > 0 || now - this.lastPressureAt < BACKOFF_MS;
  }

  /** Wait while interactive requests are waiting or just waited (background jobs call this between units). */
  async yieldToInteractive(maxMs = 5_000): Promise<void> {
    const until = Date.now() + maxMs;
    while (this.pressure() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  }

  report(now = Date.now()): GateReport {
    this.prune(now);
    const ms = this.waits.map((w) => w.ms).sort((a, b) => a - b);
    return {
      size: this.size,
      inUse: this.active.size,
      waiting: { interactive: this.queue.interactive.length, background: this.queue.background.length },
      holders: [...this.active].filter((h) => h.lane !== 'kept').map((h) => ({ job: h.job, ms: now - h.at, statements: h.statements, last: h.last })),
      wait: { count: ms.length, waited: ms.filter((m) => m > 1).length, p50Ms: pct(ms, 0.5), p99Ms: pct(ms, 0.99), maxMs: ms.length ? ms[ms.length - 1] : 0 },
      counters: { ...this.counters },
      jobs: Object.fromEntries([...this.jobs].map(([k, v]) => [k, { ...v }])),
    };
  }

  /** How long the oldest interactive request has been waiting now (ms). */
  oldestInteractiveWaitMs(now = Date.now()): number {
    const w = this.queue.interactive[0];
    return w ? now - w.at : 0;
  }

  private keptDepth = 0;

  private acquire(job: string | null): Promise<Hold> {
    const lane: Lane = this.keptDepth > 0 ? 'kept' : job ? 'background' : 'interactive';
    const name = job ?? lane;
    if (inTransaction.getStore()) {
      this.counters.nestedInTransaction++;
      if (this.size === 1) {
        return Promise.reject(new Error(`${name}: a second database connection was asked for inside a transaction; on a pool of one it would wait for the transaction's own (use the transaction's manager)`));
      }
    }
    if (this.canGrant(lane)) return Promise.resolve(this.grant(lane, name, 0));
    return new Promise<Hold>((resolve, reject) => {
      const at = Date.now();
      const limit = lane === 'background' ? BACKGROUND_WAIT_LIMIT_MS : INTERACTIVE_WAIT_LIMIT_MS;
      const w: Waiter = {
        lane,
        job: name,
        at,
        grant: resolve,
        fail: reject,
        timer: setTimeout(() => this.expire(w), limit),
      };
      if (lane === 'background') this.queue.background.push(w);
      else {
        this.queue.interactive.push(w);
        for (const h of this.active) if (h.lane === 'background') h.blocked++;
      }
    });
  }

  private canGrant(lane: Lane): boolean {
    if (this.active.size >= this.size) return false;
    if (lane !== 'background') return true;
    return this.queue.interactive.length === 0 && this.backgroundHolds() < this.backgroundMax;
  }

  private backgroundHolds(): number {
    let n = 0;
    for (const h of this.active) if (h.lane === 'background') n++;
    return n;
  }

  private grant(lane: Lane, job: string, waitedMs: number): Hold {
    const now = Date.now();
    const h: Hold = { lane, job, at: now, statements: 0, blocked: 0, last: '' };
    this.active.add(h);
    if (lane === 'background') {
      this.counters.backgroundAcquired++;
      if (this.queue.interactive.length > 0) this.counters.backgroundBeforeInteractive++;
    } else if (lane === 'interactive') {
      this.counters.interactiveAcquired++;
      if (waitedMs > 0) this.counters.interactiveWaited++;
      if (waitedMs > PRESSURE_WAIT_MS) this.lastPressureAt = now;
      this.waits.push({ at: now, ms: waitedMs });
      if (this.waits.length > 20_000) this.prune(now);
    }
    return h;
  }

  private release(h: Hold): void {
    if (!this.active.delete(h)) return;
    const ms = Date.now() - h.at;
    if (h.lane !== 'kept') {
      const j = this.jobs.get(h.job) ?? { holds: 0, totalMs: 0, maxMs: 0, maxStatements: 0, lastMs: 0, lastStatements: 0, overTimeBudget: 0, overStatementBudget: 0 };
      j.holds++;
      j.totalMs += ms;
      j.maxMs = Math.max(j.maxMs, ms);
      j.maxStatements = Math.max(j.maxStatements, h.statements);
      j.lastMs = ms;
      j.lastStatements = h.statements;
      if (h.lane === 'background' && ms > BACKGROUND_TIME_BUDGET_MS) j.overTimeBudget++;
      if (h.lane === 'background' && h.statements > BACKGROUND_STATEMENT_BUDGET) j.overStatementBudget++;
      this.jobs.set(h.job, j);
    }
    if (h.lane === 'background') {
      this.counters.interactiveBehindBackground += h.blocked;
      if (h.statements > BACKGROUND_STATEMENT_BUDGET) {
        this.counters.backgroundOverStatementBudget++;
        this.counters.interactiveBehindOverBudget += h.blocked;
      }
      if (ms > BACKGROUND_TIME_BUDGET_MS) {
        this.counters.backgroundOverTimeBudget++;
        this.counters.interactiveBehindOverTimeBudget += h.blocked;
      }
    }
    this.pump();
  }

  /** Hand freed connections to waiters: every interactive waiter first, then background ones. */
  private pump(): void {
    const now = Date.now();
    while (this.active.size < this.size) {
      const w = this.queue.interactive.shift() ?? (this.backgroundHolds() < this.backgroundMax ? this.queue.background.shift() : undefined);
      if (!w) return;
      clearTimeout(w.timer);
      w.grant(this.grant(w.lane, w.job, now - w.at));
    }
  }

  private expire(w: Waiter): void {
    const q = w.lane === 'background' ? this.queue.background : this.queue.interactive;
    const k = q.indexOf(w);
    if (k < 0) return;
    q.splice(k, 1);
    if (w.lane !== 'background') {
      this.counters.interactiveTimedOut++;
      this.lastPressureAt = Date.now();
    }
    w.fail(new AppException('SERVICE_UNAVAILABLE', `the database is busy: no connection within ${Math.round((Date.now() - w.at) / 1000)} s; retry shortly`, { waitedMs: Date.now() - w.at }));
  }

  /** Count statements per hold, and give the hold back exactly once when the client is released. */
  private track(client: Gated, hold: Hold): void {
    client[HOLD] = hold;
    if (!client[COUNTED]) {
      client[COUNTED] = true;
      const query = client.query;
      (client as unknown as { query: unknown }).query = function (this: Gated, ...args: unknown[]) {
        const h = client[HOLD];
        if (h) {
          h.statements++;
          const q = args[0] as string | { text?: string } | undefined;
          h.last = (typeof q === 'string' ? q : (q?.text ?? '')).trim().slice(0, 80);
        }
        return (query as (...a: unknown[]) => unknown).apply(this, args);
      };
    }
    const release = client.release;
    client.release = (err?: Error | boolean) => {
      if (client[HOLD] === hold) {
        client[HOLD] = null;
        this.release(hold);
      }
      return release.call(client, err);
    };
  }

  private prune(now: number): void {
    const from = now - WINDOW_MS;
    let k = 0;
    while (k < this.waits.length && this.waits[k].at < from) k++;
    if (k) this.waits = this.waits.slice(k);
  }
}

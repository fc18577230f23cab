import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { dayRanges, SupervisionFactsRepository } from './supervision-facts.repository';
import { asBackground, BackgroundWorkers } from '../../core/database/background-work';
import { BACKGROUND_TIME_BUDGET_MS } from '../../core/database/session-gate';

/**
 * Cases re-derived per transaction (STYLE §21): it starts at FIRST_BATCH and adapts to the time
 * budget of a background hold (BACKGROUND_TIME_BUDGET_MS): a transaction that held the session
 * longer shrinks the next batch in proportion; one that took under half of it grows the next by half,
 * up to MAX_BATCH. So on a slow or busy machine (or the single embedded session) a batch stays short.
 */
const FIRST_BATCH = 50;
const MIN_BATCH = 5;
const MAX_BATCH = 400;
/** Over this lag (a backlog not worked off) health reports the worker behind. */
const LAG_LIMIT_MS = 120_000;
/** Pause between passes while a backlog lasts: the worker takes at most budget / (budget + pause) of the database. */
const BACKLOG_PAUSE_MS = 250;

export interface FactsPass {
  cases: number;
  /** true when every source was read to its end (nothing left for now) */
  done: boolean;
}

/**
 * Keeps sv_case / sv_daily up to date, incrementally, away from the event intake (whose one
 * statement stays as it is): each pass reads what changed since its cursors — the outbox
 * (event.* and summons.*), event ids (rows written without an outbox row: history imports, the
 * demo's year) and deadlines that passed (overdue is a fact that changes with no log entry) — and
 * re-derives those cases in small transactions, each holding the worker lock, moving its cursor
 * in the same transaction, until the pass's time budget is spent. It then yields until the next tick.
 */
@Injectable()
export class SupervisionFactsService implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<FactsPass> | null = null;
  private stopped = false;
  private readonly logger = new Logger('SupervisionFacts');
  /** cases per transaction now (adapts to the time budget, see FIRST_BATCH) */
  private batch = FIRST_BATCH;
  private lastHoldMs = 0;
  private shrunk = 0;
  private derived = 0;
  /** since when a backlog has lasted (null: the last pass reached the end) */
  private backlogSince: number | null = null;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: SupervisionFactsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() workers?: BackgroundWorkers,
  ) {
    workers?.register('supervision-facts', () => ({
      name: 'supervision-facts',
      lagMs: this.backlogSince === null ? 0 : Date.now() - this.backlogSince,
      limitMs: LAG_LIMIT_MS,
      detail: { batch: this.batch, lastHoldMs: this.lastHoldMs, shrunk: this.shrunk, derived: this.derived },
    }));
  }

  /** The next batch size after a transaction of `cases` cases that held the session `heldMs`. */
  static nextBatch(batch: number, cases: number, heldMs: number, budgetMs = BACKGROUND_TIME_BUDGET_MS): number {
    if (cases === 0) return batch; // nothing derived: says nothing about the size
    if (heldMs > budgetMs) return Math.max(MIN_BATCH, Math.min(batch, Math.floor((cases * budgetMs) / heldMs)));
    // grow only after a batch that was (nearly) full: a short one says little about a full one
    if (heldMs < budgetMs / 2 && cases >= batch / 2) return Math.min(MAX_BATCH, Math.ceil(batch * 1.5));
    return batch;
  }

  onModuleInit(): void {
    const seconds = this.config.SUPERVISION_FACTS_SECONDS;
    if (seconds <= 0) return;
    // With a backlog (a fresh database's history, a burst) the next pass comes sooner, still one budget at a time.
    const tick = (delayMs: number) => {
      this.timer = setTimeout(() => {
        // background work (STYLE §21): requests go first on the single embedded session
        void asBackground('supervision-facts', () => this.pass(this.config.SUPERVISION_FACTS_BUDGET_MS))
          .then((r) => (r.done ? seconds * 1000 : BACKLOG_PAUSE_MS))
          .catch((e) => {
            this.logger.error(`facts pass failed: ${(e as Error).message}`);
            return seconds * 1000;
          })
          .then((next) => {
            if (!this.stopped) tick(next);
          });
      }, delayMs);
      this.timer.unref();
    };
    tick(seconds * 1000);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** One pass of at most `budgetMs` (a batch started within the budget runs to its end). Concurrent callers share the pass. */
  pass(budgetMs: number): Promise<FactsPass> {
    this.running ??= this.run(budgetMs).finally(() => (this.running = null));
    return this.running;
  }

  /** Passes until nothing is left (tests, benchmarks, a fresh database's backfill). */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const r = await this.pass(2000);
      total += r.cases;
      if (r.done) return total;
    }
  }

  /**
   * Rebuild the facts set-based for the cases reported on days `from` … `to` (default: every
   * day with a case), a week of days per transaction, each holding the worker lock: the initial
   * load of a large history, a changed definition, a repair. Same definitions as the worker's.
   * A rebuild of every day also moves the worker's cursors past what was there when it started.
   */
  async rebuild(from?: string, to?: string, onRange?: (r: { from: string; to: string; cases: number }) => void): Promise<{ cases: number; rows: number }> {
    const ends = await this.repo.sourceEnds(this.tx.manager);
    const span = await this.repo.reportedSpan(this.tx.manager);
    const all = from === undefined && to === undefined;
    const first = from ?? span?.first;
    const last = to ?? span?.last;
    const total = { cases: 0, rows: 0 };
    if (first && last) {
      for (const r of dayRanges(first, last)) {
        const done = await this.tx.run(async (tx) => {
          await this.repo.waitLock(tx);
          return this.repo.rebuild(tx, r.from, r.to, new Date());
        });
        total.cases += done.cases;
        total.rows += done.rows;
        onRange?.({ ...r, cases: total.cases });
      }
    }
    if (all) {
      await this.tx.run(async (tx) => {
        await this.repo.waitLock(tx);
        await this.repo.skipTo(tx, ends);
      });
    }
    return total;
  }

  private async run(budgetMs: number): Promise<FactsPass> {
    const until = Date.now() + budgetMs;
    let cases = 0;
    for (;;) {
      const batch = this.batch;
      let held = 0;
      const step = await this.tx.run(async (tx) => {
        const t0 = Date.now();
        try {
          return await this.step(tx, batch);
        } finally {
          held = Date.now() - t0;
        }
      });
      this.lastHoldMs = held;
      this.derived += step.cases;
      this.batch = SupervisionFactsService.nextBatch(batch, step.cases, held);
      if (this.batch < batch) this.shrunk++;
      cases += step.cases;
      if (!step.more) {
        this.backlogSince = null;
        return { cases, done: true };
      }
      this.backlogSince ??= Date.now();
      if (Date.now() >= until || this.stopped) return { cases, done: false };
      // yield to requests waiting for the connection (one session on the embedded database)
      await new Promise((r) => setImmediate(r));
    }
  }

  /** One transaction's work: a batch of changed cases, or the deadlines that passed. */
  private async step(tx: EntityManager, batch: number): Promise<{ cases: number; more: boolean }> {
    if (!(await this.repo.lock(tx))) return { cases: 0, more: false };
    const c = await this.repo.cursors(tx);
    // 1. the outbox
    const changed = await this.repo.changedSince(tx, c.outbox, batch);
    if (changed.last > c.outbox) {
      const r = await this.repo.apply(tx, [...new Set(changed.ids)], new Date());
      await this.repo.setCursors(tx, { ...c, outbox: changed.last });
      return { cases: r.cases, more: true };
    }
    // 2. events that came without an outbox row
    const fresh = await this.repo.newSince(tx, c.eventId, batch);
    if (fresh.length) {
      const r = await this.repo.apply(tx, fresh, new Date());
      await this.repo.setCursors(tx, { ...c, eventId: fresh[fresh.length - 1] });
      return { cases: r.cases, more: true };
    }
    // 3. deadlines that passed since the last check (the window is a pass interval: a handful of cases)
    const now = new Date();
    const due = await this.repo.deadlinesPassed(tx, c.deadline, now, 50_000);
    let cases = 0;
    for (let i = 0; i < due.length; i += batch) cases += (await this.repo.apply(tx, due.slice(i, i + batch), now)).cases;
    await this.repo.setCursors(tx, { ...c, deadline: now });
    return { cases, more: false };
  }
}

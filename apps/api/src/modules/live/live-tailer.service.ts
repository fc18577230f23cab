import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LiveMessage } from '@gc/contracts';
import { asBackground, BackgroundWorkers } from '../../core/database/background-work';
import { SessionGate } from '../../core/database/session-gate';
import { ChangeFeedRepository } from './change-feed.repository';
import { LiveSequencer } from './live-sequencer.service';
import { LiveWakeBus } from './live-wake-bus';

export const TAIL_BATCH = 1000;
/** Fallback poll: catches a missed Redis wake-up, Redis being down, or an append made outside a transaction. */
export const TAIL_POLL_MS = 300;
/** When another process holds the sequencer lock, look again this soon (its pass may have started before our commit). */
export const SEQUENCER_RETRY_MS = 5;
/**
 * A wake-up waits this long before its pass, so that the commits of a burst share one
 * sequencing transaction and one read (at 500 intakes/s, one pass per ~4 commits instead of
 * one per commit). Pushes arrive this much later; a screen cannot tell.
 */
export const COALESCE_MS = 8;
/**
 * Passes start at least this far apart. Under a steady stream of commits a pass is asked for
 * during every pass; running them back to back cost more than the intakes themselves (two
 * statements and a renumbering of a few rows each, ~4 ms apart: at 500 intakes/s the API did
 * half the work, measured with bench/event-intake). With the gap, a busy second has at most
 * 1000 / PASS_GAP_MS passes, each numbering and pushing many rows; a push is at most this much
 * later, which a wall screen cannot tell either.
 */
export const PASS_GAP_MS = 25;

export interface LiveSink {
  /** Deliver one change to the local sockets that may see it (called in seq order); `departments`: whose staff may (null: none). */
  deliver(message: LiveMessage, departments: number[] | null): void;
  /** Whether any socket is connected here (none: the tailer only moves its cursor). */
  listening(): boolean;
}

/**
 * Each API process numbers committed outbox rows (LiveSequencer), then tails the outbox
 * and emits to its OWN sockets, in seq order.
 *
 * Why reading `seq > lastSeen` never skips a change: writers do not take seqs; only the
 * sequencer does, one process at a time (cluster-wide advisory lock), and each pass gives
 * the rows it sees counter+1..counter+k and moves the counter in ONE transaction. So a
 * pass's seqs become visible all together, after every seq of the previous pass, and the
 * visible seqs are always exactly 1..counter: whenever a reader sees seq N it can already
 * see every seq below N. A writer still uncommitted has no seq yet and is numbered by a
 * later pass, above everything visible now. The tailer may therefore advance `lastSeen`
 * to the last row it read.
 *
 * A pass + read runs (a) right after a local commit that appended (LiveCommitSubscriber),
 * (b) when another process has numbered rows (LiveWakeBus, Redis pub/sub), and (c) on a poll.
 * Wake-ups only say "look now"; the rows are the messages. They coalesce: a burst of commits
 * during a pass leads to one more pass, not one per commit. Nothing is pushed for a
 * transaction that rolled back, because its rows never exist.
 */
@Injectable()
export class LiveTailer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LiveTailer');
  private lastSeen: number | null = null;
  private draining = false;
  private again = false;
  private timer?: NodeJS.Timeout;
  private sink?: LiveSink;
  private failing = false;
  private retry?: NodeJS.Timeout;
  private lastPassAt = 0;
  /** when the oldest wake-up not yet covered by a finished pass came (null: none), for health's lag */
  private pendingSince: number | null = null;
  readonly stats = { passes: 0, delivered: 0, failures: 0 };

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: ChangeFeedRepository,
    private readonly sequencer: LiveSequencer,
    private readonly bus: LiveWakeBus,
    private readonly gate: SessionGate,
    workers: BackgroundWorkers,
  ) {
    workers.register('live-tailer', () => ({
      name: 'live-tailer',
      lagMs: this.pendingSince === null ? 0 : Date.now() - this.pendingSince,
      limitMs: 5_000,
      detail: { lastSeen: this.lastSeen, ...this.stats },
    }));
  }

  attach(sink: LiveSink): void {
    this.sink = sink;
  }

  async onApplicationBootstrap(): Promise<void> {
    // Clients that connect later catch up with `since`; pushes start from what exists now.
    this.lastSeen = await this.repo.latest(this.dataSource.manager);
    this.bus.start(() => this.wake());
    this.timer = setInterval(() => this.wake(), TAIL_POLL_MS);
    this.timer.unref();
  }

  /** Stop before the database pool closes (onModuleDestroy runs before TypeORM's shutdown). */
  onModuleDestroy(): void {
    clearInterval(this.timer);
    clearTimeout(this.retry);
    this.lastSeen = null;
  }

  /** A transaction of this process that appended has committed: number it and read now (the others are woken once it has a seq). */
  committedLocally(): void {
    this.wake();
  }

  /** Coalescing: at most one pass + read runs; a wake-up during it asks for one more. */
  wake(): void {
    if (this.lastSeen === null) return;
    this.pendingSince ??= Date.now();
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = true;
    // background work: its statements wait behind interactive requests (SessionGate)
    setTimeout(() => void asBackground('live-tailer', () => this.drain()), Math.max(COALESCE_MS, this.lastPassAt + PASS_GAP_MS - Date.now())).unref();
  }

  private async drain(): Promise<void> {
    const started = Date.now();
    try {
      let backlog: boolean;
      do {
        this.again = false; // what woke us before this pass is covered by it
        this.lastPassAt = Date.now();
        this.stats.passes++;
        if (this.lastSeen === null || !this.dataSource.isInitialized) return;
        const pass = await this.sequencer.pass();
        // New seqs are visible now: the other processes may read them.
        if (pass.numbered > 0) this.bus.publish();
        if (pass.busy) this.retrySoon();
        // No socket here (an intake-only process, or no wall open): move the cursor to the
        // latest seq instead of reading the rows. Checked after the read, in the same tick as
        // the move: a socket that joined meanwhile gets the rows read the usual way, and one
        // that joins later gets a hello at or past this seq and catches up by seq from there.
        if (this.sink && !this.sink.listening()) {
          const latest = await this.repo.latest(this.dataSource.manager);
          if (!this.sink.listening()) {
            this.lastSeen = Math.max(this.lastSeen, latest);
            backlog = false;
            continue;
          }
        }
        const batch = await this.repo.tail(this.dataSource.manager, this.lastSeen, TAIL_BATCH);
        for (const c of batch) {
          this.lastSeen = c.message.seq;
          this.sink?.deliver(c.message, c.departments);
        }
        this.stats.delivered += batch.length;
        backlog = batch.length === TAIL_BATCH;
        // a backlog is read in pages; people asking the database go first between pages
        if (backlog) await this.gate.yieldToInteractive(1_000);
      } while (backlog);
      if (this.failing) this.logger.log('outbox readable again');
      this.failing = false;
      if (this.pendingSince !== null && this.pendingSince <= started) this.pendingSince = null;
    } catch (e) {
      // The next wake-up or poll retries from the same lastSeen: nothing is lost.
      if (this.lastSeen === null) return; // shutting down: the pool may already be closing
      this.stats.failures++;
      if (!this.failing) this.logger.warn(`cannot sequence or read the outbox (will retry): ${(e as Error).message}`);
      this.failing = true;
    } finally {
      this.draining = false;
      // woken during the pass: one more, after the gap
      if (this.again) {
        this.again = false;
        this.wake();
      }
    }
  }

  private retrySoon(): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.wake();
    }, SEQUENCER_RETRY_MS);
    this.retry.unref();
  }
}

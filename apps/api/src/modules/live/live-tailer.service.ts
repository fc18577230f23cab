import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LiveMessage } from '@gc/contracts';
import { ChangeFeedRepository } from './change-feed.repository';
import { LiveWakeBus } from './live-wake-bus';

export const TAIL_BATCH = 1000;
/** Fallback poll: catches a missed Redis wake-up, Redis being down, or an append made outside a transaction. */
export const TAIL_POLL_MS = 300;

export interface LiveSink {
  /** Deliver one change to the local sockets that may see it (called in seq order). */
  deliver(message: LiveMessage): void;
}

/**
 * Each API process tails the outbox and emits to its OWN sockets, in seq order.
 *
 * Why reading `seq > lastSeen` never skips a change: a seq is taken from the one
 * counter row inside the writing transaction and the row lock is held until that
 * transaction ends. The next writer cannot even get its seq before the previous one
 * has committed (and become visible) or rolled back (and given its seq back). So
 * seqs become visible strictly in order, with no holes: whenever a reader sees seq N
 * it can already see every seq below N, and a seq that is still invisible has no
 * visible successor. The tailer may therefore advance `lastSeen` to the last row it read.
 *
 * It is woken (a) right after a local commit that appended (LiveCommitSubscriber),
 * (b) by another process's commit through LiveWakeBus (Redis pub/sub), and (c) by a poll.
 * Wake-ups only say "look now"; the rows are the messages. Nothing is pushed for a
 * transaction that rolled back, because its rows never become visible.
 */
@Injectable()
export class LiveTailer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LiveTailer');
  private lastSeen: number | null = null;
  private draining = false;
  private again = false;
  private timer?: NodeJS.Timeout;
  private sink?: LiveSink;
  private failing = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: ChangeFeedRepository,
    private readonly bus: LiveWakeBus,
  ) {}

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

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.lastSeen = null;
  }

  /** A transaction of this process that appended has committed: read now, and wake the others. */
  committedLocally(): void {
    this.wake();
    this.bus.publish();
  }

  /** Coalescing: at most one read runs; a wake-up during it asks for one more pass. */
  wake(): void {
    if (this.lastSeen === null) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.again = false;
        if (this.lastSeen === null || !this.dataSource.isInitialized) return;
        const batch = await this.repo.since(this.dataSource.manager, this.lastSeen, TAIL_BATCH, null);
        for (const m of batch) {
          this.lastSeen = m.seq;
          this.sink?.deliver(m);
        }
        if (batch.length === TAIL_BATCH) this.again = true;
      } while (this.again);
      if (this.failing) this.logger.log('outbox readable again');
      this.failing = false;
    } catch (e) {
      // The next wake-up or poll retries from the same lastSeen: nothing is lost.
      if (!this.failing) this.logger.error(`cannot read the outbox: ${(e as Error).message}`);
      this.failing = true;
    } finally {
      this.draining = false;
    }
  }
}

import type { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { asBackground } from './background-work';

const HOUR = 3_600_000;

/**
 * Deletes old rows in chunks of `limit`, each chunk its own short transaction and its own
 * background hold (on the embedded database's one session, interactive requests go between
 * chunks); returns how many rows went in all.
 */
export async function purgeInChunks(
  job: string,
  run: (work: (db: EntityManager) => Promise<number>) => Promise<number>,
  deleteChunk: (db: EntityManager, limit: number) => Promise<number>,
  limit = 2000,
): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await asBackground(job, () => run((db) => deleteChunk(db, limit)));
    total += n;
    if (n < limit) return total;
  }
}

/** Runs `purge` every hour while the module lives (first run an hour after start); failures are logged and retried the next hour. */
export class HourlyPurge {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly what: string,
    private readonly logger: Logger,
    private readonly purge: () => Promise<number>,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.purge()
        .then((n) => n > 0 && this.logger.log(`${this.what}: ${n} expired row(s) deleted`))
        .catch((e: unknown) => this.logger.warn(`${this.what} failed (next try in an hour): ${(e as Error).message}`));
    }, HOUR);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChangeFeedRepository } from './change-feed.repository';

/** Advisory lock key of the outbox sequencer (one holder in the whole cluster; the migration runner uses 732104). */
export const SEQUENCER_LOCK = 732_105;
/** Rows numbered per sequencing transaction; a longer backlog takes several short transactions. */
export const SEQUENCE_BATCH = 5000;

export interface SequencingPass {
  /** rows that got their seq in this pass */
  numbered: number;
  /** another process held the sequencer lock: rows committed meanwhile may still wait (retry soon) */
  busy: boolean;
}

/**
 * Numbers committed outbox rows after their writers' transactions, so writers never
 * share a lock (see the changes migration). Why the numbering is gap-free and visible
 * in order: only a transaction holding the cluster-wide advisory lock assigns seqs,
 * and it assigns counter+1..counter+k and moves the counter in one statement and one
 * commit. So at any moment the visible seqs are exactly 1..counter. Rows of writers that
 * commit during a pass are not in its snapshot; the next pass numbers them.
 */
@Injectable()
export class LiveSequencer {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: ChangeFeedRepository,
  ) {}

  async pass(): Promise<SequencingPass> {
    let numbered = 0;
    for (;;) {
      // One statement in autocommit: a cheap probe, the lock, the numbering, the commit.
      const n = await this.repo.sequence(this.dataSource.manager, SEQUENCER_LOCK, SEQUENCE_BATCH);
      if (n === null) return { numbered, busy: true };
      numbered += n;
      if (n < SEQUENCE_BATCH) return { numbered, busy: false };
    }
  }
}

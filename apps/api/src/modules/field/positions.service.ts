import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WorkerPositionData } from '@gc/contracts';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import type { Principal } from '../auth/principal';
import { ChangeFeedRepository } from '../live/change-feed.repository';
import { requireWorker } from './field-access';
import { PositionsRepository, type BatchInput, type BatchOutcome, type PositionInput } from './positions.repository';
import { GroupCommit } from '../../core/database/group-commit';
import type { PinnedSession } from '../../core/database/prepared-query';
import { LiveTailer } from '../live/live-tailer.service';
import { HourlyPurge, purgeInChunks } from '../../core/database/retention';

/** Ingest statements in the database at once (two cores), and batches per statement at most. */
const INGEST_SLOTS = 2;
const INGEST_MAX_BATCH = 200;

/**
 * Position batches from the phones, the live `worker.position` message, and retention
 * (positions are personal data: FIELD_POSITION_RETENTION_DAYS, default 90).
 */
@Injectable()
export class PositionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Field');
  private readonly retention = new HourlyPurge('position retention', this.logger, () => this.purge().then((r) => r.positions));
  /** the connections the ingest batches keep (one per slot) */
  private readonly session: PinnedSession;
  private readonly batches: GroupCommit<BatchInput, BatchOutcome>;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: PositionsRepository,
    private readonly feed: ChangeFeedRepository,
    private readonly tailer: LiveTailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // The ingest statement's plan does not depend on its arrays: a generic plan from the first call.
    // PostgreSQL's own choice re-planned it at every call (custom plans: it sees the arrays' lengths
    // and prices the generic plan at 100 rows per unnest), ~1.5 ms of a group of one's 2.5 ms.
    this.session = tx.pinnedSession({ plan_cache_mode: 'force_generic_plan' });
    this.batches = new GroupCommit((items) => repo.ingestGroup(this.session, items), { slots: INGEST_SLOTS, maxBatch: INGEST_MAX_BATCH, apart: (a, b) => a.workerId === b.workerId });
  }

  onModuleInit(): void {
    this.retention.start();
  }

  onModuleDestroy(): void {
    this.retention.stop();
    this.session.close();
  }

  /**
   * Store a batch for the signed-in worker; a batch key already used stores nothing and answers as
   * the first time. Concurrent batches of different workers go to the database together, in one
   * statement and one commit (group commit: 5,000 phones every 10 s is 500 batches a second).
   */
  async ingest(p: Principal, positions: PositionInput[], key: string | undefined): Promise<{ accepted: number; duplicate: boolean }> {
    const workerId = requireWorker(p);
    if (key !== undefined && key.length > 200) {
      throw new AppException('VALIDATION_FAILED', 'invalid header idempotency-key: at most 200 characters', [{ field: 'headers.idempotency-key', message: 'at most 200 characters' }]);
    }
    const r = await this.batches.submit({ workerId, key: key ?? null, positions });
    if (r.pushed > 0) this.tailer.committedLocally();
    if (!r.fresh) return { accepted: r.accepted ?? (await this.repo.batch(this.tx.manager, workerId, key!)) ?? 0, duplicate: true };
    return { accepted: r.stored, duplicate: false };
  }

  /** Push the worker's latest position and state to the screens of their jurisdiction (outbox, after commit). */
  async announce(tx: EntityManager, workerId: number): Promise<void> {
    const latest = await this.repo.latest(tx, workerId);
    // Outside every grid nobody's jurisdiction covers it: no message rather than one for everybody.
    if (!latest?.areaPath) return;
    const { areaPath, ...rest } = latest;
    const data: WorkerPositionData = rest;
    await this.feed.append(tx, { type: 'worker.position', entityId: workerId, areaPath, payload: data });
  }

  /** The wall's worker layer: every worker whose latest position lies in the caller's jurisdiction. */
  latestInScope(p: Principal) {
    return this.tx.run((tx) => this.repo.allLatest(tx, p.scopePath));
  }

  /** Delete positions past the retention period (also called by tests). */
  async purge(days = this.config.FIELD_POSITION_RETENTION_DAYS): Promise<{ positions: number }> {
    const older = (table: 'position_batch' | 'worker_position' | 'worker_latest') =>
      purgeInChunks(
        'position-purge',
        (work) => this.tx.run(work),
        (db, limit) => this.repo.purgeChunk(db, table, days, limit),
      );
    await older('position_batch');
    const positions = await older('worker_position');
    await older('worker_latest');
    return { positions };
  }
}

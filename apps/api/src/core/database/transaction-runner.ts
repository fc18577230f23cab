import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PinnedSession } from './prepared-query';

/**
 * Runs a unit of work in one transaction. Services decide what belongs in it;
 * repositories take the manager as their first argument so that their SQL
 * joins the caller's transaction.
 */
@Injectable()
export class TransactionRunner {
  /** Connections lent out by snapshotReader and not yet released. */
  private lent = 0;

  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * A second connection beside a caller's transaction, in a read-only REPEATABLE READ transaction
   * of its own (one snapshot for all its reads), for read work that may run while the caller's
   * transaction writes (two backends, two cores). Null when the pool cannot spare one: a pool of
   * one (single-session databases) or too many already lent (at most (pool − 1) / 2, so holders
   * of a reader that wait for a writer's connection can never take the whole pool).
   * The caller must call release().
   */
  async snapshotReader(): Promise<{ manager: EntityManager; release(): Promise<void> } | null> {
    const pool = Number((this.dataSource.options as { extra?: { max?: number } }).extra?.max ?? 10);
    if (this.lent >= Math.floor((pool - 1) / 2)) return null;
    this.lent++;
    const qr = this.dataSource.createQueryRunner();
    const release = async () => {
      try {
        if (qr.isTransactionActive) await qr.rollbackTransaction();
      } finally {
        await qr.release();
        this.lent--;
      }
    };
    try {
      await qr.connect();
      await qr.startTransaction('REPEATABLE READ');
      await qr.query('SET TRANSACTION READ ONLY');
    } catch (e) {
      await release();
      throw e;
    }
    return { manager: qr.manager, release };
  }

  /** Connections kept by one hot path between its autocommit statements (see PinnedSession); close() it at shutdown. */
  pinnedSession(settings: Record<string, string> = {}): PinnedSession {
    return new PinnedSession(this.dataSource, settings);
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }
}

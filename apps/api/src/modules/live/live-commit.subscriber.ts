import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type EntitySubscriberInterface, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { appendedIn, clearAppended } from './change-feed.repository';
import { LiveTailer } from './live-tailer.service';

/**
 * Wakes the sequencer and tailer after a commit that appended to the outbox, so modules that
 * write changes only call ChangeFeedRepository.append in their transaction.
 * Registered on the DataSource (TypeORM calls it for every transaction); it must
 * stay cheap and synchronous because the commit awaits it.
 */
@Injectable()
export class LiveCommitSubscriber implements EntitySubscriberInterface, OnModuleDestroy {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tailer: LiveTailer,
  ) {
    dataSource.subscribers.push(this);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // Only the outermost COMMIT makes the rows visible (a savepoint release does not).
    if (event.queryRunner.isTransactionActive || !appendedIn(event.queryRunner)) return;
    clearAppended(event.queryRunner);
    this.tailer.committedLocally();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) clearAppended(event.queryRunner);
  }

  onModuleDestroy(): void {
    const i = this.dataSource.subscribers.indexOf(this);
    if (i >= 0) this.dataSource.subscribers.splice(i, 1);
  }
}

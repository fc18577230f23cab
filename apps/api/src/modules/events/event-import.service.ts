import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../../core/database/transaction-runner';
import type { Principal } from '../auth/principal';
import { EventIntakeService, type HistoricalInput } from './event-intake.service';

/** Bulk history import: all rows in one transaction (all or nothing), original times kept. */
@Injectable()
export class EventImportService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly intake: EventIntakeService,
  ) {}

  async import(p: Principal, items: HistoricalInput[]): Promise<{ imported: number; ids: number[]; unplaced: number }> {
    return this.tx.run(async (tx) => {
      const ids: number[] = [];
      let unplaced = 0;
      for (const item of items) {
        ids.push(await this.intake.createHistorical(tx, p, item));
        if (item.lon === undefined) unplaced++;
      }
      return { imported: ids.length, ids, unplaced };
    });
  }
}

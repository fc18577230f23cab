import { Injectable } from '@nestjs/common';
import type { RepairReport } from '@gc/contracts';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { AreaPublishService } from './area-publish.service';
import { AreaRepairRepository } from './area-repair.repository';
import { AreaStudioService } from './area-studio.service';
import { AreaStudioRepository } from './area-studio.repository';

export interface RepairOptions {
  /** false: compute and report, change nothing (the studio's review step) */
  apply: boolean;
  /** gaps below this many m² are given to a neighbour; larger ones are left and reported */
  maxGapM2: number;
}

@Injectable()
export class AreaRepairService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: AreaRepairRepository,
    private readonly drafts: AreaStudioRepository,
    private readonly studio: AreaStudioService,
    private readonly publisher: AreaPublishService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Rebuild the draft as a coverage (overlaps assigned, small gaps filled, parts outside the
   * parent cut off), then absorb detached slivers, in one transaction. A preview (apply false)
   * rolls back to a savepoint after measuring.
   */
  async repair(p: Principal, versionId: number, o: RepairOptions): Promise<RepairReport> {
    return this.tx.run(async (tx) => {
      await this.studio.draftFor(tx, p, versionId);
      const before = (await this.publisher.report(tx, versionId)).summary;
      await this.repo.savepoint(tx);
      await this.repo.snap(tx, versionId);
      const changes = [...(await this.repo.rebuild(tx, versionId, o.maxGapM2)), ...(await this.repo.absorbSlivers(tx, versionId))];
      await this.drafts.refreshParts(tx, await this.repo.draftIds(tx, versionId));
      const after = (await this.publisher.report(tx, versionId)).summary;
      if (!o.apply) {
        await this.repo.rollbackToSavepoint(tx);
      } else {
        await this.audit.write(tx, p, 'repair', 'area_version', versionId, before, {
          after,
          changes: changes.map((c) => ({ action: c.action, from: c.from, to: c.to, areaM2: c.areaM2, at: c.location.coordinates })),
        });
      }
      return { versionId, applied: o.apply, changes, before, after };
    });
  }
}

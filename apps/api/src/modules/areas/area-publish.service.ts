import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OutdatedDetails, PublishResponse, TopologyReport } from '@gc/contracts';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { ChangeFeedRepository } from '../live/change-feed.repository';
import { attributedTables } from './attributed-tables';
import { AreaPublishRepository, type LockedVersion } from './area-publish.repository';
import { AreaStudioRepository } from './area-studio.repository';
import { AreaTopologyRepository } from './area-topology.repository';

@Injectable()
export class AreaPublishService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: AreaPublishRepository,
    private readonly topology: AreaTopologyRepository,
    private readonly changes: ChangeFeedRepository,
    private readonly audit: AuditService,
    private readonly drafts: AreaStudioRepository,
  ) {}

  async report(db: EntityManager, versionId: number, scope: string | null = null): Promise<TopologyReport> {
    const checks = await this.topology.check(db, versionId, scope);
    const summary = {
      blocking: checks.overlaps.features.length > 0 || checks.duplicateCodes.length > 0,
      needsGapAcknowledgement: checks.gaps.features.length > 0,
      overlaps: checks.overlaps.features.length,
      gaps: checks.gaps.features.length,
      outsideParent: checks.outsideParent.features.length,
      slivers: checks.slivers.features.length,
      duplicateCodes: checks.duplicateCodes.length,
      nonContiguous: checks.nonContiguous.features.length,
    };
    return { versionId, summary, ...checks };
  }

  /** The topology report of a version as the caller may see it: only areas in their jurisdiction; a version with none there is a 404. */
  async topologyOf(p: Principal, versionId: number): Promise<TopologyReport> {
    const scope = scopeParam(p);
    return this.tx.run(async (tx) => {
      await this.repo.withoutJit(tx);
      if (!(await this.repo.lockVersion(tx, versionId)) || !(await this.repo.versionHasAreasIn(tx, versionId, scope))) {
        throw new AppException('NOT_FOUND', `area version ${versionId} not found`, { versionId });
      }
      return this.report(tx, versionId, scope);
    });
  }

  /**
   * Publish a draft atomically: check topology, keep the current rows the draft leaves as they
   * were, close the rows it replaces, open its changed rows, re-attribute every registered table
   * where something changed, write the outbox change and the audit row, all in
   * one transaction. Overlaps and duplicate codes block; gaps need acknowledgeGaps.
   */
  async publish(p: Principal, versionId: number, acknowledgeGaps: boolean): Promise<PublishResponse> {
    return this.tx.run(async (tx) => {
      await this.repo.withoutJit(tx);
      const v = await this.repo.lockVersion(tx, versionId);
      if (!v) throw new AppException('NOT_FOUND', `area version ${versionId} not found`, { versionId });
      if (v.status !== 'draft') throw new AppException('VERSION_NOT_DRAFT', `area version ${versionId} is ${v.status}, not a draft`, { versionId, status: v.status });
      await this.assertCurrent(tx, versionId, v);
      const r = await this.report(tx, versionId);
      if (r.summary.blocking) {
        throw new AppException('TOPOLOGY_BLOCKED', `version ${versionId} has ${r.summary.overlaps} overlap(s) and ${r.summary.duplicateCodes} duplicate code(s)`, {
          overlaps: r.overlaps.features.map((f) => f.properties),
          duplicateCodes: r.duplicateCodes,
        });
      }
      if (r.summary.gaps > 0 && !acknowledgeGaps) {
        throw new AppException('GAPS_NOT_ACKNOWLEDGED', `version ${versionId} leaves ${r.summary.gaps} gap(s); publish with acknowledgeGaps: true`, {
          field: 'body.acknowledgeGaps',
          gaps: r.gaps.features.map((f) => f.properties),
        });
      }
      const { areaPath, kept, closed, opened, publishedAt } = await this.repo.publishAreas(tx, versionId, p.name, r.summary.gaps > 0);
      const reattributed: Record<string, number> = {};
      for (const t of attributedTables()) reattributed[t.table] = await this.repo.reattribute(tx, t, opened, closed);
      const result: PublishResponse = { versionId, publishedAt, added: opened.length, closed: closed.length, kept: kept.length, reattributed };
      await this.audit.write(tx, p, 'publish', 'area_version', versionId, { status: 'draft' }, { status: 'published', ...result, level: v.level });
      await this.changes.append(tx, { type: 'area.version.published', entityId: versionId, areaPath, payload: { ...result, level: v.level } });
      return result;
    });
  }

  /**
   * A draft copied from a parent's children (studio, proposal) is refused when those children
   * changed since (another draft was published over them), saying what changed. Publishes of the
   * same parent queue on an advisory lock, so two drafts of one parent cannot both pass this check.
   */
  private async assertCurrent(tx: EntityManager, versionId: number, v: LockedVersion): Promise<void> {
    const parentCode = v.source?.parentCode;
    if (!parentCode || !v.source?.baseIds) return;
    await this.drafts.lockParent(tx, parentCode);
    const changed = await this.drafts.changedSince(tx, parentCode, v.level, v.source.baseIds);
    if (changed.added.length || changed.removed.length || changed.reshaped.length) {
      const details: OutdatedDetails = { versionId, parentCode, ...changed };
      throw new AppException(
        'VERSION_OUTDATED',
        `version ${versionId} was copied from ${parentCode}'s areas as they were; since then ${changed.added.length} were added, ${changed.removed.length} removed and ${changed.reshaped.length} reshaped: start a new draft`,
        details,
      );
    }
  }
}

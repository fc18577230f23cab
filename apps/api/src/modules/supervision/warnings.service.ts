import type { EntityManager } from 'typeorm';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { SupervisionWarning, WarningStatus } from '@gc/contracts';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException, notFound } from '../../core/http/app-exception';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { departmentOnly } from '../events/event-access';
import { ChangeFeedRepository } from '../live/change-feed.repository';
import { IndicatorsRepository } from './indicators.repository';
import { shanghaiToday } from './indicators.service';
import { WarningsRepository } from './warnings.repository';
import { severity, spikeCandidates, WARNING_RULES, type Candidate, type WarningRules } from './warning-rules';

import { asBackground } from '../../core/database/background-work';

export { WARNING_RULES };

const MAX_NEW = 20;

/**
 * Early warning (预警监测): evaluated every WARNINGS_SECONDS over the daily facts (a few
 * aggregate statements, no scan of cases), raised once per subject and period, pushed live as
 * `warning.raised` / `warning.updated` through the outbox, acknowledged or dismissed by supervisors.
 */
@Injectable()
export class WarningsService implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly logger = new Logger('Warnings');

  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: WarningsRepository,
    private readonly indicators: IndicatorsRepository,
    private readonly feed: ChangeFeedRepository,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const seconds = this.config.WARNINGS_SECONDS;
    if (seconds <= 0) return;
    this.timer = setInterval(() => {
      asBackground('warnings', () => this.evaluate()).catch((e) => this.logger.error(`warnings evaluation failed: ${(e as Error).message}`));
    }, seconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One evaluation; returns how many warnings were raised and refreshed. */
  async evaluate(now = new Date(), rules = WARNING_RULES): Promise<{ raised: number; updated: number }> {
    if (this.running) return { raised: 0, updated: 0 };
    this.running = true;
    try {
      const db = this.tx.manager;
      const depths = { street: await this.indicators.depthsOf(db, 'street'), district: await this.indicators.depthsOf(db, 'district') };
      // the strongest first, and at most MAX_NEW new ones a pass: a burst (a simulator far above the history) must not bury the list
      const found = (await this.find(db, shanghaiToday(now.getTime()), depths, rules)).sort((a, b) => severity(b) - severity(a));
      let fresh = 0;
      let raised = 0;
      let updated = 0;
      // one short transaction per warning: the row and its outbox message commit together
      for (const c of found) {
        if (fresh >= MAX_NEW && !(await this.repo.exists(db, c))) continue;
        await this.tx.run(async (tx) => {
          const r = await this.repo.upsert(tx, c);
          if (!r) return;
          const w = (await this.repo.get(tx, r.id, null, null))!;
          // a department's warning reaches its staff too (the REST list shows it to them); others no department
          await this.feed.append(tx, { type: r.inserted ? 'warning.raised' : 'warning.updated', entityId: w.id, areaPath: w.areaPath, payload: w, alsoDepartments: w.departmentId ? [w.departmentId] : [] });
          if (r.inserted) raised++;
          else updated++;
          if (r.inserted) fresh++;
        });
      }
      return { raised, updated };
    } finally {
      this.running = false;
    }
  }

  /** Every candidate of one evaluation (spikes decided here over the counts, the other rules in SQL). */
  async find(db: EntityManager, today: string, depths: { street: number[]; district: number[] }, rules: WarningRules): Promise<Candidate[]> {
    const spikes = spikeCandidates(await this.repo.spikeCounts(db, today, depths, rules.baselineDays, rules.spikeMin), rules, today);
    return [...spikes, ...(await this.repo.evaluate(db, today, depths, rules))];
  }

  list(p: Principal, status: WarningStatus | null, limit: number): Promise<SupervisionWarning[]> {
    return this.repo.list(this.tx.manager, p.scopePath, departmentOnly(p) ? p.departmentId : null, status, limit);
  }

  async handle(p: Principal, id: number, status: 'acknowledged' | 'dismissed', requestId?: string): Promise<SupervisionWarning> {
    return this.tx.run(async (tx) => {
      const before = await this.repo.get(tx, id, p.scopePath, departmentOnly(p) ? p.departmentId : null, true);
      if (!before) throw notFound('warning', id);
      if (before.status !== 'open') throw new AppException('CONFLICT', `warning ${id} is already ${before.status}`, { status: before.status });
      await this.repo.setStatus(tx, id, status, p.name);
      const after = (await this.repo.get(tx, id, null, null))!;
      await this.audit.write(tx, p, status === 'acknowledged' ? 'warning.ack' : 'warning.dismiss', 'warning', id, before, after, { requestId, areaPath: after.areaPath });
      await this.feed.append(tx, { type: 'warning.updated', entityId: id, areaPath: after.areaPath, payload: after, alsoDepartments: after.departmentId ? [after.departmentId] : [] });
      return after;
    });
  }
}

import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { HealthReport } from '@gc/contracts';
import { Public } from '../../modules/auth/auth.decorators';
import { BackgroundWorkers } from '../database/background-work';
import { DATABASE_INFO, type DatabaseInfo } from '../database/database.tokens';
import { MigrationRunner } from '../database/migration-runner';
import { HealthRepository } from './health.repository';
import { BACKGROUND_TIME_BUDGET_MS, SessionGate } from '../database/session-gate';

/** A request waiting for a connection longer than this (now, or at the 99th percentile of the last minute) makes health degraded. */
export const DEGRADED_WAIT_MS = 100;

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  private readonly started = Date.now();
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: HealthRepository,
    private readonly migrations: MigrationRunner,
    private readonly gate: SessionGate,
    private readonly workers: BackgroundWorkers,
    @Inject(DATABASE_INFO) private readonly info: DatabaseInfo,
  ) {}

  @Public()
  @Get()
  async health(): Promise<HealthReport> {
    // The pool as it is now, before this request's own queries join it.
    const g = this.gate.report();
    const oldestWaitMs = this.gate.oldestInteractiveWaitMs();
    const report: HealthReport = {
      status: 'ok',
      reasons: [],
      database: { ok: false, mode: this.info.mode, version: this.info.serverVersion },
      postgis: { ok: false, mvt: this.info.mvt },
      migrations: { ok: false, applied: 0, pending: [] },
      pool: {
        size: g.size,
        inUse: g.inUse,
        waiting: g.waiting,
        holders: g.holders,
        oldestWaitMs,
        lastMinute: { requests: g.wait.count, waited: g.wait.waited, p50Ms: g.wait.p50Ms, p99Ms: g.wait.p99Ms, maxMs: g.wait.maxMs },
        counters: { ...g.counters },
        jobs: g.jobs,
      },
      background: this.workers.report().map((w) => {
        const j = g.jobs[w.name];
        const holds = j && { count: j.holds, lastMs: j.lastMs, maxMs: j.maxMs, overTimeBudget: j.overTimeBudget, overStatementBudget: j.overStatementBudget, timeBudgetMs: BACKGROUND_TIME_BUDGET_MS };
        return { ...w, behind: w.lagMs > w.limitMs, ...(holds ? { holds } : {}) };
      }),
      uptimeSeconds: Math.round((Date.now() - this.started) / 1000),
    };
    try {
      const version = await this.repo.postgisVersion(this.dataSource.manager);
      report.database.ok = true;
      report.postgis = { ok: true, version, mvt: this.info.mvt };
      const m = await this.migrations.status();
      report.migrations = { ok: m.pending.length === 0, ...m };
    } catch (e) {
      report.database.error = (e as Error).message;
    }
    const reasons = report.reasons;
    if (!report.database.ok) reasons.push('database unreachable');
    else if (!report.migrations.ok) reasons.push('migrations pending');
    for (const h of g.holders) if (h.ms > 5_000) reasons.push(`${h.job} has held a database connection for ${Math.round(h.ms / 1000)} s`);
    if (oldestWaitMs > DEGRADED_WAIT_MS) reasons.push(`a request has waited ${oldestWaitMs} ms for a database connection`);
    if (g.wait.p99Ms > DEGRADED_WAIT_MS) reasons.push(`requests waited up to ${g.wait.p99Ms} ms (p99, last minute) for a database connection`);
    for (const w of report.background) if (w.behind) reasons.push(`${w.name} is ${Math.round(w.lagMs / 1000)} s behind`);
    if (reasons.length) report.status = 'degraded';
    return report;
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Urgency } from '@gc/contracts';
import { AppException } from '../../core/http/app-exception';
import { asBackground } from '../../core/database/background-work';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { EventCatalogRepository, type CategoryRow, type DepartmentRow } from './event-catalog.repository';
import type { Stage } from './event-workflow.rules';
import { addWorkingTime } from './working-time';

const CACHE_MS = 60_000;
/** Fallback limits (working minutes) for a stage a category does not configure. */
const DEFAULT_LIMITS: Record<Stage, number> = { accept: 30, register: 60, dispatch: 60, handle: 5 * 420, verify: 240, close: 60 };

export interface Deadline {
  stage: Stage;
  limitMinutes: number;
  startedAt: Date;
  warnAt: Date;
  dueAt: Date;
}

/** Categories (routing + limits) and departments, with a short in-process cache: intake reads them on every request. */
@Injectable()
export class EventCatalogService {
  private cache: { at: number; byCode: Map<string, CategoryRow> } | null = null;
  private refreshing: Promise<unknown> | null = null;

  constructor(
    private readonly repo: EventCatalogRepository,
    private readonly tx: TransactionRunner,
  ) {}

  async categories(): Promise<CategoryRow[]> {
    return [...(await this.byCode()).values()];
  }

  async category(code: string, field = 'body.category'): Promise<CategoryRow> {
    const c = (await this.byCode()).get(code);
    if (!c) throw new AppException('VALIDATION_FAILED', `${field}: unknown category ${code}`, [{ field, message: `unknown category ${code}` }]);
    return c;
  }

  async findCategory(code: string): Promise<CategoryRow | undefined> {
    return (await this.byCode()).get(code);
  }

  /**
   * The categories, read once and then refreshed in the background when older than CACHE_MS (the
   * stale map is answered meanwhile). Why not wait for the refresh: callers are often inside a
   * transaction, and the refresh needs a connection of its own; on the embedded database (a pool
   * of one) that connection is the one the caller holds, so the caller waited for itself until
   * the pool gave up (15 s), and every request behind it waited too (issue #15).
   */
  private async byCode(): Promise<Map<string, CategoryRow>> {
    if (!this.cache) return (await this.reload()).byCode;
    if (Date.now() - this.cache.at > CACHE_MS && !this.refreshing) {
      this.refreshing = asBackground('catalog-refresh', () => this.reload())
        .catch(() => undefined) // the stale map stays; the next call tries again
        .finally(() => (this.refreshing = null));
    }
    return this.cache.byCode;
  }

  private async reload(): Promise<{ at: number; byCode: Map<string, CategoryRow> }> {
    const rows = await this.repo.categories(this.tx.manager);
    this.cache = { at: Date.now(), byCode: new Map(rows.map((r) => [r.code, r])) };
    return this.cache;
  }

  /** Every department (code and names), for pickers on screen. */
  async allDepartments(): Promise<DepartmentRow[]> {
    return this.repo.allDepartments(this.tx.manager);
  }

  /** Departments by code, all of them or a 400 naming the unknown ones. */
  async departments(db: EntityManager, codes: string[], field: string): Promise<DepartmentRow[]> {
    const rows = await this.repo.departmentsByCode(db, codes);
    const missing = codes.filter((c) => !rows.some((r) => r.code === c));
    if (missing.length) throw new AppException('VALIDATION_FAILED', `${field}: unknown department(s) ${missing.join(', ')}`, [{ field, message: `unknown department(s) ${missing.join(', ')}` }]);
    return codes.map((c) => rows.find((r) => r.code === c)!);
  }

  gridWorker(db: EntityManager, gridCode: string) {
    return this.repo.gridWorker(db, gridCode);
  }

  /** The stage's deadline in working time; yellow warning at 80% of the limit. */
  deadline(category: CategoryRow, urgency: Urgency, stage: Stage, start: Date, extraMinutes = 0): Deadline {
    const limitMinutes = (category.stageLimits[urgency]?.[stage] ?? DEFAULT_LIMITS[stage]) + extraMinutes;
    return {
      stage,
      limitMinutes,
      startedAt: start,
      warnAt: addWorkingTime(start, Math.round(limitMinutes * 0.8), 'minutes'),
      dueAt: addWorkingTime(start, limitMinutes, 'minutes'),
    };
  }
}

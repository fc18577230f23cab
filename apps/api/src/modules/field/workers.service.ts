import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException, notFound } from '../../core/http/app-exception';
import type { Principal } from '../auth/principal';
import { WorkersRepository } from './workers.repository';

/** Who can take a case here: grid staff first, then the nearest available workers (GET /api/workers). */
@Injectable()
export class WorkersService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: WorkersRepository,
  ) {}

  /** One statement, outside a transaction (a read: one round trip). A grid not current or not in the caller's jurisdiction: 404. */
  async near(p: Principal, q: { near: [number, number]; grid?: string; available: boolean; limit: number }) {
    const r = await this.repo.near(this.tx.manager, { lon: q.near[0], lat: q.near[1], gridCode: q.grid ?? null, available: q.available, limit: q.limit }, p.scopePath);
    if (q.grid && !r.gridFound) throw notFound('grid', q.grid);
    return { workers: r.workers };
  }

  /**
   * For dispatch to a named worker (events module): the account must be an active grid worker whose
   * jurisdiction covers the case's grid, else they could not see the case they are given.
   */
  async assignable(db: EntityManager, userId: number, gridPath: string | null): Promise<{ id: number; name: string }> {
    const w = await this.repo.assignable(db, userId, gridPath);
    if (!w) throw new AppException('VALIDATION_FAILED', 'assignee: not an active grid worker whose jurisdiction covers this case', [{ field: 'body.assignee', message: 'not an active grid worker covering this case' }]);
    return w;
  }
}

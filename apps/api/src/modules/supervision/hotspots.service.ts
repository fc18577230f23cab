import { Injectable } from '@nestjs/common';
import type { HotspotReport } from '@gc/contracts';
import { TransactionRunner } from '../../core/database/transaction-runner';
import type { Principal } from '../auth/principal';
import { departmentOnly } from '../events/event-access';
import { HotspotsRepository } from './hotspots.repository';
import { periods } from './indicators.service';

/** z above 1.96: significant at 95 % (two-sided), the usual Gi* reading. */
const Z_95 = 1.96;

@Injectable()
export class HotspotsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: HotspotsRepository,
  ) {}

  async hotspots(p: Principal, q: { category?: string; from?: string; to?: string }): Promise<HotspotReport> {
    const per = periods(q.from, q.to);
    const cells = await this.repo.cells(this.tx.manager, p.scopePath, departmentOnly(p) ? p.departmentId : null, per.from, per.to, q.category ?? null);
    return {
      from: per.from,
      to: per.to,
      category: q.category ?? null,
      method: 'getis-ord-gi*',
      threshold: Z_95,
      cells: cells.map((c) => ({ ...c, hot: c.z !== null && c.z > Z_95 && c.count > 0 })),
    };
  }
}

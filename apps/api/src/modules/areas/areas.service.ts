import { Injectable } from '@nestjs/common';
import type { AreaDetail, GridStaff, LocateResponse } from '@gc/contracts';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { pathInScope, scopeParam } from '../auth/scope';
import { AreaLookupService } from './area-lookup.service';
import { AreasRepository } from './areas.repository';

@Injectable()
export class AreasService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: AreasRepository,
    private readonly lookup: AreaLookupService,
    private readonly audit: AuditService,
  ) {}

  /**
   * The grid at a point and its parents; outside every area: 404 naming the nearest one. Only
   * areas of the caller's jurisdiction: a point in a grid outside it is answered like a point
   * outside the territory, and the nearest area named is one of theirs.
   */
  async locate(p: Principal, lon: number, lat: number, at: Date | null): Promise<LocateResponse> {
    const db = this.tx.manager;
    const scope = scopeParam(p);
    const found = await this.lookup.locateWithChain(db, lon, lat, at);
    const hit = found && pathInScope(scope, found.path) ? found : null;
    if (!hit) {
      const near = await this.lookup.nearest(db, lon, lat, at, scope);
      throw new AppException('NOT_IN_ANY_GRID', near ? `no grid of yours at ${lon},${lat}; nearest is ${near.code} ${Math.round(near.distanceM)} m away` : `no grid of yours at ${lon},${lat}`, {
        lon,
        lat,
        nearest: near ? { code: near.code, name: near.name, level: near.level } : null,
        distanceM: near ? Math.round(near.distanceM * 10) / 10 : null,
      });
    }
    const microGrid = await this.lookup.microGridAt(db, hit.code, lon, lat, at);
    return { grid: { code: hit.code, name: hit.name, level: hit.level }, chain: hit.chain, versionId: hit.versionId, microGrid };
  }

  list(p: Principal, q: { level?: string; parent?: string; q?: string; limit: number }) {
    return this.repo.list(this.tx.manager, q, scopeParam(p));
  }

  async get(p: Principal, code: string, at: Date | null): Promise<AreaDetail> {
    const db = this.tx.manager;
    const row = await this.repo.byCode(db, code, at, scopeParam(p));
    if (!row) throw new AppException('NOT_FOUND', `area ${code} not found${at ? ` at ${at.toISOString()}` : ''}`, { code });
    return { ...row, chain: await this.repo.chain(db, row.path, at) };
  }

  async export(p: Principal, level: string | null, versionId: number | null) {
    if (versionId !== null && !(await this.repo.versionExists(this.tx.manager, versionId))) {
      throw new AppException('NOT_FOUND', `area version ${versionId} not found`, { field: 'query.version' });
    }
    return this.repo.export(this.tx.manager, level, versionId, scopeParam(p));
  }

  versions() {
    return this.repo.versions(this.tx.manager);
  }

  async addStaff(p: Principal, code: string, s: { role: string; name: string; userId?: number; validFrom?: Date; validTo?: Date }): Promise<GridStaff> {
    const area = await this.get(p, code, null);
    if (s.validFrom && s.validTo && s.validTo <= s.validFrom) {
      throw new AppException('VALIDATION_FAILED', 'validTo must be after validFrom', [{ field: 'body.validTo', message: 'must be after validFrom' }]);
    }
    return this.tx.run(async (tx) => {
      const row = await this.repo.addStaff(tx, { areaCode: code, role: s.role, name: s.name, userId: s.userId ?? null, validFrom: s.validFrom ?? null, validTo: s.validTo ?? null });
      await this.audit.write(tx, p, 'create', 'grid_staff', row.id, null, row, { areaPath: area.path });
      return row;
    });
  }

  async staff(p: Principal, code: string, at: Date | null): Promise<GridStaff[]> {
    await this.get(p, code, null);
    return this.repo.staff(this.tx.manager, code, at);
  }
}

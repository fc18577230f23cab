import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { GridMetrics, ProposalResponse } from '@gc/contracts';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { ANGLES, bestCutAt, halfPlane, type Unit } from './area-proposal.plan';
import { AreaProposalRepository, type Piece } from './area-proposal.repository';
import { AreaStudioRepository } from './area-studio.repository';
import { spreadOf } from './area-studio.service';

/** Most grids one proposal makes (each is one bisection step of a few statements). */
export const MAX_PROPOSED_GRIDS = 200;
/** Evenly spread weightless points per grid wanted: they share the ground where nobody lives. */
const FILLERS_PER_GRID = 40;
/** Cuts within this much of the best household balance compete on compactness. */
const BALANCE_SLACK = 0.02;

interface Leaf {
  geom: string;
}

@Injectable()
export class AreaProposalService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: AreaProposalRepository,
    private readonly drafts: AreaStudioRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * Divide a community (or street) into `grids` grids, or into grids of about `householdsPerGrid`
   * households, as a new draft: recursive bisection by straight cuts between compounds, each cut
   * chosen among twelve angles for household balance first, then compactness; the pieces tile
   * the parent exactly (each side is the region minus the other).
   */
  async propose(p: Principal, o: { parentCode: string; grids?: number; householdsPerGrid?: number }): Promise<ProposalResponse> {
    return this.tx.run(async (tx) => {
      const parent = await this.drafts.parent(tx, o.parentCode, scopeParam(p));
      if (!parent) throw new AppException('NOT_FOUND', `area ${o.parentCode} not found`, { field: 'body.parentCode' });
      if (!['street', 'community', 'grid'].includes(parent.level)) {
        throw new AppException('BAD_REQUEST', `proposals divide a street, community or grid, not a ${parent.level}`, { field: 'body.parentCode' });
      }
      const level = parent.childLevel ?? (parent.level === 'street' ? 'community' : parent.level === 'community' ? 'grid' : 'microgrid');
      const region = (await this.repo.region(tx, parent.code))!;
      let k = o.grids ?? 1;
      if (!o.grids) {
        const units = await this.repo.units(tx, region.geom, 1);
        const households = units.reduce((s, u) => s + u.w, 0);
        k = Math.max(1, Math.round(households / o.householdsPerGrid!));
      }
      if (k > MAX_PROPOSED_GRIDS) {
        throw new AppException('BAD_REQUEST', `that makes ${k} grids; at most ${MAX_PROPOSED_GRIDS} per proposal`, { field: o.grids ? 'body.grids' : 'body.householdsPerGrid', grids: k });
      }
      const units = await this.repo.units(tx, region.geom, Math.max(50, FILLERS_PER_GRID * k));
      const leaves = await this.divide(tx, region.geom, units, k, [region.lon, region.lat]);
      const centres = await this.repo.centroids(
        tx,
        leaves.map((l) => l.geom),
      );
      // number north-west first: rows of ~equal latitude bands, west to east
      const order = leaves.map((l, i) => ({ l, c: centres[i] })).sort((a, b) => b.c.lat - a.c.lat || a.c.lon - b.c.lon);
      const grids = order.map(({ l }, i) => ({ code: `${parent.code}${String(i + 1).padStart(3, '0')}`, name: `${parent.name}第${i + 1}网格`, geom: l.geom }));
      const baseIds = await this.drafts.currentChildIds(tx, parent.code, level);
      const versionId = await this.drafts.createDraft(tx, level, `${parent.name} 划分方案（${k} 个网格）`, { kind: 'proposal', parentCode: parent.code, baseIds }, p.name);
      await this.repo.insertGrids(tx, versionId, parent, level, grids);
      const metrics: GridMetrics[] = (await this.drafts.metrics(tx, versionId)).map((m) => ({ ...m, outlier: null }));
      await this.audit.write(tx, p, 'create', 'area_version', versionId, null, { kind: 'proposal', parentCode: parent.code, grids: k, householdsPerGrid: o.householdsPerGrid ?? null });
      return { versionId, parentCode: parent.code, grids: metrics, spread: spreadOf(metrics) };
    });
  }

  private async divide(tx: EntityManager, geom: string, units: Unit[], k: number, centre: [number, number]): Promise<Leaf[]> {
    if (k <= 1) return [{ geom }];
    const k1 = Math.floor(k / 2);
    const share = k1 / k;
    const cuts = ANGLES.map((a) => bestCutAt(units, share, a, centre[1])).filter((c) => c !== null);
    // nothing to cut between (a region too small for any point): it stays one grid
    if (!cuts.length) return [{ geom }];
    const pieces = await this.repo.cut(
      tx,
      geom,
      cuts.map((c) => halfPlane(c, centre)),
      units.map((u) => ({ id: u.id, lon: u.rep[0], lat: u.rep[1] })),
    );
    const W = units.reduce((s, u) => s + u.w, 0);
    const byId = new Map(units.map((u) => [u.id, u]));
    const scored = pieces
      .map((pc, i) => ({ pc, cut: cuts[i] }))
      .filter((x): x is { pc: { low: Piece; high: Piece }; cut: (typeof cuts)[number] } => !!x.pc)
      .map(({ pc, cut }) => {
        const w = pc.low.units.reduce((s, id) => s + (byId.get(id)?.w ?? 0), 0);
        return { pc, straddles: cut.straddles, error: W > 0 ? Math.abs(w / W - share) : 0, contiguous: pc.low.parts === 1 && pc.high.parts === 1, compact: Math.min(pc.low.compactness, pc.high.compactness) };
      });
    if (!scored.length) return [{ geom }];
    const bestError = Math.min(...scored.map((s) => s.error));
    const pick = scored.filter((s) => s.error <= bestError + BALANCE_SLACK).sort((a, b) => Number(b.contiguous) - Number(a.contiguous) || a.straddles - b.straddles || b.compact - a.compact)[0];
    const low = new Set(pick.pc.low.units);
    const [lowUnits, highUnits] = [units.filter((u) => low.has(u.id)), units.filter((u) => !low.has(u.id))];
    return [...(await this.divide(tx, pick.pc.low.geom, lowUnits, k1, centre)), ...(await this.divide(tx, pick.pc.high.geom, highUnits, k - k1, centre))];
  }
}

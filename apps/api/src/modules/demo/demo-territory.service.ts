import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DEMO_CITY, loadCommunities, loadDistricts, loadStreets, type AdminUnit } from './demo-assets';
import { rng } from './demo-random';
import { DemoTerritoryRepository, type ChildSpec } from './demo-territory.repository';

/** Households a grid should hold: "地域相邻、规模相当" (comparable size by households, not area). */
export const HOUSEHOLDS_PER_GRID = 700;

/** Synthetic household count of a community: urban communities are big, villages small, parks and zones tiny. */
export function householdsOf(c: AdminUnit): number {
  const r = rng(Number(c.code.slice(-6)) * 7919 + 17);
  if (/村$/.test(c.name)) return 300 + Math.floor(r() * 600);
  if (/社区$/.test(c.name)) return 1200 + Math.floor(r() * 3300);
  return 100 + Math.floor(r() * 300);
}

/** Grids of one community: community code + 3 digits, named "<community>第N网格". */
export function gridsOf(c: AdminUnit): ChildSpec[] {
  const households = householdsOf(c);
  const k = Math.max(1, Math.round(households / HOUSEHOLDS_PER_GRID));
  const base = Math.floor(households / k);
  return Array.from({ length: k }, (_, i) => ({
    code: c.code + String(i + 1).padStart(3, '0'),
    name: `${c.name}第${i + 1}网格`,
    parent: c.code,
    properties: { households: i === k - 1 ? households - base * (k - 1) : base },
  }));
}

export interface TerritoryResult {
  versionIds: number[];
  counts: Record<string, number>;
}

@Injectable()
export class DemoTerritoryService {
  private readonly logger = new Logger('Demo');
  constructor(private readonly repo: DemoTerritoryRepository) {}

  /** The grids build() makes (code and households; ids come with the database), in code order: the population is drawn from them ahead. */
  plannedGrids(): { code: string; households: number }[] {
    return loadCommunities()
      .flatMap(gridsOf)
      .map((g) => ({ code: g.code, households: Number(g.properties?.households ?? 500) }))
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }

  isEmpty(db: EntityManager): Promise<boolean> {
    return this.repo.isEmpty(db);
  }

  /** City → six real districts → official streets → official communities → grids, published as versions. */
  async build(tx: EntityManager): Promise<TerritoryResult> {
    const districts = loadDistricts();
    const streets = loadStreets();
    const communities = loadCommunities();
    const label = '南京演示城区 (demo)';
    const v = {
      city: await this.repo.createVersion(tx, 'city', label),
      district: await this.repo.createVersion(tx, 'district', label),
      street: await this.repo.createVersion(tx, 'street', label),
      community: await this.repo.createVersion(tx, 'community', label),
      grid: await this.repo.createVersion(tx, 'grid', label),
    };
    await this.repo.insertCityAndDistricts(tx, { ...DEMO_CITY, versionId: v.city }, v.district, districts);
    const counts: Record<string, number> = { district: districts.length };
    counts.street = await this.repo.generateChildren(tx, v.district, v.street, 'street', streets, 1);
    counts.community = await this.repo.generateChildren(tx, v.street, v.community, 'community', communities, 2);
    const grids = communities.flatMap(gridsOf);
    counts.grid = await this.repo.generateChildren(tx, v.community, v.grid, 'grid', grids, 3);
    const versionIds = [v.city, v.district, v.street, v.community, v.grid];
    await this.repo.publish(tx, versionIds);
    this.logger.debug(`demo territory: ${counts.district} districts, ${counts.street} streets, ${counts.community} communities, ${counts.grid} grids`);
    return { versionIds, counts };
  }

  /**
   * Micro-grids (微网格, one per compound) in a few grids of 夫子庙街道, the street the demo's street
   * operator and grid worker work in, so that the level can be seen on the wall (zoom 14+) and in the
   * studio. Run after the population (compounds are places); published like every demo level.
   */
  async buildMicroGrids(tx: EntityManager): Promise<number> {
    const v = await this.repo.createVersion(tx, 'microgrid', '南京演示城区 微网格 (demo)');
    const n = await this.repo.generateMicroGrids(tx, v, DEMO_MICRO_GRID_STREET, 4);
    await this.repo.publish(tx, [v]);
    this.logger.debug(`demo territory: ${n} micro-grids`);
    return n;
  }
}

/** 夫子庙街道 (秦淮区): where the demo's micro-grids are. */
export const DEMO_MICRO_GRID_STREET = '320104002';

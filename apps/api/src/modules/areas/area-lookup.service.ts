import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AreaLookupRepository, type LocatedArea } from './area-lookup.repository';

/**
 * Attribution for every module that stores located records: call `attribute(tx, lon, lat)`
 * inside the writing transaction and store grid_id, grid_code and area_path from the answer.
 */
@Injectable()
export class AreaLookupService {
  constructor(private readonly repo: AreaLookupRepository) {}

  /** The grid (deepest current area) at the point, or null when it lies outside the territory. */
  async attribute(tx: EntityManager, lon: number, lat: number, at: Date | null = null): Promise<LocatedArea | null> {
    return (await this.repo.locate(tx, lon, lat, at)) ?? null;
  }

  /** The grid at the point with its chain of parents (one query), or null outside the territory. */
  async locateWithChain(tx: EntityManager, lon: number, lat: number, at: Date | null = null) {
    return (await this.repo.locateWithChain(tx, lon, lat, at)) ?? null;
  }

  /** The micro-grid of a grid at the point (none: the grid is not divided), valid at `at`. */
  async microGridAt(tx: EntityManager, gridCode: string, lon: number, lat: number, at: Date | null = null) {
    return (await this.repo.microGridAt(tx, gridCode, lon, lat, at)) ?? null;
  }

  /** The nearest area of the deepest level (within `scope`, null: anywhere). */
  nearest(tx: EntityManager, lon: number, lat: number, at: Date | null = null, scope: string | null = null) {
    return this.repo.nearest(tx, lon, lat, at, scope);
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RegistryTally } from '@gc/contracts';
import { sqlRows } from '../../core/database/sql';
import { inScope } from '../auth/scope';

export interface GridCounts extends RegistryTally {
  code: string | null;
  name: string | null;
}

const SUMMED = ['places', 'people', 'households', 'registered', 'floating', 'objects', 'objectsNeedingRepair', 'organizations'] as const;

/**
 * The "四清" summary: counts per grid under an area, read from the per-grid counters that the
 * registry tables' statement triggers keep in the writing transaction (migration
 * 1764004100000-registry-grid-counts): one row per grid with its area's name, never a GROUP BY
 * over the records and no lookup of 25k area rows for a district. Records outside every grid are
 * counted under grid_code '' (shown as null, last).
 */
@Injectable()
export class RegistryCountsRepository {
  async byGrid(db: EntityManager, areaPath: string | null, scope: string | null): Promise<GridCounts[]> {
    const rows = await sqlRows<GridCounts>(
      db,
      `SELECT nullif(c.grid_code, '') AS code, c.grid_name AS name,
              c.places, c.people, c.households, c.registered, c.floating, c.objects,
              c.objects_needing_repair AS "objectsNeedingRepair", c.organizations
         FROM registry_grid_count c
        WHERE ($1::ltree IS NULL OR c.area_path <@ $1::ltree) AND ${inScope('c.area_path', '$2')}
        ORDER BY nullif(c.grid_code, ''), c.area_path`,
      [areaPath, scope],
    );
    // One entry per grid code: rows of the same code under two paths (not expected: a publish moves
    // a grid's records together) are added up, as a GROUP BY code would.
    const out: GridCounts[] = [];
    for (const r of rows) {
      const last = out[out.length - 1];
      if (last && last.code === r.code) for (const k of SUMMED) last[k] += r[k];
      else out.push(r);
    }
    return out;
  }

  async tagsByGrid(db: EntityManager, areaPath: string | null, scope: string | null): Promise<{ code: string | null; tag: string; n: number }[]> {
    return sqlRows<{ code: string | null; tag: string; n: number }>(
      db,
      `SELECT nullif(grid_code, '') AS code, tag, sum(people)::int AS n
         FROM registry_grid_tag_count
        WHERE ($1::ltree IS NULL OR area_path <@ $1::ltree) AND ${inScope('area_path', '$2')}
        GROUP BY grid_code, tag`,
      [areaPath, scope],
    );
  }
}

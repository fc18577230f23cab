import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { inScope } from '../auth/scope';

/**
 * The "四清" summary: counts per grid under an area, read from the per-grid counters that the
 * registry tables' statement triggers keep in the writing transaction (migration
 * 1764004100000-registry-grid-counts): one row per grid, never a GROUP BY over the records.
 * Records outside every grid are counted under grid_code '' (shown as null).
 */
@Injectable()
export class RegistryCountsRepository {
  async byGrid(db: EntityManager, areaPath: string | null, scope: string | null) {
    return db.query(
      `SELECT nullif(c.grid_code, '') AS code, g.name,
              sum(c.places)::int AS places, sum(c.people)::int AS people, sum(c.households)::int AS households,
              sum(c.registered)::int AS registered, sum(c.floating)::int AS floating, sum(c.objects)::int AS objects,
              sum(c.objects_needing_repair)::int AS "objectsNeedingRepair", sum(c.organizations)::int AS organizations
         FROM registry_grid_count c
         LEFT JOIN area g ON g.code = c.grid_code AND g.valid_from IS NOT NULL AND g.valid_to IS NULL
        WHERE ($1::ltree IS NULL OR c.area_path <@ $1::ltree) AND ${inScope('c.area_path', '$2')}
        GROUP BY c.grid_code, g.name
        ORDER BY nullif(c.grid_code, '')`,
      [areaPath, scope],
    );
  }

  async tagsByGrid(db: EntityManager, areaPath: string | null, scope: string | null): Promise<{ code: string | null; tag: string; n: number }[]> {
    return db.query(
      `SELECT nullif(grid_code, '') AS code, tag, sum(people)::int AS n
         FROM registry_grid_tag_count
        WHERE ($1::ltree IS NULL OR area_path <@ $1::ltree) AND ${inScope('area_path', '$2')}
        GROUP BY grid_code, tag`,
      [areaPath, scope],
    );
  }
}

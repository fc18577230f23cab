import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { inScope } from '../auth/scope';

/** The "四清" summary: counts per grid under an area, by kind (and by tag), one GROUP BY each on the GiST-indexed area_path. */
@Injectable()
export class RegistryCountsRepository {
  async byGrid(db: EntityManager, areaPath: string | null, scope: string | null) {
    const where = `($1::ltree IS NULL OR area_path <@ $1::ltree) AND ${inScope('area_path', '$2')}`;
    return db.query(
      `SELECT x.grid_code AS code, g.name,
              count(*) FILTER (WHERE x.k = 'place')::int AS places,
              count(*) FILTER (WHERE x.k = 'person')::int AS people,
              count(DISTINCT x.hh) FILTER (WHERE x.k = 'person')::int AS households,
              count(*) FILTER (WHERE x.k = 'person' AND x.sub = 'registered')::int AS registered,
              count(*) FILTER (WHERE x.k = 'person' AND x.sub = 'floating')::int AS floating,
              count(*) FILTER (WHERE x.k = 'object')::int AS objects,
              count(*) FILTER (WHERE x.k = 'object' AND x.sub IN ('damaged', 'lost'))::int AS "objectsNeedingRepair",
              count(*) FILTER (WHERE x.k = 'organization')::int AS organizations
         FROM (SELECT grid_code, 'place' AS k, kind AS sub, NULL::text AS hh FROM place WHERE ${where}
               UNION ALL SELECT grid_code, 'person', registration, household_no FROM person WHERE ${where}
               UNION ALL SELECT grid_code, 'object', condition, NULL FROM city_object WHERE ${where}
               UNION ALL SELECT grid_code, 'organization', kind, NULL FROM organization WHERE ${where}) x
         LEFT JOIN area g ON g.code = x.grid_code AND g.valid_from IS NOT NULL AND g.valid_to IS NULL
        GROUP BY x.grid_code, g.name
        ORDER BY x.grid_code`,
      [areaPath, scope],
    );
  }

  async tagsByGrid(db: EntityManager, areaPath: string | null, scope: string | null): Promise<{ code: string; tag: string; n: number }[]> {
    return db.query(
      `SELECT grid_code AS code, t.tag, count(*)::int AS n
         FROM person, unnest(tags) AS t(tag)
        WHERE ($1::ltree IS NULL OR area_path <@ $1::ltree) AND ${inScope('area_path', '$2')}
        GROUP BY grid_code, t.tag`,
      [areaPath, scope],
    );
  }
}

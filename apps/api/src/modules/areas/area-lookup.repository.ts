import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AreaLevel, AreaRef } from '@gc/contracts';
import { inScope } from '../auth/scope';
import { sqlRow } from '../../core/database/sql';

export interface LocatedArea {
  id: number;
  code: string;
  name: string;
  level: AreaLevel;
  path: string;
  versionId: number;
}

/**
 * The one definition of attribution, as SQL for a FROM clause (alias `a` is the area): the deepest
 * area valid at `at` whose ST_Subdivide pieces cover `point` (both SQL expressions). ST_Covers, not
 * ST_Contains, so a point exactly on an edge still matches; a tie between neighbours goes to the
 * lower code, so a border point always resolves to the same grid. Used by `locate`,
 * `locateWithChain` and the single-statement event intake.
 */
export function deepestAreaAt(point: string, at: string): string {
  // Each covering piece (GiST) then its area by primary key: OFFSET 0 keeps the planner from
  // hashing the whole area table instead, which it picks when the table looks small, and which the
  // event intake statement then did once per event.
  return `area_part p CROSS JOIN LATERAL (
      SELECT a.id, a.code, a.name, a.level, a.path, a.version_id FROM area a
       WHERE a.id = p.area_id AND a.valid_from IS NOT NULL AND a.valid_from <= ${at} AND (a.valid_to IS NULL OR a.valid_to > ${at})
      OFFSET 0) a
    WHERE p.geom && ${point} AND ST_Covers(p.geom, ${point})
    ORDER BY nlevel(a.path) DESC, a.code
    LIMIT 1`;
}

@Injectable()
export class AreaLookupRepository {
  /** The deepest area valid at `at` (default now) that covers the point (see `deepestAreaAt`). */
  async locate(db: EntityManager, lon: number, lat: number, at: Date | null = null): Promise<LocatedArea | undefined> {
    return sqlRow<LocatedArea>(db,
      `SELECT a.id::int, a.code, a.name, a.level, a.path::text AS path, a.version_id::int AS "versionId"
         FROM ${deepestAreaAt('ST_SetSRID(ST_MakePoint($1, $2), 4326)', 'coalesce($3::timestamptz, now())')}`,
      [lon, lat, at],
    );
  }

  /**
   * `locate` and the chain of parents (root first, valid at the same time) in ONE statement:
   * the locate endpoint's hot path, one round trip instead of two (bench/areas-locate.bench.ts).
   */
  async locateWithChain(db: EntityManager, lon: number, lat: number, at: Date | null = null): Promise<(LocatedArea & { chain: AreaRef[] }) | undefined> {
    return sqlRow<LocatedArea & { chain: AreaRef[] }>(db,
      `SELECT h.*, coalesce((
                SELECT jsonb_agg(jsonb_build_object('code', c.code, 'name', c.name, 'level', c.level) ORDER BY nlevel(c.path))
                  FROM area c
                 WHERE c.path @> h.path::ltree AND c.path <> h.path::ltree
                   AND c.valid_from IS NOT NULL AND c.valid_from <= coalesce($3::timestamptz, now())
                   AND (c.valid_to IS NULL OR c.valid_to > coalesce($3::timestamptz, now()))), '[]'::jsonb) AS chain
         FROM (SELECT a.id::int, a.code, a.name, a.level, a.path::text AS path, a.version_id::int AS "versionId"
                 FROM ${deepestAreaAt('ST_SetSRID(ST_MakePoint($1, $2), 4326)', 'coalesce($3::timestamptz, now())')}) h`,
      [lon, lat, at],
    );
  }

  /**
   * The micro-grid of grid `gridCode` at the point, valid at `at` (default now): micro-grids have no
   * subdivided pieces (they carry no records), so their own geometry answers (GiST on area.geom).
   */
  async microGridAt(db: EntityManager, gridCode: string, lon: number, lat: number, at: Date | null = null): Promise<AreaRef | undefined> {
    return sqlRow<AreaRef>(db,
      `SELECT a.code, a.name, a.level FROM area a
        WHERE a.parent_code = $1 AND a.level = 'microgrid'
          AND a.valid_from IS NOT NULL AND a.valid_from <= coalesce($4::timestamptz, now()) AND (a.valid_to IS NULL OR a.valid_to > coalesce($4::timestamptz, now()))
          AND a.geom && ST_SetSRID(ST_MakePoint($2, $3), 4326) AND ST_Covers(a.geom, ST_SetSRID(ST_MakePoint($2, $3), 4326))
        ORDER BY a.code LIMIT 1`,
      [gridCode, lon, lat, at],
    );
  }

  /** The nearest current area of the deepest level that carries records (not a micro-grid), for "outside every grid" answers. */
  async nearest(db: EntityManager, lon: number, lat: number, at: Date | null = null, scope: string | null = null): Promise<(LocatedArea & { distanceM: number }) | undefined> {
    return sqlRow<LocatedArea & { distanceM: number }>(db,
      `SELECT a.id::int, a.code, a.name, a.level, a.path::text AS path, a.version_id::int AS "versionId",
              ST_Distance(a.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS "distanceM"
         FROM area a
        WHERE a.valid_from IS NOT NULL
          AND a.valid_from <= coalesce($3::timestamptz, now())
          AND (a.valid_to IS NULL OR a.valid_to > coalesce($3::timestamptz, now()))
          AND a.level <> 'microgrid'
          AND ${inScope('a.path', '$4')}
        ORDER BY nlevel(a.path) DESC, a.geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)
        LIMIT 1`,
      [lon, lat, at, scope],
    );
  }
}

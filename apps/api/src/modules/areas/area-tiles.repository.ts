import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TileRow } from './mvt-encode';
import { sqlRows } from '../../core/database/sql';
import type { AreaVersionEntity } from './entities/area-version.entity';

export interface TileQuery {
  z: number;
  x: number;
  y: number;
  /**
   * the version's publication time, the rows valid then: the exact timestamptz text, because a JS
   * Date drops the microseconds and the version's own rows (valid_from = the same now()) would
   * fall after it, giving empty tiles
   */
  at: string;
  /** deepest level rank shown (city 0 … microgrid 5); roots of standalone layers always qualify */
  maxRank: number;
  /** simplification tolerance, EPSG:3857 metres */
  tolerance: number;
  /** areas whose bounding box is smaller than this (degrees) are left out at this zoom */
  minSizeDeg: number;
  /** the caller's jurisdiction path (null: everything): its subtree plus its own chain of ancestors */
  scope: string | null;
}

/**
 * Candidate rows of one tile. `a.geom && envelope` uses the GiST index (martin's idiom);
 * the geometry is clipped to the tile plus a buffer before simplifying, so a district's
 * full outline is never simplified for one z16 tile.
 */
const CANDIDATES = `
  b AS (SELECT ST_TileEnvelope($1, $2, $3) AS env),
  c AS (
    SELECT a.code, a.name, a.level, a.parent_code,
           ST_SimplifyPreserveTopology(ST_ClipByBox2D(ST_Transform(a.geom, 3857), ST_Expand(b.env, (ST_XMax(b.env) - ST_XMin(b.env)) / 64)), $6) AS g
      FROM area a, b
     WHERE a.geom && ST_Transform(b.env, 4326)
       AND a.valid_from IS NOT NULL AND a.valid_from <= $4::timestamptz AND (a.valid_to IS NULL OR a.valid_to > $4::timestamptz)
       AND (array_position(ARRAY['city','district','street','community','grid','microgrid'], a.level) - 1 <= $5 OR nlevel(a.path) = 1)
       AND greatest(ST_XMax(a.geom) - ST_XMin(a.geom), ST_YMax(a.geom) - ST_YMin(a.geom)) >= $7
       -- jurisdiction: the caller's areas and the outlines of the areas they lie in, nothing beside them
       AND ($8::ltree IS NULL OR a.path <@ $8::ltree OR a.path @> $8::ltree)
  )`;

@Injectable()
export class AreaTilesRepository {
  /** The newest published version (its id is the tile URL key), or null before any publication. */
  async currentVersion(db: EntityManager): Promise<{ id: number; publishedAt: Date } | null> {
    const [row] = await sqlRows<{ id: number; publishedAt: NonNullable<AreaVersionEntity['published_at']> }>(db, `SELECT id::int, published_at AS "publishedAt" FROM area_version WHERE status = 'published' ORDER BY published_at DESC, id DESC LIMIT 1`);
    return row ?? null;
  }

  async publishedAt(db: EntityManager, id: number): Promise<string | null> {
    const [row] = await sqlRows<{ publishedAt: string }>(db, `SELECT published_at::text AS "publishedAt" FROM area_version WHERE id = $1 AND status = 'published'`, [id]);
    return row?.publishedAt ?? null;
  }

  private params(q: TileQuery) {
    return [q.z, q.x, q.y, q.at, q.maxRank, q.tolerance, q.minSizeDeg, q.scope];
  }

  /** The whole tile encoded by PostGIS (ST_AsMVTGeom: extent 4096, buffer 64, clipped). */
  async mvt(db: EntityManager, q: TileQuery): Promise<Buffer> {
    const [row] = await sqlRows<{ tile: Buffer | null }>(db,
      `WITH ${CANDIDATES},
       m AS (SELECT code, name, level, coalesce(parent_code, '') AS parent_code, ST_AsMVTGeom(g, b.env, 4096, 64, true) AS geom
               FROM c, b WHERE NOT ST_IsEmpty(g))
       SELECT ST_AsMVT(m, 'areas', 4096, 'geom') AS tile FROM m WHERE geom IS NOT NULL`,
      this.params(q),
    );
    return row?.tile ?? Buffer.alloc(0);
  }

  /** The same rows as GeoJSON in EPSG:3857, for encoding in Node where ST_AsMVT is missing. */
  async rows(db: EntityManager, q: TileQuery): Promise<TileRow[]> {
    return sqlRows<TileRow>(db,
      `WITH ${CANDIDATES}
       SELECT code, name, level, parent_code, ST_AsGeoJSON(ST_CollectionExtract(g, 3), 2)::jsonb AS geom
         FROM c WHERE NOT ST_IsEmpty(ST_CollectionExtract(g, 3))`,
      this.params(q),
    );
  }
}

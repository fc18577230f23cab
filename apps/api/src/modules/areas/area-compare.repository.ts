import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AreaHistoryReport, AreaRef, AreaVersionSummary, VersionCompareReport } from '@gc/contracts';
import { inScope } from '../auth/scope';
import { sqlRow, sqlRows } from '../../core/database/sql';

const VERSION_SUMMARY = `v.id::int, v.level, v.status, v.label, (SELECT count(*)::int FROM area a WHERE a.version_id = v.id) AS areas,
  v.created_at AS "createdAt", v.created_by AS "createdBy", v.published_at AS "publishedAt",
  v.published_by AS "publishedBy", v.gaps_acknowledged AS "gapsAcknowledged"`;

/**
 * The territory as version `$v` left it (SQL for a FROM clause, alias-free columns): a published
 * version, the rows valid right after its publication (its own rows start then, the rows it replaced
 * ended then; the time is read in SQL, a JS Date would drop its microseconds); a draft, the draft's
 * rows and the current rows it would not replace (the rule publish closes rows by: same level and
 * code, or same level under a parent the draft redraws). A discarded version has no side.
 */
const SIDE = (v: string) => `(
  SELECT a.id, a.code, a.name, a.level, a.path, a.geom, a.area_m2 FROM area_version vv JOIN area a
      ON a.valid_from IS NOT NULL AND a.valid_from <= vv.published_at AND (a.valid_to IS NULL OR a.valid_to > vv.published_at)
   WHERE vv.id = ${v} AND vv.status = 'published'
  UNION ALL
  SELECT a.id, a.code, a.name, a.level, a.path, a.geom, a.area_m2 FROM area_version vv JOIN area a ON a.version_id = vv.id
   WHERE vv.id = ${v} AND vv.status = 'draft'
  UNION ALL
  SELECT c.id, c.code, c.name, c.level, c.path, c.geom, c.area_m2 FROM area_version vv JOIN area c ON c.valid_from IS NOT NULL AND c.valid_to IS NULL
   WHERE vv.id = ${v} AND vv.status = 'draft'
     AND NOT EXISTS (SELECT 1 FROM area d WHERE d.version_id = vv.id AND d.level = c.level AND (d.code = c.code OR d.parent_code = c.parent_code)))`;

export interface CompareScope {
  /** path under which both sides are compared ('' or null: everything) */
  path: string | null;
  levels: string[];
}

@Injectable()
export class AreaCompareRepository {
  async version(db: EntityManager, id: number): Promise<AreaVersionSummary | undefined> {
    const [row] = await sqlRows<AreaVersionSummary>(db, `SELECT ${VERSION_SUMMARY} FROM area_version v WHERE v.id = $1`, [id]);
    return row;
  }

  /** Whether the version has a row in the caller's jurisdiction (null: everywhere, any row). */
  async hasRowsIn(db: EntityManager, id: number, scope: string | null): Promise<boolean> {
    return (await sqlRow<{ one: number }>(db, `SELECT 1 AS one FROM area a WHERE a.version_id = $1 AND ${inScope('a.path', '$2')} LIMIT 1`, [id, scope])) !== undefined;
  }

  /**
   * Where the two versions are compared: the deepest area holding every row of both (lca: a strict
   * ancestor, so a redraw of one community's grids is compared within that community), and the
   * levels of their rows.
   */
  async scopeOf(db: EntityManager, from: number, to: number): Promise<CompareScope> {
    const [row] = await sqlRows<{ path: string | null; levels: string[] | null }>(
      db,
      `SELECT nullif(lca(array_agg(path))::text, '') AS path, array_agg(DISTINCT level ORDER BY level) AS levels FROM area WHERE version_id IN ($1, $2)`,
      [from, to],
    );
    return { path: row.path ?? null, levels: row.levels ?? [] };
  }

  /** An area by path (its current row, else its latest). */
  async areaAt(db: EntityManager, path: string): Promise<AreaRef | undefined> {
    const [row] = await sqlRows<AreaRef>(db, `SELECT code, name, level FROM area WHERE path = $1::ltree AND valid_from IS NOT NULL ORDER BY valid_to DESC NULLS FIRST, id DESC LIMIT 1`, [path]);
    return row;
  }

  /** An area by code within the scope: its current row, else its latest published one (an area that was redrawn away). */
  async areaByCode(db: EntityManager, code: string, scope: string | null): Promise<(AreaRef & { path: string }) | undefined> {
    const [row] = await sqlRows<AreaRef & { path: string }>(
      db,
      `SELECT code, name, level, path::text AS path FROM area a
        WHERE a.code = $1 AND a.valid_from IS NOT NULL AND ${inScope('a.path', '$2')}
        ORDER BY a.valid_to DESC NULLS FIRST, a.id DESC LIMIT 1`,
      [code, scope],
    );
    return row;
  }

  /**
   * Both sides within `path` at `levels` and the caller's jurisdiction, matched by code: added,
   * removed, reshaped (same shape to ~10 cm counts as unchanged: a draft saved from the studio comes
   * back rounded to 7 decimals) with the change of area; the features to draw both.
   */
  async compare(db: EntityManager, from: number, to: number, s: CompareScope, scope: string | null): Promise<Pick<VersionCompareReport, 'areas' | 'features'>> {
    const within = (a: string) => `${a}.level = ANY($3::text[]) AND ($4::ltree IS NULL OR ${a}.path <@ $4::ltree) AND ${inScope(`${a}.path`, '$5')}`;
    const [row] = await sqlRows<Pick<VersionCompareReport, 'areas' | 'features'>>(
      db,
      `WITH f AS MATERIALIZED (SELECT * FROM ${SIDE('$1')} x WHERE ${within('x')}),
            t AS MATERIALIZED (SELECT * FROM ${SIDE('$2')} x WHERE ${within('x')}),
       m AS (
         SELECT coalesce(t.code, f.code) AS code, coalesce(t.name, f.name) AS name, coalesce(t.level, f.level) AS level,
                CASE WHEN f.id IS NULL THEN 'added' WHEN t.id IS NULL THEN 'removed'
                     WHEN f.id = t.id OR (ST_NPoints(f.geom) = ST_NPoints(t.geom) AND ST_HausdorffDistance(f.geom, t.geom) < 1e-6) THEN 'unchanged'
                     ELSE 'reshaped' END AS change,
                round(f.area_m2::numeric, 1)::float8 AS "fromAreaM2", round(t.area_m2::numeric, 1)::float8 AS "toAreaM2",
                f.geom AS fg, t.geom AS tg
           FROM f FULL JOIN t ON t.code = f.code AND t.level = f.level
       ), drawn AS (
         SELECT code, name, 'from' AS side, change, ST_AsGeoJSON(fg, 6)::jsonb AS g FROM m WHERE change IN ('removed', 'reshaped')
         UNION ALL
         SELECT code, name, 'to', change, ST_AsGeoJSON(tg, 6)::jsonb FROM m WHERE change IN ('added', 'reshaped')
         UNION ALL
         -- context: unchanged areas once, simplified to ~1 m (1e-5°), so a city-wide comparison stays small
         SELECT code, name, 'to', change, ST_AsGeoJSON(ST_SimplifyPreserveTopology(tg, 1e-5), 6)::jsonb FROM m WHERE change = 'unchanged'
       )
       SELECT coalesce((SELECT jsonb_agg(jsonb_build_object('code', code, 'name', name, 'level', level, 'change', change,
                          'fromAreaM2', "fromAreaM2", 'toAreaM2', "toAreaM2",
                          'deltaM2', round((coalesce("toAreaM2", 0) - coalesce("fromAreaM2", 0))::numeric, 1)::float8)
                        ORDER BY array_position(ARRAY['added', 'removed', 'reshaped', 'unchanged'], change), code) FROM m), '[]'::jsonb) AS areas,
              jsonb_build_object('type', 'FeatureCollection', 'features', coalesce((SELECT jsonb_agg(jsonb_build_object('type', 'Feature', 'geometry', g,
                'properties', jsonb_build_object('code', code, 'name', name, 'side', side, 'change', change))
                ORDER BY change = 'unchanged' DESC, side, code) FROM drawn), '[]'::jsonb)) AS features`,
      [from, to, s.levels, s.path, scope],
    );
    return { areas: row.areas, features: row.features };
  }

  /**
   * Versions with rows at or under `path` (within the caller's jurisdiction): per level how many, and
   * when those rows stopped being current. Newest first.
   */
  async history(db: EntityManager, path: string, scope: string | null): Promise<AreaHistoryReport['versions']> {
    return sqlRows<AreaHistoryReport['versions'][number]>(
      db,
      `WITH r AS (
         SELECT a.version_id, a.level, count(*)::int AS n, min(a.valid_to) AS replaced
           FROM area a WHERE a.path <@ $1::ltree AND ${inScope('a.path', '$2')}
          GROUP BY a.version_id, a.level
       ), g AS (
         SELECT version_id, jsonb_object_agg(level, n) AS levels, min(replaced) AS replaced FROM r GROUP BY version_id
       )
       SELECT ${VERSION_SUMMARY}, g.levels, g.replaced AS "replacedAt"
         FROM g JOIN area_version v ON v.id = g.version_id
        ORDER BY coalesce(v.published_at, v.created_at) DESC, v.id DESC
        LIMIT 500`,
      [path, scope],
    );
  }
}

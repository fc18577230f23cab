import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { GridMetrics, ImpactReport } from '@gc/contracts';
import { inScope } from '../auth/scope';
import { ATTRIBUTABLE } from './micro-grids';
import type { AttributedTable } from './attributed-tables';
import type { Candidate, ValidityRow } from './area-import.repository';
import { CHANGE_SET, REATTRIBUTION, REPLACED_IDS } from './area-publish.repository';
import { sqlRow, sqlRows, sqlRun } from '../../core/database/sql';

/** Where a draft came from (area_version.source): the parent whose children it redraws and the rows it was copied from. */
export interface DraftSource {
  kind: 'copy' | 'proposal' | 'import';
  parentCode?: string;
  /** ids of the current children when the draft was made; publishing checks they are still current */
  baseIds?: number[];
}

export interface VersionRow {
  id: number;
  status: string;
  level: string;
  source: DraftSource;
}

const CURRENT = (a: string) => `${a}.valid_from IS NOT NULL AND ${a}.valid_to IS NULL`;

/** Current rows a draft (`$1`) replaces when published, as AreaPublishRepository.publishAreas picks them. */
const REPLACED = `SELECT c.* FROM area c WHERE c.id = ANY(ARRAY(${REPLACED_IDS}))`;

/** Polsby–Popper on the spheroid, 0 when degenerate. */
const PP = (g: string) => `coalesce(4 * pi() * ST_Area(${g}::geography) / nullif(ST_Perimeter(${g}::geography) ^ 2, 0), 0)`;

@Injectable()
export class AreaStudioRepository {
  async version(db: EntityManager, id: number, lock = false): Promise<VersionRow | undefined> {
    const [row] = await sqlRows<VersionRow>(db, `SELECT id::int, status, level, source FROM area_version WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  }

  /** Every row of the version, and the parent it redraws, lie within the scope (NULL = everywhere). */
  async versionInScope(db: EntityManager, id: number, parentCode: string | null, scope: string | null): Promise<boolean> {
    if (scope === null) return true;
    const [row] = await sqlRows<{ ok: boolean }>(
      db,
      `SELECT NOT EXISTS (SELECT 1 FROM area a WHERE a.version_id = $1 AND NOT ${inScope('a.path', '$2')})
              AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM area p WHERE p.code = $3 AND ${CURRENT('p')} AND ${inScope('p.path', '$2')})) AS ok`,
      [id, scope, parentCode],
    );
    return row.ok;
  }

  /** The current area with that code within the scope, with the level of its current children (if any). */
  async parent(db: EntityManager, code: string, scope: string | null): Promise<{ id: number; code: string; name: string; level: string; path: string; childLevel: string | null } | undefined> {
    const [row] = await sqlRows<{ id: number; code: string; name: string; level: string; path: string; childLevel: string | null }>(
      db,
      `SELECT p.id::int, p.code, p.name, p.level, p.path::text AS path,
              (SELECT c.level FROM area c WHERE c.parent_code = p.code AND ${CURRENT('c')} LIMIT 1) AS "childLevel"
         FROM area p WHERE p.code = $1 AND ${CURRENT('p')} AND ${inScope('p.path', '$2')}`,
      [code, scope],
    );
    return row;
  }

  /** Publishes that redraw one parent run one at a time (held to the end of the transaction). */
  async lockParent(tx: EntityManager, parentCode: string): Promise<void> {
    await sqlRun(tx, `SELECT pg_advisory_xact_lock(hashtext('area-redraw:' || $1))`, [parentCode]);
  }

  async currentChildIds(db: EntityManager, parentCode: string, level: string): Promise<number[]> {
    const rows = await sqlRows<{ id: number }>(db, `SELECT id::int FROM area c WHERE c.parent_code = $1 AND c.level = $2 AND ${CURRENT('c')} ORDER BY id`, [parentCode, level]);
    return rows.map((r) => r.id);
  }

  async createDraft(tx: EntityManager, level: string, label: string, source: DraftSource, by: string): Promise<number> {
    const [row] = await sqlRows<{ id: number }>(tx, `INSERT INTO area_version (level, label, source, created_by) VALUES ($1, $2, $3::jsonb, $4) RETURNING id::int`, [level, label, JSON.stringify(source), by]);
    return row.id;
  }

  /** Copy the given (current) rows into the draft, with their subdivided pieces. */
  async copyRows(tx: EntityManager, versionId: number, ids: number[]): Promise<number> {
    const rows = await sqlRows<{ id: number }>(
      tx,
      `INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, generated, properties)
       SELECT $1, code, name, level, parent_code, path, geom, area_m2, generated, properties FROM area WHERE id = ANY($2::bigint[]) ORDER BY code
       RETURNING id::int`,
      [versionId, ids],
    );
    await this.refreshParts(
      tx,
      rows.map((r) => r.id),
    );
    return rows.length;
  }

  async refreshParts(tx: EntityManager, ids: number[]): Promise<void> {
    await sqlRun(tx, `DELETE FROM area_part WHERE area_id = ANY($1::bigint[])`, [ids]);
    await sqlRun(tx, `INSERT INTO area_part (area_id, geom) SELECT id, ST_Subdivide(geom, 64) FROM area WHERE id = ANY($1::bigint[]) AND ${ATTRIBUTABLE}`, [ids]);
  }

  /**
   * The studio saves the whole draft after every edit, and most of its areas come back as they
   * were. One statement: the features that differ from the draft's row with their code (geometry,
   * name or parent; a code held by several rows counts as changed), PostGIS's validity of those
   * only (the rows left were checked when written), and the draft's rows that go: those of the
   * changed features and those whose code is no longer sent. Returns the validity of the changed
   * features (index `i`); the caller inserts them (and rolls the transaction back on an invalid one).
   */
  async replaceChanged(tx: EntityManager, versionId: number, features: Pick<Candidate, 'i' | 'code' | 'name' | 'parent' | 'geom'>[]): Promise<Omit<ValidityRow, 'repairedParts'>[]> {
    return sqlRows<Omit<ValidityRow, 'repairedParts'>>(
      tx,
      `WITH input AS (
         SELECT (f->>'i')::int AS i, f->>'code' AS code, f->>'name' AS name, f->>'parent' AS parent,
                ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(f->'geom'), 4326)) AS g
           FROM jsonb_array_elements($2::jsonb) f
       ), cur AS MATERIALIZED (SELECT id, code, name, parent_code, geom, count(*) OVER (PARTITION BY code) AS n FROM area WHERE version_id = $1),
       cmp AS MATERIALIZED (
         SELECT input.i, input.code, input.g,
                EXISTS (SELECT 1 FROM cur WHERE cur.code = input.code AND cur.n = 1 AND cur.name = input.name
                           AND cur.parent_code IS NOT DISTINCT FROM input.parent AND ST_OrderingEquals(cur.geom, input.g)) AS same
           FROM input
       ),
       gone AS (DELETE FROM area a WHERE a.id IN (SELECT id FROM cur WHERE cur.code NOT IN (SELECT code FROM cmp WHERE same)) RETURNING 1),
       checked AS (SELECT i, ST_IsValidDetail(g) AS det FROM cmp WHERE NOT same)
       SELECT i, (det).valid AS valid, (det).reason AS reason, ST_AsGeoJSON((det).location, 7)::jsonb AS location FROM checked ORDER BY i`,
      [versionId, `[${features.map((c) => `${JSON.stringify({ i: c.i, code: c.code, name: c.name, parent: c.parent }).slice(0, -1)},"geom":${c.geom}}`).join(',')}]`],
    );
  }

  /**
   * Since the draft was copied: which of the parent's children were added, removed or reshaped
   * (compared by code and geometry with the rows it was copied from). Empty lists: still current.
   */
  async changedSince(db: EntityManager, parentCode: string, level: string, baseIds: number[]): Promise<{ added: string[]; removed: string[]; reshaped: string[] }> {
    const [row] = await sqlRows<{ added: string[]; removed: string[]; reshaped: string[] }>(
      db,
      `WITH base AS (SELECT code, geom FROM area WHERE id = ANY($3::bigint[])),
            cur AS (SELECT id, code, geom FROM area c WHERE c.parent_code = $1 AND c.level = $2 AND ${CURRENT('c')})
       SELECT coalesce((SELECT array_agg(code ORDER BY code) FROM cur WHERE code NOT IN (SELECT code FROM base)), '{}') AS added,
              coalesce((SELECT array_agg(code ORDER BY code) FROM base WHERE code NOT IN (SELECT code FROM cur)), '{}') AS removed,
              coalesce((SELECT array_agg(cur.code ORDER BY cur.code) FROM cur JOIN base ON base.code = cur.code
                         WHERE cur.id <> ALL($3::bigint[]) AND NOT ST_Equals(cur.geom, base.geom)), '{}') AS reshaped`,
      [parentCode, level, baseIds],
    );
    return row;
  }

  /**
   * Per-row metrics of a version, counted by location against the draft geometry (the
   * records are attributed to current grids, not to a draft): households through their place.
   * Events: reported in the last 90 days.
   */
  async metrics(db: EntityManager, versionId: number): Promise<Omit<GridMetrics, 'outlier'>[]> {
    return sqlRows<Omit<GridMetrics, 'outlier'>>(
      db,
      `SELECT d.code, d.name,
              (SELECT count(*)::int FROM place p JOIN household h ON h.place_id = p.id WHERE p.geom && d.geom AND ST_Covers(d.geom, p.geom)) AS households,
              (SELECT count(*)::int FROM person x WHERE x.geom && d.geom AND ST_Covers(d.geom, x.geom)) AS people,
              (SELECT count(*)::int FROM place x WHERE x.geom && d.geom AND ST_Covers(d.geom, x.geom)) AS places,
              (SELECT count(*)::int FROM city_object x WHERE x.geom && d.geom AND ST_Covers(d.geom, x.geom)) AS components,
              (SELECT count(*)::int FROM organization x WHERE x.geom && d.geom AND ST_Covers(d.geom, x.geom)) AS organizations,
              (SELECT count(*)::int FROM event x WHERE x.geom && d.geom AND x.reported_at > now() - interval '90 days' AND ST_Covers(d.geom, x.geom)) AS "events90d",
              round(ST_Area(d.geom::geography)::numeric, 1)::float8 AS "areaM2",
              round(${PP('d.geom')}::numeric, 3)::float8 AS compactness,
              ST_NumGeometries(d.geom) AS parts
         FROM area d WHERE d.version_id = $1 ORDER BY d.code`,
      [versionId],
    );
  }

  /**
   * What publishing the draft would change (CHANGE_SET, as AreaPublishRepository.publishAreas
   * decides it): the ids of the draft rows it would open and of the current rows it would close.
   */
  async changeSet(db: EntityManager, versionId: number): Promise<{ opened: number[]; closed: number[] }> {
    const row = await sqlRow<{ opened: number[]; closed: number[] }>(
      db,
      `WITH ${CHANGE_SET}
       SELECT (SELECT coalesce(array_agg(id::int ORDER BY id), '{}') FROM area WHERE version_id = $1 AND id NOT IN (SELECT did FROM kept)) AS opened,
              (SELECT coalesce(array_agg(id::int ORDER BY id), '{}') FROM rep WHERE id NOT IN (SELECT cid FROM kept)) AS closed`,
      [versionId],
    );
    return row ?? { opened: [], closed: [] };
  }

  /**
   * How many rows of one registered table publishing would move to another grid (grid code), by
   * the statement text publishing runs (REATTRIBUTION): the rows lying in the areas it would open
   * or close get the grid the areas holding afterwards give them, and the rows left pointing at a
   * closed area lose theirs. Only rows inside the changed areas are read, as publishing does.
   */
  async moves(db: EntityManager, t: AttributedTable, change: { opened: number[]; closed: number[] }): Promise<number> {
    const row = await sqlRow<{ n: number }>(
      db,
      `WITH ${REATTRIBUTION(t)}
       SELECT ((SELECT count(*) FROM best WHERE best.old_code IS DISTINCT FROM best.code) + (SELECT count(*) FROM left_behind))::int AS n`,
      [change.opened, change.closed],
    );
    return row?.n ?? 0;
  }

  /** Draft rows against the rows they replace, by code: added, removed, reshaped, unchanged; the changed ones as GeoJSON. */
  async diff(db: EntityManager, versionId: number) {
    const [row] = await sqlRows<{ lists: Record<string, string[]>; diff: ImpactReport['diff'] }>(
      db,
      `WITH rep AS (${REPLACED}), d AS (SELECT code, geom FROM area WHERE version_id = $1),
       ch AS (
         SELECT d.code, 'added' AS change, d.geom FROM d WHERE d.code NOT IN (SELECT code FROM rep)
         UNION ALL SELECT rep.code, 'removed', rep.geom FROM rep WHERE rep.code NOT IN (SELECT code FROM d)
         -- same shape to ~10 cm (a draft saved from the studio comes back rounded to 7 decimals)
         UNION ALL SELECT d.code, CASE WHEN ST_NPoints(d.geom) = ST_NPoints(rep.geom) AND ST_HausdorffDistance(d.geom, rep.geom) < 1e-6 THEN 'unchanged' ELSE 'reshaped' END, d.geom FROM d JOIN rep ON rep.code = d.code
       )
       SELECT coalesce((SELECT jsonb_object_agg(change, codes) FROM (SELECT change, jsonb_agg(code ORDER BY code) AS codes FROM ch GROUP BY change) x), '{}'::jsonb) AS lists,
              jsonb_build_object('type', 'FeatureCollection', 'features', coalesce((SELECT jsonb_agg(jsonb_build_object('type', 'Feature',
                'geometry', ST_AsGeoJSON(geom, 7)::jsonb, 'properties', jsonb_build_object('code', code, 'change', change))) FROM ch WHERE change <> 'unchanged'), '[]'::jsonb)) AS diff`,
      [versionId],
    );
    const l = row.lists as Record<string, string[]>;
    return { areas: { added: l.added ?? [], removed: l.removed ?? [], reshaped: l.reshaped ?? [], unchanged: l.unchanged ?? [] }, diff: row.diff };
  }

  /** Current staff of the given grid codes. */
  async staffOf(db: EntityManager, codes: string[]): Promise<{ name: string; role: string; code: string }[]> {
    return sqlRows<{ name: string; role: string; code: string }>(
      db,
      `SELECT name, role, area_code AS code FROM grid_staff WHERE area_code = ANY($1::text[]) AND valid_from <= now() AND (valid_to IS NULL OR valid_to > now()) ORDER BY area_code, role`,
      [codes],
    );
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AreaRef, AreaSummary, AreaVersionSummary, GeoJsonFeatureCollection, GridStaff } from '@gc/contracts';
import { inScope } from '../auth/scope';
import { sqlRow, sqlRows } from '../../core/database/sql';
import type { AreaEntity } from './entities/area.entity';

/** Rows valid at $n (NULL = now): published and not yet closed then. */
const validAt = (a: string, at: string) => `${a}.valid_from IS NOT NULL AND ${a}.valid_from <= coalesce(${at}::timestamptz, now()) AND (${a}.valid_to IS NULL OR ${a}.valid_to > coalesce(${at}::timestamptz, now()))`;

const SUMMARY = `a.id::int, a.code, a.name, a.level, a.parent_code AS "parentCode", a.path::text AS path,
  a.version_id::int AS "versionId", a.area_m2 AS "areaM2", a.valid_from AS "validFrom", a.valid_to AS "validTo"`;

@Injectable()
export class AreasRepository {
  async list(db: EntityManager, q: { level?: string; parent?: string; q?: string; limit: number }, scope: string | null): Promise<AreaSummary[]> {
    return sqlRows<AreaSummary>(
      db,
      `SELECT ${SUMMARY} FROM area a
        WHERE ${validAt('a', 'NULL')}
          AND ($1::text IS NULL OR a.level = $1) AND ($2::text IS NULL OR a.parent_code = $2)
          AND ($3::text IS NULL OR a.name ILIKE '%' || $3 || '%' OR a.code LIKE $3 || '%')
          AND ${inScope('a.path', '$4')}
        ORDER BY a.path LIMIT $5`,
      [q.level ?? null, q.parent ?? null, q.q ?? null, scope, q.limit],
    );
  }

  async byCode(db: EntityManager, code: string, at: Date | null, scope: string | null) {
    const [row] = await sqlRows<AreaSummary & { geometry: AreaEntity['geom']; childrenCount: number }>(
      db,
      `SELECT ${SUMMARY}, ST_AsGeoJSON(a.geom, 7)::jsonb AS geometry,
              (SELECT count(*)::int FROM area c WHERE c.parent_code = a.code AND ${validAt('c', '$2')}) AS "childrenCount"
         FROM area a WHERE a.code = $1 AND ${validAt('a', '$2')} AND ${inScope('a.path', '$3')}`,
      [code, at, scope],
    );
    return row;
  }

  /** The ancestors named by a path (root first), as valid at `at`. */
  async chain(db: EntityManager, path: string, at: Date | null): Promise<AreaRef[]> {
    return sqlRows<AreaRef>(
      db,
      `SELECT a.code, a.name, a.level FROM area a
        WHERE a.path @> $1::ltree AND a.path <> $1::ltree AND ${validAt('a', '$2')}
        ORDER BY nlevel(a.path)`,
      [path, at],
    );
  }

  /** One level of one version (or the current rows) as a GeoJSON FeatureCollection built in SQL. */
  async export(db: EntityManager, level: string | null, versionId: number | null, scope: string | null) {
    const [row] = await sqlRows<{ fc: GeoJsonFeatureCollection }>(
      db,
      `SELECT jsonb_build_object('type', 'FeatureCollection', 'features', coalesce(jsonb_agg(
                jsonb_build_object('type', 'Feature', 'id', a.id, 'geometry', ST_AsGeoJSON(a.geom, 7)::jsonb,
                  'properties', jsonb_build_object('code', a.code, 'name', a.name, 'level', a.level, 'parent_code', a.parent_code,
                    'path', a.path::text, 'version_id', a.version_id, 'area_m2', round(a.area_m2::numeric, 1),
                    'valid_from', a.valid_from, 'valid_to', a.valid_to)) ORDER BY a.path), '[]'::jsonb)) AS fc
         FROM area a
        WHERE ($1::text IS NULL OR a.level = $1)
          AND (CASE WHEN $2::bigint IS NULL THEN ${validAt('a', 'NULL')} ELSE a.version_id = $2 END)
          AND ${inScope('a.path', '$3')}`,
      [level, versionId, scope],
    );
    return row.fc;
  }

  async versions(db: EntityManager): Promise<AreaVersionSummary[]> {
    return sqlRows<AreaVersionSummary>(
      db,
      `SELECT v.id::int, v.level, v.status, v.label, (SELECT count(*)::int FROM area a WHERE a.version_id = v.id) AS areas,
              v.created_at AS "createdAt", v.created_by AS "createdBy", v.published_at AS "publishedAt",
              v.published_by AS "publishedBy", v.gaps_acknowledged AS "gapsAcknowledged"
         FROM area_version v ORDER BY v.id DESC LIMIT 500`,
    );
  }

  async versionExists(db: EntityManager, id: number): Promise<boolean> {
    return (await sqlRow<{ one: number }>(db, `SELECT 1 AS one FROM area_version WHERE id = $1`, [id])) !== undefined;
  }

  async addStaff(tx: EntityManager, s: { areaCode: string; role: string; name: string; userId: number | null; validFrom: Date | null; validTo: Date | null }): Promise<GridStaff> {
    const [row] = await sqlRows<GridStaff>(
      tx,
      `INSERT INTO grid_staff (area_code, role, name, user_id, valid_from, valid_to)
       VALUES ($1, $2, $3, $4, coalesce($5::timestamptz, now()), $6)
       RETURNING id::int, area_code AS "areaCode", role, name, user_id::int AS "userId", valid_from AS "validFrom", valid_to AS "validTo"`,
      [s.areaCode, s.role, s.name, s.userId, s.validFrom, s.validTo],
    );
    return row;
  }

  /** Staff of a grid; with `at`, only those assigned then. */
  async staff(db: EntityManager, code: string, at: Date | null): Promise<GridStaff[]> {
    return sqlRows<GridStaff>(
      db,
      `SELECT id::int, area_code AS "areaCode", role, name, user_id::int AS "userId", valid_from AS "validFrom", valid_to AS "validTo"
         FROM grid_staff
        WHERE area_code = $1 AND ($2::timestamptz IS NULL OR (valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)))
        ORDER BY role, valid_from`,
      [code, at],
    );
  }
}

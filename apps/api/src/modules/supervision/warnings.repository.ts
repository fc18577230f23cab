import { Injectable } from '@nestjs/common';
import type { SupervisionWarning, WarningStatus } from '@gc/contracts';
import { sqlRow, sqlRows, sqlRun, type SqlDb } from '../../core/database/sql';
import { inScope } from '../auth/scope';
import type { Candidate, SpikeCount, WarningRules } from './warning-rules';

const VIEW = `w.id::int, w.kind, w.subject, w.area_path::text AS "areaPath",
  (SELECT a.name FROM area a WHERE a.code = subpath(w.area_path, -1)::text ORDER BY a.valid_to DESC NULLS FIRST LIMIT 1) AS "areaName",
  w.department_id::int AS "departmentId", (SELECT d.name FROM department d WHERE d.id = w.department_id) AS "departmentName",
  w.figures, w.status, w.raised_at AS "raisedAt", w.updated_at AS "updatedAt", w.handled_at AS "handledAt", w.handled_by AS "handledBy"`;

/** Visibility of a warning: its area inside the scope ($1); department staff ($2) only their department's. */
const VISIBLE = `(${inScope('w.area_path', '$1')} OR ($1::ltree IS NULL AND w.area_path IS NULL)) AND ($2::bigint IS NULL OR w.department_id = $2)`;

@Injectable()
export class WarningsRepository {
  async exists(db: SqlDb, c: Candidate): Promise<boolean> {
    return (await sqlRow<{ one: number }>(db, `SELECT 1 AS one FROM sv_warning WHERE kind = $1 AND subject = $2`, [c.kind, c.subject])) !== undefined;
  }

  /**
   * Per district and street ($2: their depths) and category: cases today ($1) and in the
   * `baselineDays` ($3) before, with the area's totals and the whole territory's mix; only where today has ≥ $4 (the rule decides).
   */
  async spikeCounts(db: SqlDb, today: string, depths: { street: number[]; district: number[] }, baselineDays: number, minToday: number): Promise<SpikeCount[]> {
    return sqlRows<SpikeCount>(
      db,
      `WITH d AS (
         SELECT node, key, coalesce(sum(reported) FILTER (WHERE day = $1::date), 0)::int AS today,
                coalesce(sum(reported) FILTER (WHERE day < $1::date), 0)::int AS base
           FROM sv_daily WHERE kind = 'category' AND lvl = ANY($2::int[]) AND day BETWEEN $1::date - $3::int AND $1::date
          GROUP BY node, key),
       a AS (SELECT node, sum(today)::int AS area_today, sum(base)::int AS area_base FROM d GROUP BY node),
       -- the whole territory's mix over the same baseline days (its root nodes)
       r AS (SELECT key, sum(reported)::int AS base FROM sv_daily
              WHERE kind = 'category' AND lvl = 1 AND day BETWEEN $1::date - $3::int AND $1::date - 1 GROUP BY key)
       SELECT d.node::text, d.key AS category, c.name AS "categoryName", c.name_en AS "categoryNameEn", d.today, d.base,
              a.area_today AS "areaToday", a.area_base AS "areaBase",
              coalesce(r.base, 0) AS "cityBase", (SELECT coalesce(sum(base), 0)::int FROM r) AS "cityTotal",
              (SELECT count(*) FROM event_category WHERE parent_code IS NOT NULL)::int AS categories
         FROM d JOIN a ON a.node = d.node LEFT JOIN r ON r.key = d.key LEFT JOIN event_category c ON c.code = d.key
        WHERE d.today >= $4`,
      [today, [...depths.district, ...depths.street], baselineDays, minToday],
    );
  }

  /** Repeats per ~50 m cell; overdue per street; report-in per department (their thresholds in SQL). */
  async evaluate(db: SqlDb, today: string, depths: { street: number[]; district: number[] }, r: WarningRules): Promise<Candidate[]> {
    const streetDepths = depths.street;
    const repeats = await sqlRows<Candidate>(
      db,
      `SELECT 'repeat_place' AS kind,
              c.category || ':' || ST_X(ST_SnapToGrid(e.geom, 0.0005))::text || ',' || ST_Y(ST_SnapToGrid(e.geom, 0.0005))::text || ':' || to_char($1::date, 'YYYY-MM') AS subject,
              (array_agg(c.path_then::text ORDER BY c.day DESC))[1] AS "areaPath", NULL::int AS "departmentId",
              jsonb_build_object('category', c.category, 'categoryName', min(cat.name), 'categoryNameEn', min(cat.name_en), 'repeats', count(*), 'cases', array_agg(c.event_id ORDER BY c.event_id),
                                 'withinMetres', 50, 'days', 30, 'min', $2::int,
                                 'lon', round(ST_X(ST_SnapToGrid(e.geom, 0.0005))::numeric, 4), 'lat', round(ST_Y(ST_SnapToGrid(e.geom, 0.0005))::numeric, 4)) AS figures
         FROM sv_case c JOIN event e ON e.id = c.event_id LEFT JOIN event_category cat ON cat.code = c.category
        WHERE c.day BETWEEN $1::date - 30 AND $1::date AND c.repeat = 1
        GROUP BY c.category, ST_SnapToGrid(e.geom, 0.0005)
       HAVING count(*) >= $2`,
      [today, r.repeatMin],
    );
    const overdue = await sqlRows<Candidate>(
      db,
      `SELECT 'overdue' AS kind, node::text || ':' || $1 AS subject, node::text AS "areaPath", NULL::int AS "departmentId",
              jsonb_build_object('openOverdue', sum(open_overdue), 'threshold', $3::int) AS figures
         FROM sv_daily WHERE kind = 'area' AND lvl = ANY($2::int[])
        GROUP BY node HAVING sum(open_overdue) >= $3`,
      [today, streetDepths, r.overdueThreshold],
    );
    const drops = await sqlRows<Candidate>(
      db,
      `WITH d AS (
         SELECT key, sum(summons_due) FILTER (WHERE day > $1::date - $2::int) AS due_recent,
                sum(summons_on_time) FILTER (WHERE day > $1::date - $2::int) AS on_recent,
                sum(summons_due) FILTER (WHERE day <= $1::date - $2::int) AS due_base,
                sum(summons_on_time) FILTER (WHERE day <= $1::date - $2::int) AS on_base
           FROM sv_daily WHERE kind = 'department' AND lvl = 1 AND day > $1::date - $2::int - $3::int AND day <= $1::date
          GROUP BY key)
       SELECT 'report_in_drop' AS kind, key || ':' || $1 AS subject, NULL AS "areaPath", key::int AS "departmentId",
              jsonb_build_object('recentRate', round((on_recent::float8 / due_recent)::numeric, 3), 'baselineRate', round((on_base::float8 / due_base)::numeric, 3),
                                 'recentDue', due_recent, 'baselineDue', due_base, 'recentDays', $2::int, 'baselineDays', $3::int, 'drop', $4::float8) AS figures
         FROM d
        WHERE due_recent >= $5 AND due_base >= $5 AND on_recent::float8 / due_recent <= on_base::float8 / due_base - $4`,
      [today, r.recentDays, r.baselineDays, r.reportInDrop, r.reportInMinDue],
    );
    return [...repeats, ...overdue, ...drops];
  }

  /** Raise new warnings, refresh the figures of open ones; returns those raised or changed (with inserted = new). */
  async upsert(tx: SqlDb, c: Candidate): Promise<{ id: number; inserted: boolean } | undefined> {
    return sqlRow<{ id: number; inserted: boolean }>(
      tx,
      `INSERT INTO sv_warning (kind, subject, area_path, department_id, figures) VALUES ($1, $2, $3::ltree, $4, $5::jsonb)
       ON CONFLICT (kind, subject) DO UPDATE SET figures = excluded.figures, updated_at = now()
        WHERE sv_warning.status = 'open' AND sv_warning.figures IS DISTINCT FROM excluded.figures
       RETURNING id::int, (xmax = 0) AS inserted`,
      [c.kind, c.subject, c.areaPath, c.departmentId, JSON.stringify(c.figures)],
    );
  }

  async get(db: SqlDb, id: number, scopePath: string | null, departmentId: number | null, lock = false): Promise<SupervisionWarning | undefined> {
    return sqlRow<SupervisionWarning>(db, `SELECT ${VIEW} FROM sv_warning w WHERE w.id = $3 AND ${VISIBLE}${lock ? ' FOR UPDATE OF w' : ''}`, [scopePath, departmentId, id]);
  }

  async list(db: SqlDb, scopePath: string | null, departmentId: number | null, status: WarningStatus | null, limit: number): Promise<SupervisionWarning[]> {
    return sqlRows<SupervisionWarning>(db, `SELECT ${VIEW} FROM sv_warning w WHERE ${VISIBLE} AND ($3::text IS NULL OR w.status = $3) ORDER BY w.raised_at DESC, w.id DESC LIMIT $4`, [
      scopePath,
      departmentId,
      status,
      limit,
    ]);
  }

  async setStatus(tx: SqlDb, id: number, status: WarningStatus, by: string): Promise<void> {
    await sqlRun(tx, `UPDATE sv_warning SET status = $2, handled_at = now(), handled_by = $3, updated_at = now() WHERE id = $1`, [id, status, by]);
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SupervisionWarning, WarningKind, WarningStatus } from '@gc/contracts';
import { inScope } from '../auth/scope';

/** A warning the evaluation found: kind, subject (with its period), where, whose, and the figures. */
export interface Candidate {
  kind: WarningKind;
  subject: string;
  areaPath: string | null;
  departmentId: number | null;
  figures: Record<string, unknown>;
}

export interface WarningRules {
  /** spike: today's cases of a category in a street ≥ factor × its daily mean over the baseline days, and ≥ min */
  spikeFactor: number;
  spikeMin: number;
  baselineDays: number;
  /** repeats at one place: this many repeat complaints (same category within 50 m and 30 days) in one ~50 m cell */
  repeatMin: number;
  /** open overdue cases in one street */
  overdueThreshold: number;
  /** report-in rate of the last `recentDays` this far (0–1) below the previous `baselineDays`, with at least `reportInMinDue` summons due */
  reportInDrop: number;
  recentDays: number;
  reportInMinDue: number;
}

const VIEW = `w.id::int, w.kind, w.subject, w.area_path::text AS "areaPath",
  (SELECT a.name FROM area a WHERE a.code = subpath(w.area_path, -1)::text ORDER BY a.valid_to DESC NULLS FIRST LIMIT 1) AS "areaName",
  w.department_id::int AS "departmentId", (SELECT d.name FROM department d WHERE d.id = w.department_id) AS "departmentName",
  w.figures, w.status, w.raised_at AS "raisedAt", w.updated_at AS "updatedAt", w.handled_at AS "handledAt", w.handled_by AS "handledBy"`;

/** Visibility of a warning: its area inside the scope ($1); department staff ($2) only their department's. */
const VISIBLE = `(${inScope('w.area_path', '$1')} OR ($1::ltree IS NULL AND w.area_path IS NULL)) AND ($2::bigint IS NULL OR w.department_id = $2)`;

@Injectable()
export class WarningsRepository {
    async exists(db: EntityManager, c: Candidate): Promise<boolean> {
    const rows: unknown[] = await db.query(`SELECT 1 FROM sv_warning WHERE kind = $1 AND subject = $2`, [c.kind, c.subject]);
    return rows.length > 0;
  }

  /** Spikes per district and per street and category; overdue per street; repeats per ~50 m cell; report-in per department. */
  async evaluate(db: EntityManager, today: string, depths: { street: number[]; district: number[] }, r: WarningRules): Promise<Candidate[]> {
    const streetDepths = depths.street;
    const spikes: Candidate[] = await db.query(
      `WITH d AS (
         SELECT node, key, sum(reported) FILTER (WHERE day = $1::date) AS today,
                sum(reported) FILTER (WHERE day < $1::date)::float8 / $3 AS mean
           FROM sv_daily WHERE kind = 'category' AND lvl = ANY($2::int[]) AND day BETWEEN $1::date - $3::int AND $1::date
          GROUP BY node, key)
       SELECT 'spike' AS kind, d.node::text || ':' || d.key || ':' || $1 AS subject, d.node::text AS "areaPath", NULL::int AS "departmentId",
              jsonb_build_object('category', d.key, 'categoryName', c.name, 'categoryNameEn', c.name_en, 'today', d.today, 'baselinePerDay', round(coalesce(d.mean, 0)::numeric, 2),
                                 'baselineDays', $3::int, 'factor', $4::float8, 'min', $5::int) AS figures
         FROM d LEFT JOIN event_category c ON c.code = d.key
        WHERE d.today >= $5 AND d.today >= $4 * coalesce(d.mean, 0)`,
      [today, [...depths.district, ...depths.street], r.baselineDays, r.spikeFactor, r.spikeMin],
    );
    const repeats: Candidate[] = await db.query(
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
    const overdue: Candidate[] = await db.query(
      `SELECT 'overdue' AS kind, node::text || ':' || $1 AS subject, node::text AS "areaPath", NULL::int AS "departmentId",
              jsonb_build_object('openOverdue', sum(open_overdue), 'threshold', $3::int) AS figures
         FROM sv_daily WHERE kind = 'area' AND lvl = ANY($2::int[])
        GROUP BY node HAVING sum(open_overdue) >= $3`,
      [today, streetDepths, r.overdueThreshold],
    );
    const drops: Candidate[] = await db.query(
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
    return [...spikes, ...repeats, ...overdue, ...drops];
  }

  /** Raise new warnings, refresh the figures of open ones; returns those raised or changed (with inserted = new). */
  async upsert(tx: EntityManager, c: Candidate): Promise<{ id: number; inserted: boolean } | undefined> {
    const [row] = await tx.query(
      `INSERT INTO sv_warning (kind, subject, area_path, department_id, figures) VALUES ($1, $2, $3::ltree, $4, $5::jsonb)
       ON CONFLICT (kind, subject) DO UPDATE SET figures = excluded.figures, updated_at = now()
        WHERE sv_warning.status = 'open' AND sv_warning.figures IS DISTINCT FROM excluded.figures
       RETURNING id::int, (xmax = 0) AS inserted`,
      [c.kind, c.subject, c.areaPath, c.departmentId, JSON.stringify(c.figures)],
    );
    return row;
  }

  async get(db: EntityManager, id: number, scopePath: string | null, departmentId: number | null, lock = false): Promise<SupervisionWarning | undefined> {
    const [row] = await db.query(`SELECT ${VIEW} FROM sv_warning w WHERE w.id = $3 AND ${VISIBLE}${lock ? ' FOR UPDATE OF w' : ''}`, [scopePath, departmentId, id]);
    return row;
  }

  async list(db: EntityManager, scopePath: string | null, departmentId: number | null, status: WarningStatus | null, limit: number): Promise<SupervisionWarning[]> {
    return db.query(`SELECT ${VIEW} FROM sv_warning w WHERE ${VISIBLE} AND ($3::text IS NULL OR w.status = $3) ORDER BY w.raised_at DESC, w.id DESC LIMIT $4`, [
      scopePath,
      departmentId,
      status,
      limit,
    ]);
  }

  async setStatus(tx: EntityManager, id: number, status: WarningStatus, by: string): Promise<void> {
    await tx.query(`UPDATE sv_warning SET status = $2, handled_at = now(), handled_by = $3, updated_at = now() WHERE id = $1`, [id, status, by]);
  }
}

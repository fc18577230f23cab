/**
 * The facts behind every indicator, defined ONCE in SQL text and used by the facts worker
 * (derive → sv_case, delta → sv_daily), by the per-case path ("as now", department staff) and by
 * the benchmark's raw GROUP BY peer. Column names come from code, never from a request.
 */
export const MEASURES = [
  'reported',
  'registered',
  'dispatched',
  'handled',
  'handled_on_time',
  'handled_late',
  'open_overdue',
  'closed',
  'closed_on_time',
  'rework',
  'handle_minutes',
  'handle_n',
  'escalations',
  'sat_sum',
  'sat_n',
  'sat_good',
  'in_grid',
  'self_handled',
  'summons_due',
  'summons_on_time',
  'summons_late',
  'summons_late_minutes',
  'repeat',
] as const;
export type Measure = (typeof MEASURES)[number];
export type Measures = Record<Measure, number>;

/** Summons measures belong to the SUMMONED departments: the lead department's row carries none of them. */
const SUMMONS_MEASURES: readonly Measure[] = ['summons_due', 'summons_on_time', 'summons_late', 'summons_late_minutes'];

export const OPEN_STATES_SQL = `ARRAY['reported','unplaced','accepted','registered','dispatched','in_progress','handled','verified','returned','rework','extension_requested','deferred','on_account']`;

const local = (t: string) => `((${t} AT TIME ZONE 'UTC') + interval '8 hours')`;
const dayMinutes = (t: string) => `sv_day_minutes(extract(epoch FROM ${local(t)} - ${local(t)}::date) / 60)`;

/**
 * Working minutes between instants `a` and `b` (SQL expressions) as working-time.ts counts them,
 * in O(1): the rest of a's day, the start of b's day, 420 for every working day strictly between
 * (from the cumulative count of sv_calendar_day rows `ca`, `cb`: a's and b's Shanghai days; Shanghai
 * is UTC+8 with no daylight saving). A plain expression, no function call per case (a SQL
 * function with a query inside ran as its own plan per call: ~170 µs a case). NULL outside the calendar.
 */
export function workingMinutesSql(a: string, b: string, ca: string, cb: string): string {
  return `CASE WHEN ${b} <= ${a} THEN 0::float8
    WHEN ${ca}.day = ${cb}.day THEN CASE WHEN ${ca}.workday THEN ${dayMinutes(b)} - ${dayMinutes(a)} ELSE 0 END
    ELSE (CASE WHEN ${ca}.workday THEN 420 - ${dayMinutes(a)} ELSE 0 END) + (CASE WHEN ${cb}.workday THEN ${dayMinutes(b)} ELSE 0 END)
         + 420 * (${cb}.cum - ${cb}.workday::int - ${ca}.cum) END`;
}

/** The calendar rows of two instants' Shanghai days, as `ca` and `cb` (LEFT JOINs: NULL outside 2015–2035). */
export function calendarJoins(a: string, b: string): string {
  return `LEFT JOIN sv_calendar_day ca ON ca.day = ${local(a)}::date LEFT JOIN sv_calendar_day cb ON cb.day = ${local(b)}::date`;
}

/**
 * A repeat complaint: an earlier case `p` of the same category within 50 m and 30 days of `e`.
 * The box (just over 50 m each way: 0.0005° of latitude is 55 m, of longitude 55 m × cos(latitude))
 * is what an index finds; ST_DWithin in metres decides.
 */
const REPEAT_BOX = (e: string) => `ST_Expand(${e}.geom, 0.0005 / cos(radians(ST_Y(${e}.geom))), 0.0005)`;
const REPEAT_PREDICATE = (p: string, e: string) =>
  `${p}.category_code = ${e}.category_code AND ${p}.id <> ${e}.id
   AND ${p}.reported_at < ${e}.reported_at AND ${p}.reported_at >= ${e}.reported_at - interval '30 days'
   AND ${p}.geom && ${REPEAT_BOX(e)} AND ST_DWithin(${p}.geom::geography, ${e}.geom::geography, 50)`;
/**
 * Cells that hold every repeat box: bands of 0.0005° of latitude; in band b, columns as wide as
 * the box is at the most poleward latitude of bands b−1 … b+1 (0.0005° / cos). A case's box then
 * lies in bands b−1 … b+1 and, in each, in three adjacent columns: nine cells.
 */
const BAND = (y: string) => `floor(${y} / 0.0005)`;
const COLUMN_WIDTH = (band: string) => `(0.0005 / cos(radians(least(89.0, (abs(${band}) + 2) * 0.0005))))`;
/**
 * The ids of the cases of `ids` that are repeats, set-based: the chunk's cases (each in its nine
 * cells) hash-joined with every case reported from 30 days before the chunk's first to its last
 * (each in its one cell), then the same predicate as the per-case probe. For whole days of cases.
 */
function repeatWindowSql(ids: string): string {
  return `SELECT DISTINCT q.id FROM (
      SELECT e3.id, e3.category_code, e3.reported_at, e3.geom, b.band, floor(ST_X(e3.geom) / ${COLUMN_WIDTH('b.band')}) + dx.d AS col
        FROM ${ids} i5 JOIN event e3 ON e3.id = i5.id
       CROSS JOIN LATERAL (SELECT ${BAND('ST_Y(e3.geom)')} + dy.d AS band FROM (VALUES (-1), (0), (1)) dy(d)) b
       CROSS JOIN (VALUES (-1), (0), (1)) dx(d)
       WHERE e3.geom IS NOT NULL) q
    JOIN (SELECT p.id, p.category_code, p.reported_at, p.geom, ${BAND('ST_Y(p.geom)')} AS band, floor(ST_X(p.geom) / ${COLUMN_WIDTH(BAND('ST_Y(p.geom)'))}) AS col
            FROM event p
           WHERE p.geom IS NOT NULL
             AND p.reported_at >= (SELECT min(e4.reported_at) - interval '30 days' FROM ${ids} i6 JOIN event e4 ON e4.id = i6.id)
             AND p.reported_at < (SELECT max(e4.reported_at) FROM ${ids} i6 JOIN event e4 ON e4.id = i6.id)) p
      ON p.category_code = q.category_code AND p.band = q.band AND p.col = q.col
   WHERE ${REPEAT_PREDICATE('p', 'q')}`;
}

/**
 * One row of facts per event of `ids` (a SQL relation with column `id`: a CTE name or a
 * parenthesised subquery; it is read three times), as of the instant `asOf` (a SQL expression:
 * open cases past their deadline then, summonses past due then).
 * `pathThen`: SQL expression for the case's "as then" path (the worker keeps the first one seen).
 * Columns: event_id, day, path_then, department_id, worker, category, source, every measure, summons.
 *
 * Set-based: the log entries and the summonses of ALL the events of `ids` are each summed by one
 * GROUP BY (hash joins over the chunk), not by a subquery run per event. The repeat probe:
 * `repeats = 'probe'` per case (a GiST probe on event.geom: a few hundred scattered cases, the
 * worker), `'window'` by one hash join of the chunk with the cases of its days and the 30 before
 * (`repeatWindowSql`: a rebuild of whole days); the same predicate, so the same answer.
 *
 * The worker (网格员) of a case: whoever self-handled it, else the person it was dispatched to
 * (an assignee with an account), else the grid worker of its grid as then (`grid_staff` in post
 * on the day of report; when the register starts later, its first one). The demo's history
 * stores the department's name as the assignee, with no account: it never counts as a worker.
 */
export function caseFactsSql(ids: string, asOf: string, pathThen: (e: string) => string, extraJoin = '', repeats: 'probe' | 'window' = 'probe'): string {
  return `
  SELECT e.id AS event_id,
         ((e.reported_at AT TIME ZONE 'UTC') + interval '8 hours')::date AS day,
         ${pathThen('e')} AS path_then,
         e.department_id,
         coalesce(t.self_actor, CASE WHEN e.assignee_user_id IS NOT NULL THEN e.assignee_name END,
                  (SELECT gs.name FROM grid_staff gs
                    WHERE gs.area_code = subpath(${pathThen('e')}, -1)::text AND gs.role = 'grid_worker' AND (gs.valid_to IS NULL OR gs.valid_to > e.reported_at)
                    ORDER BY gs.valid_from <= e.reported_at DESC, CASE WHEN gs.valid_from <= e.reported_at THEN gs.valid_from END DESC, gs.valid_from, gs.id
                    LIMIT 1)) AS worker, e.category_code AS category, e.source,
         1 AS reported,
         coalesce(t.registered, false)::int AS registered,
         coalesce(t.dispatched, false)::int AS dispatched,
         (e.handled_on_time IS NOT NULL)::int AS handled,
         (e.handled_on_time IS TRUE)::int AS handled_on_time,
         (e.handled_on_time IS FALSE)::int AS handled_late,
         coalesce(e.handled_on_time IS NULL AND e.state = ANY(${OPEN_STATES_SQL}) AND e.due_at < ${asOf}, false)::int AS open_overdue,
         (e.state IN ('closed', 'evaluated'))::int AS closed,
         (e.state IN ('closed', 'evaluated') AND e.handled_on_time IS TRUE)::int AS closed_on_time,
         (e.rework_count > 0)::int AS rework,
         CASE WHEN e.state IN ('closed', 'evaluated') AND e.closed_at IS NOT NULL THEN coalesce(${workingMinutesSql('e.reported_at', 'e.closed_at', 'ca', 'cb')}, 0) ELSE 0 END AS handle_minutes,
         (e.state IN ('closed', 'evaluated') AND e.closed_at IS NOT NULL)::int AS handle_n,
         coalesce(t.escalations, 0)::int AS escalations,
         coalesce(e.satisfaction, 0)::int AS sat_sum,
         (e.satisfaction IS NOT NULL)::int AS sat_n,
         coalesce(e.satisfaction >= 4, false)::int AS sat_good,
         (e.state IN ('closed', 'evaluated') AND NOT coalesce(t.dispatched, false) AND s.event_id IS NULL)::int AS in_grid,
         coalesce(t.self_handled, false)::int AS self_handled,
         coalesce(s.due, 0)::int AS summons_due, coalesce(s.on_time, 0)::int AS summons_on_time, coalesce(s.late, 0)::int AS summons_late,
         coalesce(s.late_minutes, 0)::float8 AS summons_late_minutes,
         -- The probe goes by the GiST index on event.geom alone (the cases in a box just over 50 m each way:
         -- 0.0005° of latitude is 55 m, of longitude 55 m × cos(latitude)), then checks category and days on
         -- those rows: OFFSET 0 keeps the planner from ANDing in event_category_idx or event_reported_at_idx,
         -- which at a million cases read ~40k index entries per case. ST_DWithin in metres decides.
         ${
           repeats === 'probe'
             ? `EXISTS (SELECT 1 FROM (SELECT p.id, p.category_code, p.reported_at, p.geom FROM event p
                                 WHERE p.geom && ${REPEAT_BOX('e')} OFFSET 0) p
                  WHERE ${REPEAT_PREDICATE('p', 'e')})::int`
             : `(rp.id IS NOT NULL)::int`
         } AS repeat,
         coalesce(s.list, '[]'::jsonb) AS summons
    FROM ${ids} ids
    JOIN event e ON e.id = ids.id
    ${calendarJoins('e.reported_at', 'e.closed_at')}
    ${extraJoin}
    ${repeats === 'window' ? `LEFT JOIN (${repeatWindowSql(ids)}) rp ON rp.id = e.id` : ''}
    LEFT JOIN (
     SELECT x.event_id,
            bool_or(x.action = 'register') AS registered,
            bool_or(x.action = 'dispatch') AS dispatched,
            bool_or(x.action = 'self_handle') AS self_handled,
            count(*) FILTER (WHERE x.action = 'escalate') AS escalations,
            max(x.actor_name) FILTER (WHERE x.action = 'self_handle') AS self_actor
       FROM event_transition x WHERE x.event_id IN (SELECT id FROM ${ids} i2)
      GROUP BY x.event_id) t ON t.event_id = e.id
    LEFT JOIN (
     SELECT y.event_id, sum(y.due) AS due, sum(y.on_time) AS on_time, sum(y.late) AS late, sum(y.lm) AS late_minutes,
            jsonb_agg(jsonb_build_object('d', y.d, 'due', y.due, 'on', y.on_time, 'late', y.late, 'lm', y.lm) ORDER BY y.d) AS list
       FROM (SELECT sm.event_id, sd.department_id::int AS d,
                    (sd.reported_at IS NOT NULL OR sm.due_at < ${asOf})::int AS due,
                    (sd.reported_at IS NOT NULL AND sd.reported_at <= sm.due_at)::int AS on_time,
                    coalesce(sd.reported_at > sm.due_at OR (sd.reported_at IS NULL AND sm.due_at < ${asOf}), false)::int AS late,
                    CASE WHEN sd.reported_at > sm.due_at THEN extract(epoch FROM sd.reported_at - sm.due_at) / 60 ELSE 0 END::float8 AS lm
               FROM summons sm JOIN summons_department sd ON sd.summons_id = sm.id
              WHERE sm.event_id IN (SELECT id FROM ${ids} i3)) y
      GROUP BY y.event_id) s ON s.event_id = e.id`;
}

/**
 * What one case row contributes to sv_daily: one `area` row per node of its path (the area and
 * each ancestor), and per node one row per dimension (department, worker, category, source) plus
 * one `department` row per summoned department carrying only the summons measures.
 * `src` is a relation with sv_case's columns and a `path` column; `sign` a SQL number (±1).
 */
export function contributionsSql(src: string, sign: string): string {
  const area = MEASURES.map((m) => `${sign} * r.${m} AS ${m}`).join(', ');
  const dim = MEASURES.map((m) => (SUMMONS_MEASURES.includes(m) ? `CASE WHEN d.kind = 'department' THEN 0 ELSE ${sign} * r.${m} END AS ${m}` : `${sign} * r.${m} AS ${m}`)).join(', ');
  const summonsRow = MEASURES.map((m) => {
    const key = { summons_due: 'due', summons_on_time: 'on', summons_late: 'late', summons_late_minutes: 'lm' }[m as string];
    return key ? `${sign} * (x.j->>'${key}')::float8 AS ${m}` : `0 AS ${m}`;
  }).join(', ');
  // The area and each ancestor. A VALUES list, not generate_series: the planner takes an SRF for 1000
  // rows, and the ~10^6-fold estimates it built made PostgreSQL spend seconds JIT-compiling a 100 ms statement.
  // Paths are at most 6 deep (city … microgrid); 8 leaves room.
  const nodes = `CROSS JOIN LATERAL (SELECT subpath(r.path, 0, lv.i) AS node FROM (VALUES (1), (2), (3), (4), (5), (6), (7), (8)) lv(i) WHERE lv.i <= nlevel(r.path)) k`;
  return `
    SELECT 'area'::text AS kind, k.node, ''::text AS key, r.day, nlevel(k.node)::smallint AS lvl, ${area} FROM ${src} r ${nodes}
    UNION ALL
    SELECT d.kind, k.node, d.key, r.day, nlevel(k.node)::smallint, ${dim} FROM ${src} r ${nodes}
     CROSS JOIN LATERAL (VALUES ('department'::text, r.department_id::text), ('worker', r.worker), ('category', r.category), ('source', r.source)) d(kind, key)
     WHERE d.key IS NOT NULL
    UNION ALL
    SELECT 'department', k.node, x.j->>'d', r.day, nlevel(k.node)::smallint, ${summonsRow} FROM ${src} r ${nodes}
     CROSS JOIN LATERAL jsonb_array_elements(r.summons) x(j)`;
}

/** Σ of every measure (for a GROUP BY), named as the measures. */
export const SUM_MEASURES = MEASURES.map((m) => `sum(${m})::float8 AS ${m}`).join(', ');

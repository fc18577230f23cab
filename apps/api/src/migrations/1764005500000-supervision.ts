import type { MigrationInterface, QueryRunner } from 'typeorm';
import { isWorkday } from 'chinese-days';

/**
 * Supervision and evaluation (issue 19).
 *
 * - `sv_calendar_day` + `sv_day_minutes(m)`: the working-time calendar of
 *   modules/events/working-time.ts (09:00–12:00, 13:30–17:30 Asia/Shanghai on chinese-days'
 *   working days) in SQL, so a case's handling time is derived in the same statement as its other
 *   facts, and the benchmark's raw GROUP BY peer can compute the very same figure.
 * - `sv_case`: one row of derived facts per placed case (the measures below, 0/1 or sums), kept by
 *   the facts worker from the outbox, the event id cursor and deadlines passing. `path_then` is the
 *   grid path the case had when it was first seen (a redraw re-attributes open cases; this does not).
 * - `sv_daily`: the same measures summed per Shanghai day of report, per node (an area path: the
 *   case's area and each of its ancestors) and per kind: `area` (key ''), `department`, `worker`,
 *   `category`, `source` (key = that value). Maintained by delta (new facts − old facts) in the
 *   worker's statement, so a request sums a few thousand rows instead of scanning cases.
 * - `sv_indicator`: each indicator's formula as data, versioned with an effective date.
 * - `sv_warning`: early warnings with the figures that raised them.
 */
const MEASURES = `reported int NOT NULL DEFAULT 0, registered int NOT NULL DEFAULT 0, dispatched int NOT NULL DEFAULT 0,
  handled int NOT NULL DEFAULT 0, handled_on_time int NOT NULL DEFAULT 0, handled_late int NOT NULL DEFAULT 0,
  open_overdue int NOT NULL DEFAULT 0, closed int NOT NULL DEFAULT 0, closed_on_time int NOT NULL DEFAULT 0,
  rework int NOT NULL DEFAULT 0, handle_minutes float8 NOT NULL DEFAULT 0, handle_n int NOT NULL DEFAULT 0,
  escalations int NOT NULL DEFAULT 0, sat_sum int NOT NULL DEFAULT 0, sat_n int NOT NULL DEFAULT 0, sat_good int NOT NULL DEFAULT 0,
  in_grid int NOT NULL DEFAULT 0, self_handled int NOT NULL DEFAULT 0, summons_due int NOT NULL DEFAULT 0,
  summons_on_time int NOT NULL DEFAULT 0, summons_late int NOT NULL DEFAULT 0, summons_late_minutes float8 NOT NULL DEFAULT 0,
  repeat int NOT NULL DEFAULT 0`;

type Formula = { num: string[]; den?: string[]; scale?: number };
// [code, name, name_en, unit, formula]: version 1, effective from 2000-01-01.
const INDICATORS: [string, string, string, string, Formula][] = [
  ['reported', '上报数', 'Reported', 'count', { num: ['reported'] }],
  ['registered', '立案数', 'Registered', 'count', { num: ['registered'] }],
  ['registration_rate', '立案率', 'Registration rate', 'ratio', { num: ['registered'], den: ['reported'] }],
  ['dispatched', '派遣数', 'Dispatched', 'count', { num: ['dispatched'] }],
  ['on_time_handling_rate', '按期处置率', 'On-time handling rate', 'ratio', { num: ['handled_on_time'], den: ['handled_on_time', 'handled_late', 'open_overdue'] }],
  ['closed', '结案数', 'Closed', 'count', { num: ['closed'] }],
  ['closure_rate', '结案率', 'Closure rate', 'ratio', { num: ['closed'], den: ['reported'] }],
  ['on_time_closure_rate', '按期结案率', 'On-time closure rate', 'ratio', { num: ['closed_on_time'], den: ['closed', 'open_overdue'] }],
  ['rework_rate', '返工率', 'Rework rate', 'ratio', { num: ['rework'], den: ['handled'] }],
  ['avg_handling_hours', '平均处置时长(工作小时)', 'Average handling time (working hours)', 'hours', { num: ['handle_minutes'], den: ['handle_n'], scale: 1 / 60 }],
  ['overdue', '超期数', 'Overdue (open)', 'count', { num: ['open_overdue'] }],
  ['escalations', '督办数', 'Escalations', 'count', { num: ['escalations'] }],
  ['satisfaction', '满意度(1-5)', 'Satisfaction (1-5)', 'score', { num: ['sat_sum'], den: ['sat_n'] }],
  ['satisfied_rate', '满意率', 'Satisfied share (4-5)', 'ratio', { num: ['sat_good'], den: ['sat_n'] }],
  ['in_grid_rate', '网格内解决率', 'Solved inside the grid', 'ratio', { num: ['in_grid'], den: ['closed'] }],
  ['summons_report_in_rate', '吹哨报到到位率', 'Summons report-in rate', 'ratio', { num: ['summons_on_time'], den: ['summons_due'] }],
  ['summons_avg_lateness_minutes', '报到平均迟到(分钟)', 'Average report-in lateness (minutes)', 'minutes', { num: ['summons_late_minutes'], den: ['summons_late'] }],
  ['repeat_complaints', '重复投诉数', 'Repeat complaints', 'count', { num: ['repeat'] }],
];

export class Supervision1764005500000 implements MigrationInterface {
  name = 'Supervision1764005500000';

  async up(q: QueryRunner): Promise<void> {
    // Every Shanghai calendar day 2015–2035: a working day or not (chinese-days; beyond its tables it
    // answers Monday–Friday, as working-time.ts does) and how many working days there are up to it.
    const days: string[] = [];
    const work: boolean[] = [];
    for (let t = Date.UTC(2015, 0, 1); t <= Date.UTC(2035, 11, 31); t += 86400_000) {
      const d = new Date(t).toISOString().slice(0, 10);
      days.push(d);
      work.push(isWorkday(d));
    }
    await q.query(`CREATE TABLE sv_calendar_day (day date PRIMARY KEY, workday boolean NOT NULL, cum int NOT NULL)`);
    await q.query(`INSERT INTO sv_calendar_day SELECT d, w, sum(w::int) OVER (ORDER BY d) FROM unnest($1::date[], $2::boolean[]) x(d, w)`, [days, work]);
    // Working minutes from local midnight to a local time of day m (minutes): 09:00–12:00 and 13:30–17:30.
    // A plain CASE in an IMMUTABLE SQL function: the planner inlines it (workingMinutesSql in the module uses it).
    await q.query(`CREATE FUNCTION sv_day_minutes(m float8) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN m <= 540 THEN 0 WHEN m <= 720 THEN m - 540 WHEN m <= 810 THEN 180 WHEN m <= 1050 THEN 180 + m - 810 ELSE 420 END::float8 $$`);
    await q.query(`CREATE TABLE sv_case (
      event_id bigint PRIMARY KEY REFERENCES event(id),
      -- Shanghai calendar day of the report: the period a case counts in
      day date NOT NULL,
      path_then ltree NOT NULL,
      department_id bigint,
      worker text,
      category text NOT NULL,
      source text NOT NULL,
      ${MEASURES},
      -- per summoned department: [{"d": id, "due": 0|1, "on": 0|1, "late": 0|1, "lm": minutes}]
      summons jsonb NOT NULL DEFAULT '[]'::jsonb,
      derived_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX sv_case_day_idx ON sv_case (day)`);
    await q.query(`CREATE INDEX sv_case_path_gist ON sv_case USING gist (path_then)`);

    await q.query(`CREATE TABLE sv_daily (
      kind text NOT NULL CHECK (kind IN ('area', 'department', 'worker', 'category', 'source')),
      node ltree NOT NULL,
      key text NOT NULL,
      day date NOT NULL,
      -- nlevel(node): "all streets" is one depth, read by sv_daily_lvl_idx
      lvl smallint NOT NULL,
      ${MEASURES},
      PRIMARY KEY (kind, node, key, day)
    )`);
    // "every street" (kind area, one depth) and "every department of the whole territory" (depth 1) per period.
    await q.query(`CREATE INDEX sv_daily_lvl_idx ON sv_daily (kind, lvl, day)`);

    // Where the worker is: the outbox seq, the highest event id seen, the deadline instant checked up to.
    await q.query(`CREATE TABLE sv_cursor (name text PRIMARY KEY, num bigint, at timestamptz)`);
    await q.query(`INSERT INTO sv_cursor (name, num, at) VALUES ('outbox', 0, NULL), ('event_id', 0, NULL), ('deadline', NULL, now())`);

    await q.query(`CREATE TABLE sv_indicator (
      code text NOT NULL CHECK (code ~ '^[a-z0-9_]{2,60}$'),
      version int NOT NULL CHECK (version > 0),
      effective_from date NOT NULL,
      name text NOT NULL,
      name_en text NOT NULL,
      unit text NOT NULL CHECK (unit IN ('count', 'ratio', 'hours', 'minutes', 'score')),
      -- {"num": [measures], "den": [measures], "scale": n}: value = scale * Σnum / Σden (Σnum alone without den)
      formula jsonb NOT NULL,
      note text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (code, version),
      UNIQUE (code, effective_from)
    )`);
    for (const [code, name, nameEn, unit, formula] of INDICATORS) {
      await q.query(`INSERT INTO sv_indicator (code, version, effective_from, name, name_en, unit, formula) VALUES ($1, 1, '2000-01-01', $2, $3, $4, $5::jsonb)`, [code, name, nameEn, unit, JSON.stringify(formula)]);
    }

    await q.query(`CREATE TABLE sv_warning (
      id bigserial PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('spike', 'repeat_place', 'overdue', 'report_in_drop')),
      -- what it is about, with its period (e.g. spike:<street>:<category>:<day>): raised once, later evaluations update its figures
      subject text NOT NULL,
      area_path ltree,
      department_id bigint,
      figures jsonb NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'dismissed')),
      raised_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      handled_at timestamptz,
      handled_by text
    )`);
    await q.query(`CREATE UNIQUE INDEX sv_warning_subject_uq ON sv_warning (kind, subject)`);
    await q.query(`CREATE INDEX sv_warning_raised_idx ON sv_warning (raised_at DESC)`);
    await q.query(`CREATE INDEX sv_warning_path_gist ON sv_warning USING gist (area_path)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sv_warning; DROP TABLE sv_indicator; DROP TABLE sv_cursor; DROP TABLE sv_daily; DROP TABLE sv_case;
      DROP FUNCTION sv_day_minutes(float8); DROP TABLE sv_calendar_day`);
  }
}

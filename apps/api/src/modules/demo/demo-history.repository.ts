import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sqlRow, sqlRun } from '../../core/database/sql';

export interface HistoryOptions {
  /** how many days back (the history ends one day before `now`) */
  days: number;
  /** mean number of cases per weekday */
  perDay: number;
  now: Date;
  /** [category, relative weight, anchor kind ('object' = near a city component, 'place' = at a place)] */
  categories: [string, number, 'object' | 'place'][];
}

/**
 * A year of synthetic case history in three statements, all inside PostGIS: a temporary table
 * of drawn cases (times with daily and weekly rhythms, category, source, outcome, durations), the
 * events, and their transition logs consistent with each final state. No outbox rows (history is
 * not news), no audit rows (nobody did it). Marked: external_source = 'demo-history'.
 *
 * Outcomes: ~4 % rejected, ~2 % voided, ~1.5 % still on account, the rest closed; of those handled
 * by a department ~12 % late (escalated once) and ~7 % sent back for rework; ~30 % of patrol reports
 * are self-handled by the grid worker on the spot; ~65 % of closed cases are evaluated (1–5).
 * Wall-clock durations approximate the working-time limits (7 working hours a day ⇒ × 24/7).
 */
@Injectable()
export class DemoHistoryRepository {
  async load(db: EntityManager, o: HistoryOptions): Promise<{ events: number; transitions: number }> {
    await sqlRun(db, `DROP TABLE IF EXISTS demo_hist`);
    await sqlRun(
      db,
      `CREATE TEMP TABLE demo_hist ON COMMIT DROP AS
       WITH cfg AS (
         SELECT (SELECT array_agg(w.code) FROM unnest($4::text[], $5::int[]) w(code, weight), generate_series(1, w.weight)) AS cats,
                -- hour of day, weighted: quiet nights, morning and afternoon peaks, a lunch dip
                ARRAY[0,1,2,3,4,5,6,7,7,7,7,8,8,8,8,8,8,9,9,9,9,9,9,9,10,10,10,10,10,10,10,11,11,11,11,11,12,12,12,13,13,13,13,14,14,14,14,14,14,
                      15,15,15,15,15,15,16,16,16,16,16,17,17,17,17,18,18,18,19,19,19,20,20,20,21,21,22,22,23]::int[] AS hours,
                (SELECT count(*) FROM place WHERE kind <> 'building')::int AS n_places,
                (SELECT count(*) FROM city_object)::int AS n_objects
       ), base AS MATERIALIZED (
         SELECT i, floor(random() * $1)::int AS d, random() AS uh, random() AS um, random() AS uw, random() AS uc, random() AS un, random() AS ua,
                random() AS us, random() AS uu, random() AS uo, random() AS uself, random() AS ulate, random() AS urw, random() AS ue, random() AS usat,
                random() AS t1, random() AS t2, random() AS t3, random() AS t4, random() AS t5, random() AS t6, random() AS t7, random() AS t8, random() AS t9
           FROM generate_series(1, $2::int) i
       ), drawn AS (
         SELECT b.*, cfg.n_places, cfg.n_objects, cfg.hours[1 + floor(b.uh * array_length(cfg.hours, 1))::int] AS hr,
                cfg.cats[1 + floor(b.uc * array_length(cfg.cats, 1))::int] AS cat0
           FROM base b, cfg
       ), dated AS (
         -- local time of the city: midnight in Asia/Shanghai, d + 1 days back, at the drawn hour
         SELECT d.*, (date_trunc('day', $3::timestamptz AT TIME ZONE 'Asia/Shanghai') - make_interval(days => d.d + 1)
                       + make_interval(hours => d.hr, mins => floor(d.um * 60)::int)) AT TIME ZONE 'Asia/Shanghai' AS reported_at,
                extract(isodow FROM date_trunc('day', $3::timestamptz AT TIME ZONE 'Asia/Shanghai') - make_interval(days => d.d + 1)) AS dow
           FROM drawn d
       ), typed AS (
         SELECT d.*,
                -- late evenings: noise complaints dominate
                CASE WHEN (d.hr >= 21 OR d.hr < 6) AND un < 0.5 THEN 'noise' ELSE cat0 END AS category,
                CASE WHEN us < 0.45 THEN 'patrol' WHEN us < 0.75 THEN 'hotline' WHEN us < 0.9 THEN 'resident' WHEN us < 0.96 THEN 'operator' ELSE 'sensor' END AS source,
                CASE WHEN uu < 0.85 THEN 'normal' WHEN uu < 0.97 THEN 'urgent' ELSE 'critical' END AS urgency
           FROM dated d
          -- weekends are quieter (about two thirds of a weekday)
          WHERE NOT (d.dow IN (6, 7) AND uw < 0.35)
       ), pl AS MATERIALIZED (
         SELECT row_number() OVER (ORDER BY id)::int AS rn, geom, grid_id, grid_code, area_path, name AS address FROM place WHERE kind <> 'building'
       ), ob AS MATERIALIZED (
         SELECT row_number() OVER (ORDER BY id)::int AS rn, geom, grid_id, grid_code, area_path, address || ' ' || name AS address FROM city_object
       ), located AS (
         SELECT t.*, c.name AS cat_name, c.departments[1] AS dept_code, coalesce((c.stage_limits -> t.urgency ->> 'handle')::int, 420) AS handle_min,
                coalesce(o.geom, p.geom) AS geom, coalesce(o.grid_id, p.grid_id) AS grid_id, coalesce(o.grid_code, p.grid_code) AS grid_code,
                coalesce(o.area_path, p.area_path) AS area_path, coalesce(o.address, p.address) AS address
           FROM typed t JOIN event_category c ON c.code = t.category
           JOIN unnest($4::text[], $6::text[]) w(code, anchor) ON w.code = t.category
           LEFT JOIN ob o ON w.anchor = 'object' AND o.rn = 1 + floor(t.ua * t.n_objects)::int
           LEFT JOIN pl p ON w.anchor = 'place' AND p.rn = 1 + floor(t.ua * t.n_places)::int
       ), outcome AS (
         SELECT l.*,
                CASE WHEN uo < 0.04 THEN 'rejected' WHEN uo < 0.06 THEN 'voided' WHEN uo < 0.075 THEN 'on_account'
                     WHEN source = 'patrol' AND uself < 0.3 THEN 'self' ELSE 'handled' END AS path,
                ulate < CASE WHEN category IN ('illegal_construction', 'illegal_demolition', 'road_damage') THEN 0.25 ELSE 0.1 END AS late,
                urw < 0.07 AS rework,
                -- working minutes → wall-clock minutes
                handle_min * 24.0 / 7 AS handle_wall,
                -- minutes from dispatch to the start of work: well inside the limit
                10 + l.t4 * least(120, handle_min * 24.0 / 7 * 0.3) AS s_off
           FROM located l
          WHERE l.geom IS NOT NULL
       )
       SELECT i, 'h' || i AS ext, s_off, category, cat_name, dept_code, source, urgency, path, late, rework, geom, grid_id, grid_code, area_path, address,
              reported_at, handle_wall, ue, usat,
              reported_at + make_interval(mins => (5 + t1 * 40)::int) AS t_accept,
              reported_at + make_interval(mins => (15 + t1 * 40 + t2 * 50)::int) AS t_register,
              reported_at + make_interval(mins => (25 + t1 * 40 + t2 * 50 + t3 * 60)::int) AS t_dispatch,
              reported_at + make_interval(mins => (25 + t1 * 40 + t2 * 50 + t3 * 60)::int) + make_interval(mins => s_off::int) AS t_start,
              -- on time: between the start and 95 % of the limit; late: 1.1–2.6 × the limit
              reported_at + make_interval(mins => (25 + t1 * 40 + t2 * 50 + t3 * 60)::int)
                + make_interval(mins => (CASE WHEN late THEN handle_wall * (1.1 + t5 * 1.5) ELSE s_off + (handle_wall * 0.95 - s_off) * (0.2 + 0.8 * t5) END)::int) AS t_feedback,
              make_interval(mins => (30 + t6 * 240)::int) AS d_verify,
              make_interval(mins => (60 + t7 * handle_wall * 0.5)::int) AS d_rework,
              make_interval(mins => (10 + t8 * 60)::int) AS d_close,
              make_interval(mins => (60 + t9 * 2880)::int) AS d_eval
         FROM outcome`,
      [o.days, Math.round(o.days * o.perDay * 1.12), o.now, o.categories.map((c) => c[0]), o.categories.map((c) => c[1]), o.categories.map((c) => c[2])],
    );
    // Derived milestones of each path; cases whose last step would lie in the future are dropped.
    await sqlRun(
      db,
      `ALTER TABLE demo_hist ADD COLUMN t_verify_fail timestamptz, ADD COLUMN t_restart timestamptz, ADD COLUMN t_feedback2 timestamptz,
         ADD COLUMN t_verify timestamptz, ADD COLUMN t_close timestamptz, ADD COLUMN t_eval timestamptz, ADD COLUMN t_end timestamptz, ADD COLUMN satisfaction smallint`,
    );
    await sqlRun(
      db,
      `UPDATE demo_hist SET
         t_verify_fail = CASE WHEN path = 'handled' AND rework THEN t_feedback + d_verify END,
         t_restart = CASE WHEN path = 'handled' AND rework THEN t_feedback + d_verify + interval '45 minutes' END,
         t_feedback2 = CASE WHEN path = 'handled' AND rework THEN t_feedback + d_verify + interval '45 minutes' + d_rework END`,
    );
    await sqlRun(
      db,
      `UPDATE demo_hist SET
         t_verify = CASE WHEN path = 'handled' THEN coalesce(t_feedback2, t_feedback) + d_verify END,
         t_close = CASE WHEN path = 'handled' THEN coalesce(t_feedback2, t_feedback) + d_verify + d_close
                        WHEN path = 'self' THEN t_accept + d_close + interval '30 minutes' END`,
    );
    await sqlRun(
      db,
      `UPDATE demo_hist SET
         t_eval = CASE WHEN t_close IS NOT NULL AND ue < CASE WHEN source IN ('hotline', 'resident') THEN 0.85 ELSE 0.5 END THEN t_close + d_eval END,
         satisfaction = CASE WHEN t_close IS NULL THEN NULL
                             WHEN late OR rework THEN (ARRAY[1, 2, 2, 3, 3, 3, 4, 4, 4, 5])[1 + floor(usat * 10)::int]
                             ELSE (ARRAY[3, 4, 4, 4, 5, 5, 5, 5, 5, 5])[1 + floor(usat * 10)::int] END`,
    );
    await sqlRun(
      db,
      `UPDATE demo_hist SET t_end = CASE path WHEN 'rejected' THEN t_accept WHEN 'voided' THEN t_register WHEN 'on_account' THEN t_start
                                                ELSE coalesce(t_eval, t_close) END`,
    );
    // Cases already dispatched and started whose work would finish after `now` are still open today:
    // in progress, and overdue where their limit has passed (so the wall has a backlog to chase).
    await sqlRun(
      db,
      `UPDATE demo_hist SET path = 'open', t_feedback = NULL, t_verify_fail = NULL, t_restart = NULL, t_feedback2 = NULL,
              t_verify = NULL, t_close = NULL, t_eval = NULL, satisfaction = NULL, t_end = t_start
        WHERE path = 'handled' AND NOT rework AND t_end >= $1 AND t_start < $1`,
      [o.now],
    );
    await sqlRun(db, `DELETE FROM demo_hist WHERE t_end >= $1`, [o.now]);

    const ev = await sqlRow<{ n: number }>(
      db,
      `WITH ins AS (
         INSERT INTO event (title, description, category_code, urgency, source, state, geom, grid_id, grid_code, area_path, address, department_id,
                            assignee_name, stage, due_at, escalation_level, escalated_at, rework_count, handled_on_time, satisfaction,
                            external_source, external_id, reported_at, created_at, updated_at, closed_at, created_by)
         SELECT h.cat_name || '·' || h.address, '演示数据（合成）：' || h.cat_name, h.category, h.urgency, h.source,
                CASE h.path WHEN 'rejected' THEN 'rejected' WHEN 'voided' THEN 'voided' WHEN 'on_account' THEN 'on_account' WHEN 'open' THEN 'in_progress'
                            ELSE CASE WHEN h.t_eval IS NOT NULL THEN 'evaluated' ELSE 'closed' END END,
                h.geom, h.grid_id, h.grid_code, h.area_path, h.address,
                CASE WHEN h.path IN ('handled', 'on_account', 'open') THEN d.id END, CASE WHEN h.path IN ('handled', 'on_account', 'open') THEN d.name END,
                CASE WHEN h.path = 'open' THEN 'handle' END,
                CASE WHEN h.path IN ('handled', 'open') THEN h.t_dispatch + make_interval(mins => h.handle_wall::int) END,
                CASE WHEN h.late AND (h.path = 'handled' OR (h.path = 'open' AND h.t_dispatch + make_interval(mins => h.handle_wall::int) + interval '5 minutes' < $1)) THEN 1 ELSE 0 END,
                CASE WHEN h.late AND (h.path = 'handled' OR (h.path = 'open' AND h.t_dispatch + make_interval(mins => h.handle_wall::int) + interval '5 minutes' < $1))
                     THEN h.t_dispatch + make_interval(mins => h.handle_wall::int) + interval '5 minutes' END,
                CASE WHEN h.path = 'handled' AND h.rework THEN 1 ELSE 0 END,
                CASE WHEN h.path = 'handled' THEN NOT h.late WHEN h.path = 'self' THEN true END,
                CASE WHEN h.t_eval IS NOT NULL THEN h.satisfaction END,
                'demo-history', h.ext, h.reported_at, h.reported_at, h.t_end, h.t_close, 'demo-history'
           FROM demo_hist h LEFT JOIN department d ON d.code = h.dept_code
         RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [o.now],
    );
    // The clock of the open ones: the handling stage started at dispatch.
    await sqlRun(
      db,
      `UPDATE event e SET stage_started_at = h.t_dispatch, stage_limit_minutes = (h.handle_wall * 7 / 24)::int,
              warn_at = h.t_dispatch + make_interval(mins => (h.handle_wall * 0.8)::int)
         FROM demo_hist h WHERE h.path = 'open' AND e.external_source = 'demo-history' AND e.external_id = h.ext`,
    );
    const tr = await sqlRow<{ n: number }>(
      db,
      `WITH ins AS (
         INSERT INTO event_transition (event_id, at, actor_kind, actor_name, action, from_state, to_state, note, geom, department_code, data)
         SELECT e.id, s.at, 'user', s.actor, s.action, s.from_state, s.to_state, s.note, CASE WHEN s.action = 'report' THEN h.geom END, s.dept,
                CASE WHEN s.action = 'evaluate' THEN jsonb_build_object('satisfaction', h.satisfaction) ELSE jsonb_build_object('demo', true) END
           FROM demo_hist h
           JOIN event e ON e.external_source = 'demo-history' AND e.external_id = h.ext
           LEFT JOIN LATERAL (SELECT name FROM grid_staff s WHERE s.area_code = h.grid_code AND s.role = 'grid_worker' AND s.valid_to IS NULL ORDER BY s.id LIMIT 1) gw ON true
           LEFT JOIN department d ON d.code = h.dept_code
          CROSS JOIN LATERAL (VALUES
            (1, h.reported_at, 'report', NULL, 'reported', CASE WHEN h.source = 'patrol' THEN coalesce(gw.name, '网格员') ELSE '指挥中心受理员' END, NULL::text, NULL::text),
            (2, CASE WHEN h.path = 'rejected' THEN h.t_accept END, 'reject', 'reported', 'rejected', '指挥中心受理员', '不属于受理范围', NULL),
            (3, CASE WHEN h.path = 'self' THEN h.t_accept END, 'self_handle', 'reported', 'self_handled', coalesce(gw.name, '网格员'), '网格员现场处置', NULL),
            (4, CASE WHEN h.path IN ('voided', 'on_account', 'handled', 'open') THEN h.t_accept END, 'accept', 'reported', 'accepted', '指挥中心受理员', NULL, NULL),
            (5, CASE WHEN h.path = 'voided' THEN h.t_register END, 'void', 'accepted', 'voided', '指挥中心值班长', '重复上报', NULL),
            (6, CASE WHEN h.path IN ('on_account', 'handled', 'open') THEN h.t_register END, 'register', 'accepted', 'registered', '指挥中心值班长', NULL, NULL),
            (7, CASE WHEN h.path IN ('on_account', 'handled', 'open') THEN h.t_dispatch END, 'dispatch', 'registered', 'dispatched', '指挥中心派遣员', NULL, h.dept_code),
            (8, CASE WHEN h.path = 'on_account' THEN h.t_start END, 'put_on_account', 'dispatched', 'on_account', '指挥中心值班长', '需专项资金，挂账处理', NULL),
            (9, CASE WHEN h.path IN ('handled', 'open') THEN h.t_start END, 'start', 'dispatched', 'in_progress', d.name, NULL, h.dept_code),
            (10, CASE WHEN h.late AND (h.path = 'handled' OR (h.path = 'open' AND h.t_dispatch + make_interval(mins => h.handle_wall::int) + interval '5 minutes' < $1))
                      THEN h.t_dispatch + make_interval(mins => h.handle_wall::int) + interval '5 minutes' END,
                 'escalate', 'in_progress', 'in_progress', '系统督办', '处置超时，自动督办', NULL),
            (11, CASE WHEN h.path = 'handled' THEN h.t_feedback END, 'feedback', 'in_progress', 'handled', d.name, '已处置', h.dept_code),
            (12, h.t_verify_fail, 'verify', 'handled', 'rework', coalesce(gw.name, '网格员'), '核查未通过，返工', NULL),
            (13, h.t_restart, 'start', 'rework', 'in_progress', d.name, NULL, h.dept_code),
            (14, h.t_feedback2, 'feedback', 'in_progress', 'handled', d.name, '返工完成', h.dept_code),
            (15, h.t_verify, 'verify', 'handled', 'verified', coalesce(gw.name, '网格员'), '核查通过', NULL),
            (16, h.t_close, 'close', CASE WHEN h.path = 'self' THEN 'self_handled' ELSE 'verified' END, 'closed', '指挥中心值班长', NULL, NULL),
            (17, h.t_eval, 'evaluate', 'closed', 'evaluated', CASE WHEN h.source IN ('hotline', 'resident') THEN '市民回访' ELSE '指挥中心回访员' END, NULL, NULL)
          ) AS s(ord, at, action, from_state, to_state, actor, note, dept)
          WHERE s.at IS NOT NULL
          ORDER BY h.i, s.ord
         RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [o.now],
    );
    await sqlRun(db, `DROP TABLE demo_hist`);
    return { events: ev!.n, transitions: tr!.n };
  }
}

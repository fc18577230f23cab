import type { MigrationInterface, QueryRunner } from 'typeorm';

const OPEN = `('reported','unplaced','accepted','registered','dispatched','in_progress','handled','verified','returned','rework','extension_requested','deferred','on_account')`;
const WARNING = `CASE
    WHEN e.state NOT IN ${OPEN} OR e.due_at IS NULL THEN 'none'
    WHEN statement_timestamp() > e.due_at THEN 'red'
    WHEN e.warn_at IS NOT NULL AND statement_timestamp() >= e.warn_at THEN 'yellow'
    ELSE 'none' END`;
/** The summary object; `warning` is the variable (plpgsql) or the column of `w` (sql) holding WARNING. */
const SUMMARY = (warning: string) => `jsonb_build_object(
    'id', e.id, 'category', e.category_code, 'categoryName', category_name, 'urgency', e.urgency, 'state', e.state,
    'source', e.source, 'title', e.title, 'lon', ST_X(e.geom), 'lat', ST_Y(e.geom),
    'grid', CASE WHEN e.grid_code IS NULL THEN NULL ELSE jsonb_build_object('code', e.grid_code, 'name', coalesce(grid_name, e.grid_code)) END,
    'department', department_code, 'createdAt', iso_ms(e.created_at), 'dueAt', iso_ms(e.due_at),
    'overdue', ${warning} = 'red', 'warning', ${warning}, 'escalationLevel', e.escalation_level)`;
const SIGNATURE = `event_summary(e event, category_name text, grid_name text, department_code text) RETURNS jsonb`;

/**
 * `event_summary` (1764002100000) in PL/pgSQL, same result. As a LANGUAGE sql function with a FROM
 * clause it cannot be inlined, and PostgreSQL 15 parses and plans such a body again in every
 * statement that calls it: in the live intake statement that was ~15% of the backend's CPU (perf,
 * bench/event-intake) and ~350 µs of every batch. A PL/pgSQL function keeps its plan for the session.
 */
export class EventSummaryPlpgsql1764004500000 implements MigrationInterface {
  name = 'EventSummaryPlpgsql1764004500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE FUNCTION ${SIGNATURE} LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      DECLARE warning text := ${WARNING};
      BEGIN
        RETURN ${SUMMARY('warning')};
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION event_summary(event, text, text, text)`);
    await q.query(`CREATE FUNCTION ${SIGNATURE} LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT ${SUMMARY('w.warning')} FROM (SELECT ${WARNING} AS warning) w $$`);
  }
}

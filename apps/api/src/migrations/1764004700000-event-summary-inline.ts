import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The intake statement now writes the event summary (its outbox and audit payload) inline, from
 * `eventSummarySql` in modules/events/events.repository.ts, so the database functions
 * `event_summary` and `iso_ms` (1764002100000, 1764004500000) are no longer used. As a PL/pgSQL
 * function with a whole-row argument, event_summary cost ~10% of the intake statement's CPU (the
 * row built per call, the function's own expression setup), and iso_ms, declared IMMUTABLE around
 * STABLE functions, could not be inlined and was planned again in every statement.
 */
export class EventSummaryInline1764004700000 implements MigrationInterface {
  name = 'EventSummaryInline1764004700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION event_summary(event, text, text, text); DROP FUNCTION iso_ms(timestamptz)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const open = `('reported','unplaced','accepted','registered','dispatched','in_progress','handled','verified','returned','rework','extension_requested','deferred','on_account')`;
    await q.query(`CREATE FUNCTION iso_ms(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT to_char(date_trunc('milliseconds', t) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$`);
    await q.query(`CREATE FUNCTION event_summary(e event, category_name text, grid_name text, department_code text) RETURNS jsonb
      LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      DECLARE warning text := CASE
          WHEN e.state NOT IN ${open} OR e.due_at IS NULL THEN 'none'
          WHEN statement_timestamp() > e.due_at THEN 'red'
          WHEN e.warn_at IS NOT NULL AND statement_timestamp() >= e.warn_at THEN 'yellow'
          ELSE 'none' END;
      BEGIN
        RETURN jsonb_build_object(
          'id', e.id, 'category', e.category_code, 'categoryName', category_name, 'urgency', e.urgency, 'state', e.state,
          'source', e.source, 'title', e.title, 'lon', ST_X(e.geom), 'lat', ST_Y(e.geom),
          'grid', CASE WHEN e.grid_code IS NULL THEN NULL ELSE jsonb_build_object('code', e.grid_code, 'name', coalesce(grid_name, e.grid_code)) END,
          'department', department_code, 'createdAt', iso_ms(e.created_at), 'dueAt', iso_ms(e.due_at),
          'overdue', warning = 'red', 'warning', warning, 'escalationLevel', e.escalation_level);
      END $$`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `event_summary(...)`: the wall map's view of an event (EventSummary in libs/contracts) built
 * inside PostgreSQL, so that intake can write the event, its log entry, the audit row and the
 * outbox row in ONE statement (modules/events/events.repository.ts `intake`). It must give the
 * same JSON as `toSummary` in modules/events/event-view.ts; events.int-spec.ts compares the two
 * for events in several states, so a change to one without the other fails a test.
 * Timestamps as JavaScript's toISOString (UTC, milliseconds, "Z").
 */
const OPEN = `('reported','unplaced','accepted','registered','dispatched','in_progress','handled','verified','returned','rework','extension_requested','deferred','on_account')`;

export class EventSummary1764002100000 implements MigrationInterface {
  name = 'EventSummary1764002100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION iso_ms(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT to_char(date_trunc('milliseconds', t) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$`);
    await q.query(`CREATE FUNCTION event_summary(e event, category_name text, grid_name text, department_code text) RETURNS jsonb
      LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT jsonb_build_object(
        'id', e.id, 'category', e.category_code, 'categoryName', category_name, 'urgency', e.urgency, 'state', e.state,
        'source', e.source, 'title', e.title, 'lon', ST_X(e.geom), 'lat', ST_Y(e.geom),
        'grid', CASE WHEN e.grid_code IS NULL THEN NULL ELSE jsonb_build_object('code', e.grid_code, 'name', coalesce(grid_name, e.grid_code)) END,
        'department', department_code, 'createdAt', iso_ms(e.created_at), 'dueAt', iso_ms(e.due_at),
        'overdue', w.warning = 'red', 'warning', w.warning, 'escalationLevel', e.escalation_level)
        FROM (SELECT CASE
                WHEN e.state NOT IN ${OPEN} OR e.due_at IS NULL THEN 'none'
                WHEN statement_timestamp() > e.due_at THEN 'red'
                WHEN e.warn_at IS NOT NULL AND statement_timestamp() >= e.warn_at THEN 'yellow'
                ELSE 'none' END AS warning) w
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION event_summary(event, text, text, text); DROP FUNCTION iso_ms(timestamptz)`);
  }
}

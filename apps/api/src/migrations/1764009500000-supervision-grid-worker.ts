import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The supervision facts' "worker" (网格员) is now the grid worker of the case's grid as then
 * (issue 19: the worker ranking listed departments, whose names the demo's history stores as
 * the assignee). The facts read `grid_staff` by grid and period: this index; and every case's
 * facts are derived again from an empty start (the facts worker walks every event by id, as on
 * a fresh database; the outbox cursor moves to now: every case is read anyway).
 */
export class SupervisionGridWorker1764009500000 implements MigrationInterface {
  name = 'SupervisionGridWorker1764009500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX grid_staff_area_role_idx ON grid_staff (area_code, role, valid_from)`);
    await q.query(`TRUNCATE sv_case, sv_daily`);
    await q.query(
      `UPDATE sv_cursor SET num = CASE name WHEN 'outbox' THEN (SELECT seq FROM change_counter) WHEN 'event_id' THEN 0 ELSE num END,
                            at = CASE name WHEN 'deadline' THEN now() ELSE at END`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX grid_staff_area_role_idx`);
  }
}

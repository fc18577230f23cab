import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cheaper index upkeep on the tables every event intake writes (audit_log, idempotency_key,
 * event_transition), for the same reads:
 * - `audit_log.at` and `idempotency_key.created_at` only grow with the insert order: a BRIN index
 *   (one summary per block range) serves their time-range reads at a fraction of a B-tree's cost
 *   per insert.
 * - Most log entries carry no attachments: the GIN index on `event_transition.attachments` now
 *   covers only those that do (the attachment access check asks for non-empty lists).
 */
export class WritePathIndexes1764004800000 implements MigrationInterface {
  name = 'WritePathIndexes1764004800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_log_at_idx`);
    await q.query(`CREATE INDEX audit_log_at_brin ON audit_log USING brin (at)`);
    await q.query(`DROP INDEX idempotency_key_created_idx`);
    await q.query(`CREATE INDEX idempotency_key_created_brin ON idempotency_key USING brin (created_at)`);
    await q.query(`DROP INDEX event_transition_attachments_gin`);
    await q.query(`CREATE INDEX event_transition_attachments_gin ON event_transition USING gin (attachments jsonb_path_ops) WHERE attachments <> '[]'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX event_transition_attachments_gin`);
    await q.query(`CREATE INDEX event_transition_attachments_gin ON event_transition USING gin (attachments jsonb_path_ops)`);
    await q.query(`DROP INDEX idempotency_key_created_brin`);
    await q.query(`CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at)`);
    await q.query(`DROP INDEX audit_log_at_brin`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Photos and documents from the field (a grid worker's report, a department's feedback), stored
 * in PostgreSQL so that an upload and the case that cites it live and back up together, and the
 * embedded database needs nothing else. Cited from events as `/api/attachments/<id>` in the
 * `attachments` of a transition; who may read one follows from the cases that cite it.
 */
export class EventAttachments1764002200000 implements MigrationInterface {
  name = 'EventAttachments1764002200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE attachment (
      id uuid PRIMARY KEY,
      content_type text NOT NULL,
      size_bytes int NOT NULL CHECK (size_bytes > 0),
      sha256 text NOT NULL,
      name text,
      data bytea NOT NULL,
      uploaded_by_kind text NOT NULL,
      uploaded_by_id bigint NOT NULL,
      uploaded_at timestamptz NOT NULL DEFAULT now()
    )`);
    // Which cases cite an attachment (the read check): containment on the transitions' attachments.
    await q.query(`CREATE INDEX event_transition_attachments_gin ON event_transition USING gin (attachments jsonb_path_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX event_transition_attachments_gin; DROP TABLE attachment`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox behind live push. `seq` is global, gap-free and
 * increasing: it is taken from a one-row counter inside the writing
 * transaction (row lock held to commit), so seqs become visible in order and
 * a rolled-back transaction leaves no hole. BIGSERIAL would leave gaps.
 */
export class Changes1764000003000 implements MigrationInterface {
  name = 'Changes1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE change_counter (id boolean PRIMARY KEY DEFAULT true CHECK (id), seq bigint NOT NULL)`);
    await q.query(`INSERT INTO change_counter (seq) VALUES (0)`);
    await q.query(`CREATE TABLE change (
      seq bigint PRIMARY KEY,
      type text NOT NULL,
      entity_id text,
      -- The grid path the change belongs to; NULL for changes every operator sees (e.g. unplaced events).
      area_path ltree,
      payload jsonb NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX change_at_idx ON change (at)`);
    await q.query(`CREATE INDEX change_area_gist ON change USING gist (area_path)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE change; DROP TABLE change_counter`);
  }
}

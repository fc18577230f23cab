import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox behind live push. A writer inserts its row in its own
 * transaction with only a `bigserial` id and `seq` NULL: no shared lock, so writers
 * commit in parallel (group commit). After commit a sequencer (LiveSequencer, one at
 * a time cluster-wide under an advisory lock) numbers the committed rows in ONE short
 * transaction that also moves `change_counter`: seqs are global, gap-free and become
 * visible in increasing order. A rolled-back row never exists, so it takes no seq.
 * BIGSERIAL alone as the seq would leave gaps and commit out of order.
 */
export class Changes1764000003000 implements MigrationInterface {
  name = 'Changes1764000003000';

  async up(q: QueryRunner): Promise<void> {
    // Highest seq handed out; moved only by the sequencer, in the transaction that assigns the seqs.
    await q.query(`CREATE TABLE change_counter (id boolean PRIMARY KEY DEFAULT true CHECK (id), seq bigint NOT NULL)`);
    await q.query(`INSERT INTO change_counter (seq) VALUES (0)`);
    await q.query(`CREATE TABLE change (
      id bigserial PRIMARY KEY,
      -- NULL until the sequencer numbers the committed row; readers only see numbered rows.
      seq bigint UNIQUE,
      type text NOT NULL,
      entity_id text,
      -- The grid path the change belongs to; NULL for changes every operator sees (e.g. unplaced events).
      area_path ltree,
      payload jsonb NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    )`);
    // The sequencer's work list stays tiny however long the table grows.
    await q.query(`CREATE INDEX change_unsequenced_idx ON change (id) WHERE seq IS NULL`);
    await q.query(`CREATE INDEX change_at_idx ON change (at)`);
    await q.query(`CREATE INDEX change_area_gist ON change USING gist (area_path)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE change; DROP TABLE change_counter`);
  }
}

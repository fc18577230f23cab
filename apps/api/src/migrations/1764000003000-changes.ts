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
    // One sequencing pass in one round trip (called outside any transaction, so the lock is
    // released at the statement's commit). Returns NULL when another session holds the lock,
    // else how many rows it numbered. In a VOLATILE plpgsql function under READ COMMITTED each
    // statement takes a fresh snapshot: the UPDATE's is taken after the lock was granted, so it
    // sees everything the previous sequencer committed (its seqs and its counter).
    await q.query(`CREATE FUNCTION change_sequence(lock_key bigint, batch int) RETURNS int
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE numbered int;
      BEGIN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'change_sequence needs READ COMMITTED (a fresh snapshot after the lock)';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM change WHERE seq IS NULL) THEN RETURN 0; END IF;
        IF NOT pg_try_advisory_xact_lock(lock_key) THEN RETURN NULL; END IF;
        WITH todo AS (
          SELECT id, row_number() OVER (ORDER BY id) AS n
            FROM (SELECT id FROM change WHERE seq IS NULL ORDER BY id LIMIT batch) oldest
        ), bump AS (
          UPDATE change_counter SET seq = seq + (SELECT count(*) FROM todo)
           WHERE EXISTS (SELECT 1 FROM todo)
          RETURNING seq - (SELECT count(*) FROM todo) AS base
        ), done AS (
          UPDATE change c SET seq = bump.base + todo.n FROM todo, bump WHERE c.id = todo.id RETURNING 1
        )
        SELECT count(*) INTO numbered FROM done;
        RETURN numbered;
      END $$`);
    await q.query(`CREATE INDEX change_at_idx ON change (at)`);
    await q.query(`CREATE INDEX change_area_gist ON change USING gist (area_path)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION change_sequence(bigint, int); DROP TABLE change; DROP TABLE change_counter`);
  }
}

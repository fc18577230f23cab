import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox's indexes, measured under live intake (bench/event-intake):
 * - `seq UNIQUE` indexed every row's NULL too, so after the sequencer had numbered a row the
 *   index still held the NULL of its first version; the sequencer's `seq IS NULL ORDER BY id`
 *   was planned on that index and visited every row ever written (152k TIDs, 13k heap pages,
 *   83 ms for a pass of 2,000 rows). Unique only where numbered: readers ask `seq > n`, which
 *   implies NOT NULL, and the work list has its own partial index (change_unsequenced_idx).
 * - the GiST on area_path and the btree on `at` served no query (readers go by seq and filter
 *   the path on the way); each cost every outbox insert and every renumbering a GiST and a
 *   btree insertion.
 */
export class ChangeFeedIndexes1764004400000 implements MigrationInterface {
  name = 'ChangeFeedIndexes1764004400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX change_seq_uq ON change (seq) WHERE seq IS NOT NULL`);
    await q.query(`ALTER TABLE change DROP CONSTRAINT change_seq_key`);
    await q.query(`DROP INDEX change_area_gist`);
    await q.query(`DROP INDEX change_at_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX change_at_idx ON change (at)`);
    await q.query(`CREATE INDEX change_area_gist ON change USING gist (area_path)`);
    await q.query(`ALTER TABLE change ADD CONSTRAINT change_seq_key UNIQUE (seq)`);
    await q.query(`DROP INDEX change_seq_uq`);
  }
}

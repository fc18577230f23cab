import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The import now attributes a chunk of a few thousand points at a time (pipelined with the
 * writes), where a hash join built a hash of the whole bucket table for each statement (about 1 s
 * per statement at 100k grid cells, whatever the chunk's size). With this index each point finds
 * its buckets by a probe: the cost follows the chunk, not the table.
 */
export class RegistryAttributionBucketIndex1764004310000 implements MigrationInterface {
  name = 'RegistryAttributionBucketIndex1764004310000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX registry_attribution_bucket_cell_idx ON registry_attribution_bucket (bx, by, bs)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX registry_attribution_bucket_cell_idx`);
  }
}

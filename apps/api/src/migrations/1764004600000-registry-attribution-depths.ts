import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The import's attribution index (registry_attribution_bucket, 1764004300000) is derived data that
 * the import rebuilds whenever the current areas change: it is now UNLOGGED, with its stamp (no WAL
 * for ~800k rows of geometry at 100k grid cells; after a crash both come back empty, so the next
 * import finds no stamp and rebuilds). The stamp also records, for each bucket size, the deepest
 * level listed at that size (`depths`, aligned with `sizes`): a point covered by a piece of the
 * deepest level needs no probe of the sizes where only shallower pieces are listed
 * (RegistryImportRepository.attributeAll). Emptied here, so the next import rebuilds it with them.
 */
export class RegistryAttributionDepths1764004600000 implements MigrationInterface {
  name = 'RegistryAttributionDepths1764004600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM registry_attribution_stamp`);
    await q.query(`DELETE FROM registry_attribution_bucket`);
    await q.query(`ALTER TABLE registry_attribution_stamp ADD COLUMN depths int[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE registry_attribution_stamp SET UNLOGGED`);
    await q.query(`ALTER TABLE registry_attribution_bucket SET UNLOGGED`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE registry_attribution_bucket SET LOGGED`);
    await q.query(`ALTER TABLE registry_attribution_stamp SET LOGGED`);
    await q.query(`ALTER TABLE registry_attribution_stamp DROP COLUMN depths`);
  }
}

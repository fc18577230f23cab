import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A primary key for the two tables that had none (issue 21): TypeORM describes a table only
 * through an entity, and an entity needs a primary key. Nothing reads these ids; the rows are
 * still found by `area_id` and by the bucket cell.
 * - `area_part`: ST_Subdivide pieces of an area (1764000001000).
 * - `registry_attribution_bucket`: derived data the registry import rebuilds whenever the current
 *   areas change (1764004300000). Emptied here with its stamp, as 1764004600000 did, so the next
 *   import rebuilds it instead of this migration numbering ~800k rows.
 */
export class PartKeys1764009000000 implements MigrationInterface {
  name = 'PartKeys1764009000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE area_part ADD COLUMN id bigserial PRIMARY KEY`);
    await q.query(`DELETE FROM registry_attribution_stamp`);
    await q.query(`TRUNCATE registry_attribution_bucket`);
    await q.query(`ALTER TABLE registry_attribution_bucket ADD COLUMN id bigserial PRIMARY KEY`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE registry_attribution_bucket DROP COLUMN id`);
    await q.query(`ALTER TABLE area_part DROP COLUMN id`);
  }
}

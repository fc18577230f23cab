import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A uniform-grid index of the current areas' ST_Subdivide pieces for the registry's bulk import
 * (RegistryImportRepository.attributeAll): each piece is listed under the buckets its box touches,
 * at a bucket size of its own, so a batch of points finds its candidate pieces by equality on
 * (size, column, row) instead of one GiST probe per point. Derived data: the import rebuilds it
 * when the set of current areas differs from the one it was built from (`stamp`), in its own
 * transaction, so a publish needs to do nothing here.
 */
export class RegistryAttributionBuckets1764004300000 implements MigrationInterface {
  name = 'RegistryAttributionBuckets1764004300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE registry_attribution_bucket (
      bs float8 NOT NULL,
      bx int NOT NULL,
      by int NOT NULL,
      area_id bigint NOT NULL,
      code text NOT NULL,
      path ltree NOT NULL,
      depth int NOT NULL,
      geom geometry(Polygon, 4326) NOT NULL
    )`);
    // No index: a batch of points is hash-joined to the whole table.
    await q.query(`CREATE TABLE registry_attribution_stamp (
      id int PRIMARY KEY CHECK (id = 1),
      stamp text NOT NULL,
      sizes float8[] NOT NULL,
      built_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE registry_attribution_stamp; DROP TABLE registry_attribution_bucket`);
  }
}

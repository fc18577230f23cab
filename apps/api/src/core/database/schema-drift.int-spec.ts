import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { embeddedTestDatabase } from '@test/support/db';
import { dataSourceOptions } from './data-source-options';
import { ENTITIES } from './entities';

/**
 * The entities and the migrations describe the same schema (issue 21). All migrations are run on a
 * fresh database (on a server: a new, empty database made here; on the embedded PostGIS: its one
 * database, which the test run's setup migrated from empty), then TypeORM's schema builder is asked
 * what it would change to match the entities: nothing, or this test fails and prints the statements.
 * Fix it with a migration (`node scripts/migration-generate.mjs <name>`, README "Schema changes")
 * or by correcting the entity.
 */
describe('schema drift: entities against migrations', () => {
  const embedded = embeddedTestDatabase();
  const base = process.env.DATABASE_URL!;
  let ds: DataSource;
  let dropName: string | null = null;

  beforeAll(async () => {
    let url = base;
    if (!embedded) {
      dropName = `gc_drift_${process.env.GC_TEST_RUN ?? 'x'}_${randomBytes(4).toString('hex')}`;
      const admin = new Client({ connectionString: base });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dropName}`);
      await admin.end();
      const u = new URL(base);
      u.pathname = '/' + dropName;
      url = u.toString();
    }
    ds = new DataSource(dataSourceOptions(url, 1));
    await ds.initialize();
    if (!embedded) {
      // What the API does at boot (MigrationRunner): the extensions, then every migration.
      await ds.query('CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS ltree; CREATE EXTENSION IF NOT EXISTS pg_trgm;');
      await ds.runMigrations({ transaction: 'each' });
    }
  });

  afterAll(async () => {
    await ds?.destroy();
    if (dropName) {
      const admin = new Client({ connectionString: base });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dropName}`);
      await admin.end();
    }
  });

  it('every migration has run', async () => {
    expect(await ds.showMigrations()).toBe(false);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM schema_migration`);
    expect(n).toBe(ds.migrations.length);
  });

  it('every table of the migrations has an entity, and every entity a table', async () => {
    const tables: { name: string }[] = await ds.query(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('schema_migration', 'spatial_ref_sys') ORDER BY 1`);
    const described = ds.entityMetadatas.map((m) => m.tableName).sort();
    expect(described).toEqual(tables.map((t) => t.name));
    expect(ds.entityMetadatas).toHaveLength(ENTITIES.length);
  });

  it('the schema builder finds nothing to change (the statements it would run are printed otherwise)', async () => {
    const log = await ds.driver.createSchemaBuilder().log();
    expect(log.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('the check can fail: an entity that disagrees with the database is reported', async () => {
    // The same entities with one column's SRID changed: the builder must want to alter it, proving
    // the comparison reaches geometry types (a check that could never report anything proves nothing).
    const area = ds.getMetadata('area').findColumnWithDatabaseName('geom')!;
    const srid = area.srid;
    area.srid = 3857;
    try {
      const log = await ds.driver.createSchemaBuilder().log();
      expect(log.upQueries.map((q) => q.query)).toEqual([expect.stringMatching(/ALTER TABLE "area" ALTER COLUMN "geom" TYPE geometry\(MultiPolygon,3857\)/)]);
    } finally {
      area.srid = srid;
    }
  });
});

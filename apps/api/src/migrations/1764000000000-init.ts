import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Extensions and process-wide secrets. Runs on both the server and the embedded PostGIS. */
export class Init1764000000000 implements MigrationInterface {
  name = 'Init1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS postgis`);
    // ltree: "everything under this street" is one indexed predicate (path <@ $1).
    await q.query(`CREATE EXTENSION IF NOT EXISTS ltree`);
    // pg_trgm: fuzzy search that works for Chinese names and addresses.
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    // Secrets generated on first boot when the environment gives none (JWT signing, PII encryption).
    // Every API process that shares the database shares them.
    await q.query(`CREATE TABLE app_secret (
      name text PRIMARY KEY,
      value text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE app_secret`);
  }
}

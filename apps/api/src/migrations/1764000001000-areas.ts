import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Areas (city → district → street → community → grid → microgrid), versioned.
 * A redraw never updates a geometry: it closes rows (valid_to) and inserts new
 * ones, so "which grid owned this on that day" always has an answer.
 */
export class Areas1764000001000 implements MigrationInterface {
  name = 'Areas1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE area_version (
      id bigserial PRIMARY KEY,
      level text NOT NULL,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'discarded')),
      label text,
      source jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by text,
      published_at timestamptz,
      published_by text,
      gaps_acknowledged boolean NOT NULL DEFAULT false
    )`);
    await q.query(`CREATE TABLE area (
      id bigserial PRIMARY KEY,
      version_id bigint NOT NULL REFERENCES area_version(id),
      code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_]{1,64}$'),
      name text NOT NULL,
      level text NOT NULL CHECK (level IN ('city', 'district', 'street', 'community', 'grid', 'microgrid')),
      parent_code text,
      -- Chain of codes from the root, e.g. 320104.320104001.320104001001 (ltree labels are the codes).
      path ltree NOT NULL,
      -- Explicit type and SRID; validity is enforced here and again at import (ST_IsValidDetail gives the reason).
      geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
      area_m2 double precision NOT NULL,
      -- NULL valid_from: still a draft. NULL valid_to: current.
      valid_from timestamptz,
      valid_to timestamptz,
      generated boolean NOT NULL DEFAULT false,
      properties jsonb NOT NULL DEFAULT '{}'::jsonb,
      CHECK (valid_to IS NULL OR valid_from IS NOT NULL AND valid_to >= valid_from)
    )`);
    await q.query(`CREATE INDEX area_geom_gist ON area USING gist (geom)`);
    await q.query(`CREATE INDEX area_path_gist ON area USING gist (path)`);
    await q.query(`CREATE INDEX area_version_idx ON area (version_id)`);
    await q.query(`CREATE INDEX area_code_idx ON area (code, valid_from)`);
    // At most one current row per code.
    await q.query(`CREATE UNIQUE INDEX area_current_code_uq ON area (code) WHERE valid_from IS NOT NULL AND valid_to IS NULL`);
    await q.query(`CREATE INDEX area_current_level_idx ON area (level, parent_code) WHERE valid_to IS NULL AND valid_from IS NOT NULL`);
    // Point lookups against big polygons are slow; ST_Subdivide pieces (≤ 64 vertices) keep
    // each candidate's point-in-polygon test cheap and the GiST boxes tight (mapit's trick).
    await q.query(`CREATE TABLE area_part (
      area_id bigint NOT NULL REFERENCES area(id) ON DELETE CASCADE,
      geom geometry(Polygon, 4326) NOT NULL
    )`);
    await q.query(`CREATE INDEX area_part_geom_gist ON area_part USING gist (geom)`);
    await q.query(`CREATE INDEX area_part_area_idx ON area_part (area_id)`);

    // Grid staff ("一长二员"), with periods.
    await q.query(`CREATE TABLE grid_staff (
      id bigserial PRIMARY KEY,
      area_code text NOT NULL,
      role text NOT NULL CHECK (role IN ('grid_leader', 'grid_worker', 'grid_assistant')),
      name text NOT NULL,
      phone text,
      user_id bigint,
      valid_from timestamptz NOT NULL DEFAULT now(),
      valid_to timestamptz
    )`);
    await q.query(`CREATE INDEX grid_staff_area_idx ON grid_staff (area_code) WHERE valid_to IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE grid_staff; DROP TABLE area_part; DROP TABLE area; DROP TABLE area_version`);
  }
}

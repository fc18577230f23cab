import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registries inside the grids (人 地 物 组织): places, people, city components
 * (objects) and organizations. Every located row carries its point, the grid it was
 * attributed to in the writing transaction (grid_id = the versioned area row,
 * grid_code, area_path for jurisdiction) and a move history.
 */
export class Registry1764004000000 implements MigrationInterface {
  name = 'Registry1764004000000';

  async up(q: QueryRunner): Promise<void> {
    // Configurable lists: special-group tags of people and the two-level component catalogue.
    await q.query(`CREATE TABLE person_tag (
      code text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{2,40}$'),
      name text NOT NULL,
      name_en text NOT NULL,
      active boolean NOT NULL DEFAULT true
    )`);
    await q.query(`INSERT INTO person_tag (code, name, name_en) VALUES
      ('elderly_alone', '独居老人', 'Elderly living alone'),
      ('disabled', '残疾人', 'Disabled'),
      ('low_income', '低保户', 'Low income'),
      ('community_correction', '社区矫正人员', 'Community correction'),
      ('drug_rehab', '社区戒毒康复人员', 'Drug rehabilitation'),
      ('severe_mental_illness', '严重精神障碍患者', 'Severe mental illness'),
      ('veteran', '退役军人', 'Veteran'),
      ('left_behind_child', '留守儿童', 'Left-behind child')`);
    await q.query(`CREATE TABLE object_category (
      code text PRIMARY KEY CHECK (code ~ '^[0-9]{2}([0-9]{2})?$'),
      parent_code text REFERENCES object_category(code),
      name text NOT NULL,
      name_en text NOT NULL,
      -- Majors have 2 digits and no parent; minors 4 digits under their major (GB/T 30428.2 style).
      CHECK ((parent_code IS NULL AND length(code) = 2) OR (parent_code IS NOT NULL AND length(code) = 4 AND left(code, 2) = parent_code))
    )`);
    await q.query(`INSERT INTO object_category (code, parent_code, name, name_en) VALUES
      ('01', NULL, '公用设施', 'Public utilities'),
      ('02', NULL, '道路交通', 'Roads and traffic'),
      ('03', NULL, '市容环境', 'City appearance'),
      ('04', NULL, '园林绿化', 'Landscaping'),
      ('05', NULL, '房屋土地', 'Housing and land'),
      ('06', NULL, '其他', 'Other'),
      ('0101', '01', '上水井盖', 'Water manhole cover'),
      ('0102', '01', '污水井盖', 'Sewage manhole cover'),
      ('0103', '01', '电力井盖', 'Power manhole cover'),
      ('0104', '01', '消防栓', 'Hydrant'),
      ('0105', '01', '路灯', 'Street light'),
      ('0106', '01', '监控电子眼', 'Camera'),
      ('0201', '02', '交通标志牌', 'Traffic sign'),
      ('0202', '02', '交通信号灯', 'Traffic light'),
      ('0203', '02', '护栏', 'Guard rail'),
      ('0204', '02', '公交站亭', 'Bus shelter'),
      ('0301', '03', '垃圾箱', 'Litter bin'),
      ('0302', '03', '公共厕所', 'Public toilet'),
      ('0303', '03', '广告牌', 'Billboard'),
      ('0401', '04', '行道树', 'Street tree'),
      ('0402', '04', '绿地', 'Green space'),
      ('0501', '05', '危房', 'Dangerous building'),
      ('0601', '06', '其他部件', 'Other component')`);

    // Places (地): standard addresses down to the room, and points of interest.
    await q.query(`CREATE TABLE place (
      id bigserial PRIMARY KEY,
      external_id text UNIQUE,
      kind text NOT NULL CHECK (kind IN ('compound', 'building', 'unit', 'room', 'shop', 'school', 'site', 'rental_housing', 'poi')),
      name text NOT NULL,
      address text,
      compound text, building text, unit text, floor text, room text,
      parent_id bigint REFERENCES place(id),
      geom geometry(Point, 4326) NOT NULL,
      -- Optional outline of a compound or building; validity checked here like areas.
      footprint geometry(MultiPolygon, 4326) CHECK (footprint IS NULL OR ST_IsValid(footprint)),
      grid_id bigint NOT NULL REFERENCES area(id),
      grid_code text NOT NULL,
      area_path ltree NOT NULL,
      properties jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);

    // People (人). ID and phone numbers only as AES-GCM ciphertext plus a keyed HMAC for
    // exact-match lookup: a dump of this table reveals neither.
    await q.query(`CREATE TABLE person (
      id bigserial PRIMARY KEY,
      external_id text UNIQUE,
      name text NOT NULL,
      id_number_enc text,
      id_number_hmac text,
      phone_enc text,
      phone_hmac text,
      gender text CHECK (gender IN ('male', 'female')),
      birth_date date,
      household_no text,
      household_role text,
      registration text NOT NULL DEFAULT 'registered' CHECK (registration IN ('registered', 'floating')),
      place_id bigint REFERENCES place(id),
      tags text[] NOT NULL DEFAULT '{}',
      -- own_location false: geom and grid are copied from the place and follow it when it moves.
      own_location boolean NOT NULL DEFAULT false,
      geom geometry(Point, 4326) NOT NULL,
      grid_id bigint NOT NULL REFERENCES area(id),
      grid_code text NOT NULL,
      area_path ltree NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE UNIQUE INDEX person_id_number_uq ON person (id_number_hmac) WHERE id_number_hmac IS NOT NULL`);
    await q.query(`CREATE INDEX person_phone_hmac_idx ON person (phone_hmac) WHERE phone_hmac IS NOT NULL`);
    await q.query(`CREATE INDEX person_place_idx ON person (place_id)`);
    await q.query(`CREATE INDEX person_household_idx ON person (household_no) WHERE household_no IS NOT NULL`);
    await q.query(`CREATE INDEX person_tags_gin ON person USING gin (tags)`);

    // Objects (物): city components with a catalogue code and a condition.
    await q.query(`CREATE TABLE city_object (
      id bigserial PRIMARY KEY,
      external_id text UNIQUE,
      category_code text NOT NULL REFERENCES object_category(code),
      name text NOT NULL,
      condition text NOT NULL DEFAULT 'intact' CHECK (condition IN ('intact', 'damaged', 'lost', 'removed')),
      owner text,
      department_code text,
      address text,
      geom geometry(Point, 4326) NOT NULL,
      grid_id bigint NOT NULL REFERENCES area(id),
      grid_code text NOT NULL,
      area_path ltree NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX city_object_category_idx ON city_object (category_code)`);

    // Organizations (组织).
    await q.query(`CREATE TABLE organization (
      id bigserial PRIMARY KEY,
      external_id text UNIQUE,
      kind text NOT NULL CHECK (kind IN ('company', 'shop', 'social_org', 'party_org', 'property_mgmt', 'owners_committee')),
      name text NOT NULL,
      uscc text,
      address text,
      place_id bigint REFERENCES place(id),
      contact_name text,
      contact_phone_enc text,
      own_location boolean NOT NULL DEFAULT false,
      geom geometry(Point, 4326) NOT NULL,
      grid_id bigint NOT NULL REFERENCES area(id),
      grid_code text NOT NULL,
      area_path ltree NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE UNIQUE INDEX organization_uscc_uq ON organization (uscc) WHERE uscc IS NOT NULL`);
    await q.query(`CREATE INDEX organization_place_idx ON organization (place_id)`);

    for (const t of ['place', 'person', 'city_object', 'organization']) {
      // GiST on the point for map/bbox queries and re-attribution joins; on the path for
      // "everything under this street" (jurisdiction and per-grid counts); grid_id for redraws.
      await q.query(`CREATE INDEX ${t}_geom_gist ON ${t} USING gist (geom)`);
      await q.query(`CREATE INDEX ${t}_path_gist ON ${t} USING gist (area_path)`);
      await q.query(`CREATE INDEX ${t}_grid_idx ON ${t} (grid_id)`);
      // Trigram GIN: fuzzy name search that works on Chinese text (trigrams of characters).
      await q.query(`CREATE INDEX ${t}_name_trgm ON ${t} USING gin (name gin_trgm_ops)`);
    }
    await q.query(`CREATE INDEX place_kind_idx ON place (kind)`);
    await q.query(`CREATE INDEX place_address_trgm ON place USING gin (address gin_trgm_ops)`);
    await q.query(`CREATE INDEX organization_address_trgm ON organization USING gin (address gin_trgm_ops)`);
    await q.query(`CREATE INDEX city_object_address_trgm ON city_object USING gin (address gin_trgm_ops)`);
    await q.query(`CREATE INDEX place_footprint_gist ON place USING gist (footprint) WHERE footprint IS NOT NULL`);

    // Moves keep their history: one row per change of location or grid, append-only.
    await q.query(`CREATE TABLE registry_move (
      id bigserial PRIMARY KEY,
      entity text NOT NULL CHECK (entity IN ('place', 'person', 'object', 'organization')),
      entity_id bigint NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      reason text NOT NULL DEFAULT 'move',
      from_geom geometry(Point, 4326),
      to_geom geometry(Point, 4326),
      from_grid_code text,
      to_grid_code text,
      from_area_path ltree,
      to_area_path ltree,
      actor_name text
    )`);
    await q.query(`CREATE INDEX registry_move_entity_idx ON registry_move (entity, entity_id, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE registry_move; DROP TABLE organization; DROP TABLE city_object; DROP TABLE person; DROP TABLE place;
      DROP TABLE object_category; DROP TABLE person_tag`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Departments, accounts, refresh tokens, API keys and the append-only audit log. */
export class Access1764000002000 implements MigrationInterface {
  name = 'Access1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE department (
      id bigserial PRIMARY KEY,
      code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9_]{2,32}$'),
      name text NOT NULL,
      name_en text NOT NULL
    )`);
    await q.query(`CREATE TABLE app_user (
      id bigserial PRIMARY KEY,
      username text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.@-]{3,64}$'),
      display_name text,
      password_hash text NOT NULL,
      roles text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['admin','operator','analyst','supervisor','department','grid_worker','auditor','api_client']::text[]),
      -- The area this account may see: that area and everything under it.
      jurisdiction_code text NOT NULL,
      department_id bigint REFERENCES department(id),
      failed_logins int NOT NULL DEFAULT 0,
      locked_until timestamptz,
      disabled_at timestamptz,
      demo boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE refresh_token (
      id bigserial PRIMARY KEY,
      user_id bigint NOT NULL REFERENCES app_user(id),
      family uuid NOT NULL,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX refresh_token_family_idx ON refresh_token (family)`);
    await q.query(`CREATE TABLE api_key (
      id bigserial PRIMARY KEY,
      name text NOT NULL,
      prefix text NOT NULL,
      key_hash text NOT NULL UNIQUE,
      roles text[] NOT NULL,
      jurisdiction_code text NOT NULL,
      department_id bigint REFERENCES department(id),
      created_by bigint REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`);
    // Append-only: who did what, before and after; and every unmasked read of personal data
    // with its stated purpose. Kept ≥ 6 months (Cybersecurity Law art. 21): nothing deletes it.
    await q.query(`CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_kind text NOT NULL,
      actor_id bigint,
      actor_name text NOT NULL,
      action text NOT NULL,
      entity text NOT NULL,
      entity_id text,
      before jsonb,
      after jsonb,
      purpose text,
      request_id text,
      area_path ltree
    )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id)`);
    await q.query(`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log; DROP FUNCTION audit_log_append_only(); DROP TABLE api_key; DROP TABLE refresh_token; DROP TABLE app_user; DROP TABLE department`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The field (issue 20): patrols, grid workers' positions (personal data: purged after the
 * retention period by FieldRetention), the latest position per worker for KNN, and household visits.
 */
export class Field1764005600000 implements MigrationInterface {
  name = 'Field1764005600000';

  async up(q: QueryRunner): Promise<void> {
    // A patrol (巡查): start/end; its track is derived from its positions in SQL, never stored twice.
    await q.query(`CREATE TABLE patrol (
      id bigserial PRIMARY KEY,
      worker_id bigint NOT NULL REFERENCES app_user(id),
      -- The grid the patrol covers (the worker's grid, else where it started): coverage is against it.
      grid_id bigint REFERENCES area(id),
      grid_code text,
      area_path ltree,
      started_at timestamptz NOT NULL DEFAULT now(),
      ended_at timestamptz,
      CHECK (ended_at IS NULL OR ended_at >= started_at)
    )`);
    // At most one open patrol per worker: a second start is a 409, not a second track.
    await q.query(`CREATE UNIQUE INDEX patrol_open_uq ON patrol (worker_id) WHERE ended_at IS NULL`);
    await q.query(`CREATE INDEX patrol_worker_started_idx ON patrol (worker_id, started_at DESC)`);
    await q.query(`CREATE INDEX patrol_area_path_gist ON patrol USING gist (area_path)`);

    await q.query(`CREATE TABLE worker_position (
      id bigserial PRIMARY KEY,
      worker_id bigint NOT NULL REFERENCES app_user(id),
      patrol_id bigint REFERENCES patrol(id),
      at timestamptz NOT NULL,
      accuracy real CHECK (accuracy IS NULL OR accuracy >= 0),
      geom geometry(Point, 4326) NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX worker_position_geom_gist ON worker_position USING gist (geom)`);
    await q.query(`CREATE INDEX worker_position_worker_at_idx ON worker_position (worker_id, at)`);
    await q.query(`CREATE INDEX worker_position_patrol_idx ON worker_position (patrol_id, at) WHERE patrol_id IS NOT NULL`);
    // The retention purge deletes by time.
    await q.query(`CREATE INDEX worker_position_at_idx ON worker_position (at)`);

    // One row per worker: the newest position. Nearest-worker KNN (<->) runs on this small table,
    // not on the history; it is moved in the same statement that stores a batch.
    await q.query(`CREATE TABLE worker_latest (
      worker_id bigint PRIMARY KEY REFERENCES app_user(id),
      patrol_id bigint REFERENCES patrol(id),
      at timestamptz NOT NULL,
      accuracy real,
      geom geometry(Point, 4326) NOT NULL,
      -- The grid the position lies in (NULL outside the territory): jurisdiction of who may see it.
      area_path ltree
    )`);
    await q.query(`CREATE INDEX worker_latest_geom_gist ON worker_latest USING gist (geom)`);
    await q.query(`CREATE INDEX worker_latest_area_path_gist ON worker_latest USING gist (area_path)`);

    // Idempotency per position batch: (worker, key) claimed in the statement that stores it.
    await q.query(`CREATE TABLE position_batch (
      worker_id bigint NOT NULL REFERENCES app_user(id),
      key text NOT NULL,
      accepted int NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (worker_id, key)
    )`);
    await q.query(`CREATE INDEX position_batch_at_idx ON position_batch (at)`);

    // Household visits (走访 / 民情日志) against a person, a household or a place of the registries.
    await q.query(`CREATE TABLE visit (
      id bigserial PRIMARY KEY,
      worker_id bigint NOT NULL REFERENCES app_user(id),
      person_id bigint REFERENCES person(id),
      household_no text,
      place_id bigint REFERENCES place(id),
      visited_at timestamptz NOT NULL,
      notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
      tags text[] NOT NULL DEFAULT '{}',
      follow_up_event_ids bigint[] NOT NULL DEFAULT '{}',
      -- The subject's grid at the time of the visit: who may read it.
      grid_code text NOT NULL,
      area_path ltree NOT NULL,
      idempotency_key text,
      request_hash text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (num_nonnulls(person_id, household_no, place_id) >= 1)
    )`);
    await q.query(`CREATE UNIQUE INDEX visit_idempotency_uq ON visit (worker_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await q.query(`CREATE INDEX visit_person_idx ON visit (person_id) WHERE person_id IS NOT NULL`);
    await q.query(`CREATE INDEX visit_place_idx ON visit (place_id) WHERE place_id IS NOT NULL`);
    await q.query(`CREATE INDEX visit_household_idx ON visit (household_no) WHERE household_no IS NOT NULL`);
    await q.query(`CREATE INDEX visit_area_path_gist ON visit USING gist (area_path)`);
    // A worker's state and load (cases assigned to them, by state) for every suggestion and position push.
    await q.query(`CREATE INDEX event_assignee_state_idx ON event (assignee_user_id, state) WHERE assignee_user_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX event_assignee_state_idx; DROP TABLE visit; DROP TABLE position_batch; DROP TABLE worker_latest; DROP TABLE worker_position; DROP TABLE patrol`);
  }
}

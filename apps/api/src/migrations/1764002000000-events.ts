import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The closed loop for events: categories with their time limits, the event
 * (current state), its append-only transition log, summons (吹哨报到) and the
 * idempotency store that makes a retried intake create one event, not two.
 */

// Stage time limits in WORKING minutes (see modules/events/working-time.ts: 7 working hours a day).
const H = 60;
const D = 7 * H;
type Limit = [number, number, number]; // handle limit for normal, urgent, critical
function stageLimits([normal, urgent, critical]: Limit): string {
  const stages = (handle: number, fast: boolean) => ({
    accept: fast ? 15 : 30,
    register: fast ? 30 : 60,
    dispatch: fast ? 30 : 60,
    handle,
    verify: fast ? 2 * H : 4 * H,
    close: fast ? 30 : 60,
  });
  return JSON.stringify({ normal: stages(normal, false), urgent: stages(urgent, true), critical: stages(critical, true) });
}

// [code, parent, name, name_en, default departments, handle limits]
const GROUPS: [string, string, string][] = [
  ['city_appearance', '市容环境', 'City appearance and environment'],
  ['street_order', '街面秩序', 'Street order'],
  ['facilities', '市政设施', 'Municipal facilities'],
  ['safety', '安全隐患', 'Safety hazards'],
  ['construction', '违法建设', 'Illegal construction'],
  ['community', '社区事务', 'Community affairs'],
  ['other_group', '其他', 'Other'],
];
const CATEGORIES: [string, string, string, string, string[], Limit][] = [
  ['exposed_rubbish', 'city_appearance', '暴露垃圾', 'Exposed rubbish', ['city_management'], [4 * H, 2 * H, 1 * H]],
  ['overflowing_bin', 'city_appearance', '垃圾满溢', 'Overflowing bin', ['city_management'], [4 * H, 2 * H, 1 * H]],
  ['illegal_ads', 'city_appearance', '非法小广告', 'Illegal posters and ads', ['city_management'], [1 * D, 4 * H, 2 * H]],
  ['noise', 'city_appearance', '噪声扰民', 'Noise', ['environment', 'public_security'], [1 * D, 4 * H, 2 * H]],
  ['pollution', 'city_appearance', '环境污染', 'Pollution (air, water, soil)', ['environment'], [2 * D, 1 * D, 4 * H]],
  ['tree_fall', 'city_appearance', '树木倒伏', 'Fallen tree', ['landscaping'], [4 * H, 2 * H, 1 * H]],
  ['greenery_damage', 'city_appearance', '绿化损坏', 'Damaged greenery', ['landscaping'], [3 * D, 1 * D, 4 * H]],
  ['street_vendor', 'street_order', '占道经营', 'Street vendors', ['city_management', 'market_supervision'], [4 * H, 2 * H, 1 * H]],
  ['illegal_parking', 'street_order', '违章停车', 'Illegal parking', ['public_security', 'transport'], [2 * H, 1 * H, 30]],
  ['shared_bikes', 'street_order', '共享单车乱停放', 'Shared bikes parked badly', ['transport'], [1 * D, 4 * H, 2 * H]],
  ['road_damage', 'facilities', '道路破损', 'Road damage', ['housing', 'transport'], [3 * D, 1 * D, 4 * H]],
  ['manhole_cover_missing', 'facilities', '井盖缺失', 'Manhole cover missing or broken', ['water', 'city_management'], [4 * H, 2 * H, 1 * H]],
  ['water_leak', 'facilities', '供水管道漏水', 'Water leak', ['water'], [1 * D, 4 * H, 2 * H]],
  ['street_light', 'facilities', '路灯损坏', 'Street light out', ['city_management'], [2 * D, 1 * D, 4 * H]],
  ['sewer_blockage', 'facilities', '排水堵塞', 'Sewer blockage', ['water'], [1 * D, 4 * H, 2 * H]],
  ['fire_hazard', 'safety', '消防隐患', 'Fire hazard', ['emergency', 'public_security'], [4 * H, 2 * H, 1 * H]],
  ['elevator_fault', 'safety', '电梯故障', 'Elevator fault', ['market_supervision'], [4 * H, 2 * H, 1 * H]],
  ['gas_hazard', 'safety', '燃气隐患', 'Gas hazard', ['emergency', 'housing'], [2 * H, 1 * H, 30]],
  ['food_safety', 'safety', '食品安全', 'Food safety', ['market_supervision', 'health'], [1 * D, 4 * H, 2 * H]],
  ['illegal_construction', 'construction', '违法建设', 'Illegal construction', ['city_management', 'housing'], [20 * D, 10 * D, 5 * D]],
  ['illegal_demolition', 'construction', '违法拆除', 'Illegal demolition', ['housing', 'city_management'], [20 * D, 10 * D, 5 * D]],
  ['neighbour_dispute', 'community', '邻里纠纷', 'Neighbour dispute', ['civil_affairs'], [3 * D, 1 * D, 4 * H]],
  ['elderly_care', 'community', '困难群众帮扶', 'Help for people in need', ['civil_affairs', 'health'], [3 * D, 1 * D, 4 * H]],
  ['epidemic_prevention', 'community', '公共卫生', 'Public health', ['health'], [1 * D, 4 * H, 2 * H]],
  ['other', 'other_group', '其他问题', 'Other problem', ['city_management'], [5 * D, 2 * D, 1 * D]],
];
const DEPARTMENTS: [string, string, string][] = [
  ['city_management', '城市管理局', 'City management'],
  ['market_supervision', '市场监督管理局', 'Market supervision'],
  ['public_security', '公安局', 'Public security'],
  ['civil_affairs', '民政局', 'Civil affairs'],
  ['emergency', '应急管理局', 'Emergency management and safety'],
  ['environment', '生态环境局', 'Ecology and environment'],
  ['health', '卫生健康委员会', 'Health'],
  ['housing', '住房和城乡建设局', 'Housing and construction'],
  ['water', '水务局', 'Water'],
  ['transport', '交通运输局', 'Transport'],
  ['landscaping', '园林绿化局', 'Landscaping and greening'],
];

const EVENT_OPEN_STATES = `('reported','unplaced','accepted','registered','dispatched','in_progress','handled','verified','returned','rework','extension_requested','deferred','on_account')`;

export class Events1764002000000 implements MigrationInterface {
  name = 'Events1764002000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [code, name, nameEn] of DEPARTMENTS) {
      await q.query(`INSERT INTO department (code, name, name_en) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING`, [code, name, nameEn]);
    }
    // Two levels: groups (parent_code NULL) and the leaf categories an event carries.
    // stage_limits: {urgency: {stage: working minutes}}, editable per city without a release.
    await q.query(`CREATE TABLE event_category (
      code text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{2,40}$'),
      parent_code text REFERENCES event_category(code),
      name text NOT NULL,
      name_en text NOT NULL,
      departments text[] NOT NULL DEFAULT '{}',
      stage_limits jsonb NOT NULL DEFAULT '{}'::jsonb,
      active boolean NOT NULL DEFAULT true
    )`);
    for (const [code, name, nameEn] of GROUPS) {
      await q.query(`INSERT INTO event_category (code, name, name_en) VALUES ($1, $2, $3)`, [code, name, nameEn]);
    }
    for (const [code, parent, name, nameEn, depts, limits] of CATEGORIES) {
      await q.query(`INSERT INTO event_category (code, parent_code, name, name_en, departments, stage_limits) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`, [code, parent, name, nameEn, depts, stageLimits(limits)]);
    }

    await q.query(`CREATE TABLE event (
      id bigserial PRIMARY KEY,
      title text NOT NULL,
      description text,
      category_code text NOT NULL REFERENCES event_category(code),
      urgency text NOT NULL CHECK (urgency IN ('normal', 'urgent', 'critical')),
      source text NOT NULL CHECK (source IN ('operator', 'patrol', 'hotline', 'resident', 'system', 'sensor', 'open311')),
      state text NOT NULL,
      -- WGS-84 always (GCJ-02/BD-09 input is converted at the edge). NULL: not placed yet (state unplaced).
      geom geometry(Point, 4326),
      -- Attribution at intake time, in the same transaction: the versioned area row, its code and path.
      grid_id bigint REFERENCES area(id),
      grid_code text,
      area_path ltree,
      address text,
      reporter_name text,
      reporter_phone_masked text,
      department_id bigint REFERENCES department(id),
      assignee_user_id bigint,
      assignee_name text,
      stage text,
      stage_started_at timestamptz,
      stage_limit_minutes int,
      warn_at timestamptz,
      due_at timestamptz,
      prior_state text,
      escalation_level int NOT NULL DEFAULT 0,
      escalated_at timestamptz,
      -- merged into that case (action merge)
      duplicate_of bigint REFERENCES event(id),
      -- flagged at intake: same category, near in space and time (a candidate, not a decision)
      suspected_duplicate_of bigint REFERENCES event(id),
      extension_minutes int,
      rework_count int NOT NULL DEFAULT 0,
      handled_on_time boolean,
      satisfaction smallint CHECK (satisfaction BETWEEN 1 AND 5),
      external_source text,
      external_id text,
      reported_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      closed_at timestamptz,
      created_by text,
      CHECK (state <> 'unplaced' OR grid_id IS NULL)
    )`);
    await q.query(`CREATE INDEX event_geom_gist ON event USING gist (geom)`);
    await q.query(`CREATE INDEX event_area_path_gist ON event USING gist (area_path)`);
    await q.query(`CREATE INDEX event_state_idx ON event (state, created_at DESC)`);
    // The escalation sweep and ?overdue=true read only open cases with a deadline.
    await q.query(`CREATE INDEX event_open_due_idx ON event (due_at) WHERE state IN ${EVENT_OPEN_STATES}`);
    await q.query(`CREATE INDEX event_department_idx ON event (department_id)`);
    await q.query(`CREATE INDEX event_category_idx ON event (category_code, created_at)`);
    await q.query(`CREATE UNIQUE INDEX event_external_uq ON event (external_source, external_id) WHERE external_id IS NOT NULL`);

    // Append-only: the evidence of who did what when; the event row only caches the latest state.
    await q.query(`CREATE TABLE event_transition (
      id bigserial PRIMARY KEY,
      event_id bigint NOT NULL REFERENCES event(id),
      at timestamptz NOT NULL DEFAULT now(),
      actor_kind text NOT NULL,
      actor_id bigint,
      actor_name text NOT NULL,
      action text NOT NULL,
      from_state text,
      to_state text NOT NULL,
      note text,
      geom geometry(Point, 4326),
      department_code text,
      attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
      data jsonb NOT NULL DEFAULT '{}'::jsonb
    )`);
    await q.query(`CREATE INDEX event_transition_event_idx ON event_transition (event_id, id)`);
    await q.query(`CREATE FUNCTION event_transition_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'event_transition is append-only'; END $$`);
    await q.query(`CREATE TRIGGER event_transition_no_update BEFORE UPDATE OR DELETE ON event_transition
      FOR EACH ROW EXECUTE FUNCTION event_transition_append_only()`);

    await q.query(`CREATE TABLE summons (
      id bigserial PRIMARY KEY,
      event_id bigint NOT NULL REFERENCES event(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by text NOT NULL,
      report_within_minutes int NOT NULL CHECK (report_within_minutes > 0),
      due_at timestamptz NOT NULL,
      note text
    )`);
    await q.query(`CREATE INDEX summons_event_idx ON summons (event_id)`);
    await q.query(`CREATE TABLE summons_department (
      summons_id bigint NOT NULL REFERENCES summons(id),
      department_id bigint NOT NULL REFERENCES department(id),
      reported_at timestamptz,
      reported_by text,
      note text,
      PRIMARY KEY (summons_id, department_id)
    )`);
    await q.query(`CREATE INDEX summons_department_dept_idx ON summons_department (department_id)`);

    // Idempotency-Key store: the first response is kept and replayed to a retry with the same body.
    await q.query(`CREATE TABLE idempotency_key (
      principal text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      status int,
      response jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (principal, key)
    )`);
    await q.query(`CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_key; DROP TABLE summons_department; DROP TABLE summons;
      DROP TABLE event_transition; DROP FUNCTION event_transition_append_only(); DROP TABLE event; DROP TABLE event_category`);
  }
}

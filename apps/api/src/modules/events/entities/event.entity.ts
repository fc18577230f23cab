import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Point } from 'geojson';
import { AreaEntity } from '../../areas/entities/area.entity';
import { DepartmentEntity } from '../../auth/entities/department.entity';
import { EventCategoryEntity } from './event-category.entity';

/** `event`, created in migrations/1764002000000-events.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'event' })
@Check('event_check', "((state <> 'unplaced'::text) OR (grid_id IS NULL))")
@Check('event_satisfaction_check', '((satisfaction >= 1) AND (satisfaction <= 5))')
@Check('event_source_check', "(source = ANY (ARRAY['operator'::text, 'patrol'::text, 'hotline'::text, 'resident'::text, 'system'::text, 'sensor'::text, 'open311'::text]))")
@Check('event_urgency_check', "(urgency = ANY (ARRAY['normal'::text, 'urgent'::text, 'critical'::text]))")
@Index('event_area_path_gist', ['area_path'], { spatial: true })
@Index('event_assignee_state_idx', ['assignee_user_id', 'state'], { where: '(assignee_user_id IS NOT NULL)' })
@Index('event_category_idx', ['category_code', 'created_at'])
@Index('event_department_idx', ['department_id'])
@Index('event_external_uq', ['external_source', 'external_id'], { unique: true, where: '(external_id IS NOT NULL)' })
@Index('event_geom_gist', ['geom'], { spatial: true })
@Index('event_reported_at_idx', ['reported_at'])
@Index('event_open_due_idx', ['due_at'], {
  where:
    "(state = ANY (ARRAY['reported'::text, 'unplaced'::text, 'accepted'::text, 'registered'::text, 'dispatched'::text, 'in_progress'::text, 'handled'::text, 'verified'::text, 'returned'::text, 'rework'::text, 'extension_requested'::text, 'deferred'::text, 'on_account'::text]))",
})
// CREATE INDEX event_state_idx ON event USING btree (state, created_at DESC) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('event_state_idx', { synchronize: false })
export class EventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text' })
  @ForeignKey(() => EventCategoryEntity, { name: 'event_category_code_fkey' })
  category_code!: string;

  @Column({ type: 'text' })
  urgency!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'geometry', spatialFeatureType: 'Point', srid: 4326, nullable: true })
  geom!: Point | null;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => AreaEntity, { name: 'event_grid_id_fkey' })
  grid_id!: string | null;

  @Column({ type: 'text', nullable: true })
  grid_code!: string | null;

  @Column({ type: 'ltree', nullable: true })
  area_path!: string | null;

  @Column({ type: 'text', nullable: true })
  address!: string | null;

  @Column({ type: 'text', nullable: true })
  reporter_name!: string | null;

  @Column({ type: 'text', nullable: true })
  reporter_phone_masked!: string | null;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => DepartmentEntity, { name: 'event_department_id_fkey' })
  department_id!: string | null;

  @Column({ type: 'bigint', nullable: true })
  assignee_user_id!: string | null;

  @Column({ type: 'text', nullable: true })
  assignee_name!: string | null;

  @Column({ type: 'text', nullable: true })
  stage!: string | null;

  @Column({ type: 'timestamp with time zone', nullable: true })
  stage_started_at!: Date | null;

  @Column({ type: 'integer', nullable: true })
  stage_limit_minutes!: number | null;

  @Column({ type: 'timestamp with time zone', nullable: true })
  warn_at!: Date | null;

  @Column({ type: 'timestamp with time zone', nullable: true })
  due_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  prior_state!: string | null;

  @Column({ type: 'integer', default: 0 })
  escalation_level!: number;

  @Column({ type: 'timestamp with time zone', nullable: true })
  escalated_at!: Date | null;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => EventEntity, { name: 'event_duplicate_of_fkey' })
  duplicate_of!: string | null;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => EventEntity, { name: 'event_suspected_duplicate_of_fkey' })
  suspected_duplicate_of!: string | null;

  @Column({ type: 'integer', nullable: true })
  extension_minutes!: number | null;

  @Column({ type: 'integer', default: 0 })
  rework_count!: number;

  @Column({ type: 'boolean', nullable: true })
  handled_on_time!: boolean | null;

  @Column({ type: 'smallint', nullable: true })
  satisfaction!: number | null;

  @Column({ type: 'text', nullable: true })
  external_source!: string | null;

  @Column({ type: 'text', nullable: true })
  external_id!: string | null;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  reported_at!: Date;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  updated_at!: Date;

  @Column({ type: 'timestamp with time zone', nullable: true })
  closed_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  created_by!: string | null;
}

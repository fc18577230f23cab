import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Point } from 'geojson';
import { EventEntity } from './event.entity';

/** `event_transition`, created in migrations/1764002000000-events.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'event_transition' })
// CREATE INDEX event_transition_attachments_gin ON event_transition USING gin (attachments jsonb_path_ops) WHERE (attachments <> '[]'::jsonb) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('event_transition_attachments_gin', { synchronize: false })
@Index('event_transition_event_idx', ['event_id', 'id'])
export class EventTransitionEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'bigint' })
  @ForeignKey(() => EventEntity, { name: 'event_transition_event_id_fkey' })
  event_id!: string;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  at!: Date;

  @Column({ type: 'text' })
  actor_kind!: string;

  @Column({ type: 'bigint', nullable: true })
  actor_id!: string | null;

  @Column({ type: 'text' })
  actor_name!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text', nullable: true })
  from_state!: string | null;

  @Column({ type: 'text' })
  to_state!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'geometry', spatialFeatureType: 'Point', srid: 4326, nullable: true })
  geom!: Point | null;

  @Column({ type: 'text', nullable: true })
  department_code!: string | null;

  @Column({ type: 'jsonb', default: [] })
  attachments!: unknown[];

  @Column({ type: 'jsonb', default: {} })
  data!: Record<string, unknown>;
}

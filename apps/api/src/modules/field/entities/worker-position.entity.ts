import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Point } from 'geojson';
import { AppUserEntity } from '../../auth/entities/app-user.entity';
import { PatrolEntity } from './patrol.entity';

/** `worker_position`, created in migrations/1764005600000-field.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'worker_position' })
@Check('worker_position_accuracy_check', '((accuracy IS NULL) OR (accuracy >= (0)::double precision))')
@Index('worker_position_at_idx', ['at'])
@Index('worker_position_geom_gist', ['geom'], { spatial: true })
@Index('worker_position_patrol_idx', ['patrol_id', 'at'], { where: '(patrol_id IS NOT NULL)' })
@Index('worker_position_worker_at_idx', ['worker_id', 'at'])
export class WorkerPositionEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'bigint' })
  @ForeignKey(() => AppUserEntity, { name: 'worker_position_worker_id_fkey' })
  worker_id!: string;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => PatrolEntity, { name: 'worker_position_patrol_id_fkey' })
  patrol_id!: string | null;

  @Column({ type: 'timestamp with time zone' })
  at!: Date;

  @Column({ type: 'real', nullable: true })
  accuracy!: number | null;

  @Column({ type: 'geometry', spatialFeatureType: 'Point', srid: 4326 })
  geom!: Point;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  received_at!: Date;
}

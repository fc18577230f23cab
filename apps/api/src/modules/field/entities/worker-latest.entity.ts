import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { Point } from 'geojson';
import { AppUserEntity } from '../../auth/entities/app-user.entity';
import { PatrolEntity } from './patrol.entity';

/** `worker_latest`, created in migrations/1764005600000-field.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'worker_latest' })
@Index('worker_latest_area_path_gist', ['area_path'], { spatial: true })
@Index('worker_latest_geom_gist', ['geom'], { spatial: true })
export class WorkerLatestEntity {
  @PrimaryColumn({ type: 'bigint' })
  @ForeignKey(() => AppUserEntity, { name: 'worker_latest_worker_id_fkey' })
  worker_id!: string;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => PatrolEntity, { name: 'worker_latest_patrol_id_fkey' })
  patrol_id!: string | null;

  @Column({ type: 'timestamp with time zone' })
  at!: Date;

  @Column({ type: 'real', nullable: true })
  accuracy!: number | null;

  @Column({ type: 'geometry', spatialFeatureType: 'Point', srid: 4326 })
  geom!: Point;

  @Column({ type: 'ltree', nullable: true })
  area_path!: string | null;
}

import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { AppUserEntity } from '../../auth/entities/app-user.entity';
import { AreaEntity } from '../../areas/entities/area.entity';

/** `patrol`, created in migrations/1764005600000-field.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'patrol' })
@Check('patrol_check', '((ended_at IS NULL) OR (ended_at >= started_at))')
@Index('patrol_area_path_gist', ['area_path'], { spatial: true })
@Index('patrol_open_uq', ['worker_id'], { unique: true, where: '(ended_at IS NULL)' })
// CREATE INDEX patrol_worker_started_idx ON patrol USING btree (worker_id, started_at DESC) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('patrol_worker_started_idx', { synchronize: false })
export class PatrolEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'bigint' })
  @ForeignKey(() => AppUserEntity, { name: 'patrol_worker_id_fkey' })
  worker_id!: string;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => AreaEntity, { name: 'patrol_grid_id_fkey' })
  grid_id!: string | null;

  @Column({ type: 'text', nullable: true })
  grid_code!: string | null;

  @Column({ type: 'ltree', nullable: true })
  area_path!: string | null;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  started_at!: Date;

  @Column({ type: 'timestamp with time zone', nullable: true })
  ended_at!: Date | null;
}

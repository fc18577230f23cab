import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { AppUserEntity } from '../../auth/entities/app-user.entity';

/** `position_batch`, created in migrations/1764005600000-field.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'position_batch' })
@Index('position_batch_at_idx', ['at'])
export class PositionBatchEntity {
  @PrimaryColumn({ type: 'bigint' })
  @ForeignKey(() => AppUserEntity, { name: 'position_batch_worker_id_fkey' })
  worker_id!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'integer' })
  accepted!: number;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  at!: Date;
}

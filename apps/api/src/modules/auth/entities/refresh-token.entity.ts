import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { AppUserEntity } from './app-user.entity';

/** `refresh_token`, created in migrations/1764000002000-access.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'refresh_token' })
@Index('refresh_token_family_idx', ['family'])
export class RefreshTokenEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'bigint' })
  @ForeignKey(() => AppUserEntity, { name: 'refresh_token_user_id_fkey' })
  user_id!: string;

  @Column({ type: 'uuid' })
  family!: string;

  @Column({ type: 'text', unique: true })
  token_hash!: string;

  @Column({ type: 'timestamp with time zone' })
  expires_at!: Date;

  @Column({ type: 'timestamp with time zone', nullable: true })
  used_at!: Date | null;

  @Column({ type: 'timestamp with time zone', nullable: true })
  revoked_at!: Date | null;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  created_at!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `login_lock`, created in migrations/1764005200000-login-lock.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'login_lock' })
export class LoginLockEntity {
  @PrimaryColumn({ type: 'text' })
  username!: string;

  @PrimaryColumn({ type: 'text' })
  address!: string;

  @Column({ type: 'integer', default: 0 })
  failures!: number;

  @Column({ type: 'integer', default: 0 })
  locks!: number;

  @Column({ type: 'timestamp with time zone', nullable: true })
  locked_until!: Date | null;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  last_failure_at!: Date;
}

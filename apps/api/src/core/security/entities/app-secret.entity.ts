import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `app_secret`, created in migrations/1764000000000-init.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'app_secret' })
export class AppSecretEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  value!: string;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  created_at!: Date;
}

import { Check, Column, Entity, ForeignKey, PrimaryGeneratedColumn } from 'typeorm';
import { DepartmentEntity } from './department.entity';

/** `app_user`, created in migrations/1764000002000-access.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'app_user' })
@Check(
  'app_user_roles_check',
  "((cardinality(roles) > 0) AND (roles <@ ARRAY['admin'::text, 'operator'::text, 'analyst'::text, 'supervisor'::text, 'department'::text, 'grid_worker'::text, 'auditor'::text, 'api_client'::text]))",
)
@Check('app_user_username_check', "(username ~ '^[A-Za-z0-9_.@-]{3,64}$'::text)")
export class AppUserEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text', unique: true })
  username!: string;

  @Column({ type: 'text', nullable: true })
  display_name!: string | null;

  @Column({ type: 'text' })
  password_hash!: string;

  @Column({ type: 'text', array: true })
  roles!: string[];

  @Column({ type: 'text' })
  jurisdiction_code!: string;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => DepartmentEntity, { name: 'app_user_department_id_fkey' })
  department_id!: string | null;

  @Column({ type: 'integer', default: 0 })
  failed_logins!: number;

  @Column({ type: 'timestamp with time zone', nullable: true })
  locked_until!: Date | null;

  @Column({ type: 'timestamp with time zone', nullable: true })
  disabled_at!: Date | null;

  @Column({ type: 'boolean', default: false })
  demo!: boolean;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  created_at!: Date;
}

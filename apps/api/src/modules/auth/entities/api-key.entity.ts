import { Column, Entity, ForeignKey, PrimaryGeneratedColumn } from 'typeorm';
import { AppUserEntity } from './app-user.entity';
import { DepartmentEntity } from './department.entity';

/** `api_key`, created in migrations/1764000002000-access.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'api_key' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  prefix!: string;

  @Column({ type: 'text', unique: true })
  key_hash!: string;

  @Column({ type: 'text', array: true })
  roles!: string[];

  @Column({ type: 'text' })
  jurisdiction_code!: string;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => DepartmentEntity, { name: 'api_key_department_id_fkey' })
  department_id!: string | null;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => AppUserEntity, { name: 'api_key_created_by_fkey' })
  created_by!: string | null;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamp with time zone', nullable: true })
  revoked_at!: Date | null;
}

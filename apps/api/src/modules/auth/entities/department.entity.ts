import { Check, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** `department`, created in migrations/1764000002000-access.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'department' })
@Check('department_code_check', "(code ~ '^[a-z0-9_]{2,32}$'::text)")
export class DepartmentEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text', unique: true })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  name_en!: string;
}

import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { DepartmentEntity } from '../../auth/entities/department.entity';
import { SummonsEntity } from './summons.entity';

/** `summons_department`, created in migrations/1764002000000-events.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'summons_department' })
@Index('summons_department_dept_idx', ['department_id'])
export class SummonsDepartmentEntity {
  @PrimaryColumn({ type: 'bigint' })
  @ForeignKey(() => SummonsEntity, { name: 'summons_department_summons_id_fkey' })
  summons_id!: string;

  @PrimaryColumn({ type: 'bigint' })
  @ForeignKey(() => DepartmentEntity, { name: 'summons_department_department_id_fkey' })
  department_id!: string;

  @Column({ type: 'timestamp with time zone', nullable: true })
  reported_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  reported_by!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;
}

import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** `grid_staff`, created in migrations/1764000001000-areas.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'grid_staff' })
@Check('grid_staff_role_check', "(role = ANY (ARRAY['grid_leader'::text, 'grid_worker'::text, 'grid_assistant'::text]))")
@Index('grid_staff_area_idx', ['area_code'], { where: '(valid_to IS NULL)' })
// migrations/1764009500000-supervision-grid-worker.ts: the supervision facts read the grid's staff by grid, role and period
@Index('grid_staff_area_role_idx', ['area_code', 'role', 'valid_from'])
export class GridStaffEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  area_code!: string;

  @Column({ type: 'text' })
  role!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @Column({ type: 'bigint', nullable: true })
  user_id!: string | null;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  valid_from!: Date;

  @Column({ type: 'timestamp with time zone', nullable: true })
  valid_to!: Date | null;
}

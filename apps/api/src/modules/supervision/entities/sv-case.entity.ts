import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { EventEntity } from '../../events/entities/event.entity';

/** `sv_case`, created in migrations/1764005500000-supervision.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'sv_case' })
@Index('sv_case_day_idx', ['day'])
@Index('sv_case_path_gist', ['path_then'], { spatial: true })
export class SvCaseEntity {
  @PrimaryColumn({ type: 'bigint' })
  @ForeignKey(() => EventEntity, { name: 'sv_case_event_id_fkey' })
  event_id!: string;

  @Column({ type: 'date' })
  day!: string;

  @Column({ type: 'ltree' })
  path_then!: string;

  @Column({ type: 'bigint', nullable: true })
  department_id!: string | null;

  @Column({ type: 'text', nullable: true })
  worker!: string | null;

  @Column({ type: 'text' })
  category!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'integer', default: 0 })
  reported!: number;

  @Column({ type: 'integer', default: 0 })
  registered!: number;

  @Column({ type: 'integer', default: 0 })
  dispatched!: number;

  @Column({ type: 'integer', default: 0 })
  handled!: number;

  @Column({ type: 'integer', default: 0 })
  handled_on_time!: number;

  @Column({ type: 'integer', default: 0 })
  handled_late!: number;

  @Column({ type: 'integer', default: 0 })
  open_overdue!: number;

  @Column({ type: 'integer', default: 0 })
  closed!: number;

  @Column({ type: 'integer', default: 0 })
  closed_on_time!: number;

  @Column({ type: 'integer', default: 0 })
  rework!: number;

  @Column({ type: 'double precision', default: 0 })
  handle_minutes!: number;

  @Column({ type: 'integer', default: 0 })
  handle_n!: number;

  @Column({ type: 'integer', default: 0 })
  escalations!: number;

  @Column({ type: 'integer', default: 0 })
  sat_sum!: number;

  @Column({ type: 'integer', default: 0 })
  sat_n!: number;

  @Column({ type: 'integer', default: 0 })
  sat_good!: number;

  @Column({ type: 'integer', default: 0 })
  in_grid!: number;

  @Column({ type: 'integer', default: 0 })
  self_handled!: number;

  @Column({ type: 'integer', default: 0 })
  summons_due!: number;

  @Column({ type: 'integer', default: 0 })
  summons_on_time!: number;

  @Column({ type: 'integer', default: 0 })
  summons_late!: number;

  @Column({ type: 'double precision', default: 0 })
  summons_late_minutes!: number;

  @Column({ type: 'integer', default: 0 })
  repeat!: number;

  @Column({ type: 'jsonb', default: [] })
  summons!: unknown[];

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  derived_at!: Date;
}

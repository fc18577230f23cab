import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** `sv_daily`, created in migrations/1764005500000-supervision.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'sv_daily' })
@Check('sv_daily_kind_check', "(kind = ANY (ARRAY['area'::text, 'department'::text, 'worker'::text, 'category'::text, 'source'::text]))")
@Index('sv_daily_lvl_idx', ['kind', 'lvl', 'day'])
export class SvDailyEntity {
  @PrimaryColumn({ type: 'text' })
  kind!: string;

  @PrimaryColumn({ type: 'ltree' })
  node!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ type: 'smallint' })
  lvl!: number;

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
}

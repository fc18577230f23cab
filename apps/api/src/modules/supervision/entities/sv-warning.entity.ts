import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** `sv_warning`, created in migrations/1764005500000-supervision.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'sv_warning' })
@Check('sv_warning_kind_check', "(kind = ANY (ARRAY['spike'::text, 'repeat_place'::text, 'overdue'::text, 'report_in_drop'::text]))")
@Check('sv_warning_status_check', "(status = ANY (ARRAY['open'::text, 'acknowledged'::text, 'dismissed'::text]))")
@Index('sv_warning_path_gist', ['area_path'], { spatial: true })
// CREATE INDEX sv_warning_raised_idx ON sv_warning USING btree (raised_at DESC) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('sv_warning_raised_idx', { synchronize: false })
@Index('sv_warning_subject_uq', ['kind', 'subject'], { unique: true })
export class SvWarningEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'ltree', nullable: true })
  area_path!: string | null;

  @Column({ type: 'bigint', nullable: true })
  department_id!: string | null;

  @Column({ type: 'jsonb' })
  figures!: unknown;

  @Column({ type: 'text', default: 'open' })
  status!: string;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  raised_at!: Date;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  updated_at!: Date;

  @Column({ type: 'timestamp with time zone', nullable: true })
  handled_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  handled_by!: string | null;
}

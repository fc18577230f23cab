import { Check, Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** `sv_indicator`, created in migrations/1764005500000-supervision.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'sv_indicator' })
@Check('sv_indicator_code_check', "(code ~ '^[a-z0-9_]{2,60}$'::text)")
@Check('sv_indicator_unit_check', "(unit = ANY (ARRAY['count'::text, 'ratio'::text, 'hours'::text, 'minutes'::text, 'score'::text]))")
@Check('sv_indicator_version_check', '(version > 0)')
@Unique('sv_indicator_code_effective_from_key', ['code', 'effective_from'])
export class SvIndicatorEntity {
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'date' })
  effective_from!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  name_en!: string;

  @Column({ type: 'text' })
  unit!: string;

  @Column({ type: 'jsonb' })
  formula!: unknown;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  created_at!: Date;
}

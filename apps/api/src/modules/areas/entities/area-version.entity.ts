import { Check, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** `area_version`, created in migrations/1764000001000-areas.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'area_version' })
@Check('area_version_status_check', "(status = ANY (ARRAY['draft'::text, 'published'::text, 'discarded'::text]))")
export class AreaVersionEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  level!: string;

  @Column({ type: 'text', default: 'draft' })
  status!: string;

  @Column({ type: 'text', nullable: true })
  label!: string | null;

  @Column({ type: 'jsonb', default: {} })
  source!: Record<string, unknown>;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'text', nullable: true })
  created_by!: string | null;

  @Column({ type: 'timestamp with time zone', nullable: true })
  published_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  published_by!: string | null;

  @Column({ type: 'boolean', default: false })
  gaps_acknowledged!: boolean;
}

import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { MultiPolygon } from 'geojson';
import { AreaVersionEntity } from './area-version.entity';

/** `area`, created in migrations/1764000001000-areas.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'area' })
@Check('area_check', '((valid_to IS NULL) OR ((valid_from IS NOT NULL) AND (valid_to >= valid_from)))')
@Check('area_code_check', "(code ~ '^[A-Za-z0-9_]{1,64}$'::text)")
@Check('area_geom_check', '(st_isvalid(geom) AND (NOT st_isempty(geom)))')
@Check('area_level_check', "(level = ANY (ARRAY['city'::text, 'district'::text, 'street'::text, 'community'::text, 'grid'::text, 'microgrid'::text]))")
@Index('area_code_idx', ['code', 'valid_from'])
@Index('area_current_code_uq', ['code'], { unique: true, where: '((valid_from IS NOT NULL) AND (valid_to IS NULL))' })
@Index('area_current_level_idx', ['level', 'parent_code'], { where: '((valid_to IS NULL) AND (valid_from IS NOT NULL))' })
@Index('area_geom_gist', ['geom'], { spatial: true })
@Index('area_path_gist', ['path'], { spatial: true })
@Index('area_version_idx', ['version_id'])
export class AreaEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'bigint' })
  @ForeignKey(() => AreaVersionEntity, { name: 'area_version_id_fkey' })
  version_id!: string;

  @Column({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  level!: string;

  @Column({ type: 'text', nullable: true })
  parent_code!: string | null;

  @Column({ type: 'ltree' })
  path!: string;

  @Column({ type: 'geometry', spatialFeatureType: 'MultiPolygon', srid: 4326 })
  geom!: MultiPolygon;

  @Column({ type: 'double precision' })
  area_m2!: number;

  @Column({ type: 'timestamp with time zone', nullable: true })
  valid_from!: Date | null;

  @Column({ type: 'timestamp with time zone', nullable: true })
  valid_to!: Date | null;

  @Column({ type: 'boolean', default: false })
  generated!: boolean;

  @Column({ type: 'jsonb', default: {} })
  properties!: Record<string, unknown>;
}

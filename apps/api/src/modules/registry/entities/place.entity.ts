import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { MultiPolygon, Point } from 'geojson';
import { AreaEntity } from '../../areas/entities/area.entity';

/** `place`, created in migrations/1764004000000-registry.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'place' })
@Check('place_footprint_check', '((footprint IS NULL) OR st_isvalid(footprint))')
@Check('place_kind_check', "(kind = ANY (ARRAY['compound'::text, 'building'::text, 'unit'::text, 'room'::text, 'shop'::text, 'school'::text, 'site'::text, 'rental_housing'::text, 'poi'::text]))")
// CREATE INDEX place_address_trgm ON place USING gin (address gin_trgm_ops) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('place_address_trgm', { synchronize: false })
@Index('place_footprint_gist', ['footprint'], { spatial: true, where: '(footprint IS NOT NULL)' })
@Index('place_geom_gist', ['geom'], { spatial: true })
@Index('place_grid_idx', ['grid_id'])
@Index('place_kind_idx', ['kind'])
// CREATE INDEX place_name_trgm ON place USING gin (name gin_trgm_ops) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('place_name_trgm', { synchronize: false })
@Index('place_path_gist', ['area_path'], { spatial: true })
export class PlaceEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text', nullable: true, unique: true })
  external_id!: string | null;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  address!: string | null;

  @Column({ type: 'text', nullable: true })
  compound!: string | null;

  @Column({ type: 'text', nullable: true })
  building!: string | null;

  @Column({ type: 'text', nullable: true })
  unit!: string | null;

  @Column({ type: 'text', nullable: true })
  floor!: string | null;

  @Column({ type: 'text', nullable: true })
  room!: string | null;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => PlaceEntity, { name: 'place_parent_id_fkey' })
  parent_id!: string | null;

  @Column({ type: 'geometry', spatialFeatureType: 'Point', srid: 4326 })
  geom!: Point;

  @Column({ type: 'geometry', spatialFeatureType: 'MultiPolygon', srid: 4326, nullable: true })
  footprint!: MultiPolygon | null;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => AreaEntity, { name: 'place_grid_id_fkey' })
  grid_id!: string | null;

  @Column({ type: 'text', nullable: true })
  grid_code!: string | null;

  @Column({ type: 'ltree', nullable: true })
  area_path!: string | null;

  @Column({ type: 'jsonb', default: {} })
  properties!: Record<string, unknown>;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  updated_at!: Date;
}

import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Point } from 'geojson';
import { AreaEntity } from '../../areas/entities/area.entity';
import { ObjectCategoryEntity } from './object-category.entity';

/** `city_object`, created in migrations/1764004000000-registry.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'city_object' })
@Check('city_object_condition_check', "(condition = ANY (ARRAY['intact'::text, 'damaged'::text, 'lost'::text, 'removed'::text]))")
// CREATE INDEX city_object_address_trgm ON city_object USING gin (address gin_trgm_ops) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('city_object_address_trgm', { synchronize: false })
@Index('city_object_category_idx', ['category_code'])
@Index('city_object_geom_gist', ['geom'], { spatial: true })
@Index('city_object_grid_idx', ['grid_id'])
// CREATE INDEX city_object_name_trgm ON city_object USING gin (name gin_trgm_ops) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('city_object_name_trgm', { synchronize: false })
@Index('city_object_path_gist', ['area_path'], { spatial: true })
export class CityObjectEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text', nullable: true, unique: true })
  external_id!: string | null;

  @Column({ type: 'text' })
  @ForeignKey(() => ObjectCategoryEntity, { name: 'city_object_category_code_fkey' })
  category_code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: 'intact' })
  condition!: string;

  @Column({ type: 'text', nullable: true })
  owner!: string | null;

  @Column({ type: 'text', nullable: true })
  department_code!: string | null;

  @Column({ type: 'text', nullable: true })
  address!: string | null;

  @Column({ type: 'geometry', spatialFeatureType: 'Point', srid: 4326 })
  geom!: Point;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => AreaEntity, { name: 'city_object_grid_id_fkey' })
  grid_id!: string | null;

  @Column({ type: 'text', nullable: true })
  grid_code!: string | null;

  @Column({ type: 'ltree', nullable: true })
  area_path!: string | null;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  updated_at!: Date;
}

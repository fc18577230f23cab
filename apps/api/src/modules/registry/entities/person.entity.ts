import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Point } from 'geojson';
import { AreaEntity } from '../../areas/entities/area.entity';
import { PlaceEntity } from './place.entity';

/** `person`, created in migrations/1764004000000-registry.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'person' })
@Check('person_gender_check', "(gender = ANY (ARRAY['male'::text, 'female'::text]))")
@Check('person_registration_check', "(registration = ANY (ARRAY['registered'::text, 'floating'::text]))")
@Index('person_geom_gist', ['geom'], { spatial: true })
@Index('person_grid_idx', ['grid_id'])
@Index('person_household_idx', ['household_no'], { where: '(household_no IS NOT NULL)' })
@Index('person_id_number_idx', ['id_number_hmac'], { where: '(id_number_hmac IS NOT NULL)' })
// CREATE INDEX person_name_trgm ON person USING gin (name gin_trgm_ops) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('person_name_trgm', { synchronize: false })
@Index('person_path_gist', ['area_path'], { spatial: true })
@Index('person_phone_hmac_idx', ['phone_hmac'], { where: '(phone_hmac IS NOT NULL)' })
@Index('person_place_idx', ['place_id'])
// CREATE INDEX person_tags_gin ON person USING gin (tags) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('person_tags_gin', { synchronize: false })
export class PersonEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text', nullable: true, unique: true })
  external_id!: string | null;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  id_number_enc!: string | null;

  @Column({ type: 'text', nullable: true })
  id_number_hmac!: string | null;

  @Column({ type: 'text', nullable: true })
  phone_enc!: string | null;

  @Column({ type: 'text', nullable: true })
  phone_hmac!: string | null;

  @Column({ type: 'text', nullable: true })
  gender!: string | null;

  @Column({ type: 'date', nullable: true })
  birth_date!: string | null;

  @Column({ type: 'text', nullable: true })
  household_no!: string | null;

  @Column({ type: 'text', nullable: true })
  household_role!: string | null;

  @Column({ type: 'text', default: 'registered' })
  registration!: string;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => PlaceEntity, { name: 'person_place_id_fkey' })
  place_id!: string | null;

  @Column({ type: 'text', array: true, default: [] })
  tags!: string[];

  @Column({ type: 'boolean', default: false })
  own_location!: boolean;

  @Column({ type: 'geometry', spatialFeatureType: 'Point', srid: 4326 })
  geom!: Point;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => AreaEntity, { name: 'person_grid_id_fkey' })
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

import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Point } from 'geojson';
import { AreaEntity } from '../../areas/entities/area.entity';
import { PlaceEntity } from './place.entity';

/** `organization`, created in migrations/1764004000000-registry.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'organization' })
@Check('organization_kind_check', "(kind = ANY (ARRAY['company'::text, 'shop'::text, 'social_org'::text, 'party_org'::text, 'property_mgmt'::text, 'owners_committee'::text]))")
// CREATE INDEX organization_address_trgm ON organization USING gin (address gin_trgm_ops) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('organization_address_trgm', { synchronize: false })
@Index('organization_geom_gist', ['geom'], { spatial: true })
@Index('organization_grid_idx', ['grid_id'])
// CREATE INDEX organization_name_trgm ON organization USING gin (name gin_trgm_ops) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('organization_name_trgm', { synchronize: false })
@Index('organization_path_gist', ['area_path'], { spatial: true })
@Index('organization_place_idx', ['place_id'])
@Index('organization_uscc_uq', ['uscc'], { unique: true, where: '(uscc IS NOT NULL)' })
export class OrganizationEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text', nullable: true, unique: true })
  external_id!: string | null;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  uscc!: string | null;

  @Column({ type: 'text', nullable: true })
  address!: string | null;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => PlaceEntity, { name: 'organization_place_id_fkey' })
  place_id!: string | null;

  @Column({ type: 'text', nullable: true })
  contact_name!: string | null;

  @Column({ type: 'text', nullable: true })
  contact_phone_enc!: string | null;

  @Column({ type: 'boolean', default: false })
  own_location!: boolean;

  @Column({ type: 'geometry', spatialFeatureType: 'Point', srid: 4326 })
  geom!: Point;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => AreaEntity, { name: 'organization_grid_id_fkey' })
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

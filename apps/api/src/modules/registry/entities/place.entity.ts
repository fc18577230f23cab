import { Check, Column, ForeignKey, Index } from 'typeorm';
import type { MultiPolygon } from 'geojson';
import { LocatedRecord, LocatedRecordEntity } from './located-record.entity';

/** `place`, created in migrations/1764004000000-registry.ts (the migrations are the history; this is the shape). */
@LocatedRecord('place', { addressTrigram: true })
@Check('place_footprint_check', '((footprint IS NULL) OR st_isvalid(footprint))')
@Check('place_kind_check', "(kind = ANY (ARRAY['compound'::text, 'building'::text, 'unit'::text, 'room'::text, 'shop'::text, 'school'::text, 'site'::text, 'rental_housing'::text, 'poi'::text]))")
@Index('place_footprint_gist', ['footprint'], { spatial: true, where: '(footprint IS NOT NULL)' })
@Index('place_kind_idx', ['kind'])
export class PlaceEntity extends LocatedRecordEntity {
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', nullable: true }) address!: string | null;
  @Column({ type: 'text', nullable: true }) compound!: string | null;
  @Column({ type: 'text', nullable: true }) building!: string | null;
  @Column({ type: 'text', nullable: true }) unit!: string | null;
  @Column({ type: 'text', nullable: true }) floor!: string | null;
  @Column({ type: 'text', nullable: true }) room!: string | null;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => PlaceEntity, { name: 'place_parent_id_fkey' })
  parent_id!: string | null;

  @Column({ type: 'geometry', spatialFeatureType: 'MultiPolygon', srid: 4326, nullable: true }) footprint!: MultiPolygon | null;
  @Column({ type: 'jsonb', default: {} }) properties!: Record<string, unknown>;
}

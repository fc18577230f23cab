import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Polygon } from 'geojson';

/** `registry_attribution_bucket`, created in migrations/1764004300000-registry-attribution-buckets.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'registry_attribution_bucket' })
@Index('registry_attribution_bucket_cell_idx', ['bx', 'by', 'bs'])
export class RegistryAttributionBucketEntity {
  @Column({ type: 'double precision' }) bs!: number;
  @Column({ type: 'integer' }) bx!: number;
  @Column({ type: 'integer' }) by!: number;
  @Column({ type: 'bigint' }) area_id!: string;
  @Column({ type: 'text' }) code!: string;
  @Column({ type: 'ltree' }) path!: string;
  @Column({ type: 'integer' }) depth!: number;
  @Column({ type: 'geometry', spatialFeatureType: 'Polygon', srid: 4326 }) geom!: Polygon;
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
}

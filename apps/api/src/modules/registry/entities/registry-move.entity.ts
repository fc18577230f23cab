import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Point } from 'geojson';

/** `registry_move`, created in migrations/1764004000000-registry.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'registry_move' })
@Check('registry_move_entity_check', "(entity = ANY (ARRAY['place'::text, 'person'::text, 'object'::text, 'organization'::text]))")
@Index('registry_move_entity_idx', ['entity', 'entity_id', 'at'])
export class RegistryMoveEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column({ type: 'text' }) entity!: string;
  @Column({ type: 'bigint' }) entity_id!: string;
  @Column({ type: 'timestamp with time zone', default: () => 'now()' }) at!: Date;
  @Column({ type: 'text', default: 'move' }) reason!: string;
  @Column({ type: 'geometry', spatialFeatureType: 'Point', srid: 4326, nullable: true }) from_geom!: Point | null;
  @Column({ type: 'geometry', spatialFeatureType: 'Point', srid: 4326, nullable: true }) to_geom!: Point | null;
  @Column({ type: 'text', nullable: true }) from_grid_code!: string | null;
  @Column({ type: 'text', nullable: true }) to_grid_code!: string | null;
  @Column({ type: 'ltree', nullable: true }) from_area_path!: string | null;
  @Column({ type: 'ltree', nullable: true }) to_area_path!: string | null;
  @Column({ type: 'text', nullable: true }) actor_name!: string | null;
}

import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Polygon } from 'geojson';
import { AreaEntity } from './area.entity';

/** `area_part`, created in migrations/1764000001000-areas.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'area_part' })
@Index('area_part_area_idx', ['area_id'])
@Index('area_part_geom_gist', ['geom'], { spatial: true })
export class AreaPartEntity {
  @Column({ type: 'bigint' })
  @ForeignKey(() => AreaEntity, { name: 'area_part_area_id_fkey', onDelete: 'CASCADE' })
  area_id!: string;

  @Column({ type: 'geometry', spatialFeatureType: 'Polygon', srid: 4326 })
  geom!: Polygon;

  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;
}

import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Point } from 'geojson';
import { AreaEntity } from '../../areas/entities/area.entity';

/**
 * The columns every located registry record shares (place, person, city_object, organization):
 * its key, the external id an import keys by, its point, and the grid it is attributed to (grid id
 * and code, the area path of the jurisdiction), as migrations/1764004000000-registry.ts made them.
 * Abstract: each kind is its own table (LocatedRecord declares it and the shared indexes).
 */
export abstract class LocatedRecordEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column({ type: 'text', nullable: true, unique: true }) external_id!: string | null;
  @Column({ type: 'geometry', spatialFeatureType: 'Point', srid: 4326 }) geom!: Point;
  @Column({ type: 'bigint', nullable: true }) grid_id!: string | null;
  @Column({ type: 'text', nullable: true }) grid_code!: string | null;
  @Column({ type: 'ltree', nullable: true }) area_path!: string | null;
  @Column({ type: 'timestamp with time zone', default: () => 'now()' }) created_at!: Date;
  @Column({ type: 'timestamp with time zone', default: () => 'now()' }) updated_at!: Date;
}

/**
 * A located record's table, with what each such table has under its own name: the grid's foreign
 * key, the point's and the area path's GiST indexes, the grid index, and the trigram index on the
 * name (`<table>_name_trgm`: a GIN operator class TypeORM cannot state, declared by name and left
 * alone; so is `<table>_address_trgm` with `addressTrigram`).
 */
export function LocatedRecord(table: string, o: { addressTrigram: boolean }): ClassDecorator {
  const decorators = [
    Entity({ name: table }),
    ForeignKey(() => AreaEntity, ['grid_id'], ['id'], { name: `${table}_grid_id_fkey` }),
    Index(`${table}_geom_gist`, ['geom'], { spatial: true }),
    Index(`${table}_grid_idx`, ['grid_id']),
    Index(`${table}_path_gist`, ['area_path'], { spatial: true }),
    Index(`${table}_name_trgm`, { synchronize: false }),
    ...(o.addressTrigram ? [Index(`${table}_address_trgm`, { synchronize: false })] : []),
  ];
  return (target) => {
    for (const d of decorators) d(target);
  };
}

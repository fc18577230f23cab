import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** `registry_grid_count`, created in migrations/1764004100000-registry-grid-counts.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'registry_grid_count' })
@Index('registry_grid_count_path_gist', ['area_path'], { spatial: true })
export class RegistryGridCountEntity {
  @PrimaryColumn({ type: 'ltree' }) area_path!: string;
  @PrimaryColumn({ type: 'text' }) grid_code!: string;
  @Column({ type: 'bigint', nullable: true }) grid_id!: string | null;
  @Column({ type: 'text', nullable: true }) grid_name!: string | null;
  @Column({ type: 'integer', default: 0 }) places!: number;
  @Column({ type: 'integer', default: 0 }) people!: number;
  @Column({ type: 'integer', default: 0 }) registered!: number;
  @Column({ type: 'integer', default: 0 }) floating!: number;
  @Column({ type: 'integer', default: 0 }) households!: number;
  @Column({ type: 'integer', default: 0 }) objects!: number;
  @Column({ type: 'integer', default: 0 }) objects_needing_repair!: number;
  @Column({ type: 'integer', default: 0 }) organizations!: number;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** `registry_grid_tag_count`, created in migrations/1764004100000-registry-grid-counts.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'registry_grid_tag_count' })
@Index('registry_grid_tag_count_path_gist', ['area_path'], { spatial: true })
export class RegistryGridTagCountEntity {
  @PrimaryColumn({ type: 'ltree' }) area_path!: string;
  @PrimaryColumn({ type: 'text' }) grid_code!: string;
  @PrimaryColumn({ type: 'text' }) tag!: string;
  @Column({ type: 'integer' }) people!: number;
}

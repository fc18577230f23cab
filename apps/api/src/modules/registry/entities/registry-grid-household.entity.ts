import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `registry_grid_household`, created in migrations/1764004100000-registry-grid-counts.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'registry_grid_household' })
export class RegistryGridHouseholdEntity {
  @PrimaryColumn({ type: 'ltree' }) area_path!: string;
  @PrimaryColumn({ type: 'text' }) grid_code!: string;
  @PrimaryColumn({ type: 'text' }) household_no!: string;
  @Column({ type: 'integer' }) people!: number;
}

import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** `registry_attribution_stamp`, created in migrations/1764004300000-registry-attribution-buckets.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'registry_attribution_stamp' })
@Check('registry_attribution_stamp_id_check', '(id = 1)')
export class RegistryAttributionStampEntity {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'text' }) stamp!: string;
  @Column({ type: 'double precision', array: true }) sizes!: number[];
  @Column({ type: 'timestamp with time zone', default: () => 'now()' }) built_at!: Date;
  @Column({ type: 'integer', array: true, default: [] }) depths!: number[];
}

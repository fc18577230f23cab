import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** `person_tag`, created in migrations/1764004000000-registry.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'person_tag' })
@Check('person_tag_code_check', "(code ~ '^[a-z0-9_]{2,40}$'::text)")
export class PersonTagEntity {
  @PrimaryColumn({ type: 'text' }) code!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) name_en!: string;
  @Column({ type: 'boolean', default: true }) active!: boolean;
}

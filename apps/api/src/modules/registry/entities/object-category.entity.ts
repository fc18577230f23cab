import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';

/** `object_category`, created in migrations/1764004000000-registry.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'object_category' })
@Check('object_category_check', '(((parent_code IS NULL) AND (length(code) = 2)) OR ((parent_code IS NOT NULL) AND (length(code) = 4) AND ("left"(code, 2) = parent_code)))')
@Check('object_category_code_check', "(code ~ '^[0-9]{2}([0-9]{2})?$'::text)")
export class ObjectCategoryEntity {
  @PrimaryColumn({ type: 'text' }) code!: string;

  @Column({ type: 'text', nullable: true })
  @ForeignKey(() => ObjectCategoryEntity, { name: 'object_category_parent_code_fkey' })
  parent_code!: string | null;

  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) name_en!: string;
}

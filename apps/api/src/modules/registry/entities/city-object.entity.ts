import { Check, Column, ForeignKey, Index } from 'typeorm';
import { LocatedRecord, LocatedRecordEntity } from './located-record.entity';
import { ObjectCategoryEntity } from './object-category.entity';

/** `city_object`, created in migrations/1764004000000-registry.ts (the migrations are the history; this is the shape). */
@LocatedRecord('city_object', { addressTrigram: true })
@Check('city_object_condition_check', "(condition = ANY (ARRAY['intact'::text, 'damaged'::text, 'lost'::text, 'removed'::text]))")
@Index('city_object_category_idx', ['category_code'])
export class CityObjectEntity extends LocatedRecordEntity {
  @Column({ type: 'text' })
  @ForeignKey(() => ObjectCategoryEntity, { name: 'city_object_category_code_fkey' })
  category_code!: string;

  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', default: 'intact' }) condition!: string;
  @Column({ type: 'text', nullable: true }) owner!: string | null;
  @Column({ type: 'text', nullable: true }) department_code!: string | null;
  @Column({ type: 'text', nullable: true }) address!: string | null;
}

import { Check, Column, ForeignKey, Index } from 'typeorm';
import { LocatedRecord, LocatedRecordEntity } from './located-record.entity';
import { PlaceEntity } from './place.entity';

/** `person`, created in migrations/1764004000000-registry.ts (the migrations are the history; this is the shape). */
@LocatedRecord('person', { addressTrigram: false })
@Check('person_gender_check', "(gender = ANY (ARRAY['male'::text, 'female'::text]))")
@Check('person_registration_check', "(registration = ANY (ARRAY['registered'::text, 'floating'::text]))")
@Index('person_household_idx', ['household_no'], { where: '(household_no IS NOT NULL)' })
@Index('person_id_number_idx', ['id_number_hmac'], { where: '(id_number_hmac IS NOT NULL)' })
@Index('person_phone_hmac_idx', ['phone_hmac'], { where: '(phone_hmac IS NOT NULL)' })
@Index('person_place_idx', ['place_id'])
// CREATE INDEX person_tags_gin ON person USING gin (tags) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('person_tags_gin', { synchronize: false })
export class PersonEntity extends LocatedRecordEntity {
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', nullable: true }) id_number_enc!: string | null;
  @Column({ type: 'text', nullable: true }) id_number_hmac!: string | null;
  @Column({ type: 'text', nullable: true }) phone_enc!: string | null;
  @Column({ type: 'text', nullable: true }) phone_hmac!: string | null;
  @Column({ type: 'text', nullable: true }) gender!: string | null;
  @Column({ type: 'date', nullable: true }) birth_date!: string | null;
  @Column({ type: 'text', nullable: true }) household_no!: string | null;
  @Column({ type: 'text', nullable: true }) household_role!: string | null;
  @Column({ type: 'text', default: 'registered' }) registration!: string;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => PlaceEntity, { name: 'person_place_id_fkey' })
  place_id!: string | null;

  @Column({ type: 'text', array: true, default: [] }) tags!: string[];
  @Column({ type: 'boolean', default: false }) own_location!: boolean;
}

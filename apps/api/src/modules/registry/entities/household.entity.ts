import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { PersonEntity } from './person.entity';
import { PlaceEntity } from './place.entity';

/** `household`, created in migrations/1764004200000-households.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'household' })
@Check('household_kind_check', "(kind = ANY (ARRAY['registered'::text, 'floating'::text]))")
@Index('household_place_idx', ['place_id'])
export class HouseholdEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column({ type: 'text', unique: true }) household_no!: string;
  @Column({ type: 'text' }) kind!: string;

  @Column({ type: 'bigint' })
  @ForeignKey(() => PlaceEntity, { name: 'household_place_id_fkey' })
  place_id!: string;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => PersonEntity, { name: 'household_head_person_id_fkey' })
  head_person_id!: string | null;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' }) created_at!: Date;
  @Column({ type: 'timestamp with time zone', default: () => 'now()' }) updated_at!: Date;
}

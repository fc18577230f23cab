import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { AppUserEntity } from '../../auth/entities/app-user.entity';
import { PersonEntity } from '../../registry/entities/person.entity';
import { PlaceEntity } from '../../registry/entities/place.entity';

/** `visit`, created in migrations/1764005600000-field.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'visit' })
@Check('visit_check', '(num_nonnulls(person_id, household_no, place_id) >= 1)')
@Check('visit_notes_check', '(length(notes) <= 4000)')
@Index('visit_area_path_gist', ['area_path'], { spatial: true })
@Index('visit_household_idx', ['household_no'], { where: '(household_no IS NOT NULL)' })
@Index('visit_idempotency_uq', ['worker_id', 'idempotency_key'], { unique: true, where: '(idempotency_key IS NOT NULL)' })
@Index('visit_person_idx', ['person_id'], { where: '(person_id IS NOT NULL)' })
@Index('visit_place_idx', ['place_id'], { where: '(place_id IS NOT NULL)' })
export class VisitEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'bigint' })
  @ForeignKey(() => AppUserEntity, { name: 'visit_worker_id_fkey' })
  worker_id!: string;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => PersonEntity, { name: 'visit_person_id_fkey' })
  person_id!: string | null;

  @Column({ type: 'text', nullable: true })
  household_no!: string | null;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => PlaceEntity, { name: 'visit_place_id_fkey' })
  place_id!: string | null;

  @Column({ type: 'timestamp with time zone' })
  visited_at!: Date;

  @Column({ type: 'text', default: '' })
  notes!: string;

  @Column({ type: 'text', array: true, default: [] })
  tags!: string[];

  @Column({ type: 'bigint', array: true, default: [] })
  follow_up_event_ids!: string[];

  @Column({ type: 'text' })
  grid_code!: string;

  @Column({ type: 'ltree' })
  area_path!: string;

  @Column({ type: 'text', nullable: true })
  idempotency_key!: string | null;

  @Column({ type: 'text', nullable: true })
  request_hash!: string | null;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  created_at!: Date;
}

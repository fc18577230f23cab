import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** `change_counter`, created in migrations/1764000003000-changes.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'change_counter' })
@Check('change_counter_id_check', 'id')
export class ChangeCounterEntity {
  @PrimaryColumn({ type: 'boolean', default: true })
  id!: boolean;

  @Column({ type: 'bigint' })
  seq!: string;
}

import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** `change`, created in migrations/1764000003000-changes.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'change' })
@Index('change_seq_uq', ['seq'], { unique: true, where: '(seq IS NOT NULL)' })
@Index('change_unsequenced_idx', ['id'], { where: '(seq IS NULL)' })
export class ChangeEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'bigint', nullable: true })
  seq!: string | null;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text', nullable: true })
  entity_id!: string | null;

  @Column({ type: 'ltree', nullable: true })
  area_path!: string | null;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  at!: Date;

  @Column({ type: 'bigint', array: true, nullable: true })
  departments!: string[] | null;
}

import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EventEntity } from './event.entity';

/** `summons`, created in migrations/1764002000000-events.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'summons' })
@Check('summons_report_within_minutes_check', '(report_within_minutes > 0)')
@Index('summons_event_idx', ['event_id'])
export class SummonsEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'bigint' })
  @ForeignKey(() => EventEntity, { name: 'summons_event_id_fkey' })
  event_id!: string;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'text' })
  created_by!: string;

  @Column({ type: 'integer' })
  report_within_minutes!: number;

  @Column({ type: 'timestamp with time zone' })
  due_at!: Date;

  @Column({ type: 'text', nullable: true })
  note!: string | null;
}

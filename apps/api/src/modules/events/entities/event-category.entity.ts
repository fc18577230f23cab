import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';

/** `event_category`, created in migrations/1764002000000-events.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'event_category' })
@Check('event_category_code_check', "(code ~ '^[a-z0-9_]{2,40}$'::text)")
export class EventCategoryEntity {
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'text', nullable: true })
  @ForeignKey(() => EventCategoryEntity, { name: 'event_category_parent_code_fkey' })
  parent_code!: string | null;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  name_en!: string;

  @Column({ type: 'text', array: true, default: [] })
  departments!: string[];

  @Column({ type: 'jsonb', default: {} })
  stage_limits!: Record<string, unknown>;

  @Column({ type: 'boolean', default: true })
  active!: boolean;
}

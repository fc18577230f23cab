import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `sv_calendar_day`, created in migrations/1764005500000-supervision.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'sv_calendar_day' })
export class SvCalendarDayEntity {
  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ type: 'boolean' })
  workday!: boolean;

  @Column({ type: 'integer' })
  cum!: number;
}

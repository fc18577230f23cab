import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `sv_cursor`, created in migrations/1764005500000-supervision.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'sv_cursor' })
export class SvCursorEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'bigint', nullable: true })
  num!: string | null;

  @Column({ type: 'timestamp with time zone', nullable: true })
  at!: Date | null;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** `idempotency_key`, created in migrations/1764002000000-events.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'idempotency_key' })
// CREATE INDEX idempotency_key_created_brin ON idempotency_key USING brin (created_at) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('idempotency_key_created_brin', { synchronize: false })
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'text' })
  principal!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  request_hash!: string;

  @Column({ type: 'integer', nullable: true })
  status!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  response!: unknown | null;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  created_at!: Date;
}

import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** `audit_log`, created in migrations/1764000002000-access.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'audit_log' })
// CREATE INDEX audit_log_at_brin ON audit_log USING brin (at) (method, operator class or order TypeORM cannot state: declared by name, left alone)
@Index('audit_log_at_brin', { synchronize: false })
@Index('audit_log_entity_idx', ['entity', 'entity_id'])
@Index('audit_log_pii_lookup_idx', ['actor_kind', 'actor_id', 'at'], { where: "(action = 'lookup_pii'::text)" })
export class AuditLogEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  at!: Date;

  @Column({ type: 'text' })
  actor_kind!: string;

  @Column({ type: 'bigint', nullable: true })
  actor_id!: string | null;

  @Column({ type: 'text' })
  actor_name!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text' })
  entity!: string;

  @Column({ type: 'text', nullable: true })
  entity_id!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before!: unknown | null;

  @Column({ type: 'jsonb', nullable: true })
  after!: unknown | null;

  @Column({ type: 'text', nullable: true })
  purpose!: string | null;

  @Column({ type: 'text', nullable: true })
  request_id!: string | null;

  @Column({ type: 'ltree', nullable: true })
  area_path!: string | null;
}

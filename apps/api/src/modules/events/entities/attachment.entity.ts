import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** `attachment`, created in migrations/1764002200000-event-attachments.ts (the migrations are the history; this is the shape). */
@Entity({ name: 'attachment' })
@Check('attachment_size_bytes_check', '(size_bytes > 0)')
export class AttachmentEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  content_type!: string;

  @Column({ type: 'integer' })
  size_bytes!: number;

  @Column({ type: 'text' })
  sha256!: string;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Column({ type: 'bytea' })
  data!: Buffer;

  @Column({ type: 'text' })
  uploaded_by_kind!: string;

  @Column({ type: 'bigint' })
  uploaded_by_id!: string;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  uploaded_at!: Date;
}

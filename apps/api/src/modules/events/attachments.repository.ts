import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { inScope } from '../auth/scope';

export interface NewAttachment {
  id: string;
  contentType: string;
  size: number;
  sha256: string;
  name: string | null;
  data: Buffer;
  uploadedBy: { kind: string; id: number };
}

export interface AttachmentMeta {
  id: string;
  contentType: string;
  size: number;
  sha256: string;
  name: string | null;
  uploadedAt: Date;
}

@Injectable()
export class AttachmentsRepository {
  async insert(db: EntityManager, a: NewAttachment): Promise<AttachmentMeta> {
    const [row] = await db.query(
      `INSERT INTO attachment (id, content_type, size_bytes, sha256, name, data, uploaded_by_kind, uploaded_by_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       RETURNING id::text, content_type AS "contentType", size_bytes AS size, sha256, name, uploaded_at AS "uploadedAt"`,
      [a.id, a.contentType, a.size, a.sha256, a.name, a.data, a.uploadedBy.kind, a.uploadedBy.id],
    );
    return row;
  }

  /**
   * The attachment if this caller may read it: they uploaded it, or a case inside their
   * jurisdiction cites it (`$4` = its URL as cited). Undefined otherwise (also when it does not exist).
   */
  async readable(db: EntityManager, id: string, who: { kind: string; id: number; scopePath: string | null }, url: string): Promise<(AttachmentMeta & { data: Buffer }) | undefined> {
    const [row] = await db.query(
      `SELECT a.id::text, a.content_type AS "contentType", a.size_bytes AS size, a.sha256, a.name, a.uploaded_at AS "uploadedAt", a.data
         FROM attachment a
        WHERE a.id = $1
          AND ((a.uploaded_by_kind = $2 AND a.uploaded_by_id = $3)
               OR EXISTS (SELECT 1 FROM event_transition t JOIN event e ON e.id = t.event_id
                           WHERE t.attachments <> '[]'::jsonb AND t.attachments @> jsonb_build_array(jsonb_build_object('url', $4::text)) AND ${inScope('e.area_path', '$5')}))`,
      [id, who.kind, who.id, url, who.scopePath],
    );
    return row;
  }
}

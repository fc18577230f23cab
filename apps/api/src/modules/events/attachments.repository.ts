import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { caseVisibleSql, type Viewer } from '../auth/visibility';
import { sqlRow, sqlRows } from '../../core/database/sql';
import type { AttachmentEntity } from './entities/attachment.entity';

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
    const row = await sqlRow<AttachmentMeta>(
      db,
      `INSERT INTO attachment (id, content_type, size_bytes, sha256, name, data, uploaded_by_kind, uploaded_by_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       RETURNING id::text, content_type AS "contentType", size_bytes AS size, sha256, name, uploaded_at AS "uploadedAt"`,
      [a.id, a.contentType, a.size, a.sha256, a.name, a.data, a.uploadedBy.kind, a.uploadedBy.id],
    );
    return row!; // INSERT … RETURNING answers its row
  }

  /**
   * The attachment if this caller may read it (`readableSql`). Undefined otherwise (also when it does not exist).
   */
  async readable(db: EntityManager, id: string, who: AttachmentReader): Promise<(AttachmentMeta & { data: Buffer }) | undefined> {
    return sqlRow<AttachmentMeta & Pick<AttachmentEntity, 'data'>>(
      db,
      `SELECT a.id::text, a.content_type AS "contentType", a.size_bytes AS size, a.sha256, a.name, a.uploaded_at AS "uploadedAt", a.data
         FROM attachment a
        WHERE a.id = $1 AND ${readableSql('a', '$2', '$3', '$4', '$5')}`,
      [id, who.kind, who.id, who.scopePath, who.departmentId],
    );
  }

  /** Of these attachment ids, the ones this caller may NOT read (unknown ids included): citing them would grant access. */
  async unreadable(db: EntityManager, ids: string[], who: AttachmentReader): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await sqlRows<{ id: string }>(db,
      `SELECT x.id::text FROM unnest($1::uuid[]) AS x(id)
        WHERE NOT EXISTS (SELECT 1 FROM attachment a WHERE a.id = x.id AND ${readableSql('a', '$2', '$3', '$4', '$5')})`,
      [ids, who.kind, who.id, who.scopePath, who.departmentId],
    );
    return rows.map((r) => r.id);
  }
}

/** The caller as attachment reads see them: who they are (the uploader reads their own) and what cases they may see. */
export interface AttachmentReader extends Viewer {
  kind: string;
  id: number;
}

/**
 * Who may read attachment `a` (SQL): its uploader, or whoever may see a case that cites it (by
 * the case rule of auth/visibility.ts: jurisdiction and department), the citation being its URL.
 */
function readableSql(a: string, kind: string, id: string, scope: string, dept: string): string {
  return `((${a}.uploaded_by_kind = ${kind} AND ${a}.uploaded_by_id = ${id})
    OR EXISTS (SELECT 1 FROM event_transition t JOIN event e ON e.id = t.event_id
                WHERE t.attachments <> '[]'::jsonb AND t.attachments @> jsonb_build_array(jsonb_build_object('url', '/api/attachments/' || ${a}.id::text))
                  AND ${caseVisibleSql('e', scope, dept)}))`;
}

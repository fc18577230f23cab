import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { viewerOf } from '../auth/visibility';
import { AttachmentsRepository, type AttachmentMeta } from './attachments.repository';

/** A field photo is a few MB; a scanned document a little more. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_URL = (id: string) => `/api/attachments/${id}`;
export const ATTACHMENT_URL_PATTERN = /^\/api\/attachments\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What the bytes are, by their signature (the declared type is not trusted). */
function sniff(b: Buffer): string | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (b.length >= 5 && b.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  return null;
}

export interface AttachmentView extends Omit<AttachmentMeta, 'uploadedAt'> {
  url: string;
  uploadedAt: string;
}

/** Uploads for event reports and feedback: photos (JPEG, PNG, WebP) and PDF documents. */
@Injectable()
export class AttachmentsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: AttachmentsRepository,
    private readonly audit: AuditService,
  ) {}

  async upload(p: Principal, file: { filename: string; mimetype: string; data: Buffer }, requestId?: string): Promise<AttachmentView> {
    if (file.data.length === 0) throw new AppException('VALIDATION_FAILED', 'file: the upload is empty', [{ field: 'file', message: 'empty' }]);
    if (file.data.length > MAX_ATTACHMENT_BYTES) {
      throw new AppException('PAYLOAD_TOO_LARGE', `file: at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB per attachment`, { field: 'file', limitBytes: MAX_ATTACHMENT_BYTES });
    }
    const type = sniff(file.data);
    if (!type) {
      throw new AppException('UNSUPPORTED_MEDIA_TYPE', 'file: send a JPEG, PNG or WebP photo or a PDF document', [{ field: 'file', message: `not a photo or PDF (declared ${file.mimetype.slice(0, 80)})` }]);
    }
    const name = file.filename ? file.filename.replace(/[\u0000-\u001f\\/]/g, '_').slice(0, 200) : null;
    const sha256 = createHash('sha256').update(file.data).digest('hex');
    const meta = await this.tx.run(async (tx) => {
      const m = await this.repo.insert(tx, { id: randomUUID(), contentType: type, size: file.data.length, sha256, name, data: file.data, uploadedBy: { kind: p.kind, id: p.id } });
      await this.audit.write(tx, p, 'create', 'attachment', m.id, null, { contentType: type, size: m.size, sha256 }, { requestId });
      return m;
    });
    return view(meta);
  }

  /** The bytes, for the uploader or anyone who may see a case that cites the attachment; 404 otherwise (existence is not revealed). */
  async read(p: Principal, id: string): Promise<AttachmentView & { data: Buffer }> {
    const row = await this.repo.readable(this.tx.manager, id, { kind: p.kind, id: p.id, ...viewerOf(p) });
    if (!row) throw new AppException('NOT_FOUND', `attachment ${id} not found`, { attachment: id });
    return { ...view(row), data: row.data };
  }

  /**
   * The attachments of ours (`/api/attachments/<id>`) in a report or transition must be the caller's
   * own or already readable to them: citing an id in one's own case would otherwise make it readable
   * (whoever sees a citing case may read it). A link elsewhere is not checked. A 400 naming the
   * first one, the same for an unknown id and one of somebody else's (existence is not revealed).
   */
  async checkCitable(p: Principal, attachments: readonly unknown[] | undefined): Promise<void> {
    if (!attachments?.length) return;
    const ids: { id: string; i: number }[] = [];
    attachments.forEach((a, i) => {
      const url = (a as { url?: unknown }).url;
      if (typeof url === 'string' && ATTACHMENT_URL_PATTERN.test(url)) ids.push({ id: url.slice(ATTACHMENT_URL('').length), i });
    });
    if (!ids.length) return;
    const bad = new Set(
      await this.repo.unreadable(
        this.tx.manager,
        ids.map((x) => x.id),
        { kind: p.kind, id: p.id, ...viewerOf(p) },
      ),
    );
    const first = ids.find((x) => bad.has(x.id));
    if (first) {
      throw new AppException('VALIDATION_FAILED', `attachments[${first.i}]: no attachment ${first.id} that you uploaded or may see`, [
        { field: `body.attachments.${first.i}.url`, message: 'not an attachment you uploaded or may see' },
      ]);
    }
  }
}

function view(m: AttachmentMeta): AttachmentView {
  return { id: m.id, url: ATTACHMENT_URL(m.id), contentType: m.contentType, size: m.size, sha256: m.sha256, name: m.name, uploadedAt: new Date(m.uploadedAt).toISOString() };
}

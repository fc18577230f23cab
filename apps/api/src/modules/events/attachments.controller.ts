import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppException } from '../../core/http/app-exception';
import { ZParams } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { AttachmentsService, MAX_ATTACHMENT_BYTES } from './attachments.service';

const attachmentParams = z.strictObject({ id: z.uuid('attachment id: a UUID') });

/**
 * Photos from the field and documents: upload one (multipart, field `file`), get back its URL,
 * and cite that URL in an event's `attachments` (a report or a transition's feedback).
 */
@ApiTags('events')
@Controller('api/attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post()
  @Requires('events:act')
  @ApiConsumes('multipart/form-data')
  async upload(@CurrentPrincipal() p: Principal, @Req() req: FastifyRequest) {
    if (!req.isMultipart()) {
      throw new AppException('UNSUPPORTED_MEDIA_TYPE', 'file: send multipart/form-data with one file field "file"', [{ field: 'file', message: 'multipart upload required' }]);
    }
    const file = await req.file({ limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1 } });
    if (!file) throw new AppException('VALIDATION_FAILED', 'file: no file in the upload', [{ field: 'file', message: 'missing' }]);
    const data = await file.toBuffer();
    return this.attachments.upload(p, { filename: file.filename, mimetype: file.mimetype, data }, req.id);
  }

  @Get(':id')
  @Requires('events:read')
  async get(@CurrentPrincipal() p: Principal, @ZParams(attachmentParams) params: z.output<typeof attachmentParams>, @Res({ passthrough: true }) reply: FastifyReply) {
    const a = await this.attachments.read(p, params.id);
    reply
      .header('content-type', a.contentType)
      .header('cache-control', 'private, max-age=86400, immutable')
      .header('etag', `"${a.sha256}"`)
      .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(a.name ?? a.id)}`);
    return a.data;
  }
}

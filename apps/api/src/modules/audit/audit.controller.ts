import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { DataSource } from 'typeorm';
import { ZQuery, zDate } from '../../core/http/zod';
import { Requires } from '../auth/auth.decorators';
import { auditCsv } from './audit-csv';
import { AuditService } from './audit.service';

const filters = {
  from: zDate.optional(),
  to: zDate.optional(),
  entity: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
  actor: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  beforeId: z.coerce.number().int().positive().optional(),
};
const auditQuery = z.strictObject({ ...filters, limit: z.coerce.number().int().min(1).max(1000).default(100) });
/** An export is one download of at most 10,000 rows (newest first); narrow the period for more. */
const exportQuery = z.strictObject({ ...filters, limit: z.coerce.number().int().min(1).max(10_000).default(10_000) });

@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
  ) {}

  /** The audit log, newest first (auditors). Read-only: there is no route that edits it. Actor: username or display name. */
  @Get()
  @Requires('audit:read')
  async list(@ZQuery(auditQuery) q: z.output<typeof auditQuery>) {
    return { entries: await this.audit.list(this.dataSource.manager, q) };
  }

  /** The same search as CSV (UTF-8 with BOM), for a spreadsheet. */
  @Get('export')
  @Requires('audit:read')
  async export(@ZQuery(exportQuery) q: z.output<typeof exportQuery>, @Res({ passthrough: true }) reply: FastifyReply) {
    const rows = await this.audit.list(this.dataSource.manager, q);
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="audit.csv"');
    return auditCsv(rows);
  }
}

import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { DataSource } from 'typeorm';
import { ZQuery, zDate } from '../../core/http/zod';
import { Requires } from '../auth/auth.decorators';
import { AuditService } from './audit.service';

const auditQuery = z.strictObject({
  from: zDate.optional(),
  to: zDate.optional(),
  entity: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
  actor: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  beforeId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
  ) {}

  /** The audit log, newest first (auditors). Read-only: there is no route that edits it. */
  @Get()
  @Requires('audit:read')
  async list(@ZQuery(auditQuery) q: z.output<typeof auditQuery>) {
    return { entries: await this.audit.list(this.dataSource.manager, q) };
  }
}

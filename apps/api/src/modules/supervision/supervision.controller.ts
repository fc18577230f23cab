import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ZBody, ZParams, ZQuery } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { HotspotsService } from './hotspots.service';
import { IndicatorsExportService } from './indicators-export.service';
import { IndicatorsService } from './indicators.service';
import { ackBody, exportQuery, hotspotsQuery, indicatorsQuery, warningParams, warningsQuery } from './supervision.schemas';
import { WarningsService } from './warnings.service';

/** Supervision and evaluation (监督考核): indicators, the evaluation workbook, early warnings, hotspots. */
@ApiTags('supervision')
@Controller('api')
export class SupervisionController {
  constructor(
    private readonly indicators: IndicatorsService,
    private readonly exporter: IndicatorsExportService,
    private readonly warnings: WarningsService,
    private readonly hotspotsService: HotspotsService,
  ) {}

  /** One row per group with every indicator (and its formula version) for the period and the previous one. */
  @Get('indicators')
  @Requires('events:read')
  report(@CurrentPrincipal() p: Principal, @ZQuery(indicatorsQuery) q: z.output<typeof indicatorsQuery>) {
    return this.indicators.report(p, q);
  }

  /** The evaluation workbook: one sheet per grouping, the period and the formula versions. */
  @Get('indicators/export.xlsx')
  @Requires('events:read')
  async export(@CurrentPrincipal() p: Principal, @ZQuery(exportQuery) q: z.output<typeof exportQuery>, @Res({ passthrough: true }) reply: FastifyReply) {
    const data = await this.exporter.workbook(p, q);
    reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename="indicators-${q.from ?? 'last30'}-${q.to ?? 'today'}.xlsx"`);
    return data;
  }

  @Get('indicators/formulas')
  @Requires('events:read')
  formulas() {
    return this.indicators.formulas();
  }

  @Get('warnings')
  @Requires('events:read')
  list(@CurrentPrincipal() p: Principal, @ZQuery(warningsQuery) q: z.output<typeof warningsQuery>) {
    return this.warnings.list(p, q.status ?? null, q.limit);
  }

  /** Acknowledge (default) or dismiss an open warning. */
  @Post('warnings/:id/ack')
  @Requires('events:supervise')
  @HttpCode(200)
  ack(@CurrentPrincipal() p: Principal, @ZParams(warningParams) params: z.output<typeof warningParams>, @ZBody(ackBody) body: z.output<typeof ackBody>, @Req() req: FastifyRequest) {
    return this.warnings.handle(p, params.id, body.status, req.id);
  }

  @Get('hotspots')
  @Requires('events:read')
  hotspots(@CurrentPrincipal() p: Principal, @ZQuery(hotspotsQuery) q: z.output<typeof hotspotsQuery>) {
    return this.hotspotsService.hotspots(p, q);
  }
}

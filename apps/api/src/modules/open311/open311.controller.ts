import { Controller, Get, Headers, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { ZBody, ZParams, ZQuery } from '../../core/http/zod';
import { CurrentPrincipal, Public, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { RateLimit } from '../auth/rate-limit';
import { idempotencyKey } from '../events/event-idempotency.service';
import { Open311Service } from './open311.service';
import { discoveryQuery, open311Post, open311Query, requestFile, serviceFile } from './open311.schemas';
import { toXml } from './open311.xml';

type Reply = FastifyReply;
const xml = (reply: Reply, body: string) => {
  reply.type('application/xml; charset=utf-8');
  return body;
};
const split = (file: string) => {
  const dot = file.lastIndexOf('.');
  return { name: file.slice(0, dot), format: file.slice(dot + 1) as 'json' | 'xml' };
};

/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2). Discovery is public. Reading
 * requests is public too (clients send `api_key` only when posting): anyone gets the public
 * fields of every request (id, status, service, times, agency, location rounded to about 100 m;
 * never the description, the address or the reporter); a key or token with `events:read` gets
 * every field of the requests within its jurisdiction (and department). Posting needs an
 * `api_key` (query, form field or X-API-Key) that an administrator issues. The public routes are
 * limited per client address (RATE_LIMIT_PUBLIC_PER_MINUTE), whoever calls them.
 */
@ApiTags('open311')
@Controller('open311/v2')
export class Open311Controller {
  constructor(private readonly open311: Open311Service) {}

  @Public()
  @RateLimit('RATE_LIMIT_PUBLIC_PER_MINUTE')
  @Get('services.json')
  services(@ZQuery(discoveryQuery) _q: z.output<typeof discoveryQuery>) {
    return this.open311.services();
  }

  @Public()
  @RateLimit('RATE_LIMIT_PUBLIC_PER_MINUTE')
  @Get('services.xml')
  async servicesXml(@ZQuery(discoveryQuery) _q: z.output<typeof discoveryQuery>, @Res({ passthrough: true }) reply: Reply) {
    return xml(reply, toXml('services', 'service', await this.open311.services()));
  }

  @Public()
  @RateLimit('RATE_LIMIT_PUBLIC_PER_MINUTE')
  @Get('services/:file')
  async definition(@ZParams(serviceFile) params: z.output<typeof serviceFile>, @ZQuery(discoveryQuery) _q: z.output<typeof discoveryQuery>, @Res({ passthrough: true }) reply: Reply) {
    const { name, format } = split(params.file);
    const def = await this.open311.definition(name);
    return format === 'xml' ? xml(reply, toXml('service_definition', 'service_code', [{ value: def.service_code }])) : def;
  }

  @Post('requests.json')
  @Requires('events:create')
  @RateLimit('RATE_LIMIT_INTAKE_PER_MINUTE')
  create(@CurrentPrincipal() p: Principal, @ZBody(open311Post) body: z.output<typeof open311Post>, @Headers('idempotency-key') key: string | undefined) {
    return this.open311.create(p, body, idempotencyKey(key));
  }

  @Post('requests.xml')
  @Requires('events:create')
  @RateLimit('RATE_LIMIT_INTAKE_PER_MINUTE')
  async createXml(@CurrentPrincipal() p: Principal, @ZBody(open311Post) body: z.output<typeof open311Post>, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) reply: Reply) {
    return xml(reply, toXml('service_requests', 'request', await this.open311.create(p, body, idempotencyKey(key))));
  }

  // Public reads; a key or token upgrades what it may read to all fields (see the class comment).
  @Public()
  @RateLimit('RATE_LIMIT_PUBLIC_PER_MINUTE')
  @Get('requests.json')
  requests(@CurrentPrincipal() p: Principal | undefined, @ZQuery(open311Query) q: z.output<typeof open311Query>) {
    return this.open311.requests(p ?? null, q);
  }

  @Public()
  @RateLimit('RATE_LIMIT_PUBLIC_PER_MINUTE')
  @Get('requests.xml')
  async requestsXml(@CurrentPrincipal() p: Principal | undefined, @ZQuery(open311Query) q: z.output<typeof open311Query>, @Res({ passthrough: true }) reply: Reply) {
    return xml(reply, toXml('service_requests', 'request', await this.open311.requests(p ?? null, q)));
  }

  @Public()
  @RateLimit('RATE_LIMIT_PUBLIC_PER_MINUTE')
  @Get('requests/:file')
  async request(
    @CurrentPrincipal() p: Principal | undefined,
    @ZParams(requestFile) params: z.output<typeof requestFile>,
    @ZQuery(discoveryQuery) _q: z.output<typeof discoveryQuery>,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    const { name, format } = split(params.file);
    const found = await this.open311.request(p ?? null, Number(name));
    return format === 'xml' ? xml(reply, toXml('service_requests', 'request', found)) : found;
  }
}

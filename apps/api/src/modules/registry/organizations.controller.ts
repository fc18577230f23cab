import { Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ZBody, ZParams, ZQuery } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { createOrgSchema, listOrgsSchema, updateOrgSchema } from './objects-orgs.schemas';
import { OrganizationsService } from './organizations.service';
import { getPersonQuery } from './people.schemas';
import { idParams } from './registry.schemas';

@ApiTags('registry')
@Controller('api/organizations')
export class OrganizationsController {
  constructor(private readonly orgs: OrganizationsService) {}

  @Post()
  @HttpCode(201)
  @Requires('registry:write')
  create(@CurrentPrincipal() p: Principal, @ZBody(createOrgSchema) body: z.output<typeof createOrgSchema>) {
    return this.orgs.create(p, body);
  }

  @Get()
  @Requires('registry:read')
  list(@CurrentPrincipal() p: Principal, @ZQuery(listOrgsSchema) q: z.output<typeof listOrgsSchema>) {
    return this.orgs.list(p, q);
  }

  @Get(':id')
  @Requires('registry:read')
  get(@CurrentPrincipal() p: Principal, @ZParams(idParams) { id }: z.output<typeof idParams>, @ZQuery(getPersonQuery) q: z.output<typeof getPersonQuery>) {
    return this.orgs.get(p, id, q);
  }

  @Patch(':id')
  @Requires('registry:write')
  update(@CurrentPrincipal() p: Principal, @ZParams(idParams) { id }: z.output<typeof idParams>, @ZBody(updateOrgSchema) body: z.output<typeof updateOrgSchema>) {
    return this.orgs.update(p, id, body);
  }
}

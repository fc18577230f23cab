import { Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ZBody, ZParams, ZQuery } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { createPersonSchema, getPersonQuery, listPeopleSchema, updatePersonSchema } from './people.schemas';
import { PeopleService } from './people.service';
import { idParams } from './registry.schemas';

@ApiTags('registry')
@Controller('api/people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  /** Register a person at a place (their grid is the place's) or at a point of their own. */
  @Post()
  @HttpCode(201)
  @Requires('registry:write')
  create(@CurrentPrincipal() p: Principal, @ZBody(createPersonSchema) body: z.output<typeof createPersonSchema>) {
    return this.people.create(p, body);
  }

  /**
   * List people; ID and phone numbers masked (birth date: the year) unless `unmask=true&purpose=…`
   * with pii:unmask. `idNumber=` / `phone=` find by exact number (keyed hash): a sensitive read that
   * needs pii:lookup and a `purpose`, audited, PII_LOOKUPS_PER_HOUR per account (429 beyond).
   */
  @Get()
  @Requires('registry:read')
  list(@CurrentPrincipal() p: Principal, @ZQuery(listPeopleSchema) q: z.output<typeof listPeopleSchema>) {
    return this.people.list(p, q);
  }

  /** The configurable special-group tag list (pii:tags). */
  @Get('tags')
  @Requires('registry:read')
  tags(@CurrentPrincipal() p: Principal) {
    return this.people.tags(p);
  }

  @Get(':id')
  @Requires('registry:read')
  get(@CurrentPrincipal() p: Principal, @ZParams(idParams) { id }: z.output<typeof idParams>, @ZQuery(getPersonQuery) q: z.output<typeof getPersonQuery>) {
    return this.people.get(p, id, q);
  }

  @Patch(':id')
  @Requires('registry:write')
  update(@CurrentPrincipal() p: Principal, @ZParams(idParams) { id }: z.output<typeof idParams>, @ZBody(updatePersonSchema) body: z.output<typeof updatePersonSchema>) {
    return this.people.update(p, id, body);
  }
}

import { Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ZBody, ZParams, ZQuery } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { createHouseholdSchema, listHouseholdsSchema, updateHouseholdSchema } from './households.schemas';
import { HouseholdsService } from './households.service';
import { idParams } from './registry.schemas';

@ApiTags('registry')
@Controller('api/households')
export class HouseholdsController {
  constructor(private readonly households: HouseholdsService) {}

  /** Register a household (户): number, registered (户籍) or floating (流动), its place, optionally its head (a member). */
  @Post()
  @HttpCode(201)
  @Requires('registry:write')
  create(@CurrentPrincipal() p: Principal, @ZBody(createHouseholdSchema) body: z.output<typeof createHouseholdSchema>) {
    return this.households.create(p, body);
  }

  /** List households in the caller's jurisdiction (by their place), filtered by area, type, place or number. */
  @Get()
  @Requires('registry:read')
  list(@CurrentPrincipal() p: Principal, @ZQuery(listHouseholdsSchema) q: z.output<typeof listHouseholdsSchema>) {
    return this.households.list(p, q);
  }

  /** One household with its members (the people carrying its number; ID and phone numbers masked). */
  @Get(':id')
  @Requires('registry:read')
  get(@CurrentPrincipal() p: Principal, @ZParams(idParams) { id }: z.output<typeof idParams>) {
    return this.households.get(p, id);
  }

  @Patch(':id')
  @Requires('registry:write')
  update(@CurrentPrincipal() p: Principal, @ZParams(idParams) { id }: z.output<typeof idParams>, @ZBody(updateHouseholdSchema) body: z.output<typeof updateHouseholdSchema>) {
    return this.households.update(p, id, body);
  }
}

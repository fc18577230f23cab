import { Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ZBody, ZParams, ZQuery } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { createPlaceSchema, listPlacesSchema, updatePlaceSchema } from './places.schemas';
import { PlacesService } from './places.service';
import { idParams } from './registry.schemas';

@ApiTags('registry')
@Controller('api/places')
export class PlacesController {
  constructor(private readonly places: PlacesService) {}

  /** Register a place; it is attributed to the grid at its point in the same transaction. */
  @Post()
  @HttpCode(201)
  @Requires('registry:write')
  create(@CurrentPrincipal() p: Principal, @ZBody(createPlaceSchema) body: z.output<typeof createPlaceSchema>) {
    return this.places.create(p, body);
  }

  @Get()
  @Requires('registry:read')
  list(@CurrentPrincipal() p: Principal, @ZQuery(listPlacesSchema) q: z.output<typeof listPlacesSchema>) {
    return this.places.list(p, q);
  }

  @Get(':id')
  @Requires('registry:read')
  get(@CurrentPrincipal() p: Principal, @ZParams(idParams) { id }: z.output<typeof idParams>) {
    return this.places.get(p, id);
  }

  /** Edit a place; a new point re-attributes it, records the move, and moves the people living there. */
  @Patch(':id')
  @Requires('registry:write')
  update(@CurrentPrincipal() p: Principal, @ZParams(idParams) { id }: z.output<typeof idParams>, @ZBody(updatePlaceSchema) body: z.output<typeof updatePlaceSchema>) {
    return this.places.update(p, id, body);
  }
}

import { Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ZBody, ZParams, ZQuery } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { createObjectSchema, listObjectsSchema, updateObjectSchema } from './objects-orgs.schemas';
import { ObjectsService } from './objects.service';
import { idParams } from './registry.schemas';

@ApiTags('registry')
@Controller('api/objects')
export class ObjectsController {
  constructor(private readonly objects: ObjectsService) {}

  @Post()
  @HttpCode(201)
  @Requires('registry:write')
  create(@CurrentPrincipal() p: Principal, @ZBody(createObjectSchema) body: z.output<typeof createObjectSchema>) {
    return this.objects.create(p, body);
  }

  /** List components; `category` is a minor code or a 2-digit major (all its minors). */
  @Get()
  @Requires('registry:read')
  list(@CurrentPrincipal() p: Principal, @ZQuery(listObjectsSchema) q: z.output<typeof listObjectsSchema>) {
    return this.objects.list(p, q);
  }

  /** The configurable two-level component catalogue. */
  @Get('categories')
  @Requires('registry:read')
  categories() {
    return this.objects.categories();
  }

  @Get(':id')
  @Requires('registry:read')
  get(@CurrentPrincipal() p: Principal, @ZParams(idParams) { id }: z.output<typeof idParams>) {
    return this.objects.get(p, id);
  }

  @Patch(':id')
  @Requires('registry:write')
  update(@CurrentPrincipal() p: Principal, @ZParams(idParams) { id }: z.output<typeof idParams>, @ZBody(updateObjectSchema) body: z.output<typeof updateObjectSchema>) {
    return this.objects.update(p, id, body);
  }
}

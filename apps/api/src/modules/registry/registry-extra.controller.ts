import { Get } from '@nestjs/common';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ObjectsService } from './objects.service';
import { PeopleService } from './people.service';
import { registryKindController } from './registry-kind';
import { OBJECTS, PEOPLE } from './registry-kinds';

/** The kinds with routes of their own, besides the shared ones. */
export class PeopleController extends registryKindController(PEOPLE, PeopleService) {
  declare readonly service: PeopleService;

  /** The configurable special-group tag list (pii:tags). */
  @Get('tags')
  @Requires('registry:read')
  tags(@CurrentPrincipal() p: Principal) {
    return this.service.tags(p);
  }
}

export class ObjectsController extends registryKindController(OBJECTS, ObjectsService) {
  declare readonly service: ObjectsService;

  /** The configurable two-level component catalogue. */
  @Get('categories')
  @Requires('registry:read')
  categories() {
    return this.service.categories();
  }
}

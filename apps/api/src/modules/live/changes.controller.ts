import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZQuery } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ChangesService, MAX_CHANGES_PAGE } from './changes.service';

// Strings of digits only: coercion would turn `since=` into 0 and `since=1e3` into 1000.
const nonNegativeInt = z
  .string()
  .regex(/^\d{1,15}$/, 'must be an integer ≥ 0')
  .transform(Number);

export const changesQuery = z.strictObject({
  since: nonNegativeInt,
  limit: nonNegativeInt.pipe(z.number().min(1).max(MAX_CHANGES_PAGE)).default(500),
});

@ApiTags('live')
@Controller('api/changes')
export class ChangesController {
  constructor(private readonly changes: ChangesService) {}

  /** Changes after `since` in the caller's jurisdiction, in seq order (catch-up after a disconnect). */
  @Get()
  @Requires('changes:read')
  list(@CurrentPrincipal() p: Principal, @ZQuery(changesQuery) q: z.output<typeof changesQuery>) {
    return this.changes.since(p, q.since, q.limit);
  }
}

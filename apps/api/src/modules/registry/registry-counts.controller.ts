import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { DataSource } from 'typeorm';
import { ZQuery } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import { can, type Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { RegistryCountsRepository } from './registry-counts.repository';
import { RegistryLocationService } from './registry-location.service';

const countsQuery = z.strictObject({
  area: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,64}$/, 'must be an area code')
    .optional(),
  groupBy: z.literal('grid').default('grid'),
});

@ApiTags('registry')
@Controller('api/registry')
export class RegistryCountsController {
  constructor(
    private readonly counts: RegistryCountsRepository,
    private readonly location: RegistryLocationService,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Per-grid counts under an area (people, households, places, objects, organizations; special-group
   * tags only with pii:tags). The wall map's people layer uses this: counts, never individual people.
   */
  @Get('counts')
  @Requires('registry:read')
  async byGrid(@CurrentPrincipal() p: Principal, @ZQuery(countsQuery) q: z.output<typeof countsQuery>) {
    const db = this.dataSource.manager;
    const areaPath = await this.location.areaFilter(db, q.area);
    const rows = await this.counts.byGrid(db, areaPath, scopeParam(p));
    // Tags by grid code, looked up per grid (a filter per grid would be grids × tags at city scale).
    let tags: Map<string | null, Record<string, number>> | null = null;
    if (can(p, 'pii:tags')) {
      tags = new Map();
      for (const t of await this.counts.tagsByGrid(db, areaPath, scopeParam(p))) {
        const of = tags.get(t.code) ?? {};
        of[t.tag] = t.n;
        tags.set(t.code, of);
      }
    }
    return {
      area: q.area ?? null,
      groupBy: q.groupBy,
      grids: rows.map((r) => ({
        grid: { code: r.code, name: r.name },
        places: r.places,
        people: r.people,
        households: r.households,
        registered: r.registered,
        floating: r.floating,
        objects: r.objects,
        objectsNeedingRepair: r.objectsNeedingRepair,
        organizations: r.organizations,
        ...(tags ? { tags: tags.get(r.code) ?? {} } : {}),
      })),
    };
  }
}

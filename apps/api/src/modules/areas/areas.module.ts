import { Global, Module } from '@nestjs/common';
import { AreaCompareController } from './area-compare.controller';
import { AreaCompareRepository } from './area-compare.repository';
import { AreaCompareService } from './area-compare.service';
import { AreaImportJobs } from './area-import-jobs.service';
import { AreaImportRepository } from './area-import.repository';
import { AreaImportService } from './area-import.service';
import { AreaLookupRepository } from './area-lookup.repository';
import { AreaLookupService } from './area-lookup.service';
import { AreaPublishRepository } from './area-publish.repository';
import { AreaPublishService } from './area-publish.service';
import { AreaProposalRepository } from './area-proposal.repository';
import { AreaProposalService } from './area-proposal.service';
import { AreaRepairRepository } from './area-repair.repository';
import { AreaRepairService } from './area-repair.service';
import { AreaStudioController } from './area-studio.controller';
import { AreaStudioRepository } from './area-studio.repository';
import { AreaStudioService } from './area-studio.service';
import { AreaTilesController } from './area-tiles.controller';
import { AreaTilesRepository } from './area-tiles.repository';
import { AreaTilesService } from './area-tiles.service';
import { AreaTopologyRepository } from './area-topology.repository';
import { AreasController } from './areas.controller';
import { AreasRepository } from './areas.repository';
import { AreasService } from './areas.service';

/**
 * Territory: areas and grids, versions, topology, lookup, tiles. Other modules use
 * `AreaLookupService.attribute(tx, lon, lat)` and register their located tables with
 * `registerAttributedTable` (attributed-tables.ts) so that publishing re-attributes them.
 */
@Global()
@Module({
  controllers: [AreaStudioController, AreaCompareController, AreasController, AreaTilesController],
  providers: [
    AreaLookupRepository,
    AreaLookupService,
    AreasRepository,
    AreasService,
    AreaImportRepository,
    AreaImportService,
    AreaImportJobs,
    AreaTopologyRepository,
    AreaPublishRepository,
    AreaPublishService,
    AreaTilesRepository,
    AreaTilesService,
    AreaStudioRepository,
    AreaStudioService,
    AreaRepairRepository,
    AreaRepairService,
    AreaProposalRepository,
    AreaProposalService,
    AreaCompareRepository,
    AreaCompareService,
  ],
  exports: [AreaLookupService],
})
export class AreasModule {}

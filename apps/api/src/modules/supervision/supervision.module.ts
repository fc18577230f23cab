import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CaseCountsController } from './case-counts.controller';
import { CaseCountsService } from './case-counts.service';
import { HotspotsRepository } from './hotspots.repository';
import { HotspotsService } from './hotspots.service';
import { IndicatorsExportService } from './indicators-export.service';
import { IndicatorsRepository } from './indicators.repository';
import { IndicatorsService } from './indicators.service';
import { SupervisionController } from './supervision.controller';
import { SupervisionFactsRepository } from './supervision-facts.repository';
import { SupervisionFactsService } from './supervision-facts.service';
import { WarningsRepository } from './warnings.repository';
import { WarningsService } from './warnings.service';

/** Supervision and evaluation (issue 19); see README.md in this folder. */
@Module({
  imports: [AuditModule],
  controllers: [SupervisionController, CaseCountsController],
  providers: [
    SupervisionFactsRepository,
    SupervisionFactsService,
    IndicatorsRepository,
    IndicatorsService,
    IndicatorsExportService,
    WarningsRepository,
    WarningsService,
    HotspotsRepository,
    HotspotsService,
    CaseCountsService,
  ],
  exports: [SupervisionFactsService, WarningsService, IndicatorsService],
})
export class SupervisionModule {}

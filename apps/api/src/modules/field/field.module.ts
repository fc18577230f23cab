import { Module } from '@nestjs/common';
import { FieldController } from './field.controller';
import { PatrolsRepository } from './patrols.repository';
import { PatrolsService } from './patrols.service';
import { PositionsRepository } from './positions.repository';
import { PositionsService } from './positions.service';
import { VisitsRepository } from './visits.repository';
import { VisitsService } from './visits.service';
import { WorkersRepository } from './workers.repository';
import { WorkersService } from './workers.service';

/** The field (issue 20): positions, nearest workers, patrols, household visits. */
@Module({
  controllers: [FieldController],
  providers: [PositionsRepository, PositionsService, WorkersRepository, WorkersService, PatrolsRepository, PatrolsService, VisitsRepository, VisitsService],
  exports: [WorkersService, PositionsService, PatrolsService],
})
export class FieldModule {}

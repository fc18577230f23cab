import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { FieldModule } from '../field/field.module';
import { DemoPatrolsRepository } from './demo-patrols.repository';
import { DemoPatrolsService } from './demo-patrols.service';
import { RegistryModule } from '../registry/registry.module';
import { DemoSimulatorRepository } from './demo-simulator.repository';
import { DemoSimulatorService } from './demo-simulator.service';
import { DemoHistoryRepository } from './demo-history.repository';
import { DemoPopulationRepository } from './demo-population.repository';
import { DemoPopulationService } from './demo-population.service';
import { DemoController } from './demo.controller';
import { DemoPeopleRepository } from './demo-people.repository';
import { DemoTerritoryRepository } from './demo-territory.repository';
import { DemoTerritoryService } from './demo-territory.service';
import { DemoService } from './demo.service';

@Module({
  imports: [RegistryModule, EventsModule, FieldModule],
  controllers: [DemoController],
  providers: [
    DemoService,
    DemoTerritoryService,
    DemoTerritoryRepository,
    DemoPeopleRepository,
    DemoPopulationService,
    DemoPopulationRepository,
    DemoHistoryRepository,
    DemoSimulatorService,
    DemoSimulatorRepository,
    DemoPatrolsService,
    DemoPatrolsRepository,
  ],
  // The simulator is exported for tests and load benches (stats, running).
  exports: [DemoService, DemoSimulatorService],
})
export class DemoModule {}

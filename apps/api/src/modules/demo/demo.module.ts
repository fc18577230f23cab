import { Module } from '@nestjs/common';
import { RegistryModule } from '../registry/registry.module';
import { DemoPopulationRepository } from './demo-population.repository';
import { DemoPopulationService } from './demo-population.service';
import { DemoController } from './demo.controller';
import { DemoPeopleRepository } from './demo-people.repository';
import { DemoTerritoryRepository } from './demo-territory.repository';
import { DemoTerritoryService } from './demo-territory.service';
import { DemoService } from './demo.service';

@Module({
  imports: [RegistryModule],
  controllers: [DemoController],
  providers: [DemoService, DemoTerritoryService, DemoTerritoryRepository, DemoPeopleRepository, DemoPopulationService, DemoPopulationRepository],
  exports: [DemoService],
})
export class DemoModule {}

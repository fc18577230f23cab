import { Module } from '@nestjs/common';
import { DemoController } from './demo.controller';
import { DemoPeopleRepository } from './demo-people.repository';
import { DemoTerritoryRepository } from './demo-territory.repository';
import { DemoTerritoryService } from './demo-territory.service';
import { DemoService } from './demo.service';

@Module({
  controllers: [DemoController],
  providers: [DemoService, DemoTerritoryService, DemoTerritoryRepository, DemoPeopleRepository],
  exports: [DemoService],
})
export class DemoModule {}

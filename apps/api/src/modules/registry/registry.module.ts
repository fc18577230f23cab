import { Module } from '@nestjs/common';
import { PeopleController } from './people.controller';
import { PeopleRepository } from './people.repository';
import { PeopleService } from './people.service';
import { PlacesController } from './places.controller';
import { PlacesRepository } from './places.repository';
import { PlacesService } from './places.service';
import { RegistryLocationRepository } from './registry-location.repository';
import { RegistryLocationService } from './registry-location.service';
import { RegistryPiiService } from './registry-pii.service';

/** The registries inside the grids: places, people, objects (city components), organizations. */
@Module({
  controllers: [PlacesController, PeopleController],
  providers: [RegistryLocationRepository, RegistryLocationService, RegistryPiiService, PlacesRepository, PlacesService, PeopleRepository, PeopleService],
})
export class RegistryModule {}

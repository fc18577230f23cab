import { Module, type OnModuleInit } from '@nestjs/common';
import { registerAttributedTable } from '../areas/attributed-tables';
import { HouseholdsController } from './households.controller';
import { HouseholdsRepository } from './households.repository';
import { HouseholdsService } from './households.service';
import { ObjectsController } from './objects.controller';
import { ObjectsRepository } from './objects.repository';
import { ObjectsService } from './objects.service';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';
import { RegistryImportController } from './registry-import.controller';
import { RegistryImportRepository } from './registry-import.repository';
import { RegistryImportService } from './registry-import.service';
import { RegistryCountsController } from './registry-counts.controller';
import { RegistryCountsRepository } from './registry-counts.repository';
import { PeopleController } from './people.controller';
import { PeopleRepository } from './people.repository';
import { PeopleService } from './people.service';
import { PlacesController } from './places.controller';
import { PlacesRepository } from './places.repository';
import { PlacesService } from './places.service';
import { RegistryLocationRepository } from './registry-location.repository';
import { RegistryLocationService } from './registry-location.service';
import { RegistryLookupService } from './registry-lookup.service';
import { RegistryPiiService } from './registry-pii.service';

/** The registries inside the grids: places, people and their households, objects (city components), organizations. */
@Module({
  controllers: [PlacesController, PeopleController, HouseholdsController, ObjectsController, OrganizationsController, RegistryCountsController, RegistryImportController],
  providers: [
    RegistryLocationRepository, RegistryLocationService, RegistryPiiService, RegistryLookupService, PlacesRepository, PlacesService, PeopleRepository, PeopleService, HouseholdsRepository, HouseholdsService,
    ObjectsRepository, ObjectsService, OrganizationsRepository, OrganizationsService, RegistryCountsRepository,
    RegistryImportRepository, RegistryImportService,
  ],
  // For bulk writers (demo generator): run(principal, 'place'|'person'|'object'|'organization', rows, mode);
  // RegistryPiiService seals ID and phone numbers exactly as the registry stores them.
  exports: [RegistryImportService, RegistryPiiService],
})
export class RegistryModule implements OnModuleInit {
  /** A redraw re-attributes every registry row by its point (people and organizations at a place share its point). */
  onModuleInit(): void {
    for (const table of ['place', 'person', 'city_object', 'organization']) registerAttributedTable({ table });
  }
}

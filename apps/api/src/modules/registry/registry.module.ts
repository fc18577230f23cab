import { Module, type OnModuleInit } from '@nestjs/common';
import { registerAttributedTable } from '../areas/attributed-tables';
import { HouseholdsRepository } from './households.repository';
import { HouseholdsService } from './households.service';
import { ObjectsRepository } from './objects.repository';
import { ObjectsService } from './objects.service';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';
import { PeopleRepository } from './people.repository';
import { PeopleService } from './people.service';
import { PlacesRepository } from './places.repository';
import { PlacesService } from './places.service';
import { RegistryCountsController } from './registry-counts.controller';
import { RegistryCountsRepository } from './registry-counts.repository';
import { RegistryImportController } from './registry-import.controller';
import { RegistryImportRepository } from './registry-import.repository';
import { RegistryImportService } from './registry-import.service';
import { registryKindController } from './registry-kind';
import { HOUSEHOLDS, LOCATED_KINDS, ORGANIZATIONS, PLACES } from './registry-kinds';
import { RegistryLocationRepository } from './registry-location.repository';
import { RegistryLocationService } from './registry-location.service';
import { RegistryLookupService } from './registry-lookup.service';
import { RegistryPiiService } from './registry-pii.service';
import { ObjectsController, PeopleController } from './registry-extra.controller';

/** The registries inside the grids: places, people and their households, objects (city components), organizations. */
@Module({
  controllers: [
    registryKindController(PLACES, PlacesService),
    PeopleController,
    registryKindController(HOUSEHOLDS, HouseholdsService),
    ObjectsController,
    registryKindController(ORGANIZATIONS, OrganizationsService),
    RegistryCountsController,
    RegistryImportController,
  ],
  providers: [
    RegistryLocationRepository,
    RegistryLocationService,
    RegistryPiiService,
    RegistryLookupService,
    PlacesRepository,
    PlacesService,
    PeopleRepository,
    PeopleService,
    HouseholdsRepository,
    HouseholdsService,
    ObjectsRepository,
    ObjectsService,
    OrganizationsRepository,
    OrganizationsService,
    RegistryCountsRepository,
    RegistryImportRepository,
    RegistryImportService,
  ],
  // For bulk writers (demo generator): run(principal, 'place'|'person'|'object'|'organization', rows, mode);
  // RegistryPiiService seals ID and phone numbers exactly as the registry stores them.
  exports: [RegistryImportService, RegistryPiiService],
})
export class RegistryModule implements OnModuleInit {
  /** A redraw re-attributes every located registry row by its point (people and organizations at a place share its point). */
  onModuleInit(): void {
    for (const kind of Object.values(LOCATED_KINDS)) registerAttributedTable({ table: kind.table });
  }
}

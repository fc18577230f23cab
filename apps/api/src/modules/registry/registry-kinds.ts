import { residentIdBirthDate, residentIdGender } from '@gc/contracts';
import { createHouseholdSchema, listHouseholdsSchema, updateHouseholdSchema } from './households.schemas';
import { createObjectSchema, createOrgSchema, listObjectsSchema, listOrgsSchema, updateObjectSchema, updateOrgSchema } from './objects-orgs.schemas';
import { createPersonSchema, getPersonQuery, listPeopleSchema, updatePersonSchema } from './people.schemas';
import { createPlaceSchema, listPlacesSchema, updatePlaceSchema } from './places.schemas';
import type { RegistryKind } from './registry-kind';
import type { RegistryEntity } from './registry.types';

/**
 * The registry kinds, each declared once: URL, table, audit name, the zod schemas of its routes
 * (GET /:id's query carries the unmask switch where the kind holds personal data; the masking is
 * the service's json), its import columns. The routes (registryKindController), the
 * create/get/update/list flow (RegistryKindService), the import routes and the redraw
 * re-attribution (RegistryModule) are made from these; the grid counts come from the counter
 * triggers of the kind's migration. README "Registry kinds" says how to add one.
 */
export const PLACES: RegistryKind = {
  path: 'places',
  entity: 'place',
  table: 'place',
  controller: 'PlacesController',
  create: createPlaceSchema,
  update: updatePlaceSchema,
  list: listPlacesSchema,
  import: {
    columns: [
      ['kind', 'text'],
      ['name', 'text'],
      ['address', 'text'],
      ['compound', 'text'],
      ['building', 'text'],
      ['unit', 'text'],
      ['floor', 'text'],
      ['room', 'text'],
    ],
    row: (v, at) => ({
      external_id: at.ext,
      lon: at.lon,
      lat: at.lat,
      grid_id: at.gridId,
      grid_code: at.gridCode,
      area_path: at.areaPath,
      kind: v.kind,
      name: v.name,
      address: v.address ?? null,
      compound: v.compound ?? null,
      building: v.building ?? null,
      unit: v.unit ?? null,
      floor: v.floor ?? null,
      room: v.room ?? null,
    }),
  },
};

export const PEOPLE: RegistryKind = {
  path: 'people',
  entity: 'person',
  table: 'person',
  controller: 'PeopleController',
  create: createPersonSchema,
  update: updatePersonSchema,
  list: listPeopleSchema,
  getQuery: getPersonQuery,
  import: {
    columns: [
      ['name', 'text'],
      ['id_number_enc', 'text'],
      ['id_number_hmac', 'text'],
      ['phone_enc', 'text'],
      ['phone_hmac', 'text'],
      ['gender', 'text'],
      ['birth_date', 'date'],
      ['household_no', 'text'],
      ['household_role', 'text'],
      ['registration', 'text'],
      ['place_id', 'bigint'],
      ['tags', 'text[]'],
      ['own_location', 'boolean'],
    ],
    row: async (v, at, pii) => {
      const id = await pii.sealId(v.idNumber);
      const phone = await pii.sealPhone(v.phone);
      return {
        external_id: at.ext,
        lon: at.lon,
        lat: at.lat,
        grid_id: at.gridId,
        grid_code: at.gridCode,
        area_path: at.areaPath,
        name: v.name,
        id_number_enc: id.enc,
        id_number_hmac: id.hmac,
        phone_enc: phone.enc,
        phone_hmac: phone.hmac,
        gender: v.gender ?? (v.idNumber ? residentIdGender(v.idNumber) : null),
        birth_date: v.birthDate ?? (v.idNumber ? residentIdBirthDate(v.idNumber) : null),
        household_no: v.householdNo ?? null,
        household_role: v.householdRole ?? null,
        registration: v.registration,
        place_id: v.placeId ?? null,
        tags: v.tags ?? [],
        own_location: v.lon != null,
      };
    },
  },
};

export const HOUSEHOLDS: RegistryKind = {
  path: 'households',
  entity: 'household',
  table: 'household',
  controller: 'HouseholdsController',
  create: createHouseholdSchema,
  update: updateHouseholdSchema,
  list: listHouseholdsSchema,
};

export const OBJECTS: RegistryKind = {
  path: 'objects',
  entity: 'object',
  table: 'city_object',
  controller: 'ObjectsController',
  create: createObjectSchema,
  update: updateObjectSchema,
  list: listObjectsSchema,
  import: {
    columns: [
      ['category_code', 'text'],
      ['name', 'text'],
      ['condition', 'text'],
      ['owner', 'text'],
      ['department_code', 'text'],
      ['address', 'text'],
    ],
    row: (v, at) => ({
      external_id: at.ext,
      lon: at.lon,
      lat: at.lat,
      grid_id: at.gridId,
      grid_code: at.gridCode,
      area_path: at.areaPath,
      category_code: v.categoryCode,
      name: v.name,
      condition: v.condition,
      owner: v.owner ?? null,
      department_code: v.departmentCode ?? null,
      address: v.address ?? null,
    }),
  },
};

export const ORGANIZATIONS: RegistryKind = {
  path: 'organizations',
  entity: 'organization',
  table: 'organization',
  controller: 'OrganizationsController',
  create: createOrgSchema,
  update: updateOrgSchema,
  list: listOrgsSchema,
  getQuery: getPersonQuery,
  import: {
    columns: [
      ['kind', 'text'],
      ['name', 'text'],
      ['uscc', 'text'],
      ['address', 'text'],
      ['place_id', 'bigint'],
      ['contact_name', 'text'],
      ['contact_phone_enc', 'text'],
      ['own_location', 'boolean'],
    ],
    row: async (v, at, pii) => ({
      external_id: at.ext,
      lon: at.lon,
      lat: at.lat,
      grid_id: at.gridId,
      grid_code: at.gridCode,
      area_path: at.areaPath,
      kind: v.kind,
      name: v.name,
      uscc: v.uscc ?? null,
      address: v.address ?? null,
      place_id: v.placeId ?? null,
      contact_name: v.contactName ?? null,
      contact_phone_enc: (await pii.sealPhone(v.contactPhone)).enc,
      own_location: v.lon != null,
    }),
  },
};

/** In the order of the OpenAPI document. */
export const REGISTRY_KINDS = [PLACES, PEOPLE, HOUSEHOLDS, OBJECTS, ORGANIZATIONS];

/** The located kinds (a point, attributed to a grid, re-attributed by a redraw, with a move history), by entity. */
export const LOCATED_KINDS: Record<RegistryEntity, RegistryKind> = { place: PLACES, person: PEOPLE, object: OBJECTS, organization: ORGANIZATIONS };

/** The kinds with a CSV/XLSX import. */
export const IMPORTABLE_KINDS = REGISTRY_KINDS.filter((k) => k.import);

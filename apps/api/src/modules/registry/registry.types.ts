/** Shapes shared by the registry repositories and services. */

export interface GridRef {
  code: string;
  name: string;
}

/** The attribution a located row carries (see AreaLookupService). */
export interface Attribution {
  lon: number;
  lat: number;
  gridId: number;
  gridCode: string;
  gridName: string;
  areaPath: string;
}

export type RegistryEntity = 'place' | 'person' | 'object' | 'organization';

/** Table behind each registry entity (fixed identifiers, never from input). */
export const ENTITY_TABLE: Record<RegistryEntity, string> = {
  place: 'place',
  person: 'person',
  object: 'city_object',
  organization: 'organization',
};

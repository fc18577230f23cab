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

/** The located registry kinds (registry-kinds.ts LOCATED_KINDS). */
export type RegistryEntity = 'place' | 'person' | 'object' | 'organization';

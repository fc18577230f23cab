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

/** What every located record's row carries (read with its grid's name): its point, grid and times. */
export interface LocatedRow {
  id: number;
  externalId: string | null;
  lon: number;
  lat: number;
  gridCode: string;
  gridName: string | null;
  areaPath: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The located registry kinds (registry-kinds.ts LOCATED_KINDS). */
export type RegistryEntity = 'place' | 'person' | 'object' | 'organization';

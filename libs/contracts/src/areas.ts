export const AREA_LEVELS = ['city', 'district', 'street', 'community', 'grid', 'microgrid'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export interface AreaRef {
  code: string;
  name: string;
  level: AreaLevel;
}

/** GET /api/areas/locate */
export interface LocateResponse {
  grid: AreaRef;
  chain: AreaRef[]; // from the root down to the grid's parent
  versionId: number;
}

/** How a record shows the grid it is attributed to (`grid.code` in every record's JSON). */
export interface GridRef {
  code: string;
  name: string;
}

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
  /** the micro-grid (微网格) of that grid at the point, if the grid is divided; records stay attributed to `grid` */
  microGrid: AreaRef | null;
}

/** How a record shows the grid it is attributed to (`grid.code` in every record's JSON). */
export interface GridRef {
  code: string;
  name: string;
}

export const IMPORT_CRS = ['wgs84', 'gcj02', 'bd09'] as const;
export const IMPORT_MODES = ['all-or-nothing', 'keep-valid'] as const;

/** One result per imported feature, in input order. */
export interface ImportFeatureResult {
  index: number;
  code: string | null;
  status: 'imported' | 'repaired' | 'rejected';
  /** why it was rejected or what was repaired (PostGIS ST_IsValidDetail wording for invalid geometry) */
  reason: string | null;
  /** where the problem is: a GeoJSON Point (WGS-84), or null */
  location: { type: 'Point'; coordinates: [number, number] } | null;
}

/** POST /api/areas/import */
export interface ImportResponse {
  versionId: number;
  results: ImportFeatureResult[];
}

export interface GeoJsonFeatureCollection<P = Record<string, unknown>> {
  type: 'FeatureCollection';
  features: { type: 'Feature'; id?: string | number; geometry: { type: string; coordinates: unknown } | null; properties: P }[];
}

/** GET /api/areas/versions/{id}/topology: every list is drawable GeoJSON. */
export interface TopologyReport {
  versionId: number;
  summary: {
    /** overlaps or duplicate codes: publishing is refused */
    blocking: boolean;
    /** gaps exist: publishing needs acknowledgeGaps */
    needsGapAcknowledgement: boolean;
    overlaps: number;
    gaps: number;
    outsideParent: number;
    slivers: number;
    duplicateCodes: number;
    nonContiguous: number;
  };
  overlaps: GeoJsonFeatureCollection<{ a: string; b: string; areaM2: number }>;
  gaps: GeoJsonFeatureCollection<{ parent: string; areaM2: number }>;
  outsideParent: GeoJsonFeatureCollection<{ code: string; parent: string; areaM2: number }>;
  slivers: GeoJsonFeatureCollection<{ code: string; areaM2: number }>;
  duplicateCodes: { code: string; count: number }[];
  nonContiguous: GeoJsonFeatureCollection<{ code: string; parts: number }>;
}

export interface AreaVersionSummary {
  id: number;
  level: AreaLevel;
  status: 'draft' | 'published' | 'discarded';
  label: string | null;
  areas: number;
  createdAt: string;
  createdBy: string | null;
  publishedAt: string | null;
  publishedBy: string | null;
  gapsAcknowledged: boolean;
}

/** POST /api/areas/versions/{id}/publish */
export interface PublishResponse {
  versionId: number;
  publishedAt: string;
  added: number;
  closed: number;
  /** current areas the draft left as they were (same code, name, parent and geometry): kept open, their records untouched */
  kept: number;
  /** rows re-attributed per registered table */
  reattributed: Record<string, number>;
}

export interface AreaSummary extends AreaRef {
  id: number;
  parentCode: string | null;
  path: string;
  versionId: number;
  areaM2: number;
  validFrom: string | null;
  validTo: string | null;
}

/** GET /api/areas/{code} */
export interface AreaDetail extends AreaSummary {
  chain: AreaRef[];
  childrenCount: number;
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
}

export const STAFF_ROLES = ['grid_leader', 'grid_worker', 'grid_assistant'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** 一长二员: one row per assignment, with its period. */
export interface GridStaff {
  id: number;
  areaCode: string;
  role: StaffRole;
  name: string;
  userId: number | null;
  validFrom: string;
  validTo: string | null;
}

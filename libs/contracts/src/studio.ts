import type { AreaRef, AreaVersionSummary, GeoJsonFeatureCollection, TopologyReport } from './areas';

/** Metrics the balance panel shows per grid (GET /api/areas/versions/{id}/balance). */
export const BALANCE_METRICS = ['households', 'people', 'places', 'components', 'organizations', 'events90d', 'areaM2', 'compactness'] as const;
export type BalanceMetric = (typeof BALANCE_METRICS)[number];

export interface GridMetrics {
  code: string;
  name: string;
  households: number;
  people: number;
  places: number;
  components: number;
  organizations: number;
  /** cases reported inside the grid in the last 90 days */
  events90d: number;
  areaM2: number;
  /** Polsby–Popper 4πA/P², 1 = a circle */
  compactness: number;
  /** polygon parts (1 = contiguous) */
  parts: number;
  /** households below or above the target range */
  outlier: 'low' | 'high' | null;
}

export interface BalanceReport {
  versionId: number;
  target: { min: number; max: number };
  grids: GridMetrics[];
  spread: {
    /** households of the fullest grid / of the emptiest (null when a grid has none) */
    maxMin: number | null;
    stdDev: number;
    mean: number;
    medianCompactness: number;
  };
}

/** POST /api/areas/drafts: a draft of one area's children copied from the published version. */
export interface DraftResponse {
  versionId: number;
  parentCode: string;
  level: string;
  areas: number;
}

/** POST /api/areas/proposals */
export interface ProposalResponse {
  versionId: number;
  parentCode: string;
  grids: GridMetrics[];
  spread: BalanceReport['spread'];
}

export type RepairAction = 'overlap-assigned' | 'outside-parent-clipped' | 'gap-filled' | 'sliver-absorbed' | 'gap-left';

/** One change a repair made (or would make), with where and how big. */
export interface RepairChange {
  action: RepairAction;
  /** the area that received the piece (null: nobody, e.g. a large gap left for a person) */
  to: string | null;
  /** the area that lost it (overlaps, slivers) */
  from: string | null;
  areaM2: number;
  /** the stated rule that chose `to` */
  rule: string;
  /** a point on the piece (WGS-84) */
  location: { type: 'Point'; coordinates: [number, number] };
  /** the piece itself, to draw */
  geometry: { type: string; coordinates: unknown };
}

/** POST /api/areas/versions/{id}/repair */
export interface RepairReport {
  versionId: number;
  applied: boolean;
  changes: RepairChange[];
  before: TopologyReport['summary'];
  after: TopologyReport['summary'];
}

/** GET /api/areas/versions/{id}/impact: what publishing this draft would move. */
export interface ImpactReport {
  versionId: number;
  /** records whose grid changes, per registered table (event: open cases only) */
  moves: Record<string, number>;
  /** friendly totals */
  people: number;
  places: number;
  objects: number;
  organizations: number;
  openEvents: number;
  areas: { added: string[]; removed: string[]; reshaped: string[]; unchanged: string[] };
  staff: {
    /** staff whose grid disappears */
    losing: { name: string; role: string; code: string }[];
    /** staff whose grid is reshaped (they keep the code, the ground changes) */
    reshaped: { name: string; role: string; code: string }[];
    /** new grid codes that nobody staffs yet */
    unstaffed: string[];
  };
  /** added / removed / reshaped areas to draw (property `change`) */
  diff: GeoJsonFeatureCollection<{ code: string; change: 'added' | 'removed' | 'reshaped' }>;
}

/** PUT /api/areas/versions/{id}/features: the studio saves the draft it edits, then reads topology. */
export interface DraftFeaturesResponse {
  versionId: number;
  areas: number;
  topology: TopologyReport;
}

/** Publishing a draft copied from a version that has since been replaced (409 VERSION_OUTDATED details). */
export interface OutdatedDetails {
  versionId: number;
  parentCode: string;
  added: string[];
  removed: string[];
  reshaped: string[];
}

/** One area in a comparison of two versions. */
export interface VersionCompareArea {
  code: string;
  name: string;
  level: string;
  change: 'added' | 'removed' | 'reshaped' | 'unchanged';
  /** m² on the spheroid; null on the side where the area does not exist */
  fromAreaM2: number | null;
  toAreaM2: number | null;
  /** toAreaM2 − fromAreaM2 (added: + its area, removed: − its area) */
  deltaM2: number;
}

/**
 * GET /api/areas/versions/compare?from=&to=: the territory as each version left it (a published
 * version: the areas valid right after its publication; a draft: the current areas with the draft
 * applied), within the areas under the deepest area holding both versions' rows, at their levels.
 */
export interface VersionCompareReport {
  from: AreaVersionSummary;
  to: AreaVersionSummary;
  /** the area under which the two sides are compared (null: the whole territory) and the levels compared */
  scope: { code: string | null; name: string | null; levels: string[] };
  counts: { added: number; removed: number; reshaped: number; unchanged: number };
  /** changed areas first (by change, then code), then unchanged ones */
  areas: VersionCompareArea[];
  /**
   * both sides to draw: property `side` (`from` | `to`) and `change`; a reshaped area has a feature
   * on each side; unchanged areas come once (side `to`), simplified to about 1 m
   */
  features: GeoJsonFeatureCollection<{ code: string; name: string; side: 'from' | 'to'; change: VersionCompareArea['change'] }>;
}

/** GET /api/areas/versions/history?code=: the versions that held that area or areas under it. */
export interface AreaHistoryReport {
  area: AreaRef;
  versions: (AreaVersionSummary & {
    /** rows of this version at or under the area, by level */
    levels: Record<string, number>;
    /** when its rows there stopped being current (the earliest valid_to), null while current or a draft */
    replacedAt: string | null;
  })[];
}

/** One grid in GET /api/areas/case-counts. */
export interface CaseCountRow {
  code: string;
  name: string;
  /** whether the grid is current today (a grid that existed only then is not) */
  current: boolean;
  /** cases reported in the period attributed to the grid of the day they were reported */
  then: number;
  /** the same cases attributed to today's grid at their location */
  now: number;
  delta: number;
}

/**
 * GET /api/areas/case-counts?parentCode=&from=&to=: cases reported in a period under an area, by
 * grid, "as then" versus "as now" (the supervision module's attribution definitions).
 */
export interface CaseCountsReport {
  area: AreaRef;
  from: string;
  to: string;
  /** cases in the period under the area, either way (a case outside every current grid counts only then) */
  totals: { then: number; now: number };
  grids: CaseCountRow[];
  /** the supervision facts are as fresh as this */
  factsAsOf: string | null;
}

/** Supervision and evaluation (issue 19): indicators, warnings, hotspots. */
export const INDICATOR_GROUPINGS = ['district', 'street', 'community', 'grid', 'department', 'worker', 'category', 'source'] as const;
export type IndicatorGrouping = (typeof INDICATOR_GROUPINGS)[number];

export interface IndicatorDefinition {
  code: string;
  version: number;
  effectiveFrom: string;
  name: string;
  nameEn: string;
  unit: 'count' | 'ratio' | 'hours' | 'minutes' | 'score';
  formula: { num: string[]; den?: string[]; scale?: number };
}

export interface IndicatorRow {
  /** area path, department id, worker name, category code or source */
  key: string;
  name: string;
  nameEn: string | null;
  /** area or department or category code (null for workers and sources) */
  code: string | null;
  /** indicator code → value (null: nothing to rate) */
  values: Record<string, number | null>;
  /** the same indicators over the previous period of the same length */
  previous: Record<string, number | null>;
  /** the summed facts the values come from */
  measures: Record<string, number>;
}

export interface IndicatorReport {
  groupBy: IndicatorGrouping;
  attribution: 'then' | 'now';
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  /** the formula version of each indicator used for this period (in force on its first day) */
  indicators: IndicatorDefinition[];
  rows: IndicatorRow[];
  /** facts are kept up to date by a background worker: when it last derived a case */
  factsAsOf: string | null;
}

export const WARNING_KINDS = ['spike', 'repeat_place', 'overdue', 'report_in_drop'] as const;
export type WarningKind = (typeof WARNING_KINDS)[number];
export type WarningStatus = 'open' | 'acknowledged' | 'dismissed';

export interface SupervisionWarning {
  id: number;
  kind: WarningKind;
  subject: string;
  areaPath: string | null;
  areaName: string | null;
  departmentId: number | null;
  departmentName: string | null;
  /** the figures that raised it (what, observed, baseline, threshold …) */
  figures: Record<string, unknown>;
  status: WarningStatus;
  raisedAt: string;
  updatedAt: string;
  handledAt: string | null;
  handledBy: string | null;
}

export interface HotspotCell {
  code: string;
  name: string;
  path: string;
  count: number;
  /** Getis–Ord Gi* z-score over the cell and its neighbours */
  z: number | null;
  hot: boolean;
  geometry: unknown;
}

export interface HotspotReport {
  from: string;
  to: string;
  category: string | null;
  method: 'getis-ord-gi*';
  /** |z| above this is significant (95 %, two-sided) */
  threshold: number;
  cells: HotspotCell[];
}

/** The field (issue 20): grid workers' positions, state, patrols and visits, shared by API and app. */

export const WORKER_STATES = ['on_patrol', 'on_task', 'idle', 'offline'] as const;
export type WorkerStateName = (typeof WORKER_STATES)[number];

/** Payload of the live message `worker.position` (id = the worker's user id). */
export interface WorkerPositionData {
  workerId: number;
  name: string;
  lon: number;
  lat: number;
  at: string;
  accuracy: number | null;
  patrolId: number | null;
  state: WorkerStateName;
  openTasks: number;
}

/** One row of GET /api/workers. */
export interface WorkerSuggestion {
  id: number;
  name: string;
  /** staff of the case's grid (listed first) */
  gridStaff: boolean;
  lon: number | null;
  lat: number | null;
  at: string | null;
  distanceM: number | null;
  state: WorkerStateName;
  openTasks: number;
}

export interface PatrolView {
  id: number;
  workerId: number;
  workerName: string;
  gridCode: string | null;
  startedAt: string;
  endedAt: string | null;
  durationS: number;
  positions: number;
  track: { type: 'LineString' | 'Point'; coordinates: unknown } | null;
  lengthM: number;
  coverage: number | null;
}

/** One row of GET /api/patrols/summary: patrol time and coverage of a worker or a grid over the period. */
export interface PatrolSummaryRow {
  /** the worker's id (groupBy=worker) or the grid's code (groupBy=grid) */
  key: string;
  /** the worker's or the grid's name */
  name: string;
  patrols: number;
  workers: number;
  /** patrol time inside the period, seconds (an open patrol counts up to now) */
  seconds: number;
  /** track length inside the period, metres */
  lengthM: number;
  /** share 0..1 of the patrolled grids' area within 50 m of any of the tracks (a union: twice along one street counts once) */
  coverage: number | null;
}

export interface PatrolSummary {
  from: string;
  to: string;
  groupBy: 'worker' | 'grid';
  rows: PatrolSummaryRow[];
}

/** A household visit (走访) as POST and GET /api/visits answer it: the subject by name only (no ID or phone numbers). */
export interface VisitView {
  id: number;
  workerId: number;
  workerName: string;
  personId: number | null;
  personName: string | null;
  householdNo: string | null;
  placeId: number | null;
  placeName: string | null;
  visitedAt: string;
  notes: string;
  tags: string[];
  followUpEventIds: number[];
  gridCode: string;
}

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

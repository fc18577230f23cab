/**
 * Live push. Every change a screen must show is a row in the outbox with a
 * global, gap-free `seq`; the socket.io namespace `/live` emits it under its
 * type, and GET /api/changes?since=<seq> returns what a client missed.
 */

export const LIVE_NAMESPACE = '/live';

export const CHANGE_TYPES = [
  'event.created',
  'event.transitioned',
  'event.updated',
  'event.escalated',
  'summons.created',
  'summons.answered',
  'area.version.published',
  'registry.changed',
  // supervision early warnings (data: SupervisionWarning): raised, or its figures / status changed
  'warning.raised',
  'warning.updated',
  'worker.position', // a grid worker's latest position and state (field.ts: WorkerPositionData)
] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export interface LiveMessage<T = unknown> {
  seq: number;
  type: ChangeType;
  /** the id of the entity that changed (an event's id for event.*) */
  id: string | null;
  at: string;
  areaPath: string | null;
  data: T;
}

export interface ChangesResponse {
  changes: LiveMessage[];
  /** the highest seq that exists now (a client may jump to it) */
  latest: number;
}

/** socket.io typing: server → client. Every change type arrives under its own name. */
export type ServerToClientEvents = { [K in ChangeType]: (message: LiveMessage) => void } & {
  hello: (info: { latest: number; rooms: string[] }) => void;
};

/** client → server */
export interface ClientToServerEvents {
  /** narrow (or reset) the areas this socket receives; codes must lie inside the caller's jurisdiction */
  subscribe: (req: { areas: string[] }, ack: (res: { ok: boolean; rooms: string[]; error?: string }) => void) => void;
  /**
   * the socket equivalent of GET /api/changes?since= (limit 1..1000, default 500; page until fewer than `limit` come back);
   * `error` names the problem when the request was refused (then `changes` is empty)
   */
  since: (req: { seq: number; limit?: number }, ack: (res: { changes: LiveMessage[]; latest: number; error?: string }) => void) => void;
}

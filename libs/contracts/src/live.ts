import type { PublishResponse } from './areas';
import type { EventSummary } from './events';
import type { WorkerPositionData } from './field';
import type { SupervisionWarning } from './supervision';

/**
 * Live push. Every change a screen must show is a row in the outbox with a
 * global, gap-free `seq`; the socket.io namespace `/live` emits it under its
 * type, and GET /api/changes?since=<seq> returns what a client missed.
 */

export const LIVE_NAMESPACE = '/live';

/** What an area version publish tells the screens (the publish answer and the level it redrew). */
export type AreaPublishedData = PublishResponse & { level: string };

/**
 * Every live message type and the payload (`data`) it carries, as immich's ClientEventMap: the
 * API's one publisher (ChangeFeedRepository.append) takes `data` of this type for its type, the
 * gateway emits it under its type, and each screen of the wall has one handler per type
 * (apps/wallmap/src/live/live-handlers.ts; live-handlers.spec.ts fails when one is missing).
 */
export interface LiveMessageMap {
  'event.created': EventSummary;
  'event.transitioned': EventSummary;
  'event.escalated': EventSummary;
  'summons.created': EventSummary;
  'summons.answered': EventSummary;
  'area.version.published': AreaPublishedData;
  /** supervision early warnings: raised, or its figures / status changed */
  'warning.raised': SupervisionWarning;
  'warning.updated': SupervisionWarning;
  /** a grid worker's latest position and state */
  'worker.position': WorkerPositionData;
}
export type ChangeType = keyof LiveMessageMap;

/** The types as a list (socket listeners, permissions); every key of LiveMessageMap exactly once. */
export const CHANGE_TYPES = [
  'event.created',
  'event.transitioned',
  'event.escalated',
  'summons.created',
  'summons.answered',
  'area.version.published',
  'warning.raised',
  'warning.updated',
  'worker.position',
] as const satisfies readonly ChangeType[];
// compile-time: a type added to LiveMessageMap and not to CHANGE_TYPES fails here
const _allListed: Exclude<ChangeType, (typeof CHANGE_TYPES)[number]> extends never ? true : never = true;
void _allListed;

/** One change as the socket and GET /api/changes deliver it; `LiveMessage` alone is the union over all types. */
export type LiveMessage<K extends ChangeType = ChangeType> = {
  [T in K]: {
    seq: number;
    type: T;
    /** the id of the entity that changed (an event's id for event.*) */
    id: string | null;
    at: string;
    areaPath: string | null;
    data: LiveMessageMap[T];
  };
}[K];

export interface ChangesResponse {
  changes: LiveMessage[];
  /** the highest seq that exists now (a client may jump to it) */
  latest: number;
}

/** socket.io typing: server → client. Every change type arrives under its own name. */
export type ServerToClientEvents = { [K in ChangeType]: (message: LiveMessage<K>) => void } & {
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

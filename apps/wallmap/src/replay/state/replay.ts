import type { LiveMessage } from '@gc/contracts';
import { eventsReducer, initialEventsState, type EventsState } from '../../events/state/events-store';
import { routeLive } from '../../live/live-handlers';
import { newWallBatch, WALL_LIVE } from '../../shell/state/wall-live';

export const DAY_MS = 24 * 3600 * 1000;

/** Changes of the last 24 hours, oldest first. */
export function lastDay(changes: LiveMessage[], now: number): LiveMessage[] {
  return changes.filter((c) => Date.parse(c.at) >= now - DAY_MS).sort((a, b) => a.seq - b.seq);
}

/** The wall as the changes up to `until` left it (the same reducer as live, from empty). */
export function stateAt(changes: LiveMessage[], until: number): EventsState {
  const upTo = changes.filter((c) => Date.parse(c.at) <= until);
  return eventsReducer(initialEventsState, { type: 'live', batch: routeLive(WALL_LIVE, upTo, newWallBatch()), receivedAt: 0 });
}

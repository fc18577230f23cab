import type { EventState, EventSummary, LiveMessage } from '@gc/contracts';

/** States after which a case no longer needs anyone on the wall (it leaves the map, stays in counts). */
export const FINAL_STATES: ReadonlySet<EventState> = new Set<EventState>(['closed', 'evaluated', 'rejected', 'voided']);
export const CLOSED_STATES: ReadonlySet<EventState> = new Set<EventState>(['closed', 'evaluated']);

export const FEED_SIZE = 60;

export interface FeedEntry {
  seq: number;
  type: LiveMessage['type'];
  id: string | null;
  at: string;
  title: string | null;
  state: EventState | null;
  gridCode: string | null;
  gridName: string | null;
}

export interface EventsState {
  /** every loaded event by id; objects are replaced, never mutated, so identity tells what changed */
  events: Record<number, EventSummary>;
  /** per event, the seq of the change its current data came from: an older message never overwrites a newer one */
  eventSeq: Record<number, number>;
  /** the highest seq applied: where a reconnecting client asks `/api/changes?since=` */
  lastSeq: number;
  /** newest first */
  feed: FeedEntry[];
  /** events created live (not loaded), with the time they arrived: drawn with a pulse */
  fresh: Record<number, number>;
}

export type EventsAction =
  | { type: 'snapshot'; events: EventSummary[]; latest: number }
  | { type: 'live'; messages: LiveMessage[]; receivedAt: number }
  | { type: 'event-loaded'; event: EventSummary }
  | { type: 'expire-fresh'; before: number };

export const initialEventsState: EventsState = { events: {}, eventSeq: {}, lastSeq: 0, feed: [], fresh: {} };

const EVENT_TYPES = new Set(['event.created', 'event.transitioned', 'event.updated', 'event.escalated']);

function isEventSummary(x: unknown): x is EventSummary {
  return !!x && typeof x === 'object' && typeof (x as EventSummary).id === 'number' && typeof (x as EventSummary).state === 'string';
}

function feedEntry(m: LiveMessage): FeedEntry {
  const d = m.data as Partial<EventSummary> | null;
  return {
    seq: m.seq,
    type: m.type,
    id: m.id,
    at: m.at,
    title: d && typeof d.title === 'string' ? d.title : null,
    state: d && typeof d.state === 'string' ? d.state : null,
    gridCode: d?.grid?.code ?? null,
    gridName: d?.grid?.name ?? null,
  };
}

/**
 * Applies live messages by `seq`: duplicates and messages older than what an event
 * already shows are ignored, so a catch-up page that overlaps live pushes is harmless.
 */
export function eventsReducer(state: EventsState, action: EventsAction): EventsState {
  switch (action.type) {
    case 'snapshot': {
      const events: Record<number, EventSummary> = {};
      const eventSeq: Record<number, number> = {};
      for (const e of action.events) {
        // a live message newer than the snapshot may already have arrived: keep it
        const kept = state.eventSeq[e.id];
        if (kept !== undefined && kept > action.latest) {
          events[e.id] = state.events[e.id];
          eventSeq[e.id] = kept;
        } else {
          events[e.id] = e;
          eventSeq[e.id] = action.latest;
        }
      }
      for (const [id, seq] of Object.entries(state.eventSeq)) {
        if (seq > action.latest && !(id in events)) {
          events[Number(id)] = state.events[Number(id)];
          eventSeq[Number(id)] = seq;
        }
      }
      return { ...state, events, eventSeq, lastSeq: Math.max(state.lastSeq, action.latest) };
    }
    case 'event-loaded': {
      if (state.events[action.event.id] === action.event) return state;
      return { ...state, events: { ...state.events, [action.event.id]: action.event } };
    }
    case 'live': {
      const sorted = [...action.messages].sort((a, b) => a.seq - b.seq);
      let events = state.events;
      let eventSeq = state.eventSeq;
      let fresh = state.fresh;
      let feed = state.feed;
      let lastSeq = state.lastSeq;
      const feedSeqs = new Set(feed.map((f) => f.seq));
      const added: FeedEntry[] = [];
      for (const m of sorted) {
        if (feedSeqs.has(m.seq)) continue;
        if (EVENT_TYPES.has(m.type) && isEventSummary(m.data)) {
          const e = m.data;
          const prior = eventSeq[e.id];
          if (prior === undefined || m.seq > prior) {
            if (events === state.events) events = { ...events };
            if (eventSeq === state.eventSeq) eventSeq = { ...eventSeq };
            events[e.id] = e;
            eventSeq[e.id] = m.seq;
            if (m.type === 'event.created' && prior === undefined) {
              if (fresh === state.fresh) fresh = { ...fresh };
              fresh[e.id] = action.receivedAt;
            }
          }
        }
        // the feed shows each change once, whether it came live or in a catch-up page
        added.push(feedEntry(m));
        feedSeqs.add(m.seq);
        lastSeq = Math.max(lastSeq, m.seq);
      }
      if (added.length) feed = [...added.reverse(), ...feed].sort((a, b) => b.seq - a.seq).slice(0, FEED_SIZE);
      if (events === state.events && feed === state.feed && lastSeq === state.lastSeq) return state;
      return { events, eventSeq, lastSeq, feed, fresh };
    }
    case 'expire-fresh': {
      const ids = Object.entries(state.fresh).filter(([, t]) => t < action.before);
      if (!ids.length) return state;
      const fresh = { ...state.fresh };
      for (const [id] of ids) delete fresh[Number(id)];
      return { ...state, fresh };
    }
  }
}

export interface EventCounts {
  newToday: number;
  open: number;
  overdue: number;
  closed: number;
  /** closed cases not overdue / closed cases; null when none closed */
  onTimeRate: number | null;
}

/** Counts over the events this screen has loaded (the panel says so when the server gives no stats). */
export function computeCounts(events: Record<number, EventSummary>, now: Date): EventCounts {
  const dayStart = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  let newToday = 0;
  let open = 0;
  let overdue = 0;
  let closed = 0;
  let closedOnTime = 0;
  for (const e of Object.values(events)) {
    if (Date.parse(e.createdAt) >= dayStart) newToday++;
    if (CLOSED_STATES.has(e.state)) {
      closed++;
      if (!e.overdue) closedOnTime++;
    } else if (!FINAL_STATES.has(e.state)) {
      open++;
      if (e.overdue) overdue++;
    }
  }
  return { newToday, open, overdue, closed, onTimeRate: closed ? closedOnTime / closed : null };
}

import type { EventState, EventSummary, LiveMessage } from '@gc/contracts';
import type { CasesBatch } from './cases-live';
import { PersistentMap } from './persistent-map';

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
  /**
   * every loaded event by id; objects are replaced, never mutated, so identity tells what changed,
   * and the map knows which ids its last versions changed (what the derived views update)
   */
  events: PersistentMap<number, EventSummary>;
  /** per event, the seq of the change its current data came from: an older message never overwrites a newer one */
  eventSeq: PersistentMap<number, number>;
  /** the highest seq applied: where a reconnecting client asks `/api/changes?since=` */
  lastSeq: number;
  /** newest first */
  feed: FeedEntry[];
  /** events created live (not loaded), with the time they arrived: drawn with a pulse */
  fresh: Record<number, number>;
}

export type EventsAction =
  | { type: 'snapshot'; events: EventSummary[]; latest: number }
  | { type: 'live'; batch: Pick<CasesBatch, 'cases' | 'news' | 'seq'>; receivedAt: number }
  | { type: 'event-loaded'; event: EventSummary }
  | { type: 'expire-fresh'; before: number };

export const initialEventsState: EventsState = { events: PersistentMap.empty(), eventSeq: PersistentMap.empty(), lastSeq: 0, feed: [], fresh: {} };

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
      const events = new Map<number, EventSummary>();
      const eventSeq = new Map<number, number>();
      for (const e of action.events) {
        // a live message newer than the snapshot may already have arrived: keep it
        const kept = state.eventSeq.get(e.id);
        if (kept !== undefined && kept > action.latest) {
          events.set(e.id, state.events.get(e.id)!);
          eventSeq.set(e.id, kept);
        } else {
          events.set(e.id, e);
          eventSeq.set(e.id, action.latest);
        }
      }
      state.eventSeq.forEach((seq, id) => {
        if (seq > action.latest && !events.has(id)) {
          events.set(id, state.events.get(id)!);
          eventSeq.set(id, seq);
        }
      });
      return { ...state, events: PersistentMap.from(events), eventSeq: PersistentMap.from(eventSeq), lastSeq: Math.max(state.lastSeq, action.latest) };
    }
    case 'event-loaded': {
      if (state.events.get(action.event.id) === action.event) return state;
      return { ...state, events: state.events.with([[action.event.id, action.event]]) };
    }
    case 'live': {
      // the screen's live handlers sorted the batch: case changes (their case's summary) and other news (the feed only)
      const { cases, news, seq } = action.batch;
      const isCase = new Set<LiveMessage>(cases);
      const sorted = [...cases, ...news].sort((a, b) => a.seq - b.seq);
      // only the ids this batch touches are written (a copy of 100k entries per batch would cost more than the rest)
      const changed = new Map<number, EventSummary>();
      const changedSeq = new Map<number, number>();
      let fresh = state.fresh;
      let feed = state.feed;
      let lastSeq = Math.max(state.lastSeq, seq);
      const feedSeqs = new Set(feed.map((f) => f.seq));
      const added: FeedEntry[] = [];
      for (const m of sorted) {
        if (feedSeqs.has(m.seq)) continue;
        if (isCase.has(m) && isEventSummary(m.data)) {
          const e = m.data;
          const prior = changedSeq.get(e.id) ?? state.eventSeq.get(e.id);
          if (prior === undefined || m.seq > prior) {
            changed.set(e.id, e);
            changedSeq.set(e.id, m.seq);
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
      if (!changed.size && feed === state.feed && lastSeq === state.lastSeq) return state;
      return { events: state.events.with(changed), eventSeq: state.eventSeq.with(changedSeq), lastSeq, feed, fresh };
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

/** The start of the local day `now` falls in (today's counts start there). */
export const dayStartOf = (now: Date) => new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();

export interface EventCounts {
  newToday: number;
  open: number;
  overdue: number;
  closed: number;
  /** closed cases not overdue / closed cases; null when none closed */
  onTimeRate: number | null;
}

/** Running sums behind `EventCounts`. */
export interface EventTally {
  newToday: number;
  open: number;
  overdue: number;
  closed: number;
  closedOnTime: number;
}
export const emptyTally = (): EventTally => ({ newToday: 0, open: 0, overdue: 0, closed: 0, closedOnTime: 0 });

/** Adds (sign 1) or takes away (sign -1) what one event counts for; the derived views do this per changed event. */
export function tallyEvent(t: EventTally, e: EventSummary, dayStart: number, sign: 1 | -1 = 1): void {
  if (Date.parse(e.createdAt) >= dayStart) t.newToday += sign;
  if (CLOSED_STATES.has(e.state)) {
    t.closed += sign;
    if (!e.overdue) t.closedOnTime += sign;
  } else if (!FINAL_STATES.has(e.state)) {
    t.open += sign;
    if (e.overdue) t.overdue += sign;
  }
}

export function countsFromTally(t: EventTally): EventCounts {
  return { newToday: t.newToday, open: t.open, overdue: t.overdue, closed: t.closed, onTimeRate: t.closed ? t.closedOnTime / t.closed : null };
}

/** Counts over the events this screen has loaded (the panel says so when the server gives no stats). */
export function computeCounts(events: Iterable<EventSummary>, now: Date): EventCounts {
  const dayStart = dayStartOf(now);
  const t = emptyTally();
  for (const e of events) tallyEvent(t, e, dayStart);
  return countsFromTally(t);
}

import type { EventSummary, LiveMessage } from '@gc/contracts';
import { routeLive } from '../../live/live-handlers';
import { newWallBatch, WALL_LIVE } from '../../shell/state/wall-live';
import { computeCounts, eventsReducer, FEED_SIZE, initialEventsState } from './events-store';

const ev = (id: number, over: Partial<EventSummary> = {}): EventSummary => ({
  id,
  category: 'environment',
  categoryName: '环境卫生',
  urgency: 'normal',
  state: 'reported',
  source: 'patrol',
  title: `事件${id}`,
  lon: 118.79,
  lat: 32.06,
  grid: { code: 'G1', name: '网格一' },
  department: null,
  createdAt: '2025-06-01T08:00:00.000Z',
  dueAt: null,
  overdue: false,
  warning: 'none',
  escalationLevel: 0,
  ...over,
});
const msg = (seq: number, type: LiveMessage['type'], data: unknown): LiveMessage => ({
  seq,
  type,
  id: data && typeof data === 'object' && 'id' in data ? String((data as { id: number }).id) : null,
  at: '2025-06-01T08:00:00.000Z',
  areaPath: null,
  data,
}) as LiveMessage;

/** A batch as the wall's live handlers take it apart (shell/state/wall-live.ts). */
const live = (messages: LiveMessage[], receivedAt: number) => ({ type: 'live' as const, batch: routeLive(WALL_LIVE, messages, newWallBatch()), receivedAt });

describe('eventsReducer', () => {
  it('adds a created event, marks it fresh and records its seq', () => {
    const s = eventsReducer(initialEventsState, live([msg(5, 'event.created', ev(1))], 1000));
    expect(s.events.get(1)!.title).toBe('事件1');
    expect(s.lastSeq).toBe(5);
    expect(s.fresh[1]).toBe(1000);
    expect(s.feed.map((f) => f.seq)).toEqual([5]);
  });

  it('ignores a duplicate and an older message for the same event', () => {
    let s = eventsReducer(initialEventsState, live([msg(5, 'event.created', ev(1))], 0));
    s = eventsReducer(s, live([msg(7, 'event.transitioned', ev(1, { state: 'dispatched' }))], 0));
    const again = eventsReducer(s, live([msg(7, 'event.transitioned', ev(1, { state: 'dispatched' }))], 0));
    expect(again).toBe(s);
    // a catch-up page can carry an older change that arrives after the newer one
    const older = eventsReducer(s, live([msg(6, 'event.transitioned', ev(1, { state: 'accepted' }))], 0));
    expect(older.events.get(1)!.state).toBe('dispatched');
    expect(older.feed.map((f) => f.seq)).toEqual([7, 6, 5]);
    expect(older.lastSeq).toBe(7);
  });

  it('applies a batch in seq order whatever order it came in', () => {
    const s = eventsReducer(initialEventsState, live([msg(3, 'event.transitioned', ev(1, { state: 'accepted' })), msg(2, 'event.created', ev(1))], 0));
    expect(s.events.get(1)!.state).toBe('accepted');
    expect(s.lastSeq).toBe(3);
  });

  it('keeps a live change newer than a snapshot that loads afterwards', () => {
    let s = eventsReducer(initialEventsState, live([msg(10, 'event.transitioned', ev(1, { state: 'dispatched' }))], 0));
    s = eventsReducer(s, { type: 'snapshot', events: [ev(1, { state: 'reported' }), ev(2)], latest: 9 });
    expect(s.events.get(1)!.state).toBe('dispatched');
    expect(s.events.get(2)).toBeDefined();
    expect(s.lastSeq).toBe(10);
  });

  it('puts non-event changes in the feed only, and caps the feed', () => {
    const many = Array.from({ length: FEED_SIZE + 5 }, (_, i) => msg(i + 1, 'summons.created', { id: 99 }));
    const s = eventsReducer(initialEventsState, live(many, 0));
    expect(s.events.size).toBe(0);
    expect(s.feed).toHaveLength(FEED_SIZE);
    expect(s.feed[0].seq).toBe(FEED_SIZE + 5);
  });

  it('writes only the ids a batch touches, and the new version names them', () => {
    const s = eventsReducer(initialEventsState, { type: 'snapshot', events: [ev(1), ev(2), ev(3)], latest: 1 });
    const next = eventsReducer(s, live([msg(2, 'event.transitioned', ev(2, { state: 'dispatched' })), msg(3, 'event.created', ev(4)), msg(4, 'summons.created', { id: 9 })], 0));
    expect(next.events.changedSince(s.events)?.sort()).toEqual([2, 4]);
    expect(next.events.get(1)).toBe(s.events.get(1));
    expect(next.events.size).toBe(4);
    // a message older than the event's data changes nothing
    const stale = eventsReducer(next, live([msg(1, 'event.transitioned', ev(1, { state: 'accepted' }))], 0));
    expect(stale.events).toBe(next.events);
  });

  it('expires the pulse of old arrivals', () => {
    let s = eventsReducer(initialEventsState, live([msg(1, 'event.created', ev(1))], 100));
    s = eventsReducer(s, live([msg(2, 'event.created', ev(2))], 200));
    s = eventsReducer(s, { type: 'expire-fresh', before: 150 });
    expect(Object.keys(s.fresh)).toEqual(['2']);
  });
});

describe('computeCounts', () => {
  it('counts today, open, overdue and the on-time rate of closed cases', () => {
    const now = new Date(2025, 5, 1, 12, 0, 0);
    const today = new Date(2025, 5, 1, 9, 0, 0).toISOString();
    const yesterday = new Date(2025, 4, 31, 9, 0, 0).toISOString();
    const c = computeCounts(
      [
        ev(1, { createdAt: today }),
        ev(2, { createdAt: yesterday, overdue: true, state: 'dispatched' }),
        ev(3, { createdAt: yesterday, state: 'closed' }),
        ev(4, { createdAt: today, state: 'closed', overdue: true }),
        ev(5, { createdAt: today, state: 'voided' }),
      ],
      now,
    );
    expect(c).toEqual({ newToday: 3, open: 2, overdue: 1, closed: 2, onTimeRate: 0.5 });
  });
});

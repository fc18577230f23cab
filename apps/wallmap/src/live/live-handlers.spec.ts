import { CHANGE_TYPES, type LiveMessage } from '@gc/contracts';
import { INBOX_LIVE, newInboxBatch } from '../inbox/state/inbox-live';
import { newWallBatch, WALL_LIVE } from '../shell/state/wall-live';
import { newSupervisionBatch, SUPERVISION_LIVE } from '../supervision/state/supervision-live';
import { notShown, routeLive, type LiveHandlers } from './live-handlers';

/** Every screen that holds a live connection, with its handler table. */
const SCREENS: Record<string, LiveHandlers<never>> = { wall: WALL_LIVE, inbox: INBOX_LIVE, supervision: SUPERVISION_LIVE };

const message = (seq: number, type: LiveMessage['type'], data: object = { id: 1, state: 'reported' }) => ({ seq, type, id: '1', at: '2026-12-07T00:00:00Z', areaPath: null, data }) as LiveMessage;

describe('live handlers', () => {
  it.each(Object.entries(SCREENS))('%s has exactly one handler for every live message type', (_screen, handlers) => {
    expect(Object.keys(handlers).sort()).toEqual([...CHANGE_TYPES].sort());
    for (const type of CHANGE_TYPES) expect(typeof handlers[type]).toBe('function');
  });

  it('each type the contract lists is shown by some screen (a type nothing shows is not a type to keep)', () => {
    const shown = CHANGE_TYPES.filter((t) => Object.values(SCREENS).some((h) => h[t] !== notShown));
    expect(shown).toEqual([...CHANGE_TYPES]);
  });

  it('the wall sorts a batch by type, in seq order, and remembers the highest seq of every type', () => {
    const b = routeLive(
      WALL_LIVE,
      [message(4, 'worker.position'), message(2, 'summons.created'), message(1, 'event.created'), message(3, 'area.version.published'), message(5, 'warning.raised')],
      newWallBatch(),
    );
    expect(b.cases.map((m) => m.seq)).toEqual([1, 2]);
    expect(b.news.map((m) => m.seq)).toEqual([3, 5]);
    expect(b.workers.map((m) => m.seq)).toEqual([4]);
    expect(b.warnings.map((m) => m.seq)).toEqual([5]);
    expect([b.summonsChanged, b.areasRedrawn, b.seq]).toEqual([true, true, 5]);
  });

  it('the inbox and the supervision page keep only what they show, and skip a type this client does not know', () => {
    const unknown = { ...message(9, 'event.created'), type: 'registry.changed' } as unknown as LiveMessage;
    const inbox = routeLive(INBOX_LIVE, [message(1, 'event.escalated'), message(2, 'worker.position'), message(3, 'warning.updated'), unknown], newInboxBatch());
    expect([inbox.cases.map((m) => m.seq), inbox.news, inbox.seq]).toEqual([[1], [], 9]);
    const sv = routeLive(SUPERVISION_LIVE, [message(1, 'event.created'), message(2, 'warning.updated')], newSupervisionBatch());
    expect([sv.warnings.map((m) => m.seq), sv.seq]).toEqual([[2], 2]);
  });
});

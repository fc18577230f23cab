import type { LiveMessage, SupervisionWarning } from '@gc/contracts';
import { routeLive } from '../../live/live-handlers';
import { newSupervisionBatch, SUPERVISION_LIVE, type WarningChange } from './supervision-live';
import { initialWarnings, warningsReducer } from './warnings-store';

const w = (id: number, status: SupervisionWarning['status'], updatedAt: string, raisedAt = '2026-11-25T04:00:00.000Z'): SupervisionWarning => ({
  id,
  kind: 'overdue',
  subject: `s${id}`,
  areaPath: 'A.B',
  areaName: '乙街道',
  departmentId: null,
  departmentName: null,
  figures: { openOverdue: 12, threshold: 10 },
  status,
  raisedAt,
  updatedAt,
  handledAt: null,
  handledBy: null,
});
// typed as a warning change: malformed and other messages are built on purpose
const msg = (seq: number, type: LiveMessage['type'], data: unknown) => ({ seq, type, id: null, at: '', areaPath: null, data }) as WarningChange;

describe('warnings list', () => {
  it('adds a raised warning live, marks it fresh, and applies a later update over it', () => {
    let s = warningsReducer(initialWarnings, { type: 'loaded', items: [w(1, 'open', '2026-11-25T04:00:00.000Z', '2026-11-24T00:00:00.000Z')] });
    s = warningsReducer(s, { type: 'live', messages: [msg(5, 'warning.raised', w(2, 'open', '2026-11-25T05:00:00.000Z')), msg(3, 'event.created', { id: 9 })] });
    expect(s.items.map((x) => x.id)).toEqual([2, 1]);
    expect(s.fresh).toEqual([2]);
    s = warningsReducer(s, { type: 'live', messages: [msg(6, 'warning.updated', w(2, 'acknowledged', '2026-11-25T06:00:00.000Z'))] });
    expect(s.items[0].status).toBe('acknowledged');
    // a late, older copy does not undo the acknowledgement
    s = warningsReducer(s, { type: 'live', messages: [msg(4, 'warning.raised', w(2, 'open', '2026-11-25T05:00:00.000Z'))] });
    expect(s.items[0].status).toBe('acknowledged');
  });

  it('keeps what arrived live while the list was on its way (the newer copy of each warning)', () => {
    let s = warningsReducer(initialWarnings, { type: 'live', messages: [msg(7, 'warning.raised', w(3, 'open', '2026-11-25T07:00:00.000Z')), msg(8, 'warning.updated', w(1, 'dismissed', '2026-11-25T08:00:00.000Z'))] });
    s = warningsReducer(s, { type: 'loaded', items: [w(1, 'open', '2026-11-25T04:00:00.000Z'), w(2, 'open', '2026-11-25T04:00:00.000Z')] });
    expect(s.items.map((x) => [x.id, x.status]).sort()).toEqual([[1, 'dismissed'], [2, 'open'], [3, 'open']]);
    expect(s.fresh).toEqual([3]);
  });

  it('takes warning.* only from a batch (its live handlers), and ignores malformed data (same state object)', () => {
    const s = warningsReducer(initialWarnings, { type: 'loaded', items: [] });
    const batch = routeLive(SUPERVISION_LIVE, [msg(1, 'event.created', { id: 1 }), msg(2, 'warning.raised', { id: 'x' })], newSupervisionBatch());
    expect(batch.warnings.map((m) => m.seq)).toEqual([2]);
    expect(warningsReducer(s, { type: 'live', messages: batch.warnings })).toBe(s);
  });
});

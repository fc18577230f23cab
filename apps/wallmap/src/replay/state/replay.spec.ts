import type { LiveMessage } from '@gc/contracts';
import { lastDay, stateAt } from './replay';

const m = (seq: number, at: string, state: string): LiveMessage => ({
  seq,
  type: seq === 1 ? 'event.created' : 'event.transitioned',
  id: '1',
  at,
  areaPath: null,
  data: { id: 1, state, title: 'x', grid: null },
}) as LiveMessage;

describe('replay', () => {
  const changes = [m(1, '2025-06-01T08:00:00Z', 'reported'), m(2, '2025-06-01T09:00:00Z', 'accepted'), m(3, '2025-06-01T10:00:00Z', 'dispatched')];
  it('rebuilds the wall at a moment from the changes up to it', () => {
    expect(stateAt(changes, Date.parse('2025-06-01T09:30:00Z')).events.get(1)?.state).toBe('accepted');
    expect(stateAt(changes, Date.parse('2025-06-01T07:00:00Z')).events.get(1)).toBeUndefined();
  });
  it('keeps the last 24 hours in seq order', () => {
    expect(lastDay([changes[2], changes[0]], Date.parse('2025-06-02T09:30:00Z')).map((c) => c.seq)).toEqual([3]);
  });
});

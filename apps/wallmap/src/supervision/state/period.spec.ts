import { lastMonths, presetPeriod } from './period';

describe('periods on the Shanghai calendar', () => {
  const now = Date.parse('2026-12-06T17:30:00Z'); // 01:30 on 7 December in Shanghai
  it('names this month, last month, this quarter and the last 30 days', () => {
    expect(presetPeriod('month', now)).toEqual({ from: '2026-12-01', to: '2026-12-07' });
    expect(presetPeriod('lastMonth', now)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(presetPeriod('quarter', now)).toEqual({ from: '2026-10-01', to: '2026-12-07' });
    expect(presetPeriod('last30', now)).toEqual({ from: '2026-11-08', to: '2026-12-07' });
  });
  it('names today and this week, from Monday', () => {
    expect(presetPeriod('today', now)).toEqual({ from: '2026-12-07', to: '2026-12-07' }); // a Monday
    expect(presetPeriod('week', now)).toEqual({ from: '2026-12-07', to: '2026-12-07' });
    const sunday = Date.parse('2026-12-13T03:00:00Z');
    expect(presetPeriod('week', sunday)).toEqual({ from: '2026-12-07', to: '2026-12-13' });
    const saturday = Date.parse('2026-12-12T03:00:00Z');
    expect(presetPeriod('week', saturday)).toEqual({ from: '2026-12-07', to: '2026-12-12' });
  });
  it('lists the last months oldest first', () => {
    expect(lastMonths(3, now).map((p) => [p.label, p.from, p.to])).toEqual([
      ['2026-10', '2026-10-01', '2026-10-31'],
      ['2026-11', '2026-11-01', '2026-11-30'],
      ['2026-12', '2026-12-01', '2026-12-07'],
    ]);
  });
});

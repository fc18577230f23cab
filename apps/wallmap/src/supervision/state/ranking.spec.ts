import type { IndicatorRow } from '@gc/contracts';
import { formatValue, rank, trendOf } from './ranking';

const row = (name: string, v: number | null, prev: number | null = null): IndicatorRow => ({
  key: name,
  name,
  nameEn: null,
  code: name,
  values: { closure_rate: v, overdue: v },
  previous: { closure_rate: prev, overdue: prev },
  measures: {},
});

describe('红黑榜 ranking', () => {
  it('ranks best first, shares ranks on ties, leaves out rows with nothing to rate', () => {
    const r = rank([row('甲', 0.5), row('乙', 0.9), row('丙', 0.5), row('丁', null), row('戊', 0.1)], 'closure_rate', 2);
    expect(r.all.map((x) => [x.row.name, x.rank])).toEqual([
      ['乙', 1],
      ['丙', 2],
      ['甲', 2],
      ['戊', 4],
    ]);
    expect(r.red.map((x) => x.row.name)).toEqual(['乙', '丙']);
    expect(r.black.map((x) => x.row.name)).toEqual(['戊', '甲']);
  });

  it('puts the largest figure on the black list when smaller is better, and never lists a row on both', () => {
    const r = rank([row('甲', 5), row('乙', 0), row('丙', 2)], 'overdue', 2);
    expect(r.red.map((x) => x.row.name)).toEqual(['乙', '丙']);
    expect(r.black.map((x) => x.row.name)).toEqual(['甲']);
  });

  it('formats ratios as percentages and knows which way is better', () => {
    expect(formatValue({ unit: 'ratio' }, 0.8333)).toBe('83.3%');
    expect(formatValue({ unit: 'count' }, 3)).toBe('3');
    expect(formatValue({ unit: 'hours' }, null)).toBe('—');
    expect(trendOf('overdue', 3, 5)).toBe('up');
    expect(trendOf('closure_rate', 0.3, 0.5)).toBe('down');
    expect(trendOf('closure_rate', 0.3, null)).toBeNull();
  });
});

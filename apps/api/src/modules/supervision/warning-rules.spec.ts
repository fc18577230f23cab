import { severity, spikeCandidates, WARNING_RULES, type SpikeCount } from './warning-rules';

const count = (o: Partial<SpikeCount>): SpikeCount => ({
  node: 'C.D1.S1',
  category: 'water_leak',
  categoryName: '供水管道漏水',
  categoryNameEn: 'Water leak',
  today: 0,
  base: 0,
  areaToday: 0,
  areaBase: 0,
  categories: 25,
  ...o,
});
const spikes = (rows: SpikeCount[]) => spikeCandidates(rows, WARNING_RULES, '2026-12-07');

describe('the spike rule (a category far above what its area’s own mix predicts)', () => {
  it('raises a cluster: 10 water leaks in a street whose 28 days had 2 of 560 cases, on a day of 60 cases', () => {
    const [w] = spikes([count({ today: 10, base: 2, areaToday: 60, areaBase: 560 })]);
    // expected = 60 × (2 + 1) / (560 + 25) = 0.31; z = (10 − 0.31) / √0.31 = 17.5
    expect(w).toMatchObject({ kind: 'spike', subject: 'C.D1.S1:water_leak:2026-12-07', areaPath: 'C.D1.S1', departmentId: null });
    expect(w.figures).toMatchObject({ today: 10, expected: 0.31, z: 17.5, areaToday: 60, baselinePerDay: 0.07, baselineDays: 28, factor: 3, min: 8, minZ: 4 });
  });

  it('is no spike when the whole area is busier in the same mix (a simulator 100 times the history)', () => {
    // the street's usual 20 a day, 2 of them rubbish (10 %); today 2,000 cases, 200 of them rubbish
    expect(spikes([count({ category: 'exposed_rubbish', today: 200, base: 56, areaToday: 2000, areaBase: 560 })])).toEqual([]);
    // even 1.5 times its share is no spike (factor 3)
    expect(spikes([count({ category: 'exposed_rubbish', today: 300, base: 56, areaToday: 2000, areaBase: 560 })])).toEqual([]);
  });

  it('needs the minimum count, the factor and the z-score all at once', () => {
    // far above its share but only 7 cases: below the minimum of 8
    expect(spikes([count({ today: 7, base: 0, areaToday: 10, areaBase: 560 })])).toEqual([]);
    // 8 of 20 today against a usual 20 % share: expected 4, 2x — below the factor of 3
    expect(spikes([count({ today: 8, base: 112, areaToday: 20, areaBase: 560 })])).toEqual([]);
    // 32 of 107 against a usual 10 %: expected 10.4, 3.1x, z = (32 − 10.4) / √10.4 = 6.7: a spike
    expect(spikes([count({ today: 32, base: 56, areaToday: 107, areaBase: 560 })])).toHaveLength(1);
    // a small area with a single case of history: 8 today of 9 is 3x and more, and z ≥ 4
    expect(spikes([count({ today: 8, base: 1, areaToday: 9, areaBase: 2 })])).toHaveLength(1);
  });

  it('smooths a category never seen: its share is one case spread over every category', () => {
    const [w] = spikes([count({ today: 8, base: 0, areaToday: 8, areaBase: 0 })]);
    // no history at all: expected = 8 × 1 / 25 = 0.32
    expect(w.figures).toMatchObject({ expected: 0.32, baselineShare: 0.04 });
  });

  it('orders by how far above its threshold a warning is', () => {
    const [a, b] = spikes([count({ today: 10, areaToday: 60, areaBase: 560, base: 2 }), count({ node: 'C.D1.S2', today: 40, areaToday: 60, areaBase: 560, base: 2 })]);
    expect(severity(b)).toBeGreaterThan(severity(a));
    expect(severity(a)).toBeGreaterThanOrEqual(1);
  });
});

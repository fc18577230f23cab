import { severity, spikeCandidates, WARNING_RULES, type SpikeCount } from './warning-rules';

// the territory over 28 days: 20,000 cases; water leaks 2 %, rubbish 10 %, noise 12 %
const count = (o: Partial<SpikeCount>): SpikeCount => ({
  node: 'C.D1.S1',
  category: 'water_leak',
  categoryName: '供水管道漏水',
  categoryNameEn: 'Water leak',
  today: 0,
  base: 0,
  areaToday: 0,
  areaBase: 0,
  cityBase: 400,
  cityTotal: 20000,
  categories: 25,
  ...o,
});
const spikes = (rows: SpikeCount[]) => spikeCandidates(rows, WARNING_RULES, '2026-12-07');

describe('the spike rule (a category far above what its area’s own mix predicts)', () => {
  it('raises a cluster: 10 water leaks in a street whose 28 days had 2 of 560 cases, on a day of 60 cases', () => {
    const [w] = spikes([count({ today: 10, base: 2, areaToday: 60, areaBase: 560 })]);
    // share = (2 + 20 × 401/20025) / (560 + 20) = 0.0041; expected = 60 × 0.0041 = 0.25; z = (10 − 0.25) / √0.25 = 19.6
    expect(w).toMatchObject({ kind: 'spike', subject: 'C.D1.S1:water_leak:2026-12-07', areaPath: 'C.D1.S1', departmentId: null });
    expect(w.figures).toMatchObject({ today: 10, expected: 0.25, z: 19.6, areaToday: 60, baselineShare: 0.0041, baselinePerDay: 0.07, baselineDays: 28, factor: 3, min: 8, minZ: 4 });
  });

  it('is no spike when the whole area is busier in the same mix (a simulator 100 times the history)', () => {
    // the street's usual 20 a day, 2 of them rubbish (10 %, as in the city); today 2,000 cases, 200 of them rubbish
    const rubbish = { category: 'exposed_rubbish', base: 56, areaToday: 2000, areaBase: 560, cityBase: 2000 };
    expect(spikes([count({ ...rubbish, today: 200 })])).toEqual([]);
    // even 1.5 times its share is no spike (factor 3)
    expect(spikes([count({ ...rubbish, today: 300 })])).toEqual([]);
  });

  it('needs the minimum count, the factor and the z-score all at once', () => {
    // far above its share but only 7 cases: below the minimum of 8
    expect(spikes([count({ today: 7, base: 0, areaToday: 10, areaBase: 560 })])).toEqual([]);
    // 8 of 20 today against a usual 20 % share: expected 4, 2x — below the factor of 3
    expect(spikes([count({ today: 8, base: 112, areaToday: 20, areaBase: 560, cityBase: 4000 })])).toEqual([]);
    // against a usual 10 %: 32 of 107 is just under 3 × 10.7; 33 is a spike (z = (33 − 10.7) / √10.7 = 6.8)
    const tenPercent = { base: 56, areaToday: 107, areaBase: 560, cityBase: 2000 };
    expect(spikes([count({ ...tenPercent, today: 32 })])).toEqual([]);
    expect(spikes([count({ ...tenPercent, today: 33 })])[0].figures).toMatchObject({ expected: 10.7, z: 6.8 });
    // a small area with a single case of history: 8 today of 9 is a spike
    expect(spikes([count({ today: 8, base: 1, areaToday: 9, areaBase: 2, cityBase: 200 })])).toHaveLength(1);
  });

  it('gives a street with a thin history the territory’s mix, not a uniform guess (night noise is no spike)', () => {
    // 8 noise complaints among a street's 25 cases before dawn; its own 28 days: 1 of 8; the city: 12 % noise
    const night = count({ category: 'noise', today: 8, base: 1, areaToday: 25, areaBase: 8, cityBase: 2400 });
    // share = (1 + 20 × 0.12) / 28 = 0.12: expected 3.0, 8 is under 3x
    expect(spikes([night])).toEqual([]);
    // a uniform guess (1/25 = 4 %) would have called it a spike: the same counts with no territory history behind them
    expect(spikes([{ ...night, cityBase: 0, cityTotal: 0 }])).toHaveLength(1);
  });

  it('smooths a category never seen anywhere: one case spread over every category', () => {
    const [w] = spikes([count({ today: 8, base: 0, areaToday: 8, areaBase: 0, cityBase: 0, cityTotal: 0 })]);
    // no history at all: share 1/25, expected = 8 × 0.04 = 0.32
    expect(w.figures).toMatchObject({ expected: 0.32, baselineShare: 0.04 });
  });

  it('orders by how far above its threshold a warning is', () => {
    const [a, b] = spikes([count({ today: 10, areaToday: 60, areaBase: 560, base: 2 }), count({ node: 'C.D1.S2', today: 40, areaToday: 60, areaBase: 560, base: 2 })]);
    expect(severity(b)).toBeGreaterThan(severity(a));
    expect(severity(a)).toBeGreaterThanOrEqual(1);
  });
});

import { peopleFill, peopleStops } from './people-scale';

describe('peopleStops', () => {
  it('spreads the colours over the data: 10th, 50th and 95th percentiles', () => {
    const counts: Record<string, number> = {};
    for (let i = 1; i <= 100; i++) counts[`g${i}`] = i * 10;
    expect(peopleStops(counts)).toEqual([110, 510, 960]);
  });

  it('stays strictly increasing when every grid has the same count, and ignores empty grids', () => {
    expect(peopleStops({ a: 14, b: 14, c: 0 })).toEqual([14, 15, 16]);
  });

  it('gives the fill strictly increasing inputs, with data and without', () => {
    for (const counts of [{}, { a: 1 }, { a: 14, b: 14 }, { a: 3, b: 700, c: 9000 }] as Record<string, number>[]) {
      const inputs = peopleFill(peopleStops(counts))
        .slice(3)
        .filter((_, i) => i % 2 === 0) as number[];
      expect(inputs.every((x, i) => i === 0 || x > inputs[i - 1])).toBe(true);
    }
  });
});

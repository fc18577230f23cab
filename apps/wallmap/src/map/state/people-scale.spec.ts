import { peopleStops } from './people-scale';

describe('peopleStops', () => {
  it('spreads the colours over the data: 10th, 50th and 95th percentiles', () => {
    const counts: Record<string, number> = {};
    for (let i = 1; i <= 100; i++) counts[`g${i}`] = i * 10;
    expect(peopleStops(counts)).toEqual([110, 510, 960]);
  });

  it('stays strictly increasing when every grid has the same count, and ignores empty grids', () => {
    expect(peopleStops({ a: 14, b: 14, c: 0 })).toEqual([14, 15, 16]);
  });

  it('has usable stops with no data', () => {
    expect(peopleStops({})).toEqual([0, 1, 2]);
  });
});

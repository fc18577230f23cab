import { bboxOf } from './bbox';

describe('bboxOf', () => {
  it('spans every position of a multipolygon', () => {
    expect(bboxOf([[[[1, 2], [3, 0], [2, 5], [1, 2]]], [[[-1, 1], [0, 1], [0, 2], [-1, 1]]]])).toEqual([-1, 0, 3, 5]);
  });
  it('is null for no positions', () => {
    expect(bboxOf([])).toBeNull();
  });
});

import { bboxOf } from './bbox';

describe('bboxOf', () => {
  it('spans every position of a multipolygon', () => {
    expect(
      bboxOf({
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [1, 2],
              [3, 0],
              [2, 5],
              [1, 2],
            ],
          ],
          [
            [
              [-1, 1],
              [0, 1],
              [0, 2],
              [-1, 1],
            ],
          ],
        ],
      }),
    ).toEqual([-1, 0, 3, 5]);
  });
  it('is null for no geometry or no positions', () => {
    expect(bboxOf(null)).toBeNull();
    expect(bboxOf({ type: 'MultiPolygon', coordinates: [] })).toBeNull();
  });
});

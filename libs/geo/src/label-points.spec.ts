import { labelPoints, poleOfInaccessibility } from './label-points';

describe('label points', () => {
  it('puts the label of a square at its centre', () => {
    const [x, y] = poleOfInaccessibility(
      [
        [
          [0, 0],
          [10, 0],
          [10, 10],
          [0, 10],
          [0, 0],
        ],
      ],
      0.01,
    );
    expect(x).toBeCloseTo(5, 1);
    expect(y).toBeCloseTo(5, 1);
  });

  it('keeps the label of an L shape inside it (its centroid is outside)', () => {
    // an L: the bounding box centre (5,5) lies in the missing corner
    const l = [
      [
        [0, 0],
        [10, 0],
        [10, 2],
        [2, 2],
        [2, 10],
        [0, 10],
        [0, 0],
      ],
    ];
    const [x, y] = poleOfInaccessibility(l, 0.01);
    expect(x <= 2 || y <= 2).toBe(true);
    expect(x > 0 && y > 0 && x < 10 && y < 10).toBe(true);
  });

  it('labels the largest part of a multipolygon once, with its code and name', () => {
    const fc = labelPoints({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code: '320104', name: '秦淮区', level: 'district' },
          geometry: {
            type: 'MultiPolygon',
            coordinates: [
              [
                [
                  [0, 0],
                  [1, 0],
                  [1, 1],
                  [0, 1],
                  [0, 0],
                ],
              ],
              [
                [
                  [10, 10],
                  [20, 10],
                  [20, 20],
                  [10, 20],
                  [10, 10],
                ],
              ],
            ],
          },
        },
        { type: 'Feature', properties: { name: 'no code' }, geometry: { type: 'Point', coordinates: [0, 0] } },
      ],
    });
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0].properties).toEqual({ code: '320104', name: '秦淮区', level: 'district' });
    const [x, y] = fc.features[0].geometry.coordinates;
    expect(x).toBeCloseTo(15, 0);
    expect(y).toBeCloseTo(15, 0);
  });
});

import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { buildStyle } from './map-style';

describe('buildStyle', () => {
  it('is a valid MapLibre style (an invalid expression leaves the wall without its layers)', () => {
    const errors = validateStyleMin(buildStyle('http://localhost:3000', { type: 'FeatureCollection', features: [] }));
    expect(errors.map((e) => e.message)).toEqual([]);
  });
});

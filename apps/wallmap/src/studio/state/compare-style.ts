import type { ExpressionSpecification, StyleSpecification } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { FONT } from '../../map/state/map-style';
import { basemapLayers, basemapSources } from '../../map/state/basemap';

export const COMPARE = 'compare';
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** One colour per change, on the map, in the legend and in the list: added green, removed red, reshaped orange. */
export const CHANGE_COLOURS = { added: '#52c41a', removed: '#ff4d4f', reshaped: '#fa8c16', unchanged: '#5b7c99' } as const;
const byChange: ExpressionSpecification = ['match', ['get', 'change'], 'added', CHANGE_COLOURS.added, 'removed', CHANGE_COLOURS.removed, 'reshaped', CHANGE_COLOURS.reshaped, CHANGE_COLOURS.unchanged];
const side = (s: 'from' | 'to'): ExpressionSpecification => ['==', ['get', 'side'], s];

/**
 * Both versions on one map: unchanged areas as thin outlines; the later version's added and
 * reshaped areas filled (green, orange), the earlier version's removed areas filled red and its
 * reshaped outlines dashed orange, so the old border shows through the new one.
 */
export function compareStyle(origin: string, land: FeatureCollection): StyleSpecification {
  return {
    version: 8,
    glyphs: `${origin}/glyphs/{fontstack}/{range}.pbf`,
    sources: {
      land: { type: 'geojson', data: land, maxzoom: 6 },
      ...basemapSources(origin, null),
      [COMPARE]: { type: 'geojson', data: EMPTY },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#06101c' } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': '#0d1b2a' } },
      ...basemapLayers(null),
      { id: 'cmp-removed-fill', type: 'fill', source: COMPARE, filter: ['all', side('from'), ['==', ['get', 'change'], 'removed']], paint: { 'fill-color': CHANGE_COLOURS.removed, 'fill-opacity': 0.35 } },
      { id: 'cmp-to-fill', type: 'fill', source: COMPARE, filter: ['all', side('to'), ['in', ['get', 'change'], ['literal', ['added', 'reshaped']]]], paint: { 'fill-color': byChange, 'fill-opacity': 0.35 } },
      { id: 'cmp-unchanged-line', type: 'line', source: COMPARE, filter: ['==', ['get', 'change'], 'unchanged'], paint: { 'line-color': CHANGE_COLOURS.unchanged, 'line-width': 1 } },
      { id: 'cmp-to-line', type: 'line', source: COMPARE, filter: ['all', side('to'), ['!=', ['get', 'change'], 'unchanged']], paint: { 'line-color': byChange, 'line-width': 2.2 } },
      { id: 'cmp-from-line', type: 'line', source: COMPARE, filter: ['all', side('from'), ['!=', ['get', 'change'], 'unchanged']], paint: { 'line-color': byChange, 'line-width': 2, 'line-dasharray': [2, 1.5] } },
      {
        id: 'cmp-label',
        type: 'symbol',
        source: COMPARE,
        filter: ['any', side('to'), ['==', ['get', 'change'], 'removed']],
        layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 12, 'text-allow-overlap': false },
        paint: { 'text-color': '#ffffff', 'text-halo-color': '#06101c', 'text-halo-width': 1.5 },
      },
    ],
  };
}

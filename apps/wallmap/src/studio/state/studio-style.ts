import type { StyleSpecification } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { FONT } from '../../map/state/map-style';
import { basemapLayers, basemapSources, type OnlineBasemap } from '../../map/state/basemap';

export const DRAFT = 'draft';
/** the findings' layer (a custom layer, findings-layer.ts), drawn under the overlay */
export const PROBLEMS = 'problems';
export const OVERLAY = 'overlay';
export const PARENT = 'parent';
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/**
 * The studio's map: land, the basemap's water and land use to draw along (when present), the
 * parent's outline, the draft's grids coloured by the chosen metric (property `v`, 0–1), (the
 * server's topology findings go in between, FindingsLayer) and an overlay for repair pieces or the impact diff.
 */
export function studioStyle(origin: string, land: FeatureCollection, online: OnlineBasemap | null = null): StyleSpecification {
  return {
    version: 8,
    glyphs: `${origin}/glyphs/{fontstack}/{range}.pbf`,
    sources: {
      land: { type: 'geojson', data: land, maxzoom: 6 },
      ...basemapSources(origin, online),
      [PARENT]: { type: 'geojson', data: EMPTY },
      [DRAFT]: { type: 'geojson', data: EMPTY, promoteId: 'code' },
      [OVERLAY]: { type: 'geojson', data: EMPTY },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#06101c' } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': '#0d1b2a' } },
      ...basemapLayers(online),
      { id: 'parent-fill', type: 'fill', source: PARENT, paint: { 'fill-color': '#102a44', 'fill-opacity': 0.5 } },
      {
        id: 'draft-fill',
        type: 'fill',
        source: DRAFT,
        paint: {
          'fill-color': ['interpolate', ['linear'], ['coalesce', ['get', 'v'], 0], 0, '#1d4f7a', 0.5, '#3f8fc4', 1, '#f0b429'],
          'fill-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 0.8, 0.45],
        },
      },
      { id: 'draft-line', type: 'line', source: DRAFT, paint: { 'line-color': '#cfe8ff', 'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 1.2] } },
      { id: 'parent-line', type: 'line', source: PARENT, paint: { 'line-color': '#ffffff', 'line-width': 2.5, 'line-dasharray': [3, 2] } },
      {
        id: 'overlay-fill',
        type: 'fill',
        source: OVERLAY,
        paint: {
          'fill-color': ['match', ['get', 'change'], 'added', '#52c41a', 'removed', '#ff4d4f', 'reshaped', '#fadb14', '#ff7a45'],
          'fill-opacity': 0.35,
        },
      },
      { id: 'overlay-line', type: 'line', source: OVERLAY, paint: { 'line-color': ['match', ['get', 'change'], 'added', '#52c41a', 'removed', '#ff4d4f', 'reshaped', '#fadb14', '#ff7a45'], 'line-width': 2 } },
      {
        id: 'draft-label',
        type: 'symbol',
        source: DRAFT,
        layout: { 'text-field': ['get', 'label'], 'text-font': FONT, 'text-size': 13, 'text-allow-overlap': false },
        paint: { 'text-color': '#ffffff', 'text-halo-color': '#06101c', 'text-halo-width': 1.5 },
      },
    ],
  };
}

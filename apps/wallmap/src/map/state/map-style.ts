import type { ExpressionSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { STATUS_COLORS as C } from '../../events/state/event-colors';
import type { OnlineBasemap } from './basemap';

export const FONT = ['Noto Sans Regular'];
export const EVENTS_SOURCE = 'events';
export const AREAS_SOURCE = 'areas';
export const AREAS_LAYER = 'areas';
export const LABELS_SOURCE = 'area-labels';
/** Registry point layers (places, objects, organizations): one GeoJSON source each. */
export const POINT_KINDS = ['places', 'objects', 'organizations'] as const;
export type PointKind = (typeof POINT_KINDS)[number];
/** Registry points stay clear of the case colours (blue, amber, red) and the teal of grids with cases. */
export const POINT_COLORS: Record<PointKind, string> = { places: '#c792ea', objects: '#9ccc65', organizations: '#cfd8dc' };

const fresh: ExpressionSpecification = ['boolean', ['feature-state', 'fresh'], false];
const open: ExpressionSpecification = ['coalesce', ['feature-state', 'open'], 0];
const overdue: ExpressionSpecification = ['coalesce', ['feature-state', 'overdue'], 0];
const level = (l: string): ExpressionSpecification => ['==', ['get', 'level'], l];

/** The colour a case marker gets, from the one status table. */
export const eventColor: ExpressionSpecification = [
  'case',
  ['boolean', ['get', 'overdue'], false],
  C.overdue,
  ['==', ['get', 'urgency'], 'critical'],
  C.critical,
  ['==', ['get', 'urgency'], 'urgent'],
  C.urgent,
  C.normal,
];

/**
 * The whole wall style, built once per origin (memoised by the caller). Everything is
 * local: glyphs from /glyphs, land from the bundled world-atlas, our areas as vector tiles.
 */
export function buildStyle(origin: string, land: FeatureCollection, online: OnlineBasemap | null = null): StyleSpecification {
  return {
    version: 8,
    name: 'command-wall-dark',
    glyphs: `${origin}/glyphs/{fontstack}/{range}.pbf`,
    sources: {
      // Natural Earth 1:50m is coarse: tiles to z6 hold all its detail, and a city view needs one tile, not a dozen
      land: { type: 'geojson', data: land, maxzoom: 6 },
      ...(online ? { online: { type: 'raster' as const, tiles: online.tiles, tileSize: 256, attribution: online.attribution } } : {}),
      [AREAS_SOURCE]: { type: 'vector', url: `${origin}/api/areas/tiles.json`, promoteId: 'code' },
      [LABELS_SOURCE]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      ...Object.fromEntries(POINT_KINDS.map((k) => [k, { type: 'geojson' as const, data: { type: 'FeatureCollection' as const, features: [] }, promoteId: 'id' }])),
      // one source for all events; feature ids are event ids (eventFeature)
      [EVENTS_SOURCE]: {
        type: 'geojson',
        data: { type: 'FeatureCollection', features: [] },
        cluster: true,
        // clusters to z11 (a few streets on the wall); past it the points themselves. Every level
        // more is another pass over all points each time the worker rebuilds the index (each batch)
        clusterMaxZoom: 11,
        clusterRadius: 40,
      },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#06101c' } },
      // the coarse world coastline only at small scales: at city and street zoom it cut across the city
      { id: 'land', type: 'fill', source: 'land', maxzoom: 9, paint: { 'fill-color': '#0d1b2a', 'fill-outline-color': '#1b324a' } },
      ...(online ? [{ id: 'online-basemap', type: 'raster', source: 'online', paint: { 'raster-opacity': 0.55 } } as LayerSpecification] : []),
      {
        id: 'areas-fill',
        type: 'fill',
        source: AREAS_SOURCE,
        'source-layer': AREAS_LAYER,
        // grids carry the case colours; micro-grids (z14+) are outlines over them
        filter: ['!', ['in', ['get', 'level'], ['literal', ['grid', 'microgrid']]]],
        paint: {
          'fill-color': ['match', ['get', 'level'], 'city', '#0f2236', 'district', '#112a43', 'street', '#13304c', 'community', '#153554', '#173a5c'],
          'fill-opacity': 0.55,
        },
      },
      {
        // grids coloured by their open and overdue cases (feature state keyed by code)
        id: 'grids-cases',
        type: 'fill',
        source: AREAS_SOURCE,
        'source-layer': AREAS_LAYER,
        filter: level('grid'),
        paint: {
          'fill-color': ['case', ['>', overdue, 0], C.gridOverdue, ['>=', open, 3], C.gridBusy, ['>', open, 0], C.gridOpen, C.gridCalm],
          'fill-opacity': ['case', ['>', overdue, 0], 0.6, ['>', open, 0], 0.5, 0.35],
          // grids tile the city edge to edge (their outlines are grids-line): no antialiasing outline pass,
          // which drew every grid's edges again in every frame
          'fill-antialias': false,
        },
      },
      {
        // people per grid (registry counts), shown instead of the case colours when switched on
        id: 'grids-people',
        type: 'fill',
        source: AREAS_SOURCE,
        'source-layer': AREAS_LAYER,
        filter: level('grid'),
        layout: { visibility: 'none' },
        paint: {
          'fill-color': ['interpolate', ['linear'], ['coalesce', ['feature-state', 'people'], 0], 0, '#10243a', 500, '#3a6ea5', 2000, '#8fd3ff'],
          'fill-opacity': 0.7,
        },
      },
      {
        id: 'grids-line',
        type: 'line',
        source: AREAS_SOURCE,
        'source-layer': AREAS_LAYER,
        filter: level('grid'),
        minzoom: 11,
        paint: { 'line-color': '#4d7aa6', 'line-width': 0.6, 'line-opacity': 0.7 },
      },
      {
        // micro-grids (微网格, a building or compound each): the tiles carry them from z14
        id: 'microgrids-line',
        type: 'line',
        source: AREAS_SOURCE,
        'source-layer': AREAS_LAYER,
        filter: level('microgrid'),
        minzoom: 14,
        paint: { 'line-color': '#9ad0ff', 'line-width': 0.8, 'line-opacity': 0.8, 'line-dasharray': [1, 1.5] },
      },
      {
        id: 'community-line',
        type: 'line',
        source: AREAS_SOURCE,
        'source-layer': AREAS_LAYER,
        filter: level('community'),
        minzoom: 10,
        paint: { 'line-color': '#6fa8dc', 'line-width': 1, 'line-dasharray': [3, 2] },
      },
      {
        id: 'street-line',
        type: 'line',
        source: AREAS_SOURCE,
        'source-layer': AREAS_LAYER,
        filter: level('street'),
        paint: { 'line-color': '#8ec5ff', 'line-width': 1.4 },
      },
      {
        id: 'district-line',
        type: 'line',
        source: AREAS_SOURCE,
        'source-layer': AREAS_LAYER,
        filter: ['in', ['get', 'level'], ['literal', ['city', 'district']]],
        paint: { 'line-color': '#c9e4ff', 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.5, 14, 3] },
      },
      ...POINT_KINDS.map(
        (k): LayerSpecification => ({
          id: `points-${k}`,
          type: 'circle',
          source: k,
          layout: { visibility: 'none' },
          paint: {
            'circle-color': POINT_COLORS[k],
            'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 1.2, 14, 2.8, 17, 5],
            'circle-opacity': 0.85,
            'circle-stroke-color': '#06101c',
            'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 12, 0, 15, 1],
          },
        }),
      ),
      {
        id: 'event-clusters',
        type: 'circle',
        source: EVENTS_SOURCE,
        filter: ['has', 'point_count'],
        paint: {
          'circle-color': C.cluster,
          'circle-opacity': 0.85,
          'circle-radius': ['step', ['get', 'point_count'], 14, 10, 18, 100, 24, 1000, 30],
          'circle-stroke-color': '#9fd0ff',
          'circle-stroke-width': 1.5,
        },
      },
      {
        id: 'event-cluster-count',
        type: 'symbol',
        source: EVENTS_SOURCE,
        filter: ['has', 'point_count'],
        layout: { 'text-field': ['get', 'point_count_abbreviated'], 'text-font': FONT, 'text-size': 12, 'text-allow-overlap': true },
        paint: { 'text-color': '#ffffff' },
      },
      {
        id: 'event-pulse',
        type: 'circle',
        source: EVENTS_SOURCE,
        filter: ['!', ['has', 'point_count']],
        paint: { 'circle-color': eventColor, 'circle-radius': 10, 'circle-opacity': ['case', fresh, 0.5, 0], 'circle-blur': 0.4 },
      },
      {
        id: 'event-points',
        type: 'circle',
        source: EVENTS_SOURCE,
        filter: ['!', ['has', 'point_count']],
        paint: {
          'circle-color': eventColor,
          'circle-radius': ['match', ['get', 'urgency'], 'critical', 8, 'urgent', 7, 6],
          // the overdue ring; a yellow ring warns before the deadline
          'circle-stroke-color': ['case', ['boolean', ['get', 'overdue'], false], '#ffffff', ['==', ['get', 'warning'], 'red'], C.overdue, ['==', ['get', 'warning'], 'yellow'], C.warning, '#0b1622'],
          // (a feature leaves out properties at their usual value: no warning, not overdue, normal urgency)
          'circle-stroke-width': ['case', ['boolean', ['get', 'overdue'], false], 3, ['match', ['get', 'warning'], ['red', 'yellow'], 2, 1]],
        },
      },
      {
        id: 'event-selected',
        type: 'circle',
        source: EVENTS_SOURCE,
        filter: ['!', ['has', 'point_count']],
        paint: {
          'circle-color': 'rgba(0,0,0,0)',
          'circle-radius': 13,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': ['case', ['boolean', ['feature-state', 'selected'], false], 2.5, 0],
        },
      },
      {
        // one label per area at its visual centre (label points), not one per tile piece
        id: 'district-label',
        type: 'symbol',
        source: LABELS_SOURCE,
        filter: ['in', ['get', 'level'], ['literal', ['city', 'district']]],
        maxzoom: 12.5,
        layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': ['interpolate', ['linear'], ['zoom'], 8, 15, 12, 20], 'text-letter-spacing': 0.15, 'text-padding': 4 },
        paint: { 'text-color': '#f2f8ff', 'text-halo-color': 'rgba(6,16,28,0.9)', 'text-halo-width': 2.2, 'text-opacity': ['interpolate', ['linear'], ['zoom'], 11.5, 1, 12.5, 0] },
      },
      {
        id: 'street-label',
        type: 'symbol',
        source: LABELS_SOURCE,
        filter: level('street'),
        minzoom: 10.5,
        maxzoom: 14,
        layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': ['interpolate', ['linear'], ['zoom'], 10.5, 11, 13, 14], 'text-padding': 6 },
        paint: { 'text-color': '#bfdcff', 'text-halo-color': 'rgba(6,16,28,0.9)', 'text-halo-width': 1.6 },
      },
      {
        id: 'community-label',
        type: 'symbol',
        source: LABELS_SOURCE,
        filter: level('community'),
        minzoom: 13,
        maxzoom: 15.5,
        layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 12, 'text-padding': 4 },
        paint: { 'text-color': '#9cc8f0', 'text-halo-color': 'rgba(6,16,28,0.9)', 'text-halo-width': 1.3 },
      },
      {
        // from the label points too: a label from the tiles is drawn once per tile piece (two or three times)
        id: 'grid-label',
        type: 'symbol',
        source: LABELS_SOURCE,
        filter: level('grid'),
        minzoom: 15,
        layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 11, 'symbol-avoid-edges': true, 'text-padding': 20 },
        paint: { 'text-color': '#7fb0dc', 'text-halo-color': '#06101c', 'text-halo-width': 1 },
      },
    ],
  };
}

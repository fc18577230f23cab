import type { ExpressionSpecification, GeoJSONSource, Map as MapLibre } from 'maplibre-gl';
import type { FeatureCollection, Geometry } from 'geojson';

export const WORKERS_SOURCE = 'workers';
export const TRACK_SOURCE = 'worker-track';
export const WORKER_LAYER = 'worker-points';

/** One colour per worker state (the legend and the dispatch list use the same names). */
export const WORKER_STATE_COLORS = { on_patrol: '#5ad17a', on_task: '#ffb020', idle: '#3fb6ff', offline: '#7d8b99' } as const;

const stateColor: ExpressionSpecification = ['match', ['get', 'state'], 'on_patrol', WORKER_STATE_COLORS.on_patrol, 'on_task', WORKER_STATE_COLORS.on_task, 'idle', WORKER_STATE_COLORS.idle, WORKER_STATE_COLORS.offline];

const empty: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** The workers' layer and the selected worker's track, added on top of the wall's style once it is in. */
export function addWorkerLayers(map: MapLibre): void {
  if (map.getSource(WORKERS_SOURCE)) return;
  map.addSource(WORKERS_SOURCE, { type: 'geojson', data: empty });
  map.addSource(TRACK_SOURCE, { type: 'geojson', data: empty });
  map.addLayer({ id: 'worker-track', type: 'line', source: TRACK_SOURCE, paint: { 'line-color': '#5ad17a', 'line-width': 3, 'line-dasharray': [2, 1] } });
  map.addLayer({
    id: WORKER_LAYER,
    type: 'circle',
    source: WORKERS_SOURCE,
    paint: { 'circle-radius': 7, 'circle-color': stateColor, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
  });
}

export function setTrack(map: MapLibre, track: Geometry | null): void {
  void (map.getSource(TRACK_SOURCE) as GeoJSONSource | undefined)?.setData(track ? { type: 'Feature', properties: {}, geometry: track } : empty);
}

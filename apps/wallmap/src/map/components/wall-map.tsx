import { useEffect, useMemo, useRef, useState } from 'react';
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, MapGeoJSONFeature, MapLayerMouseEvent, VectorTileSource } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection, Geometry } from 'geojson';
import { addWorkerLayers, setTrack, WORKER_LAYER, WORKERS_SOURCE } from '../../field/state/workers-map';
import { WorkersSync, type WorkersSourceLike } from '../../field/state/workers-sync';
import type { EventSummary, WorkerPositionData } from '@gc/contracts';
import { api, getSession } from '../../auth/api/http';
import { addOfflineBasemapWhenNear, addOnlineBasemap, type OnlineBasemap } from '../state/basemap';
import { useI18n } from '../../i18n/i18n-context';
import { worldLand } from '../state/land';
import { AREAS_LAYER, AREAS_SOURCE, buildStyle, EVENTS_SOURCE, LABELS_SOURCE, POINT_KINDS, type PointKind } from '../state/map-style';
import { peopleFill, peopleStops } from '../state/people-scale';
import type { GridCount } from '../state/grid-counts';
import { EventsSync, GridCountsSync } from '../state/map-sync';
import { WALL_MAP_OPTIONS } from '../state/map-options';
import { SourceRetry } from '../state/source-retry';
import { ApiTroubleNotice } from './api-trouble';
import type { PersistentMap } from '../../events/state/persistent-map';

// The worker ships beside the bundle (no blob from a CDN): CSP worker-src 'self'.
maplibregl.setWorkerUrl(workerUrl);
// Start the worker while the wall signs in and loads fonts: the first map then finds it booted
// (fetching and compiling the worker script otherwise sits in front of every source's first load).
maplibregl.prewarm();

export interface LayerVisibility {
  grids: boolean;
  events: boolean;
  people: boolean;
  places: boolean;
  objects: boolean;
  organizations: boolean;
}

export interface FlyTarget {
  bbox?: [number, number, number, number];
  center?: [number, number];
  instant?: boolean;
  key: number;
}

interface Props {
  drawn: PersistentMap<number, EventSummary>;
  gridCounts: PersistentMap<string, GridCount>;
  peopleCounts: Record<string, number>;
  /** one label point per district, street and community */
  labels: FeatureCollection | null;
  /** registry points per kind, once loaded */
  points: Partial<Record<PointKind, FeatureCollection>>;
  fresh: Record<number, number>;
  selectedId: number | null;
  layers: LayerVisibility;
  flyTo: FlyTarget | null;
  /** bumped when an area version is published: the grid tiles are fetched again */
  areasKey?: number;
  onSelect(id: number): void;
  /** a click on the map (not on a case) picks a place, while a form wants one */
  onPick?(lngLat: [number, number]): void;
  /** the picked place, drawn as a marker */
  pick?: [number, number] | null;
  onError(message: string): void;
  /** grid workers' latest positions (the field layer, by worker id) and the selected worker's patrol track */
  workers?: ReadonlyMap<number, WorkerPositionData> | null;
  track?: Geometry | null;
  onWorker?(id: number): void;
}

const GRID_LAYERS = ['grids-cases', 'grids-line', 'microgrids-line', 'grid-label'];
const EVENT_LAYERS = ['event-clusters', 'event-cluster-count', 'event-pulse', 'event-points', 'event-selected'];

/** Bearer token on our own API requests, including the tiles MapLibre fetches itself. */
function transformRequest(url: string) {
  const token = getSession()?.accessToken;
  const u = new URL(url, location.href);
  if (token && u.host === location.host && u.pathname.startsWith('/api/')) return { url, headers: { Authorization: `Bearer ${token}` } };
  return { url };
}

/** MapLibre's UI strings the wall's controls show (NavigationControl without compass, AttributionControl, ScaleControl). */
const MAP_UI_KEYS = ['NavigationControl.ZoomIn', 'NavigationControl.ZoomOut', 'NavigationControl.ResetBearing', 'AttributionControl.ToggleAttribution', 'AttributionControl.MapFeedback', 'ScaleControl.Meters', 'ScaleControl.Kilometers', 'Map.Title'];

/** MapLibre's UI strings in the screen's language. */
const mapLocale = (t: (k: string) => string) => Object.fromEntries(MAP_UI_KEYS.map((k) => [k, t(`map.${k}`)]));

/**
 * The wall's map controls. MapLibre reads a control's titles when the control is added, so a
 * change of language adds them again after the map's locale is patched.
 */
function addControls(map: maplibregl.Map): maplibregl.IControl[] {
  const controls = [
    new maplibregl.NavigationControl({ showCompass: false }),
    new maplibregl.ScaleControl({ unit: 'metric' }),
    new maplibregl.AttributionControl({ compact: true, customAttribution: 'Natural Earth · Noto Sans (OFL) · © OpenStreetMap contributors' }),
  ];
  for (const c of controls) map.addControl(c, 'bottom-right');
  return controls;
}

export function WallMap(props: Props) {
  const { t, lang } = useI18n();
  const tRef = useRef(t);
  tRef.current = t;
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [ready, setReady] = useState(false);
  const eventsSync = useRef<EventsSync | null>(null);
  const gridSync = useRef<GridCountsSync | null>(null);
  const workersSync = useRef<WorkersSync | null>(null);
  const freshRef = useRef<Record<number, number>>({});
  const selectedRef = useRef<number | null>(null);
  const pointsRef = useRef<Partial<Record<PointKind, FeatureCollection>>>({});
  const propsRef = useRef(props);
  propsRef.current = props;
  const langRef = useRef(lang);
  langRef.current = lang;
  const controlsRef = useRef<maplibregl.IControl[]>([]);
  /** the language the map's controls were titled in */
  const localeLang = useRef(lang);
  const style = useMemo(() => buildStyle(location.origin, worldLand()), []);

  // MapLibre rasterises CJK labels with the page font: load it first, or labels fall back for good
  const [fontReady, setFontReady] = useState(false);
  useEffect(() => {
    let alive = true;
    const done = () => alive && setFontReady(true);
    const timeout = setTimeout(done, 3000);
    document.fonts.load('16px "Noto Sans SC"', '网格社区街道').then(done, done);
    return () => {
      alive = false;
      clearTimeout(timeout);
    };
  }, []);

  useEffect(() => {
    if (!fontReady) return;
    // MapLibre's own control titles in the screen's language (see the language effect below)
    const map = new maplibregl.Map({ ...WALL_MAP_OPTIONS, container: container.current!, style, center: [118.79, 32.05], zoom: 9, transformRequest, locale: mapLocale(tRef.current) });
    mapRef.current = map;
    eventsSync.current = new EventsSync(() => map.getSource(EVENTS_SOURCE) as GeoJSONSource);
    gridSync.current = new GridCountsSync(map, { source: AREAS_SOURCE, sourceLayer: AREAS_LAYER });
    workersSync.current = new WorkersSync(() => map.getSource(WORKERS_SOURCE) as (GeoJSONSource & WorkersSourceLike) | undefined);
    controlsRef.current = addControls(map);
    localeLang.current = langRef.current;
    // with a listener MapLibre does not print errors itself; the app shows them. A failed tiles.json
    // or tile of the grids is requested again with back-off (the notice says so meanwhile).
    const areasRetry = new SourceRetry(map, AREAS_SOURCE);
    map.on('error', (e) => {
      const err = e.error as (Error & { status?: number; url?: string }) | undefined;
      const url = err?.url ?? '';
      if ((e as { sourceId?: string }).sourceId === AREAS_SOURCE || url.includes('/api/areas/tiles.json') || url.includes('/api/tiles/areas/')) {
        areasRetry.failed(typeof err?.status === 'number' && err.status > 0 ? err.status : null);
        return;
      }
      propsRef.current.onError(err?.message ?? 'map error');
    });
    // sources and layers exist once the style is in: data goes to the worker from then on, while the
    // first tiles are still being drawn, rather than after the first full frame ('load')
    map.once('style.load', () => {
      addWorkerLayers(map);
      setReady(true);
      // Nanjing's OSM water and land use once the wall looks at it closely; an online basemap when the deployment has one
      // above the fills of streets and communities (stacked, they hide anything under them), under the grids' case colours
      const near = () => addOfflineBasemapWhenNear(map, location.origin, 'grids-cases') && map.off('moveend', near);
      map.on('moveend', near);
      void addOnlineBasemap(map, () => api<{ online: OnlineBasemap | null }>('GET', '/api/areas/basemap'), 'areas-fill').catch(() => undefined);
    });
    map.on('click', WORKER_LAYER, (e: MapLayerMouseEvent) => {
      const id = e.features?.[0]?.properties?.id;
      if (typeof id === 'number') propsRef.current.onWorker?.(id);
    });
    map.on('click', 'event-points', (e: MapLayerMouseEvent) => {
      const f = e.features?.[0] as MapGeoJSONFeature | undefined;
      if (f?.id !== undefined) propsRef.current.onSelect(Number(f.id));
    });
    map.on('click', (e) => {
      const pick = propsRef.current.onPick;
      if (!pick) return;
      const onCase = map.queryRenderedFeatures(e.point, { layers: ['event-points', 'event-clusters'] }).length > 0;
      if (!onCase) pick([e.lngLat.lng, e.lngLat.lat]);
    });
    map.on('click', 'event-clusters', (e: MapLayerMouseEvent) => {
      const f = e.features?.[0];
      const source = map.getSource(EVENTS_SOURCE) as GeoJSONSource;
      const clusterId = f?.properties?.cluster_id as number | undefined;
      if (clusterId === undefined || !f || f.geometry.type !== 'Point') return;
      const center = f.geometry.coordinates as [number, number];
      void source.getClusterExpansionZoom(clusterId).then((zoom) => map.easeTo({ center, zoom }));
    });
    for (const l of ['event-points', 'event-clusters']) {
      map.on('mouseenter', l, () => (map.getCanvas().style.cursor = 'pointer'));
      map.on('mouseleave', l, () => (map.getCanvas().style.cursor = ''));
    }
    // new cases pulse: one paint property animated, the features chosen by feature state
    let phase = 0;
    const pulse = setInterval(() => {
      if (!map.isStyleLoaded() || !Object.keys(freshRef.current).length) return;
      phase = (phase + 1) % 20;
      const k = phase / 20;
      map.setPaintProperty('event-pulse', 'circle-radius', 8 + 18 * k);
      map.setPaintProperty('event-pulse', 'circle-opacity', ['case', ['boolean', ['feature-state', 'fresh'], false], 0.6 * (1 - k), 0]);
    }, 60);
    (window as unknown as { __wallmap?: maplibregl.Map }).__wallmap = map;
    return () => {
      clearInterval(pulse);
      areasRetry.stop();
      map.remove();
      mapRef.current = null;
      eventsSync.current = null;
      gridSync.current = null;
      workersSync.current = null;
    };
  }, [style, fontReady]);

  // a new area version: TileJSON again (its tile URLs carry the version key), then the case colours on the new tiles
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !props.areasKey) return;
    (map.getSource(AREAS_SOURCE) as VectorTileSource).setUrl(`${location.origin}/api/areas/tiles.json`);
    gridSync.current = new GridCountsSync(map, { source: AREAS_SOURCE, sourceLayer: AREAS_LAYER });
    gridSync.current.apply(propsRef.current.gridCounts);
  }, [ready, props.areasKey]);

  // the language changed: patch the map's UI strings and title its controls again
  useEffect(() => {
    const map = mapRef.current;
    if (!map || localeLang.current === lang) return;
    localeLang.current = lang;
    map._locale = { ...map._locale, ...mapLocale(t) };
    map.getCanvas().setAttribute('aria-label', map._getUIString('Map.Title'));
    for (const c of controlsRef.current) map.removeControl(c);
    controlsRef.current = addControls(map);
  }, [lang, t]);

  // events: one source, a diff of the changed ids per live batch (never a full setData per message)
  useEffect(() => {
    if (ready) eventsSync.current?.apply(props.drawn);
  }, [ready, props.drawn]);

  // grids: open/overdue counts as feature state keyed by grid code, only the grids that changed
  useEffect(() => {
    if (ready) gridSync.current?.apply(props.gridCounts);
  }, [ready, props.gridCounts]);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    for (const [code, n] of Object.entries(props.peopleCounts)) map.setFeatureState({ source: AREAS_SOURCE, sourceLayer: AREAS_LAYER, id: code }, { people: n });
    map.setPaintProperty('grids-people', 'fill-color', peopleFill(peopleStops(props.peopleCounts)));
  }, [ready, props.peopleCounts]);

  // workers: the store changes at most once a second (ThrottledFeed); only the workers that moved go to the map (updateData)
  useEffect(() => {
    if (ready && props.workers) workersSync.current?.apply(props.workers);
  }, [ready, props.workers]);
  useEffect(() => {
    const map = mapRef.current;
    if (ready && map) setTrack(map, props.track ?? null);
  }, [ready, props.track]);

  // labels and registry points change rarely: a whole setData when they arrive is right here
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !props.labels) return;
    void (map.getSource(LABELS_SOURCE) as GeoJSONSource).setData(props.labels);
  }, [ready, props.labels]);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    for (const k of POINT_KINDS) {
      const fc = props.points[k];
      if (fc && pointsRef.current[k] !== fc) void (map.getSource(k) as GeoJSONSource).setData(fc);
      pointsRef.current[k] = fc;
    }
  }, [ready, props.points]);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    for (const id of Object.keys(freshRef.current)) if (!(id in props.fresh)) map.setFeatureState({ source: EVENTS_SOURCE, id }, { fresh: false });
    for (const id of Object.keys(props.fresh)) map.setFeatureState({ source: EVENTS_SOURCE, id }, { fresh: true });
    freshRef.current = props.fresh;
  }, [ready, props.fresh, props.drawn]);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    if (selectedRef.current !== null) map.setFeatureState({ source: EVENTS_SOURCE, id: selectedRef.current }, { selected: false });
    if (props.selectedId !== null) map.setFeatureState({ source: EVENTS_SOURCE, id: props.selectedId }, { selected: true });
    selectedRef.current = props.selectedId;
  }, [ready, props.selectedId, props.drawn]);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    const vis = (on: boolean) => (on ? 'visible' : 'none');
    for (const l of GRID_LAYERS) map.setLayoutProperty(l, 'visibility', vis(props.layers.grids));
    for (const l of EVENT_LAYERS) map.setLayoutProperty(l, 'visibility', vis(props.layers.events));
    map.setLayoutProperty('grids-people', 'visibility', vis(props.layers.people));
    for (const k of POINT_KINDS) map.setLayoutProperty(`points-${k}`, 'visibility', vis(props.layers[k]));
  }, [ready, props.layers]);

  useEffect(() => {
    const map = mapRef.current;
    const t = props.flyTo;
    if (!ready || !map || !t) return;
    // the side panels cover the map's edges: fit into the middle
    const side = Math.min(440, map.getContainer().clientWidth * 0.25);
    if (t.bbox) map.fitBounds(t.bbox, { padding: { top: 70, bottom: 70, left: side, right: side }, maxZoom: 16, duration: t.instant ? 0 : 1500 });
    else if (t.center) map.flyTo({ center: t.center, zoom: 15 });
  }, [ready, props.flyTo]);

  // the picked place: one marker, moved or removed as the pick changes
  const marker = useRef<maplibregl.Marker | null>(null);
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    if (!props.pick) {
      marker.current?.remove();
      marker.current = null;
      return;
    }
    marker.current ??= new maplibregl.Marker({ color: '#ffb020' }).setLngLat(props.pick).addTo(map);
    marker.current.setLngLat(props.pick);
  }, [ready, props.pick]);

  return (
    <>
      <div ref={container} className="map" data-testid="map" data-areas-key={props.areasKey ?? 0} />
      <ApiTroubleNotice />
    </>
  );
}

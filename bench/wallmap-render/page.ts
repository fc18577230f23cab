/// <reference lib="dom" />
/**
 * The render bench page (bench/wallmap-render.bench.ts). Everything between the data and the
 * screen is the wall's own code: its map options and style (map-options.ts, map-style.ts), its
 * events store (events-store.ts), the views it derives per batch (wall-views.ts) and the way it
 * brings them onto the map (map-sync.ts). Only the data is made here: N_EVENTS open events with
 * sparse, large ids as a database hands them out, in the N_GRIDS square grids whose vector tiles
 * (with the city, districts, streets and communities above them) the bench server cuts as the
 * API serves them to the wall, and the label points of those levels.
 */
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource } from 'maplibre-gl';
import type { FeatureCollection, Point } from 'geojson';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { EventSummary, LiveMessage } from '@gc/contracts';
import { eventsReducer, initialEventsState, type EventsState } from '../../apps/wallmap/src/events/state/events-store';
import { AREAS_LAYER, AREAS_SOURCE, buildStyle, EVENTS_SOURCE, LABELS_SOURCE } from '../../apps/wallmap/src/map/state/map-style';
import { WALL_MAP_OPTIONS } from '../../apps/wallmap/src/map/state/map-options';
import { allFeatures, EventsSync, GridCountsSync } from '../../apps/wallmap/src/map/state/map-sync';
import { NO_FILTERS } from '../../apps/wallmap/src/map/state/event-diff';
import { deriveViews, type WallViews } from '../../apps/wallmap/src/shell/state/wall-views';
import { newWallBatch, WALL_LIVE } from '../../apps/wallmap/src/shell/state/wall-live';
import { routeLive } from '../../apps/wallmap/src/live/live-handlers';
import { worldLand } from '../../apps/wallmap/src/map/state/land';

maplibregl.setWorkerUrl(workerUrl);
// as wall-map.tsx does when the app loads
maplibregl.prewarm();

const q = new URLSearchParams(location.search);
const N_EVENTS = Number(q.get('events') ?? 100_000);
const N_GRIDS = Number(q.get('grids') ?? 10_000);
const CHANGED = Number(q.get('changed') ?? 100);
const ROUNDS = Number(q.get('rounds') ?? 10);
const BBOX = [118.4, 31.6, 119.2, 32.4] as const;

// a fixed pseudo-random sequence, so every run draws the same city
let seed = 42;
const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);

/** Label points of the levels above the grids (the wall loads them from /api/areas/labels), with Chinese names. */
function labels(): FeatureCollection<Point> {
  const DISTRICTS = ['玄武区', '秦淮区', '建邺区', '鼓楼区', '栖霞区', '江宁区'];
  const features: FeatureCollection<Point>['features'] = [];
  for (const [level, cols, rows] of [['district', 2, 3], ['street', 8, 10], ['community', 25, 28]] as const) {
    const dx = (BBOX[2] - BBOX[0]) / cols;
    const dy = (BBOX[3] - BBOX[1]) / rows;
    for (let i = 0; i < cols; i++)
      for (let j = 0; j < rows; j++) {
        const name = level === 'district' ? DISTRICTS[i * rows + j] : `第${i * rows + j + 1}${level === 'street' ? '街道' : '社区'}`;
        features.push({ type: 'Feature', properties: { level, name }, geometry: { type: 'Point', coordinates: [BBOX[0] + (i + 0.5) * dx, BBOX[1] + (j + 0.5) * dy] } });
      }
  }
  return { type: 'FeatureCollection', features };
}

const URGENCY = ['normal', 'normal', 'normal', 'urgent', 'critical'] as const;

/**
 * Open events as `GET /api/events` lists them. Ids are sparse and large, as in the database (the
 * open cases are a few among years of closed ones): objects keyed by such ids are slow to copy.
 */
function events(side: number): EventSummary[] {
  const out: EventSummary[] = [];
  const dx = (BBOX[2] - BBOX[0]) / side;
  const dy = (BBOX[3] - BBOX[1]) / side;
  for (let i = 0; i < N_EVENTS; i++) {
    const id = 3_000_000 + i * 9 + Math.floor(rnd() * 9);
    const lon = BBOX[0] + rnd() * (BBOX[2] - BBOX[0]);
    const lat = BBOX[1] + rnd() * (BBOX[3] - BBOX[1]);
    const code = `G${Math.min(side - 1, Math.floor((lon - BBOX[0]) / dx))}_${Math.min(side - 1, Math.floor((lat - BBOX[1]) / dy))}`;
    out.push({
      id,
      category: 'exposed_rubbish',
      categoryName: '暴露垃圾',
      urgency: URGENCY[i % URGENCY.length],
      state: 'dispatched',
      source: 'patrol',
      title: `案件 ${id}`,
      lon,
      lat,
      grid: { code, name: code },
      department: 'city_management',
      createdAt: new Date(Date.now() - rnd() * 86_400_000).toISOString(),
      dueAt: null,
      overdue: i % 10 === 0,
      warning: 'none',
      escalationLevel: 0,
    } as EventSummary);
  }
  return out;
}

/** The map's first error: a broken style or a failed tile ends the run (it would otherwise wait for an idle for ever). */
let mapError: Promise<never> = new Promise<never>(() => undefined);
function watchErrors(map: maplibregl.Map) {
  mapError = new Promise<never>((_, fail) => map.once('error', (e) => fail(e.error ?? new Error('map error'))));
  mapError.catch(() => undefined);
}
const idle = (map: maplibregl.Map) => Promise.race([new Promise<void>((r) => map.once('idle', () => r())), mapError]);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Longest gap between animation frames while `work` runs: what an operator would see as a stall. */
async function withFrameWatch<T extends object>(work: () => Promise<T>): Promise<T & { worstFrame: number }> {
  let last = performance.now();
  let worst = 0;
  let on = true;
  const tick = () => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
    if (on) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  await new Promise((r) => requestAnimationFrame(r));
  last = performance.now();
  worst = 0;
  const r = await work();
  on = false;
  return { ...r, worstFrame: worst };
}

/** A live batch as the socket delivers it: CHANGED events moved on (state, urgency, overdue, position). */
function batch(state: EventsState, ids: number[], round: number, seq: number): LiveMessage[] {
  const messages: LiveMessage[] = [];
  for (let i = 0; i < CHANGED; i++) {
    const e = state.events.get(ids[Math.floor(rnd() * ids.length)])!;
    const data: EventSummary = { ...e, state: round % 2 ? 'in_progress' : 'dispatched', urgency: e.urgency === 'critical' ? 'normal' : 'critical', overdue: !e.overdue, lon: (e.lon as number) + 0.0005 };
    messages.push({ seq: seq + i + 1, type: 'event.transitioned', id: String(e.id), at: new Date().toISOString(), areaPath: null, data });
  }
  return messages;
}

async function run() {
  const t0 = performance.now();
  const side = Math.ceil(Math.sqrt(N_GRIDS));
  const snapshot = events(side);
  const tData = performance.now() - t0;

  // first render: the map starts while the snapshot goes through the store and the views, as in the wall
  console.timeStamp('first render: start');
  const t1 = performance.now();
  const since = () => performance.now() - t1;
  // the wall's style as it is: the areas are vector tiles of the bench server's /api/tiles
  const map = new maplibregl.Map({ ...WALL_MAP_OPTIONS, container: 'map', style: buildStyle(location.origin, worldLand()), center: [118.8, 32.0], zoom: 9.6 });
  watchErrors(map);
  let frames = 0;
  map.on('render', () => frames++);
  // when the worker has the events (the second metadata event: the first is the style's empty data)
  const eventsIn: number[] = [];
  map.on('sourcedata', (e) => {
    if (e.sourceId === EVENTS_SOURCE && e.sourceDataType === 'metadata') eventsIn.push(since());
  });
  // the wall sends its data once the style is in (wall-map.tsx)
  const styleIn = new Promise<number>((r) => map.once('style.load', () => r(since())));
  let state = eventsReducer(initialEventsState, { type: 'snapshot', events: snapshot, latest: 0 });
  let views: WallViews = deriveViews(null, state.events, NO_FILTERS, new Date());
  const tViews = since();
  const tStyle = await Promise.race([styleIn, mapError]);
  const eventsSync = new EventsSync(() => map.getSource(EVENTS_SOURCE) as GeoJSONSource);
  const gridSync = new GridCountsSync(map, { source: AREAS_SOURCE, sourceLayer: AREAS_LAYER });
  eventsSync.apply(views.drawn);
  gridSync.apply(views.gridCounts);
  void (map.getSource(LABELS_SOURCE) as GeoJSONSource).setData(labels());
  await idle(map);
  const firstRender = since();
  console.timeStamp('first render: idle');
  const phases = { storeAndViews: tViews, styleIn: tStyle, eventsInWorker: eventsIn[eventsIn.length - 1] ?? NaN, frames };
  const clusters = map.queryRenderedFeatures({ layers: ['event-clusters'] }).length;
  const gridsDrawn = map.queryRenderedFeatures({ layers: ['grids-cases'] }).length;

  // live batches: the same batch through the store and the views, then onto the map either as the
  // wall does it (updateData of the changed ids) or as a full setData of every drawn event
  const ids = [...state.events.keys()];
  let seq = 0;
  type Way = { store: number; views: number; map: number; main: number; toScreen: number; worstFrame: number };
  const upd: Way[] = [];
  const full: Way[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // alternate, so both ways run in the same minutes
    for (const way of r % 2 ? (['full', 'update'] as const) : (['update', 'full'] as const)) {
      const messages = batch(state, ids, r, seq);
      seq += messages.length;
      const m = await withFrameWatch(async () => {
        const done = idle(map);
        const s = performance.now();
        // as the wall: its live handlers sort the batch, the store applies it
        state = eventsReducer(state, { type: 'live', batch: routeLive(WALL_LIVE, messages, newWallBatch()), receivedAt: Date.now() });
        const a = performance.now();
        views = deriveViews(views, state.events, NO_FILTERS, new Date());
        const b = performance.now();
        if (way === 'update') eventsSync.apply(views.drawn);
        else eventsSync.apply(views.drawn, true);
        gridSync.apply(views.gridCounts);
        const c = performance.now();
        await done;
        return { store: a - s, views: b - a, map: c - b, main: c - s, toScreen: performance.now() - s };
      });
      (way === 'update' ? upd : full).push(m);
    }
  }
  const summary = (xs: Way[]) => Object.fromEntries((Object.keys(xs[0]) as (keyof Way)[]).map((k) => [k, median(xs.map((x) => x[k]))])) as Way;
  return {
    events: N_EVENTS,
    grids: N_GRIDS,
    changed: CHANGED,
    rounds: ROUNDS,
    dataMs: tData,
    firstRender,
    phases,
    clusters,
    gridsDrawn,
    updateData: summary(upd),
    setData: summary(full),
    // the peer's payload, for the record: every drawn event as a feature
    fullFeatures: allFeatures(views.drawn).features.length,
  };
}

(window as unknown as { __bench: Promise<unknown> }).__bench = run().catch((e: unknown) => ({ error: String(e instanceof Error ? e.stack : e) }));

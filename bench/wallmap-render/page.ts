/// <reference lib="dom" />
/**
 * The render bench page (bench/wallmap-render.bench.ts): the wall map's own style, event
 * features and diff code, with N_EVENTS open events and N_GRIDS grids generated here.
 * Grids are a GeoJSON source here (the wall gets them as vector tiles from the API); the
 * layers, filters, feature state and the clustered events source are the wall's.
 */
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, LayerSpecification, StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { FeatureCollection, Polygon } from 'geojson';
import type { EventSummary, LiveMessage } from '@gc/contracts';
import { computeCounts, eventsReducer, initialEventsState } from '../../apps/wallmap/src/events/state/events-store';
import { AREAS_SOURCE, buildStyle, EVENTS_SOURCE } from '../../apps/wallmap/src/map/state/map-style';
import { diffEvents, drawnEvents, eventFeature, NO_FILTERS } from '../../apps/wallmap/src/map/state/event-diff';
import { countByGrid } from '../../apps/wallmap/src/map/state/grid-counts';
import { worldLand } from '../../apps/wallmap/src/map/state/land';

maplibregl.setWorkerUrl(workerUrl);

const q = new URLSearchParams(location.search);
const N_EVENTS = Number(q.get('events') ?? 100_000);
const N_GRIDS = Number(q.get('grids') ?? 10_000);
const CHANGED = Number(q.get('changed') ?? 100);
const ROUNDS = Number(q.get('rounds') ?? 10);
const BBOX = [118.4, 31.6, 119.2, 32.4] as const;

// a fixed pseudo-random sequence, so every run draws the same city
let seed = 42;
const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);

function grids(): { fc: FeatureCollection<Polygon>; side: number } {
  const side = Math.ceil(Math.sqrt(N_GRIDS));
  const dx = (BBOX[2] - BBOX[0]) / side;
  const dy = (BBOX[3] - BBOX[1]) / side;
  const features: FeatureCollection<Polygon>['features'] = [];
  for (let i = 0; i < side; i++)
    for (let j = 0; j < side && features.length < N_GRIDS; j++) {
      const x = BBOX[0] + i * dx;
      const y = BBOX[1] + j * dy;
      features.push({
        type: 'Feature',
        properties: { code: `G${i}_${j}`, name: `第${i * side + j + 1}网格`, level: 'grid' },
        geometry: { type: 'Polygon', coordinates: [[[x, y], [x + dx, y], [x + dx, y + dy], [x, y + dy], [x, y]]] },
      });
    }
  return { fc: { type: 'FeatureCollection', features }, side };
}

function events(side: number): Record<number, EventSummary> {
  const out: Record<number, EventSummary> = {};
  const urg = ['normal', 'normal', 'normal', 'urgent', 'critical'] as const;
  const dx = (BBOX[2] - BBOX[0]) / side;
  const dy = (BBOX[3] - BBOX[1]) / side;
  for (let id = 1; id <= N_EVENTS; id++) {
    const lon = BBOX[0] + rnd() * (BBOX[2] - BBOX[0]);
    const lat = BBOX[1] + rnd() * (BBOX[3] - BBOX[1]);
    const code = `G${Math.min(side - 1, Math.floor((lon - BBOX[0]) / dx))}_${Math.min(side - 1, Math.floor((lat - BBOX[1]) / dy))}`;
    out[id] = {
      id,
      category: 'exposed_rubbish',
      categoryName: '暴露垃圾',
      urgency: urg[id % urg.length],
      state: 'dispatched',
      source: 'patrol',
      title: `案件 ${id}`,
      lon,
      lat,
      grid: { code, name: code },
      department: 'city_management',
      createdAt: new Date(Date.now() - rnd() * 86_400_000).toISOString(),
      dueAt: null,
      overdue: id % 10 === 0,
      warning: 'none',
      escalationLevel: 0,
    } as EventSummary;
  }
  return out;
}

/** The wall's style with the areas source as GeoJSON (same layers, no source-layer). */
function benchStyle(gridFc: FeatureCollection): StyleSpecification {
  const s = buildStyle(location.origin + location.pathname.replace(/\/[^/]*$/, ''), worldLand());
  s.sources[AREAS_SOURCE] = { type: 'geojson', data: gridFc, promoteId: 'code' };
  s.layers = s.layers.map((l) => {
    if (!('source' in l) || l.source !== AREAS_SOURCE) return l;
    const { 'source-layer': _drop, ...rest } = l as LayerSpecification & { 'source-layer'?: string };
    return rest as LayerSpecification;
  });
  return s;
}

const idle = (map: maplibregl.Map) => new Promise<void>((r) => map.once('idle', () => r()));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Longest gap between animation frames while `work` runs: what an operator would see as a stall. */
async function withFrameWatch(work: () => Promise<{ prep: number; sync: number; toScreen: number }>) {
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

async function run() {
  const t0 = performance.now();
  const { fc, side } = grids();
  let state = events(side);
  const tData = performance.now() - t0;

  const t1 = performance.now();
  const map = new maplibregl.Map({ container: 'map', style: benchStyle(fc), center: [118.8, 32.0], zoom: 9.6, attributionControl: false, fadeDuration: 0 });
  await new Promise<void>((r) => map.once('load', () => r()));
  const source = map.getSource(EVENTS_SOURCE) as GeoJSONSource;
  // as the wall does on its first snapshot: one diff adding every event, grid counts as feature state
  void source.updateData(diffEvents({}, state));
  for (const [code, c] of Object.entries(countByGrid(state))) map.setFeatureState({ source: AREAS_SOURCE, id: code }, { open: c.open, overdue: c.overdue });
  await idle(map);
  const firstRender = performance.now() - t1;
  const clusters = map.queryRenderedFeatures({ layers: ['event-clusters'] }).length;
  const gridsDrawn = map.queryRenderedFeatures({ layers: ['grids-cases'] }).length;

  let round = 0;
  const change = () => {
    const next = { ...state };
    const ids = Object.keys(state);
    for (let i = 0; i < CHANGED; i++) {
      const id = Number(ids[Math.floor(rnd() * ids.length)]);
      const e = next[id];
      next[id] = { ...e, state: round % 2 ? 'in_progress' : 'dispatched', urgency: e.urgency === 'critical' ? 'normal' : 'critical', overdue: !e.overdue, lon: (e.lon as number) + 0.0005 };
    }
    round++;
    return next;
  };

  type Way = { prep: number; sync: number; toScreen: number; worstFrame: number };
  const upd: Way[] = [];
  const full: Way[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // alternate, so both ways run in the same minutes
    for (const way of r % 2 ? (['full', 'update'] as const) : (['update', 'full'] as const)) {
      const next = change();
      const m = await withFrameWatch(async () => {
        // prep: what the wall computes first (the diff over all drawn events, or every feature)
        const s = performance.now();
        const done = idle(map);
        const payload = way === 'update' ? diffEvents(state, next) : { type: 'FeatureCollection' as const, features: Object.values(next).map(eventFeature) };
        const c = performance.now();
        if (way === 'update') void source.updateData(payload as ReturnType<typeof diffEvents>);
        else void source.setData(payload as FeatureCollection);
        const sync = performance.now() - c;
        await done;
        return { prep: c - s, sync, toScreen: performance.now() - s };
      });
      state = next;
      (way === 'update' ? upd : full).push(m);
    }
  }
  // the wall's whole main-thread work per live batch, before the map call: the reducer applies the
  // messages by seq, then the drawn set, the grid counts, today's counts and the diff are derived
  let ws = eventsReducer(initialEventsState, { type: 'snapshot', events: Object.values(state), latest: 0 });
  let drawn = drawnEvents(ws.events, NO_FILTERS);
  let seq = 0;
  const parts: Record<'reducer' | 'drawn' | 'gridCounts' | 'todayCounts' | 'diff', number[]> = { reducer: [], drawn: [], gridCounts: [], todayCounts: [], diff: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const next = change();
    const messages: LiveMessage[] = [];
    for (const id in next) if (next[id] !== state[id]) messages.push({ seq: ++seq, type: 'event.transitioned', id: String(id), at: new Date().toISOString(), areaPath: null, data: next[id] });
    state = next;
    let t = performance.now();
    const lap = (k: keyof typeof parts) => {
      const now = performance.now();
      parts[k].push(now - t);
      t = now;
    };
    ws = eventsReducer(ws, { type: 'live', messages, receivedAt: Date.now() });
    lap('reducer');
    const nextDrawn = drawnEvents(ws.events, NO_FILTERS);
    lap('drawn');
    countByGrid(ws.events);
    lap('gridCounts');
    computeCounts(ws.events, new Date());
    lap('todayCounts');
    diffEvents(drawn, nextDrawn);
    lap('diff');
    drawn = nextDrawn;
  }
  const wallBatch = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, median(v)]));

  const summary = (xs: typeof upd) => ({ prep: median(xs.map((x) => x.prep)), sync: median(xs.map((x) => x.sync)), toScreen: median(xs.map((x) => x.toScreen)), worstFrame: median(xs.map((x) => x.worstFrame)) });
  return { events: N_EVENTS, grids: fc.features.length, changed: CHANGED, rounds: ROUNDS, dataMs: tData, firstRender, clusters, gridsDrawn, updateData: summary(upd), setData: summary(full), wallBatch };
}

(window as unknown as { __bench: Promise<unknown> }).__bench = run().catch((e: unknown) => ({ error: String(e instanceof Error ? e.stack : e) }));

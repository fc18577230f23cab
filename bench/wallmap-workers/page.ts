/// <reference lib="dom" />
/**
 * The workers bench page (bench/wallmap-workers.bench.ts). Between the live messages and the map
 * everything is the wall's own code: the worker store (workers-store.ts), the throttled feed
 * (worker-feed.ts), the diff to the map (workers-sync.ts) and the layers (workers-map.ts). Only the
 * messages are made here: N workers each reporting every 10 s, delivered as the socket delivers
 * them, in batches every 100 ms.
 *
 * `wall`: each batch into the throttled feed; at most once a second the store takes what waited
 * and the map gets the workers that moved (updateData). `peer`: what the wall did before, each
 * batch straight into the store and the whole layer rebuilt and sent again (setData).
 */
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { LiveMessage, WorkerPositionData } from '@gc/contracts';
import { ThrottledFeed } from '../../apps/wallmap/src/field/state/worker-feed';
import { initialWorkers, workersGeoJson, workersLive, workersSnapshot, type WorkersState } from '../../apps/wallmap/src/field/state/workers-store';
import { WorkersSync } from '../../apps/wallmap/src/field/state/workers-sync';
import { addWorkerLayers, WORKERS_SOURCE } from '../../apps/wallmap/src/field/state/workers-map';

maplibregl.setWorkerUrl(workerUrl);

const q = new URLSearchParams(location.search);
const N = Number(q.get('workers') ?? 5000);
const BATCH_MS = 100;
const PERIOD_MS = 10_000;
const BBOX = [118.4, 31.6, 119.2, 32.4] as const;
const STATES = ['on_patrol', 'on_patrol', 'idle', 'on_task', 'offline'] as const;

let seed = 7;
const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;

const workers: WorkerPositionData[] = Array.from({ length: N }, (_, i) => ({
  workerId: 100_000 + i * 3,
  name: `网格员${i + 1}`,
  lon: BBOX[0] + rnd() * (BBOX[2] - BBOX[0]),
  lat: BBOX[1] + rnd() * (BBOX[3] - BBOX[1]),
  at: new Date().toISOString(),
  accuracy: 8,
  patrolId: null,
  state: STATES[i % STATES.length],
  openTasks: i % 3,
}));

let seq = 1;
let next = 0;
/** Messages of one socket batch at the stated rate: N × BATCH_MS / PERIOD_MS (50 for 5,000 workers). */
const PER_BATCH = Math.max(1, Math.round((N * BATCH_MS) / PERIOD_MS));
/** The next `k` workers' messages, each a few metres further. */
function batch(k: number): LiveMessage<'worker.position'>[] {
  const out: LiveMessage<'worker.position'>[] = [];
  for (let j = 0; j < k; j++) {
    const w = workers[next];
    next = (next + 1) % N;
    const moved: WorkerPositionData = { ...w, lon: w.lon + (rnd() - 0.5) * 0.0004, lat: w.lat + (rnd() - 0.5) * 0.0004, at: new Date().toISOString() };
    workers[(next + N - 1) % N] = moved;
    out.push({ seq: seq++, type: 'worker.position', id: String(w.workerId), at: moved.at, areaPath: 'C.D.G', data: moved });
  }
  return out;
}

const map = new maplibregl.Map({
  container: 'map',
  style: { version: 8, sources: {}, layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#06101c' } }] },
  center: [118.8, 32.0],
  zoom: 9.5,
  attributionControl: false,
});
const idle = () => new Promise<void>((ok) => (map.loaded() && !map.isMoving() ? ok() : map.once('idle', () => ok())));

let state: WorkersState = initialWorkers;
const source = () => map.getSource(WORKERS_SOURCE) as GeoJSONSource;

const ready = new Promise<void>((ok) =>
  map.once('load', () => {
    addWorkerLayers(map);
    state = workersSnapshot(state, workers, 0);
    void source().setData(workersGeoJson(state));
    void idle().then(ok);
  }),
);

interface RunResult {
  mode: string;
  seconds: number;
  batches: number;
  messages: number;
  /** main-thread ms in the layer's own code (store, feed, diff, the MapLibre call) */
  layerMs: number;
  /** how many times the map got data */
  mapUpdates: number;
  /** longest single piece of that work */
  worstMs: number;
  /** longest gap between two ticks of the 100 ms generator timer (the page's main thread was busy) */
  maxGapMs: number;
}

/** Feed the page for `seconds` of wall time in one mode. */
async function run(mode: 'wall' | 'peer' | 'idle', seconds: number): Promise<RunResult> {
  await ready;
  let layerMs = 0;
  let worstMs = 0;
  let mapUpdates = 0;
  let messages = 0;
  let batches = 0;
  let depth = 0;
  // nested (the feed delivering inside a push): counted once, by the outer one
  const timed = (f: () => void) => {
    if (depth++ > 0) return void (f(), depth--);
    const t0 = performance.now();
    f();
    depth--;
    const d = performance.now() - t0;
    layerMs += d;
    worstMs = Math.max(worstMs, d);
  };
  const sync = new WorkersSync(() => source());
  sync.apply(state.byId); // what the map shows now (a whole setData, outside the measured part)
  // the feed's own timer delivers outside any push: timed here (inside a push, by the push)
  const feed = new ThrottledFeed((m) =>
    timed(() => {
      state = workersLive(state, m);
      if (sync.apply(state.byId) !== 'same') mapUpdates++;
    }),
  );
  // The messages are due by the clock, N / PERIOD_MS per millisecond since the start: a timer that
  // fires late (the page's main thread was busy, e.g. drawing the map) sends what fell due meanwhile,
  // in socket-sized batches, as the socket hands over the frames that arrived while the thread was busy.
  const start = performance.now();
  let sent = 0;
  const deliver = (m: LiveMessage<'worker.position'>[]) => {
    batches++;
    messages += m.length;
    if (mode === 'wall') timed(() => feed.push(m));
    else if (mode === 'peer')
      timed(() => {
        state = workersLive(state, m);
        void source().setData(workersGeoJson(state));
        mapUpdates++;
      });
  };
  let lastTick = start;
  let maxGapMs = 0;
  const tick = () => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - lastTick);
    lastTick = now;
    const due = Math.floor(((now - start) * N) / PERIOD_MS);
    while (due - sent >= PER_BATCH) {
      deliver(batch(PER_BATCH));
      sent += PER_BATCH;
    }
  };
  const h = setInterval(tick, BATCH_MS);
  await new Promise((ok) => setTimeout(ok, seconds * 1000));
  clearInterval(h);
  tick();
  const elapsedS = (performance.now() - start) / 1000;
  feed.stop();
  await idle();
  return { mode, seconds: elapsedS, batches, messages, layerMs, mapUpdates, worstMs, maxGapMs };
}

(window as unknown as { __run: typeof run; __ready: Promise<void> }).__run = run;
(window as unknown as { __ready: Promise<void> }).__ready = ready;

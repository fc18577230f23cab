import { useEffect, useRef } from 'react';
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { Feature, FeatureCollection } from 'geojson';
import type { AreaDetail, EventSummary } from '@gc/contracts';
import { worldLand } from '../../map/state/land';

interface Props {
  grid: AreaDetail | null;
  me: [number, number] | null;
  pick: [number, number] | null;
  tasks: EventSummary[];
  onPick(lngLat: [number, number]): void;
}

const empty: FeatureCollection = { type: 'FeatureCollection', features: [] };

function style(): StyleSpecification {
  return {
    version: 8,
    sources: {
      land: { type: 'geojson', data: worldLand() },
      grid: { type: 'geojson', data: empty },
      tasks: { type: 'geojson', data: empty },
      me: { type: 'geojson', data: empty },
      pick: { type: 'geojson', data: empty },
    },
    layers: [
      { id: 'bg', type: 'background', paint: { 'background-color': '#0d1b2a' } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': '#1b263b' } },
      { id: 'grid-fill', type: 'fill', source: 'grid', paint: { 'fill-color': '#4fc3f7', 'fill-opacity': 0.12 } },
      { id: 'grid-line', type: 'line', source: 'grid', paint: { 'line-color': '#4fc3f7', 'line-width': 2 } },
      { id: 'tasks', type: 'circle', source: 'tasks', paint: { 'circle-radius': 6, 'circle-color': '#ffb74d', 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 } },
      { id: 'pick', type: 'circle', source: 'pick', paint: { 'circle-radius': 8, 'circle-color': '#ef5350', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
      { id: 'me', type: 'circle', source: 'me', paint: { 'circle-radius': 7, 'circle-color': '#42a5f5', 'circle-stroke-color': '#fff', 'circle-stroke-width': 3 } },
    ],
  };
}

const point = (c: [number, number] | null): FeatureCollection => ({ type: 'FeatureCollection', features: c ? [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } }] : [] });

/** The worker's grid, their position, their open cases, and a tap that picks a report's place. */
export function FieldMap({ grid, me, pick, tasks, onPick }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<maplibregl.Map | null>(null);
  const ready = useRef(false);
  const pickRef = useRef(onPick);
  pickRef.current = onPick;
  const data = useRef({ grid, me, pick, tasks });
  data.current = { grid, me, pick, tasks };

  const sync = () => {
    const m = map.current;
    if (!m || !ready.current) return;
    const d = data.current;
    void (m.getSource('grid') as GeoJSONSource).setData(d.grid ? { type: 'Feature', properties: {}, geometry: d.grid.geometry } : empty);
    void (m.getSource('me') as GeoJSONSource).setData(point(d.me));
    void (m.getSource('pick') as GeoJSONSource).setData(point(d.pick));
    const feats: Feature[] = d.tasks.filter((e) => e.lon !== null && e.lat !== null).map((e) => ({ type: 'Feature', properties: { id: e.id }, geometry: { type: 'Point', coordinates: [e.lon!, e.lat!] } }));
    void (m.getSource('tasks') as GeoJSONSource).setData({ type: 'FeatureCollection', features: feats });
  };

  useEffect(() => {
    const m = new maplibregl.Map({ container: el.current!, style: style(), center: [118.79, 32.05], zoom: 12, attributionControl: false });
    map.current = m;
    m.once('load', () => {
      ready.current = true;
      sync();
    });
    m.on('click', (e) => pickRef.current([e.lngLat.lng, e.lngLat.lat]));
    return () => {
      ready.current = false;
      m.remove();
      map.current = null;
    };
  }, []);

  useEffect(sync, [grid, me, pick, tasks]);

  // Fit the grid once it is known.
  useEffect(() => {
    if (!grid || !map.current) return;
    const ring = grid.geometry.coordinates.flat(2) as unknown as number[][];
    const xs = ring.map((c) => c[0]);
    const ys = ring.map((c) => c[1]);
    map.current.fitBounds([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], { padding: 20, duration: 0 });
  }, [grid]);

  return <div ref={el} className="field-map" data-testid="field-map" />;
}

import { useEffect, useRef, useState } from 'react';
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, MapLayerMouseEvent } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { TerraDraw, TerraDrawLineStringMode, TerraDrawPolygonMode, TerraDrawSelectMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { nearestPointOnLine, polygonToLine } from '@turf/turf';
import type { Feature, FeatureCollection, LineString, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson';
import { api, getSession } from '../../auth/api/http';
import { addOnlineBasemap, type OnlineBasemap } from '../../map/state/basemap';
import { worldLand } from '../../map/state/land';
import { paintProbe } from '../state/paint-probe';
import type { FindingsLayer } from '../state/findings-layer';
import { DRAFT, OVERLAY, PARENT, studioStyle } from '../state/studio-style';

export type Tool = 'select' | 'split' | 'reshape' | 'draw';

interface Props {
  draft: FeatureCollection;
  parent: Feature<MultiPolygon> | null;
  /** the server's findings, drawn by the map in its next frame once set (the screen sets them as the answer arrives) */
  findings: FindingsLayer;
  overlay: FeatureCollection;
  selected: string[];
  tool: Tool;
  /** the one grid being reshaped (tool reshape) */
  reshape: Feature<Polygon> | null;
  fit: [number, number, number, number] | null;
  onPick(code: string | null, add: boolean): void;
  onLine(line: Position[]): void;
  onPolygon(p: Polygon): void;
  /** the grid's geometry while a vertex is being dragged: the draft to show meanwhile (every grid with that vertex), or null */
  onReshaping(p: Polygon): FeatureCollection | null;
  onReshaped(p: Polygon): void;
}

function transformRequest(url: string) {
  const token = getSession()?.accessToken;
  const u = new URL(url, location.href);
  if (token && u.host === location.host && u.pathname.startsWith('/api/')) return { url, headers: { Authorization: `Bearer ${token}` } };
  return { url };
}

/** Snap a drawn point to the parent's boundary when it is within 12 px of it (vertices meet the parent's edge). */
function snapToParent(map: maplibregl.Map, parent: Feature<MultiPolygon> | null) {
  return (e: { lng: number; lat: number; containerX: number; containerY: number }): Position | undefined => {
    if (!parent) return undefined;
    const line = polygonToLine(parent) as Feature<LineString | MultiLineString> | { type: 'FeatureCollection'; features: Feature<LineString | MultiLineString>[] };
    const lines = 'features' in line ? line.features : [line];
    let best: Position | undefined;
    let bestPx = 12;
    for (const l of lines) {
      const p = nearestPointOnLine(l, [e.lng, e.lat]).geometry.coordinates;
      const px = map.project(p as [number, number]);
      const d = Math.hypot(px.x - e.containerX, px.y - e.containerY);
      if (d < bestPx) {
        bestPx = d;
        best = p;
      }
    }
    return best;
  };
}

/**
 * The studio's map: MapLibre draws the draft, findings and overlays from GeoJSON sources;
 * terra-draw (its MapLibre adapter) draws cut lines and new polygons and drags vertices.
 * Edits leave here as callbacks; the screen turns them into pure actions.
 */
export function StudioMap(p: Props) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const drawRef = useRef<TerraDraw | null>(null);
  const propsRef = useRef(p);
  propsRef.current = p;
  const [ready, setReady] = useState(false);
  const selectedRef = useRef<string[]>([]);
  /** the draft source shows a drag's preview, not p.draft */
  const previewing = useRef(false);

  useEffect(() => {
    // no box zoom: Shift+click adds a grid to the selection (to merge)
    const map = new maplibregl.Map({ container: container.current!, style: studioStyle(location.origin, worldLand()), center: [118.79, 32.05], zoom: 11, transformRequest, attributionControl: false, boxZoom: false });
    mapRef.current = map;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    map.addControl(new maplibregl.AttributionControl({ compact: false, customAttribution: '© OpenStreetMap contributors · Natural Earth' }), 'bottom-right');
    map.on('click', 'draft-fill', (e: MapLayerMouseEvent) => {
      if (propsRef.current.tool !== 'select') return;
      const code = e.features?.[0]?.properties?.code as string | undefined;
      propsRef.current.onPick(code ?? null, e.originalEvent.shiftKey);
    });
    map.once('load', () => {
      // the findings under the overlay and the labels; the probe hears of the frame that first draws new ones
      map.addLayer(propsRef.current.findings, 'overlay-fill');
      propsRef.current.findings.onDrawn = () => paintProbe.mapDrawn();
      void addOnlineBasemap(map, () => api<{ online: OnlineBasemap | null }>('GET', '/api/areas/basemap'), 'osm-landuse').catch(() => undefined);
      const snap = (ev: { lng: number; lat: number; containerX: number; containerY: number }) => snapToParent(map, propsRef.current.parent)(ev);
      const draw = new TerraDraw({
        adapter: new TerraDrawMapLibreGLAdapter({ map }),
        modes: [
          new TerraDrawLineStringMode({ keyEvents: { cancel: 'Escape', finish: 'Enter' }, snapping: { toCustom: snap } }),
          new TerraDrawPolygonMode({ snapping: { toCustom: snap } }),
          // midpoints: a vertex can be put on an edge (the screen puts it on the neighbour's shared edge too)
          new TerraDrawSelectMode({ flags: { polygon: { feature: { coordinates: { draggable: true, midpoints: true, snappable: { toCustom: snap } } } } } }),
        ],
      });
      draw.start();
      // during a drag the grids that share the vertex follow it, once per frame (the edit is made on the drop)
      let frame = 0;
      draw.on('change', (ids, type) => {
        if (type !== 'update' || frame || draw.getMode() !== 'select') return;
        frame = requestAnimationFrame(() => {
          frame = 0;
          const f = ids.map((i) => draw.getSnapshotFeature(i)).find((x) => x?.geometry.type === 'Polygon');
          const preview = f && propsRef.current.onReshaping(f.geometry as Polygon);
          if (preview) {
            previewing.current = true;
            void (map.getSource(DRAFT) as GeoJSONSource).setData(preview);
          }
        });
      });
      draw.on('finish', (id, ctx) => {
        const f = draw.getSnapshotFeature(id);
        if (!f) return;
        if (ctx.mode === 'linestring' && f.geometry.type === 'LineString') {
          propsRef.current.onLine(f.geometry.coordinates);
          draw.clear();
        } else if (ctx.mode === 'polygon' && f.geometry.type === 'Polygon') {
          propsRef.current.onPolygon(f.geometry);
          draw.clear();
        } else if (ctx.mode === 'select' && f.geometry.type === 'Polygon') {
          propsRef.current.onReshaped(f.geometry);
        }
      });
      drawRef.current = draw;
      (window as unknown as { __studio?: { map: maplibregl.Map; draw: TerraDraw; paints: number[]; paintParts: [number, number][] } }).__studio = { map, draw, paints: paintProbe.paints, paintParts: paintProbe.parts };
      setReady(true);
    });
    return () => {
      drawRef.current?.stop();
      drawRef.current = null;
      map.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    if (!ready) return;
    previewing.current = false;
    void (mapRef.current!.getSource(DRAFT) as GeoJSONSource).setData(p.draft);
    // whole geometries for tests and scripts (the map's own features are cut at tile edges)
    (window as unknown as { __studio: { draft?: FeatureCollection } }).__studio.draft = p.draft;
  }, [ready, p.draft]);
  useEffect(() => {
    if (ready) void (mapRef.current!.getSource(OVERLAY) as GeoJSONSource).setData(p.overlay);
  }, [ready, p.overlay]);
  useEffect(() => {
    if (ready) void (mapRef.current!.getSource(PARENT) as GeoJSONSource).setData(p.parent ?? { type: 'FeatureCollection', features: [] });
  }, [ready, p.parent]);
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    for (const c of selectedRef.current) map.setFeatureState({ source: DRAFT, id: c }, { selected: false });
    for (const c of p.selected) map.setFeatureState({ source: DRAFT, id: c }, { selected: true });
    selectedRef.current = p.selected;
  }, [ready, p.selected, p.draft]);
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !p.fit) return;
    const b = p.fit;
    // the side panels cover the map's edges: fit into the middle (again when the window changes size)
    const fit = () => {
      const side = Math.min(440, map.getContainer().clientWidth * 0.27);
      map.fitBounds(b, { padding: { top: 80, bottom: 40, left: side, right: side }, duration: 0 });
    };
    fit();
    map.on('resize', fit);
    return () => void map.off('resize', fit);
  }, [ready, p.fit]);

  // the tool decides terra-draw's mode; reshape puts the one grid into terra-draw, selected
  useEffect(() => {
    const draw = drawRef.current;
    if (!ready || !draw) return;
    // a drag that was refused left its preview on the map: the draft as it is again
    if (previewing.current) {
      previewing.current = false;
      void (mapRef.current!.getSource(DRAFT) as GeoJSONSource).setData(propsRef.current.draft);
    }
    draw.clear();
    if (p.tool === 'split') draw.setMode('linestring');
    else if (p.tool === 'draw') draw.setMode('polygon');
    else if (p.tool === 'reshape' && p.reshape) {
      draw.setMode('select');
      const [r] = draw.addFeatures([{ ...p.reshape, id: undefined, properties: { mode: 'polygon' } } as never]);
      if (r?.valid && r.id !== undefined) draw.selectFeature(r.id);
    } else draw.setMode('static');
  }, [ready, p.tool, p.reshape]);

  return <div ref={container} className="map studio-map" data-testid="studio-map" data-ready={ready ? '1' : '0'} />;
}

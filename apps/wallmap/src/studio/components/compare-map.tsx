import { useEffect, useRef, useState } from 'react';
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection } from 'geojson';
import { worldLand } from '../../map/state/land';
import { COMPARE, compareStyle } from '../state/compare-style';

/** The compare view's map: both versions from one GeoJSON source (properties `side`, `change`). */
export function CompareMap({ features, fit }: { features: FeatureCollection; fit: [number, number, number, number] | null }) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const map = new maplibregl.Map({ container: container.current!, style: compareStyle(location.origin, worldLand()), center: [118.79, 32.05], zoom: 10, attributionControl: false });
    mapRef.current = map;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    map.addControl(new maplibregl.AttributionControl({ compact: false, customAttribution: '© OpenStreetMap contributors · Natural Earth' }), 'bottom-right');
    map.once('load', () => {
      (window as unknown as { __compare?: { map: maplibregl.Map } }).__compare = { map };
      setReady(true);
    });
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    if (ready) void (mapRef.current!.getSource(COMPARE) as GeoJSONSource).setData(features);
  }, [ready, features]);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !fit) return;
    const go = () => {
      const side = Math.min(440, map.getContainer().clientWidth * 0.27);
      map.fitBounds(fit, { padding: { top: 80, bottom: 40, left: side, right: side }, duration: 0 });
    };
    go();
    map.on('resize', go);
    return () => void map.off('resize', go);
  }, [ready, fit]);

  return <div ref={container} className="map compare-map" data-testid="compare-map" data-ready={ready ? '1' : '0'} />;
}

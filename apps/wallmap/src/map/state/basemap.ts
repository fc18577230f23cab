import type { LayerSpecification, SourceSpecification } from 'maplibre-gl';

/** Attribution the maps show whenever the OSM layers (or an online basemap) are on. */
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors';

/** An online basemap for deployments with internet (GET /api/areas/basemap; BASEMAP_TILE_URL on the server). */
export interface OnlineBasemap {
  tiles: string[];
  attribution: string;
}

/**
 * Something to draw along: Nanjing's water and land use from OpenStreetMap, served offline from
 * /basemap (copied into the product, see public/basemap/ATTRIBUTION.md); an online raster
 * basemap underneath when the deployment configures one.
 */
export function basemapSources(origin: string, online: OnlineBasemap | null): Record<string, SourceSpecification> {
  return {
    ...(online ? { online: { type: 'raster', tiles: online.tiles, tileSize: 256, attribution: online.attribution } as SourceSpecification } : {}),
    'osm-landuse': { type: 'geojson', data: `${origin}/basemap/nanjing-landuse.geojson`, attribution: OSM_ATTRIBUTION },
    'osm-water': { type: 'geojson', data: `${origin}/basemap/nanjing-water.geojson`, attribution: OSM_ATTRIBUTION },
  };
}

export function basemapLayers(online: OnlineBasemap | null): LayerSpecification[] {
  return [
    ...(online ? [{ id: 'online-basemap', type: 'raster', source: 'online', paint: { 'raster-opacity': 0.55 } } as LayerSpecification] : []),
    {
      id: 'osm-landuse',
      type: 'fill',
      source: 'osm-landuse',
      minzoom: 10,
      paint: {
        'fill-color': [
          'match',
          ['get', 'fclass'],
          'residential',
          '#2a2f45',
          ['park', 'grass', 'forest', 'meadow', 'recreation_ground', 'scrub', 'nature_reserve'],
          '#173a2c',
          ['industrial', 'quarry'],
          '#3a2f24',
          ['commercial', 'retail'],
          '#3a2535',
          '#1c2836',
        ],
        'fill-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0.4, 14, 0.8],
      },
    },
    { id: 'osm-water', type: 'fill', source: 'osm-water', paint: { 'fill-color': '#0f3a5c', 'fill-opacity': 0.9 } },
  ];
}

/**
 * Adds the deployment's online basemap under everything when the server names one
 * (GET /api/areas/basemap); without one (or offline) the maps keep the OSM layers only.
 */
export async function addOnlineBasemap(
  map: { addSource(id: string, s: SourceSpecification): unknown; addLayer(l: LayerSpecification, before?: string): unknown; getSource(id: string): unknown },
  fetchBasemap: () => Promise<{ online: OnlineBasemap | null }>,
  beforeId: string,
): Promise<void> {
  const { online } = await fetchBasemap();
  if (!online || map.getSource('online')) return;
  map.addSource('online', basemapSources('', online).online);
  map.addLayer(basemapLayers(online)[0], beforeId);
}

/** Where the offline OSM layers have data (Nanjing municipality). */
export const OSM_EXTENT: [number, number, number, number] = [118.35, 31.22, 119.24, 32.61];

/**
 * The wall adds the offline OSM layers only once it looks at Nanjing closely (zoom ≥ 11 inside
 * their extent): they are ~5 MB of GeoJSON, which a wall showing another city, or the whole
 * city at a glance, has no use for. Returns true when they are (now) on the map.
 */
export function addOfflineBasemapWhenNear(
  map: { getZoom(): number; getCenter(): { lng: number; lat: number }; getSource(id: string): unknown; addSource(id: string, s: SourceSpecification): unknown; addLayer(l: LayerSpecification, before?: string): unknown },
  origin: string,
  beforeId: string,
): boolean {
  if (map.getSource('osm-water')) return true;
  const c = map.getCenter();
  const [x0, y0, x1, y1] = OSM_EXTENT;
  if (map.getZoom() < 11 || c.lng < x0 || c.lng > x1 || c.lat < y0 || c.lat > y1) return false;
  const sources = basemapSources(origin, null);
  for (const id of ['osm-landuse', 'osm-water']) map.addSource(id, sources[id]);
  for (const l of basemapLayers(null)) map.addLayer(l, beforeId);
  return true;
}

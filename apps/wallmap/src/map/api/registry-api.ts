import type { Feature, FeatureCollection, Point } from 'geojson';
import type { RegistryTally } from '@gc/contracts';
import { api } from '../../auth/api/http';
import type { PointKind } from '../state/map-style';

/** One grid's row of GET /api/registry/counts?groupBy=grid (registry-counts.repository.ts). */
export interface GridRegistryCounts extends RegistryTally {
  grid: { code: string; name: string };
}

/** People per grid code, in the caller's jurisdiction; null when the registry does not answer. */
export async function fetchPeopleCounts(): Promise<Record<string, number> | null> {
  try {
    const body = await api<{ grids: GridRegistryCounts[] }>('GET', '/api/registry/counts?groupBy=grid');
    const out: Record<string, number> = {};
    for (const r of body.grids) out[r.grid.code] = r.people;
    return out;
  } catch {
    return null;
  }
}

interface Located {
  id: number;
  name?: string | null;
  kind?: string;
  category?: { name?: string } | null;
  location: { lon: number; lat: number } | null;
  grid: { code: string } | null;
}

/** At most this many points per kind on the wall; the panel says when a layer was cut. */
export const MAX_POINTS = 30_000;

export interface PointLayer {
  data: FeatureCollection<Point>;
  /** more records exist than were drawn */
  truncated: boolean;
}

/**
 * Places, objects or organizations with a location, as points (GET /api/<kind>?afterId=&limit=1000,
 * page by page). Individual people are never fetched here.
 */
export async function fetchPoints(kind: PointKind, max = MAX_POINTS): Promise<PointLayer> {
  const features: Feature<Point>[] = [];
  let after: number | null = null;
  let truncated = false;
  for (;;) {
    const page: { items: Located[]; nextAfterId: number | null } = await api('GET', `/api/${kind}?limit=1000${after ? `&afterId=${after}` : ''}`);
    for (const r of page.items) {
      if (!r.location) continue;
      features.push({
        type: 'Feature',
        id: r.id,
        geometry: { type: 'Point', coordinates: [r.location.lon, r.location.lat] },
        properties: { id: r.id, name: r.name ?? '', kind: r.kind ?? r.category?.name ?? '', grid: r.grid?.code ?? '' },
      });
    }
    if (!page.nextAfterId || page.items.length === 0) break;
    if (features.length >= max) {
      truncated = true;
      break;
    }
    after = page.nextAfterId;
  }
  return { data: { type: 'FeatureCollection', features }, truncated };
}

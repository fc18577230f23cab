import { feature } from 'topojson-client';
import type { FeatureCollection } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import land50m from 'world-atlas/land-50m.json';

/** World land (Natural Earth via world-atlas, public domain), bundled: the wall has no internet. */
let cached: FeatureCollection | null = null;
export function worldLand(): FeatureCollection {
  if (!cached) {
    const topo = land50m as unknown as Topology<{ land: GeometryCollection }>;
    cached = feature(topo, topo.objects.land) as unknown as FeatureCollection;
  }
  return cached;
}

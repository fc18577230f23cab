#!/usr/bin/env node
// Copies Nanjing's OSM water and land use (ODbL) into the wall map's public folder for offline use:
// properties cut to fclass and name, coordinates rounded to 5 decimals (~1 m). Run once when the
// source data changes:  node scripts/basemap-prepare.mjs ../shared/data/basemap/nanjing-osm
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const src = resolve(process.argv[2] ?? '../shared/data/basemap/nanjing-osm');
const out = resolve('apps/wallmap/public/basemap');
const round = (c) => (typeof c[0] === 'number' ? [Math.round(c[0] * 1e5) / 1e5, Math.round(c[1] * 1e5) / 1e5] : c.map(round));
for (const [name, file] of [
  ['water', 'nanjing_water_320100.geojson'],
  ['landuse', 'nanjing_landuse_320100.geojson'],
]) {
  const fc = JSON.parse(readFileSync(join(src, file), 'utf8'));
  const features = fc.features
    .filter((f) => f.geometry)
    .map((f) => ({
      type: 'Feature',
      properties: { fclass: f.properties.fclass, ...(f.properties.name ? { name: f.properties.name } : {}) },
      geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) },
    }));
  writeFileSync(join(out, `nanjing-${name}.geojson`), JSON.stringify({ type: 'FeatureCollection', features }));
  console.log(`${name}: ${features.length} features`);
}

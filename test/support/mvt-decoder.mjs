// Decodes a vector tile with @mapbox/vector-tile + pbf (ESM-only packages, so tests run this
// with plain node): reads the tile from stdin, prints its layers and features as JSON.
import { VectorTile } from '@mapbox/vector-tile';
import Pbf from 'pbf';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const tile = new VectorTile(new Pbf(Buffer.concat(chunks)));
const out = {};
for (const [name, layer] of Object.entries(tile.layers)) {
  const features = [];
  for (let i = 0; i < layer.length; i++) {
    const f = layer.feature(i);
    features.push({ type: f.type, properties: f.properties, rings: f.loadGeometry().map((r) => r.map((p) => [p.x, p.y])) });
  }
  out[name] = { version: layer.version, extent: layer.extent, features };
}
process.stdout.write(JSON.stringify(out));

import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export interface DecodedTile {
  [layer: string]: { version: number; extent: number; features: { type: number; properties: Record<string, unknown>; rings: [number, number][][] }[] };
}

/** Decode an MVT with the real decoder (@mapbox/vector-tile + pbf), in a plain node process (they are ESM only). */
export function decodeMvt(tile: Buffer): DecodedTile {
  const out = execFileSync(process.execPath, [resolve(__dirname, 'mvt-decoder.mjs')], { input: tile, cwd: resolve(__dirname, '../..') });
  return JSON.parse(out.toString());
}

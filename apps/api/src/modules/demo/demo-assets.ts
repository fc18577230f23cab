import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { geometryToWgs84 } from '@gc/geo';

/** The six Nanjing districts the source documents name (seed 001). */
export const DEMO_CITY = { code: '320100', name: '南京市' } as const;
export const DEMO_DISTRICTS = ['320102', '320104', '320105', '320106', '320113', '320115'] as const;

export interface DistrictAsset {
  code: string;
  name: string;
  /** GeoJSON MultiPolygon/Polygon in WGS-84 (converted from the file's GCJ-02). */
  geometry: { type: string; coordinates: unknown };
}
export interface AdminUnit {
  code: string;
  name: string;
  parent: string;
}

/**
 * The assets live in the repository (apps/api/assets/demo), not beside the compiled
 * code: walk up from this file until a folder holding them is found, so the same
 * lookup works from apps/api/src (tests) and from dist/api/... (npm start).
 */
export function demoAssetsDir(start = __dirname): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'apps/api/assets/demo');
    if (existsSync(join(candidate, 'streets.csv'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error(`demo assets (apps/api/assets/demo) not found above ${start}`);
    dir = up;
  }
}

export function loadDistricts(dir = demoAssetsDir()): DistrictAsset[] {
  const fc = JSON.parse(readFileSync(join(dir, 'nanjing-districts-gcj02.json'), 'utf8')) as {
    features: { properties: { adcode: number | string; name: string }; geometry: DistrictAsset['geometry'] }[];
  };
  return fc.features
    .filter((f) => (DEMO_DISTRICTS as readonly string[]).includes(String(f.properties.adcode)))
    .map((f) => ({ code: String(f.properties.adcode), name: f.properties.name, geometry: geometryToWgs84(f.geometry, 'gcj02') }));
}

function readCsv(file: string): Record<string, string>[] {
  return parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, trim: true });
}

/** "梅园新村社区居委会" → "梅园新村社区", "龙山村村民委员会" → "龙山村": the name people use on a map. */
export function shortCommunityName(official: string): string {
  return official
    .replace(/(社区)?(居民委员会|居委会|居委)$/, '社区')
    .replace(/村?(村民委员会|村委会)$/, '村')
    .replace(/社区社区$/, '社区');
}

export function loadStreets(dir = demoAssetsDir()): AdminUnit[] {
  return readCsv(join(dir, 'streets.csv'))
    .filter((r) => (DEMO_DISTRICTS as readonly string[]).includes(r.areaCode))
    .map((r) => ({ code: r.code, name: r.name, parent: r.areaCode }));
}

export function loadCommunities(dir = demoAssetsDir()): AdminUnit[] {
  return readCsv(join(dir, 'communities.csv'))
    .filter((r) => (DEMO_DISTRICTS as readonly string[]).includes(r.areaCode))
    .map((r) => ({ code: r.code, name: shortCommunityName(r.name), parent: r.streetCode }));
}

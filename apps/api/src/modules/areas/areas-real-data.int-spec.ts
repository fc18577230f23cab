import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { startTestApp, type TestApp } from '@test/support/app';
import { importAreas } from '@test/support/area-import';

/** Real public data beside the repository (../shared/data, see its README); CI clones it there. */
const DATA = resolve(__dirname, '../../../../../../shared/data');
const json = (p: string) => JSON.parse(readFileSync(resolve(DATA, p), 'utf8'));

describe('areas on real data: NYC community districts and Nanjing districts (real PostGIS)', () => {
  let t: TestApp;
  let admin: { authorization: string };
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.admin();
  });
  afterAll(async () => {
    await t.close();
  });

  it('routes real NYC 311 requests to the district their official label names (≥ 99%)', async () => {
    const districts = json('nyc311/boundaries/dwillis_nyc-maps__community_districts.geojson');
    // 83k vertices: past AREA_IMPORT_JOB_VERTICES, so it runs as a job (followed to its end).
    const imp = await importAreas(t, '/api/areas/import?level=grid&codeProperty=BoroCD', districts, admin);
    expect(imp.statusCode).toBe(201);
    expect(imp.body.results).toHaveLength(71);
    expect(imp.body.results.every((r: { status: string }) => r.status === 'imported')).toBe(true);
    const v = imp.body.versionId;
    const topo = (await t.app.inject({ method: 'GET', url: `/api/areas/versions/${v}/topology`, headers: admin })).json();
    expect(topo.summary.blocking).toBe(false);
    const pub = await t.app.inject({ method: 'POST', url: `/api/areas/versions/${v}/publish`, headers: admin, payload: { acknowledgeGaps: true } });
    expect(pub.statusCode).toBe(200);
    expect(pub.json().added).toBe(71);

    const rows: Record<string, string>[] = parse(readFileSync(resolve(DATA, 'nyc311/nyc311_dev.csv')), { columns: true, skip_empty_lines: true });
    let compared = 0;
    let agree = 0;
    let outside = 0;
    for (const r of rows) {
      if (!r.latitude || !r.longitude || !r.boro_cd) continue;
      const res = await t.app.inject({ method: 'GET', url: `/api/areas/locate?lon=${r.longitude}&lat=${r.latitude}`, headers: admin });
      compared++;
      if (res.statusCode === 404) {
        expect(res.json().code).toBe('NOT_IN_ANY_GRID');
        outside++;
        continue;
      }
      expect(res.statusCode).toBe(200);
      if (res.json().grid.code === String(Number(r.boro_cd))) agree++;
    }
    const rate = agree / compared;
    process.stdout.write(`NYC 311: ${agree}/${compared} requests located in their labelled community district = ${(rate * 100).toFixed(2)}% (${outside} outside every district)\n`);
    expect(compared).toBeGreaterThan(4000);
    expect(rate).toBeGreaterThanOrEqual(0.99);
  });

  it('imports Nanjing (GCJ-02): two self-intersecting districts are rejected with a location, then repaired; points convert to WGS-84', async () => {
    const nanjing = json('china/districts/datav_geoatlas__320100_full__nanjing_gcj02.json');
    const url = '/api/areas/import?level=district&codeProperty=adcode&nameProperty=name&crs=gcj02&mode=keep-valid';
    const plain = await t.app.inject({ method: 'POST', url, headers: admin, payload: nanjing });
    expect(plain.statusCode).toBe(201);
    const rejected = plain.json().results.filter((r: { status: string }) => r.status === 'rejected');
    expect(rejected.map((r: { code: string }) => r.code).sort()).toEqual(['320114', '320118']);
    for (const r of rejected) {
      expect(r.reason).toMatch(/^Self-intersection at \[/);
      expect(r.location.type).toBe('Point');
      // the location is in Nanjing, in WGS-84
      expect(r.location.coordinates[0]).toBeGreaterThan(118.3);
      expect(r.location.coordinates[0]).toBeLessThan(119.3);
      expect(r.location.coordinates[1]).toBeGreaterThan(31.2);
      expect(r.location.coordinates[1]).toBeLessThan(32.7);
    }
    process.stdout.write(`Nanjing without repair: ${rejected.map((r: { code: string; reason: string }) => `${r.code} ${r.reason}`).join('; ')}\n`);

    const repaired = await t.app.inject({ method: 'POST', url: `${url}&repair=true`, headers: admin, payload: nanjing });
    expect(repaired.statusCode).toBe(201);
    const byCode = Object.fromEntries(repaired.json().results.map((r: { code: string }) => [r.code, r]));
    expect(Object.keys(byCode)).toHaveLength(11);
    for (const code of ['320114', '320118']) expect(byCode[code]).toMatchObject({ status: 'repaired', reason: expect.stringMatching(/Self-intersection.*repaired with ST_MakeValid/) });
    expect(byCode['320102'].status).toBe('imported');

    // A vertex converted by the import (gcoord GCJ-02 → WGS-84) lands where the WGS-84 derived file puts it.
    const derived = json('china/districts/datav_geoatlas__320100_full__nanjing_wgs84_derived.geojson');
    const exported = (await t.app.inject({ method: 'GET', url: `/api/areas/export?level=district&version=${repaired.json().versionId}`, headers: admin })).json();
    const ours = exported.features.find((f: { properties: { code: string } }) => f.properties.code === '320104');
    const theirs = derived.features.find((f: { properties: { adcode: number } }) => f.properties.adcode === 320104);
    expect(ours.properties.name).toBe('秦淮区');
    const [a, b] = [ours.geometry.coordinates[0][0][3], theirs.geometry.coordinates[0][0][3]];
    expect(Math.abs(a[0] - b[0])).toBeLessThan(1e-6);
    expect(Math.abs(a[1] - b[1])).toBeLessThan(1e-6);
    const gcj = nanjing.features.find((f: { properties: { adcode: number } }) => f.properties.adcode === 320104).geometry.coordinates[0][0][3];
    // and it really moved: GCJ-02 is some hundreds of metres off here
    expect(Math.hypot(gcj[0] - a[0], gcj[1] - a[1])).toBeGreaterThan(0.003);
  });
});

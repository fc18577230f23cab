import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startTestApp, type TestApp } from '@test/support/app';
import { box } from '@test/support/factories';

/** Real public data beside the repository (../shared/data, see its README). */
const DATA = resolve(__dirname, '../../../../../../shared/data');
const json = (p: string) => JSON.parse(readFileSync(resolve(DATA, p), 'utf8'));

/**
 * Real dirt: Nanjing's eleven districts as digitised by two independent sources (DataV GeoAtlas
 * and AMap 2020), alternating source by district. Neighbours drawn by different hands overlap
 * and leave gaps along their shared borders, like hand-digitised neighbourhood polygons.
 */
function mixedDistricts() {
  const datav = json('china/districts/datav_geoatlas__320100_full__nanjing_wgs84_derived.geojson');
  const amap = json('china/districts/garybikini_amap_2020__nanjing_320100_districts_wgs84_derived.geojson');
  const byCode = (fc: any) => new Map<string, any>(fc.features.map((f: any) => [String(f.properties.adcode), f]));
  const [a, b] = [byCode(datav), byCode(amap)];
  const codes = [...a.keys()].sort();
  return {
    type: 'FeatureCollection',
    features: codes.map((code, i) => {
      const f = (i % 2 ? b : a).get(code) ?? a.get(code);
      return { type: 'Feature', properties: { code, name: f.properties.name }, geometry: f.geometry };
    }),
  };
}

describe('repair of real overlapping boundaries (real PostGIS)', () => {
  let t: TestApp;
  let admin: { authorization: string };
  const post = (url: string, payload: unknown, h = admin) => t.app.inject({ method: 'POST', url, payload: payload as object, headers: h });
  const get = (url: string, h = admin) => t.app.inject({ method: 'GET', url, headers: h });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.admin();
  });
  afterAll(async () => {
    await t.close();
  });

  it('makes two sources of Nanjing districts publishable: every overlap assigned by the stated rule and reported with where and how big', async () => {
    const imp = await post('/api/areas/import?level=district&codeProperty=code&nameProperty=name&repair=true', mixedDistricts());
    expect(imp.statusCode).toBe(201);
    const v = imp.json().versionId;
    const before = (await get(`/api/areas/versions/${v}/topology`)).json();
    // the control: these polygons really overlap, and publish refuses them
    expect(before.summary.overlaps).toBeGreaterThan(5);
    expect((await post(`/api/areas/versions/${v}/publish`, { acknowledgeGaps: true })).json().code).toBe('TOPOLOGY_BLOCKED');

    // a preview changes nothing
    const preview = await post(`/api/areas/versions/${v}/repair`, { apply: false });
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toMatchObject({ applied: false, after: { overlaps: 0 } });
    expect((await get(`/api/areas/versions/${v}/topology`)).json().summary.overlaps).toBe(before.summary.overlaps);

    const res = await post(`/api/areas/versions/${v}/repair`, { maxGapM2: 20000 });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.applied).toBe(true);
    expect(r.before.overlaps).toBe(before.summary.overlaps);
    const overlaps = r.changes.filter((c: { action: string }) => c.action === 'overlap-assigned');
    expect(overlaps.length).toBeGreaterThanOrEqual(before.summary.overlaps);
    for (const c of overlaps) {
      expect(c.from).not.toBe(c.to);
      expect(c.rule).toMatch(/longer border/);
      expect(c.areaM2).toBeGreaterThan(0);
      expect(c.location.type).toBe('Point');
      expect(c.location.coordinates[0]).toBeGreaterThan(118.3);
      expect(c.location.coordinates[0]).toBeLessThan(119.3);
    }
    const total = overlaps.reduce((s: number, c: { areaM2: number }) => s + c.areaM2, 0);
    process.stdout.write(
      `repair of mixed-source Nanjing districts: ${before.summary.overlaps} overlaps (${Math.round(total)} m²) → ${r.after.overlaps}; ` +
        `${r.changes.filter((c: { action: string }) => c.action === 'gap-filled').length} gaps filled, ${r.changes.filter((c: { action: string }) => c.action === 'gap-left').length} left, ` +
        `${r.changes.filter((c: { action: string }) => c.action === 'sliver-absorbed').length} slivers absorbed\n`,
    );
    const after = (await get(`/api/areas/versions/${v}/topology`)).json();
    expect(after.summary).toMatchObject({ overlaps: 0, blocking: false });
    // small gaps were closed: what remains is larger than the limit
    for (const g of after.gaps.features) expect(g.properties.areaM2).toBeGreaterThanOrEqual(20000 * 0.99);
    const pub = await post(`/api/areas/versions/${v}/publish`, { acknowledgeGaps: true });
    expect(pub.statusCode).toBe(200);
    expect(pub.json().added).toBe(11);
  });

  it('assigns a simple overlap to the neighbour it borders longer, closes a small gap, leaves a large one', async () => {
    const d = await post('/api/areas/import?level=district&codeProperty=code', { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: 'RP' }, geometry: box(118.0, 31.99, 118.02, 32.01) }] });
    expect((await post(`/api/areas/versions/${d.json().versionId}/publish`, {})).statusCode).toBe(200);
    // RA spills 0.001° into RB; the spilled strip borders the rest of RA along RB's west edge and
    // RB's top edge, the rest of RB only along RA's east edge: it goes to RA. RC lies below with a
    // ~22 m strip of gap (≈ 42,000 m², under the limit); above RB a large gap (≈ 189,000 m²) stays.
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { code: 'RA', parent: 'RP' }, geometry: box(118.0, 32.0, 118.011, 32.01) },
        { type: 'Feature', properties: { code: 'RB', parent: 'RP' }, geometry: box(118.01, 32.0, 118.02, 32.008) },
        { type: 'Feature', properties: { code: 'RC', parent: 'RP' }, geometry: box(118.0, 31.99, 118.02, 31.9998) },
      ],
    };
    const v = (await post('/api/areas/import?level=grid&codeProperty=code&parentProperty=parent', fc)).json().versionId;
    const r = (await post(`/api/areas/versions/${v}/repair`, { maxGapM2: 50000 })).json();
    const ov = r.changes.filter((c: { action: string }) => c.action === 'overlap-assigned');
    expect(ov).toHaveLength(1);
    expect(ov[0]).toMatchObject({ to: 'RA', from: 'RB' });
    // 0.001° × 0.008° at 32° N ≈ 94 m × 887 m
    expect(ov[0].areaM2).toBeGreaterThan(0.8e5);
    expect(ov[0].areaM2).toBeLessThan(0.9e5);
    const filled = r.changes.filter((c: { action: string }) => c.action === 'gap-filled');
    expect(filled).toHaveLength(1);
    // the strip borders RC along 0.02°, RA along 0.011° and RB along 0.01°
    expect(filled[0].to).toBe('RC');
    const left = r.changes.filter((c: { action: string }) => c.action === 'gap-left');
    expect(left).toHaveLength(1);
    expect(left[0].areaM2).toBeGreaterThan(1.8e5);
    expect(r.after).toMatchObject({ overlaps: 0, gaps: 1 });
  });
});

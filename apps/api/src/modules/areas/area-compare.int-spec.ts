import type { Client } from 'pg';
import { startTestApp, type TestApp } from '@test/support/app';
import { sqlClient } from '@test/support/db';
import { decodeMvt } from '@test/support/decode-mvt';
import { SupervisionFactsService } from '../supervision/supervision-facts.service';

type H = { authorization: string };
const X = 118.78;
const Y = 32.04;
const box = (x0: number, x1: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, Y],
      [x1, Y],
      [x1, Y + 0.01],
      [x0, Y + 0.01],
      [x0, Y],
    ],
  ],
});
const feature = (code: string, name: string, x0: number, x1: number, parent?: string) => ({ type: 'Feature', properties: { code, name, ...(parent ? { parent } : {}) }, geometry: box(x0, x1) });
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

function tileAt(lon: number, lat: number, z: number): [number, number] {
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * 2 ** z), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z)];
}

/**
 * Comparing versions, an area's history, case counts "as then" / "as now", and micro-grids, on a
 * territory you can draw by hand (every box spans latitudes 32.04–32.05):
 *
 *   district D1 [118.78, 118.80]; district D2 far east (another analyst's jurisdiction)
 *   grids (version G):     GA001 [118.780, 118.790]   GB002 [118.790, 118.800]
 *   redraw (version R):    GA001 [118.780, 118.795]   GC003 [118.795, 118.800]   (GB002 gone)
 *   micro-grids of GA001:  GA00101 [118.780, 118.7875]  GA00102 [118.7875, 118.795]
 *   cases before the redraw: e1 at 118.785 (GA001), e2 at 118.792 and e3 at 118.798 (GB002)
 *
 * So R against G: GC003 added, GB002 removed, GA001 reshaped to 1.5 times its area. As then: GA001 1,
 * GB002 2; as now: GA001 2 (e1, e2), GC003 1 (e3).
 */
describe('version compare, history, case counts then/now and micro-grids (real PostGIS)', () => {
  let t: TestApp;
  let sql: Client;
  let admin: H;
  let analyst: H;
  const v: Record<string, number> = {};
  const get = (url: string, h: H = analyst) => t.app.inject({ method: 'GET', url, headers: h });
  const send = (method: 'POST' | 'PUT', url: string, payload: unknown, h: H = analyst) => t.app.inject({ method, url, headers: h, payload: payload as object });
  const facts = () => t.app.get(SupervisionFactsService).catchUp();
  const user = async (username: string, roles: string[], jurisdiction: string) => {
    expect((await send('POST', '/api/users', { username, password: `${username}-password-1`, roles, jurisdiction }, admin)).statusCode).toBe(201);
    return t.login(username, `${username}-password-1`);
  };
  const publish = async (versionId: number, h: H = analyst) => expect((await send('POST', `/api/areas/versions/${versionId}/publish`, { acknowledgeGaps: true }, h)).statusCode).toBe(200);
  const report = async (lon: number, title: string) => {
    const r = await send('POST', '/api/events', { title, category: 'manhole_cover_missing', lon, lat: Y + 0.005 }, admin);
    expect(r.statusCode).toBe(201);
    return r.json();
  };

  beforeAll(async () => {
    t = await startTestApp();
    sql = await sqlClient(t.url);
    admin = await t.admin();
    const d = await send('POST', '/api/areas/import?level=district&codeProperty=code&nameProperty=name', fc(feature('D1', '甲区', X, X + 0.02), feature('D2', '乙区', X + 1, X + 1.02)), admin);
    expect(d.statusCode).toBe(201);
    v.districts = d.json().versionId;
    await publish(v.districts, admin);
    analyst = await user('an_all', ['analyst'], 'D1');
    const g = await send(
      'POST',
      '/api/areas/import?level=grid&codeProperty=code&nameProperty=name&parentProperty=parent',
      fc(feature('GA001', '甲网格', X, X + 0.01, 'D1'), feature('GB002', '乙网格', X + 0.01, X + 0.02, 'D1')),
    );
    expect(g.statusCode).toBe(201);
    v.grids = g.json().versionId;
    await publish(v.grids);
    for (const [lon, title] of [
      [X + 0.005, 'e1'],
      [X + 0.012, 'e2'],
      [X + 0.018, 'e3'],
    ] as const)
      await report(lon, title);
    await facts();
    // the redraw, as the studio makes it: a draft of D1's grids, edited, saved
    const draft = await send('POST', '/api/areas/drafts', { parentCode: 'D1' });
    expect(draft.statusCode).toBe(201);
    v.redraw = draft.json().versionId;
    const saved = await send('PUT', `/api/areas/versions/${v.redraw}/features`, fc(feature('GA001', '甲网格', X, X + 0.015), feature('GC003', '丙网格', X + 0.015, X + 0.02)));
    expect(saved.statusCode).toBe(200);
    expect(saved.json().topology.summary).toMatchObject({ overlaps: 0, gaps: 0 });
  });
  afterAll(async () => {
    await sql?.end();
    await t?.close();
  });

  it('compares a draft with the version it redraws: added, removed, reshaped with the change of area, both sides to draw', async () => {
    const res = await get(`/api/areas/versions/compare?from=${v.grids}&to=${v.redraw}`);
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.scope).toEqual({ code: 'D1', name: '甲区', levels: ['grid'] });
    expect(r.counts).toEqual({ added: 1, removed: 1, reshaped: 1, unchanged: 0 });
    expect(r.areas.map((a: any) => [a.code, a.change])).toEqual([
      ['GC003', 'added'],
      ['GB002', 'removed'],
      ['GA001', 'reshaped'],
    ]);
    const ga = r.areas.find((a: any) => a.code === 'GA001');
    // between two meridians the area grows with the width: 0.015° wide against 0.010°
    expect(ga.toAreaM2 / ga.fromAreaM2).toBeCloseTo(1.5, 4);
    expect(ga.deltaM2).toBeCloseTo(ga.toAreaM2 - ga.fromAreaM2, 0);
    const gb = r.areas.find((a: any) => a.code === 'GB002');
    expect(gb.toAreaM2).toBeNull();
    expect(gb.deltaM2).toBeCloseTo(-gb.fromAreaM2, 0);
    // ~1.05 km² a grid of 0.01° × 0.01° at 32° N
    expect(gb.fromAreaM2).toBeGreaterThan(1.0e6);
    expect(gb.fromAreaM2).toBeLessThan(1.1e6);
    const drawn = r.features.features.map((f: any) => `${f.properties.code}:${f.properties.side}:${f.properties.change}`).sort();
    expect(drawn).toEqual(['GA001:from:reshaped', 'GA001:to:reshaped', 'GB002:from:removed', 'GC003:to:added']);
    expect(r.features.features.find((f: any) => f.properties.code === 'GC003').geometry.coordinates[0][0]).toContainEqual([X + 0.015, Y]);
    // the other way round, after publishing: the same lists mirrored
    await publish(v.redraw);
    const back = (await get(`/api/areas/versions/compare?from=${v.redraw}&to=${v.grids}`)).json();
    expect(back.counts).toEqual({ added: 1, removed: 1, reshaped: 1, unchanged: 0 });
    expect(back.areas.map((a: any) => [a.code, a.change])).toEqual([
      ['GB002', 'added'],
      ['GC003', 'removed'],
      ['GA001', 'reshaped'],
    ]);
    const same = (await get(`/api/areas/versions/compare?from=${v.redraw}&to=${v.redraw}`)).json();
    expect(same.counts).toEqual({ added: 0, removed: 0, reshaped: 0, unchanged: 2 });
  });

  it("lists an area's versions, newest first, with what each held there and when it was replaced", async () => {
    const res = await get('/api/areas/versions/history?code=D1');
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.area).toEqual({ code: 'D1', name: '甲区', level: 'district' });
    expect(r.versions.map((x: any) => [x.id, x.status, x.levels])).toEqual([
      [v.redraw, 'published', { grid: 2 }],
      [v.grids, 'published', { grid: 2 }],
      [v.districts, 'published', { district: 1 }],
    ]);
    expect(r.versions[0].replacedAt).toBeNull();
    // the two grid rows of G were closed when R was published (GA001 and GB002 both)
    expect(r.versions[1].replacedAt).toBe(r.versions[0].publishedAt);
    expect(r.versions[2].replacedAt).toBeNull();
  });

  it('counts the cases of a period by grid as then and as now (the supervision facts)', async () => {
    await facts();
    const res = await get('/api/areas/case-counts?parentCode=D1');
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.area.code).toBe('D1');
    expect(r.totals).toEqual({ then: 3, now: 3 });
    expect(r.grids.map((g: any) => [g.code, g.current, g.then, g.now, g.delta])).toEqual([
      ['GA001', true, 1, 2, 1],
      ['GB002', false, 2, 0, -2],
      ['GC003', true, 0, 1, 1],
    ]);
    // a period that holds none of them
    const empty = (await get('/api/areas/case-counts?parentCode=D1&from=2025-01-01&to=2025-01-31')).json();
    expect(empty).toMatchObject({ from: '2025-01-01', to: '2025-01-31', totals: { then: 0, now: 0 }, grids: [] });
  });

  it('divides a grid into micro-grids that carry no records: locate names both, attribution stays with the grid, tiles show them from z14', async () => {
    const draft = await send('POST', '/api/areas/drafts', { parentCode: 'GA001' });
    expect(draft.statusCode).toBe(201);
    expect(draft.json()).toMatchObject({ level: 'microgrid', areas: 0 });
    const id = draft.json().versionId;
    const saved = await send('PUT', `/api/areas/versions/${id}/features`, fc(feature('GA00101', '一号楼微网格', X, X + 0.0075), feature('GA00102', '二号楼微网格', X + 0.0075, X + 0.015)));
    expect(saved.json().topology.summary).toMatchObject({ overlaps: 0, gaps: 0, outsideParent: 0 });
    const impact = (await get(`/api/areas/versions/${id}/impact`)).json();
    expect(impact).toMatchObject({ people: 0, places: 0, openEvents: 0, areas: { added: ['GA00101', 'GA00102'] } });
    const before = (await sql.query(`SELECT id, grid_code FROM event ORDER BY id`)).rows;
    await publish(id);
    expect((await sql.query(`SELECT id, grid_code FROM event ORDER BY id`)).rows).toEqual(before);
    expect((await sql.query(`SELECT count(*)::int AS n FROM area_part p JOIN area a ON a.id = p.area_id WHERE a.level = 'microgrid'`)).rows[0].n).toBe(0);

    const at = async (lon: number) => (await get(`/api/areas/locate?lon=${lon}&lat=${Y + 0.005}`)).json();
    expect(await at(X + 0.003)).toMatchObject({ grid: { code: 'GA001', level: 'grid' }, microGrid: { code: 'GA00101', name: '一号楼微网格', level: 'microgrid' } });
    expect((await at(X + 0.012)).microGrid.code).toBe('GA00102');
    expect(await at(X + 0.018)).toMatchObject({ grid: { code: 'GC003' }, microGrid: null });
    const e4 = await report(X + 0.003, 'e4');
    expect(e4.grid.code).toBe('GA001');

    const key = (await get('/api/areas/tiles.json')).json().version;
    const codesAt = async (z: number) => {
      const [tx, ty] = tileAt(X + 0.003, Y + 0.005, z);
      const res = await get(`/api/tiles/areas/${key}/${z}/${tx}/${ty}.mvt`);
      expect(res.statusCode).toBe(200);
      return (decodeMvt(res.rawPayload).areas?.features ?? []).map((f) => String(f.properties.code)).sort();
    };
    const [z13, z14] = [await codesAt(13), await codesAt(14)];
    expect(z13).toContain('GA001');
    expect(z13.filter((c) => c.startsWith('GA0010'))).toEqual([]);
    expect(z14).toContain('GA001');
    expect(z14).toContain('GA00101');

    // the micro-grid version in the grid's history and against the version before it
    const h = (await get('/api/areas/versions/history?code=GA001')).json();
    expect(h.versions[0]).toMatchObject({ id, levels: { microgrid: 2 } });
    const cmp = (await get(`/api/areas/versions/compare?from=${v.redraw}&to=${id}`)).json();
    // both versions' rows lie in D1 (R's grids, the micro-grids under GA001): compared there, at both levels
    expect(cmp.scope).toEqual({ code: 'D1', name: '甲区', levels: ['grid', 'microgrid'] });
    expect(cmp.counts).toEqual({ added: 2, removed: 0, reshaped: 0, unchanged: 2 });
    // narrowed to one grid by parentCode: the grid itself and its micro-grids
    const one = (await get(`/api/areas/versions/compare?from=${v.redraw}&to=${id}&parentCode=GA001`)).json();
    expect(one.scope.code).toBe('GA001');
    expect(one.areas.map((a: any) => [a.code, a.change])).toEqual([
      ['GA00101', 'added'],
      ['GA00102', 'added'],
      ['GA001', 'unchanged'],
    ]);
  });

  it('answers only analysts and administrators, within their jurisdiction, and names bad input', async () => {
    const other = await user('an_d2', ['analyst'], 'D2');
    const gridOnly = await user('an_ga', ['analyst'], 'GA001');
    const operator = await user('op_all', ['operator'], 'D1');
    const urls = [`/api/areas/versions/compare?from=${v.grids}&to=${v.redraw}`, '/api/areas/versions/history?code=D1', '/api/areas/case-counts?parentCode=D1'];
    for (const url of urls) {
      expect(`${url} ${(await get(url, admin)).statusCode}`).toBe(`${url} 200`);
      expect(`${url} ${(await get(url, other)).statusCode}`).toBe(`${url} 404`);
      expect(`${url} ${(await get(url, operator)).statusCode}`).toBe(`${url} 403`);
    }
    // an analyst of one grid sees the comparison narrowed to it
    const narrow = (await get(`/api/areas/versions/compare?from=${v.grids}&to=${v.redraw}`, gridOnly)).json();
    expect(narrow.scope.code).toBe('GA001');
    expect(narrow.areas.map((a: any) => a.code)).toEqual(['GA001']);
    const bad = async (url: string, field: string) => {
      const res = await get(url);
      expect(`${url} ${res.statusCode}`).toBe(`${url} 400`);
      expect(JSON.stringify(res.json())).toContain(field);
    };
    await bad('/api/areas/versions/compare?from=abc&to=1', 'query.from');
    await bad('/api/areas/versions/compare?from=1', 'query.to');
    await bad('/api/areas/versions/history', 'query.code');
    await bad('/api/areas/case-counts?parentCode=D1&from=2026-02-30', 'query.from');
    await bad('/api/areas/case-counts?parentCode=D1&from=2026-03-02&to=2026-03-01', 'query.from');
    expect((await get(`/api/areas/versions/compare?from=999999&to=${v.grids}`)).statusCode).toBe(404);
    expect((await get('/api/areas/case-counts?parentCode=NOPE')).statusCode).toBe(404);
  });
});

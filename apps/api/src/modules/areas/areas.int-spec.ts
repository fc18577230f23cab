import type { Client } from 'pg';
import { startTestApp, type TestApp } from '@test/support/app';
import { box } from '@test/support/factories';
import { sqlClient } from '@test/support/db';
import { decodeMvt } from '@test/support/decode-mvt';
import { registerAttributedTable } from './attributed-tables';

const feat = (props: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties: props, geometry });
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

// District D1: 118.00–118.02 × 32.00–32.02. Grids G1 (west half) and G2 (south-east quarter) leave a gap (north-east).
const D1 = box(118.0, 32.0, 118.02, 32.02);
const G1 = box(118.0, 32.0, 118.01, 32.02);
const G2 = box(118.01, 32.0, 118.02, 32.01);

describe('areas: import, topology, publish, locate, tiles (real PostGIS)', () => {
  let t: TestApp;
  let sql: Client;
  let admin: { authorization: string };
  const post = (url: string, payload: unknown, headers = admin) => t.app.inject({ method: 'POST', url, payload: payload as object, headers });
  const get = (url: string, headers = admin) => t.app.inject({ method: 'GET', url, headers });
  const importGrids = (payload: unknown, extra = '') => post(`/api/areas/import?level=grid&codeProperty=code&nameProperty=name&parentProperty=parent${extra}`, payload);
  const count = async (table: string) => Number((await sql.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

  beforeAll(async () => {
    registerAttributedTable({ table: 'test_located', openOnly: "state <> 'closed'" });
    t = await startTestApp();
    sql = await sqlClient(t.url);
    admin = await t.admin();
    await sql.query(`CREATE TABLE test_located (id int PRIMARY KEY, state text NOT NULL, geom geometry(Point, 4326) NOT NULL,
      grid_id bigint, grid_code text, area_path ltree)`);
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('rejects bad import input naming the field, and checks permissions', async () => {
    const noLevel = await post('/api/areas/import?codeProperty=code', fc(feat({ code: 'A' }, D1)));
    expect(noLevel.statusCode).toBe(400);
    expect(noLevel.json().details[0].field).toBe('query.level');
    const badCrs = await post('/api/areas/import?level=grid&codeProperty=code&crs=epsg3857', fc(feat({ code: 'A' }, D1)));
    expect(badCrs.json().details[0].field).toBe('query.crs');
    const notFc = await post('/api/areas/import?level=grid&codeProperty=code', { type: 'Feature', features: [] });
    expect(notFc.statusCode).toBe(400);
    expect(notFc.json().details[0].field).toBe('body.type');
    expect(await count('area_version')).toBe(0);

    expect((await t.app.inject({ method: 'GET', url: '/api/areas' })).statusCode).toBe(401);
    await post('/api/users', { username: 'op1', password: 'operator-password-1', roles: ['operator'], jurisdiction: '*' });
    const op = await t.login('op1', 'operator-password-1');
    const denied = await post('/api/areas/import?level=grid&codeProperty=code', fc(feat({ code: 'A' }, D1)), op);
    expect(denied.statusCode).toBe(403);
    expect((await get('/api/areas', op)).statusCode).toBe(200);
    expect(await count('area_version')).toBe(0);
  });

  it('reports every bad feature with a reason and location; all-or-nothing leaves nothing behind', async () => {
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [118.0, 32.0],
          [118.01, 32.01],
          [118.01, 32.0],
          [118.0, 32.01],
          [118.0, 32.0],
        ],
      ],
    };
    const bad = fc(
      feat({ code: 'OK1', name: '好' }, G1),
      feat({ code: 'PT' }, { type: 'Point', coordinates: [118, 32] }),
      feat(
        { code: 'NAN' },
        {
          type: 'Polygon',
          coordinates: [
            [
              [118, 32],
              ['NaN', 32],
              [118, 33],
              [118, 32],
            ],
          ],
        },
      ),
      feat({ code: 'FAR' }, box(118, 32, 190, 33)),
      feat(
        { code: 'OPEN' },
        {
          type: 'Polygon',
          coordinates: [
            [
              [118, 32],
              [118.1, 32],
              [118.1, 32.1],
              [118, 32.1],
            ],
          ],
        },
      ),
      feat(
        { code: 'SHORT' },
        {
          type: 'Polygon',
          coordinates: [
            [
              [118, 32],
              [118.1, 32],
              [118, 32],
            ],
          ],
        },
      ),
      feat({ code: 'EMPTY' }, { type: 'MultiPolygon', coordinates: [] }),
      feat({ code: 'BOW' }, bowtie),
      feat({ nocode: 1 }, G1),
    );
    const res = await importGrids(bad);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('INVALID_GEOMETRY');
    const results = res.json().details.results;
    expect(results.map((r: { status: string }) => r.status)).toEqual(['imported', ...Array(8).fill('rejected')]);
    const reason = (code: string) => results.find((r: { code: string }) => r.code === code).reason;
    expect(reason('PT')).toMatch(/wrong geometry type Point/);
    expect(reason('NAN')).toMatch(/not a finite number/);
    expect(reason('FAR')).toMatch(/out of range/);
    expect(reason('OPEN')).toMatch(/not closed/);
    expect(reason('SHORT')).toMatch(/too short/);
    expect(reason('EMPTY')).toMatch(/empty/);
    expect(reason('BOW')).toMatch(/Self-intersection/);
    const bow = results.find((r: { code: string }) => r.code === 'BOW');
    expect(bow.location.coordinates[0]).toBeCloseTo(118.005, 6);
    expect(bow.location.coordinates[1]).toBeCloseTo(32.005, 6);
    expect(results[8]).toMatchObject({ code: null, status: 'rejected', reason: expect.stringContaining('code') });
    expect(await count('area_version')).toBe(0);
    expect(await count('area')).toBe(0);

    const kept = await importGrids(bad, '&mode=keep-valid&repair=true');
    expect(kept.statusCode).toBe(201);
    const byCode = Object.fromEntries(kept.json().results.map((r: { code: string }) => [r.code, r]));
    expect(byCode.OK1.status).toBe('imported');
    expect(byCode.BOW).toMatchObject({ status: 'repaired', reason: expect.stringMatching(/Self-intersection.*repaired with ST_MakeValid into 2 polygon/) });
    const rows = (
      await sql.query(
        `SELECT code, ST_GeometryType(geom) t, ST_SRID(geom) s, ST_IsValid(geom) v, (SELECT count(*)::int FROM area_part p WHERE p.area_id = a.id) parts
                                     FROM area a WHERE version_id = $1 ORDER BY code`,
        [kept.json().versionId],
      )
    ).rows;
    expect(rows).toEqual([
      { code: 'BOW', t: 'ST_MultiPolygon', s: 4326, v: true, parts: 2 },
      { code: 'OK1', t: 'ST_MultiPolygon', s: 4326, v: true, parts: 1 },
    ]);
  });

  it('publishes a district, then grids with an acknowledged gap; locates points with their chain', async () => {
    const d = await post('/api/areas/import?level=district&codeProperty=code&nameProperty=name', fc(feat({ code: 'D1', name: '一区' }, D1)));
    expect(d.statusCode).toBe(201);
    expect((await post(`/api/areas/versions/${d.json().versionId}/publish`, {})).statusCode).toBe(200);

    const g = await importGrids(fc(feat({ code: 'G1', name: '一格', parent: 'D1' }, G1), feat({ code: 'G2', name: '二格', parent: 'D1' }, G2)));
    expect(g.statusCode).toBe(201);
    const v = g.json().versionId;
    const topo = (await get(`/api/areas/versions/${v}/topology`)).json();
    expect(topo.summary).toMatchObject({ blocking: false, needsGapAcknowledgement: true, overlaps: 0, gaps: 1, duplicateCodes: 0 });
    expect(topo.gaps.features[0].properties.parent).toBe('D1');
    // the north-east quarter: 0.01° × 0.01° at 32° N ≈ 1.11 km × 0.94 km
    expect(topo.gaps.features[0].properties.areaM2).toBeGreaterThan(1.0e6);
    expect(topo.gaps.features[0].properties.areaM2).toBeLessThan(1.1e6);
    expect(topo.gaps.features[0].geometry.type).toBe('Polygon');

    const noAck = await post(`/api/areas/versions/${v}/publish`, {});
    expect(noAck.statusCode).toBe(409);
    expect(noAck.json().code).toBe('GAPS_NOT_ACKNOWLEDGED');
    const badBody = await post(`/api/areas/versions/${v}/publish`, { acknowledgeGaps: 'yes' });
    expect(badBody.json().details[0].field).toBe('body.acknowledgeGaps');
    const pub = await post(`/api/areas/versions/${v}/publish`, { acknowledgeGaps: true });
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({ versionId: v, added: 2, closed: 0 });
    expect((await post(`/api/areas/versions/${v}/publish`, { acknowledgeGaps: true })).json().code).toBe('VERSION_NOT_DRAFT');
    const change = (await sql.query(`SELECT type, entity_id FROM change WHERE type = 'area.version.published' ORDER BY id DESC LIMIT 1`)).rows[0];
    expect(change).toEqual({ type: 'area.version.published', entity_id: String(v) });
    expect((await sql.query(`SELECT count(*)::int n FROM audit_log WHERE action = 'publish' AND entity_id = $1`, [String(v)])).rows[0].n).toBe(1);

    const hit = await get('/api/areas/locate?lon=118.005&lat=32.015');
    expect(hit.json()).toEqual({ grid: { code: 'G1', name: '一格', level: 'grid' }, chain: [{ code: 'D1', name: '一区', level: 'district' }], versionId: v, microGrid: null });
    // on the shared border of G1 and G2: always the same one (lowest code)
    for (let i = 0; i < 3; i++) expect((await get('/api/areas/locate?lon=118.01&lat=32.005')).json().grid.code).toBe('G1');
    // in the gap: the district itself is the deepest area there
    expect((await get('/api/areas/locate?lon=118.015&lat=32.015')).json().grid.code).toBe('D1');
    const out = await get('/api/areas/locate?lon=118.03&lat=32.005');
    expect(out.statusCode).toBe(404);
    expect(out.json()).toMatchObject({ code: 'NOT_IN_ANY_GRID', details: { nearest: { code: 'G2' } } });
    expect(out.json().details.distanceM).toBeGreaterThan(900);
    expect(out.json().details.distanceM).toBeLessThan(1000);
    const badLon = await get('/api/areas/locate?lon=200&lat=32');
    expect(badLon.statusCode).toBe(400);
    expect(badLon.json().details[0].field).toBe('query.lon');
    expect((await get('/api/areas/locate?lon=118&lat=abc')).json().details[0].field).toBe('query.lat');
  });

  it('blocks overlaps, and a redraw re-attributes open records atomically while history stays', async () => {
    const overlapping = await importGrids(fc(feat({ code: 'G1', parent: 'D1' }, G1), feat({ code: 'G9', parent: 'D1' }, box(118.005, 32.0, 118.02, 32.02))));
    const ov = overlapping.json().versionId;
    const topo = (await get(`/api/areas/versions/${ov}/topology`)).json();
    expect(topo.summary).toMatchObject({ blocking: true, overlaps: 1 });
    expect(topo.overlaps.features[0].properties).toMatchObject({ a: 'G1', b: 'G9' });
    expect(topo.overlaps.features[0].properties.areaM2).toBeGreaterThan(1.0e6);
    const blocked = await post(`/api/areas/versions/${ov}/publish`, { acknowledgeGaps: true });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json()).toMatchObject({ code: 'TOPOLOGY_BLOCKED', details: { overlaps: [expect.objectContaining({ a: 'G1', b: 'G9' })] } });
    expect((await get('/api/areas/locate?lon=118.015&lat=32.015')).json().grid.code).toBe('D1');

    const before = (await get('/api/areas/G2')).json();
    await sql.query(`INSERT INTO test_located (id, state, geom) VALUES
      (1, 'open', ST_SetSRID(ST_MakePoint(118.015, 32.015), 4326)),
      (2, 'open', ST_SetSRID(ST_MakePoint(118.015, 32.005), 4326)),
      (3, 'closed', ST_SetSRID(ST_MakePoint(118.015, 32.005), 4326)),
      (4, 'open', ST_SetSRID(ST_MakePoint(118.01, 32.005), 4326)),
      (5, 'open', ST_SetSRID(ST_MakePoint(118.005, 32.005), 4326))`);
    await sql.query(`UPDATE test_located t SET grid_id = a.id, grid_code = a.code, area_path = a.path FROM area a
                      WHERE a.valid_to IS NULL AND a.valid_from IS NOT NULL AND a.code = CASE t.id WHEN 1 THEN 'D1' WHEN 4 THEN 'G1' WHEN 5 THEN 'G1' ELSE 'G2' END`);
    const g1 = (await get('/api/areas/G1')).json();
    const xmin = async () => (await sql.query(`SELECT id, xmin::text FROM test_located WHERE id IN (4, 5) ORDER BY id`)).rows;
    const untouched = await xmin();
    const stamp = new Date().toISOString();
    // Redraw: G2 becomes the whole east half (gap closed)
    const redraw = await importGrids(fc(feat({ code: 'G1', name: '一格', parent: 'D1' }, G1), feat({ code: 'G2', name: '二格新', parent: 'D1' }, box(118.01, 32.0, 118.02, 32.02))));
    const rv = redraw.json().versionId;
    expect((await get(`/api/areas/versions/${rv}/topology`)).json().summary).toMatchObject({ blocking: false, gaps: 0, overlaps: 0 });
    const pub = await post(`/api/areas/versions/${rv}/publish`, {});
    expect(pub.statusCode).toBe(200);
    // G1 is drawn as it was (same code, name, parent and area): kept open, only G2 is replaced
    expect(pub.json()).toMatchObject({ added: 1, closed: 1, kept: 1, reattributed: { test_located: 2 } });
    const located = (await sql.query(`SELECT id, grid_code, area_path::text, grid_id::int FROM test_located ORDER BY id`)).rows;
    const newG2 = (await get('/api/areas/G2')).json();
    expect(located).toEqual([
      { id: 1, grid_code: 'G2', area_path: 'D1.G2', grid_id: newG2.id },
      { id: 2, grid_code: 'G2', area_path: 'D1.G2', grid_id: newG2.id },
      { id: 3, grid_code: 'G2', area_path: 'D1.G2', grid_id: before.id }, // closed: keeps the grid it had
      { id: 4, grid_code: 'G1', area_path: 'D1.G1', grid_id: g1.id }, // on the new G2's border: the kept G1 is its rival and wins (lowest code)
      { id: 5, grid_code: 'G1', area_path: 'D1.G1', grid_id: g1.id },
    ]);
    expect((await get('/api/areas/G1')).json()).toMatchObject({ id: g1.id, versionId: g1.versionId });
    // records of the kept grid were not rewritten (same row versions)
    expect(await xmin()).toEqual(untouched);
    expect((await sql.query(`SELECT count(*)::int n FROM area WHERE version_id = $1`, [rv])).rows[0].n).toBe(1);
    expect(newG2).toMatchObject({ name: '二格新', versionId: rv, chain: [{ code: 'D1' }], childrenCount: 0 });
    const old = await get(`/api/areas/locate?lon=118.015&lat=32.015&at=${encodeURIComponent(stamp)}`);
    expect(old.json().grid.code).toBe('D1');
    expect((await get(`/api/areas/G2?at=${encodeURIComponent(stamp)}`)).json()).toMatchObject({ id: before.id, name: '二格' });
    const exp = (await get(`/api/areas/export?level=grid&version=${ov}`)).json();
    expect(exp.features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual(['G1', 'G9']);
    expect((await get('/api/areas/export?version=abc')).json().details[0].field).toBe('query.version');
    expect((await get('/api/areas/export?version=99999')).statusCode).toBe(404);
    const versions = (await get('/api/areas/versions')).json().versions;
    expect(versions.find((x: { id: number }) => x.id === ov)).toMatchObject({ status: 'draft', areas: 2 });
    expect(versions.find((x: { id: number }) => x.id === rv)).toMatchObject({ status: 'published', publishedBy: 'root-admin' });
  });

  it('lists areas within the jurisdiction, 404s outside it, and keeps grid staff with periods', async () => {
    const list = (await get('/api/areas?parent=D1')).json().areas;
    expect(list.map((a: { code: string }) => a.code)).toEqual(['G1', 'G2']);
    expect((await get('/api/areas?level=nowhere')).json().details[0].field).toBe('query.level');
    expect((await get('/api/areas?q=二格')).json().areas.map((a: { code: string }) => a.code)).toEqual(['G2']);
    await post('/api/areas/import?level=district&codeProperty=code', fc(feat({ code: 'D2' }, box(118.1, 32.0, 118.12, 32.02))));
    const v = (await get('/api/areas/versions')).json().versions[0].id;
    expect((await post(`/api/areas/versions/${v}/publish`, {})).statusCode).toBe(200);
    await post('/api/users', { username: 'an1', password: 'analyst-password-1', roles: ['analyst'], jurisdiction: 'D2' });
    const an = await t.login('an1', 'analyst-password-1');
    expect((await get('/api/areas', an)).json().areas.map((a: { code: string }) => a.code)).toEqual(['D2']);
    expect((await get('/api/areas/G1', an)).statusCode).toBe(404);
    expect((await post('/api/areas/G1/staff', { role: 'grid_worker', name: '王五' }, an)).statusCode).toBe(404);

    const s1 = await post('/api/areas/G1/staff', { role: 'grid_leader', name: '张三', validFrom: '2024-01-01T00:00:00Z', validTo: '2025-01-01T00:00:00Z' });
    expect(s1.statusCode).toBe(201);
    await post('/api/areas/G1/staff', { role: 'grid_leader', name: '李四', validFrom: '2025-01-01T00:00:00Z' });
    const bad = await post('/api/areas/G1/staff', { role: 'boss', name: 'x' });
    expect(bad.json().details[0].field).toBe('body.role');
    const backwards = await post('/api/areas/G1/staff', { role: 'grid_worker', name: 'x', validFrom: '2025-01-01T00:00:00Z', validTo: '2024-01-01T00:00:00Z' });
    expect(backwards.statusCode).toBe(400);
    const in2024 = (await get('/api/areas/G1/staff?at=2024-06-01T00:00:00Z')).json().staff;
    expect(in2024.map((s: { name: string }) => s.name)).toEqual(['张三']);
    expect((await get('/api/areas/G1/staff')).json().staff).toHaveLength(2);
    expect((await get('/api/areas/bad-code!')).json().details[0].field).toBe('params.code');
  });

  it('serves versioned vector tiles, encoded by PostGIS and by Node, that decode to the same features', async () => {
    const tj = (await get('/api/areas/tiles.json')).json();
    const key = tj.tiles[0].match(/\/areas\/(v\d+)\//)[1];
    expect(tj.tiles[0]).toMatch(/\/api\/tiles\/areas\/v\d+\/\{z\}\/\{x\}\/\{y\}\.mvt$/);
    // z14 tile holding 118.005, 32.015
    const z = 14;
    const x = Math.floor(((118.005 + 180) / 360) * 2 ** z);
    const latR = (32.015 * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(latR) + 1 / Math.cos(latR)) / Math.PI) / 2) * 2 ** z);
    const url = `/api/tiles/areas/${key}/${z}/${x}/${y}.mvt`;
    const decodeFrom = async () => {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
      expect(res.headers['cache-control']).toContain('immutable');
      const tile = decodeMvt(res.rawPayload);
      expect(tile.areas.extent).toBe(4096);
      return tile.areas.features.map((f) => ({ ...f.properties, type: f.type, rings: f.rings.length }) as Record<string, unknown>).sort((a, b) => String(a.code).localeCompare(String(b.code)));
    };
    const info = t.running.db;
    const serverMvt = info.mvt;
    const viaDb = await decodeFrom();
    info.mvt = false; // force the Node encoder (what the embedded database uses)
    let viaNode;
    try {
      viaNode = await decodeFrom();
    } finally {
      info.mvt = serverMvt;
    }
    const expected = [
      expect.objectContaining({ code: 'D1', name: '一区', level: 'district', type: 3 }),
      expect.objectContaining({ code: 'G1', name: '一格', level: 'grid', parent_code: 'D1', type: 3 }),
      expect.objectContaining({ code: 'G2', level: 'grid', parent_code: 'D1', type: 3 }),
    ];
    expect(viaNode).toEqual(expected);
    expect(viaDb).toEqual(expected);

    // a low zoom shows districts only; tile coordinates and keys are checked
    expect((await get(`/api/tiles/areas/${key}/23/0/0.mvt`)).json().details[0].field).toBe('params.z');
    expect((await get(`/api/tiles/areas/${key}/2/4/0.mvt`)).json().details[0].field).toBe('params.x');
    expect((await get(`/api/tiles/areas/${key}/2/0/-1.mvt`)).statusCode).toBe(400);
    expect((await get(`/api/tiles/areas/v99999/2/0/0.mvt`)).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
  });
});

import ExcelJS from 'exceljs';
import { residentIdCheckChar } from '@gc/contracts';
import { startTestApp, type TestApp } from '@test/support/app';
import { embeddedTestDatabase, sqlClient } from '@test/support/db';
import { multipart } from '@test/support/multipart';
import { insertTinyTerritory } from '@test/support/registry-territory';

const id = (first17: string) => first17 + residentIdCheckChar(first17);

describe('registry: bulk import from CSV and XLSX (real PostGIS)', () => {
  let t: TestApp;
  let admin: { authorization: string };
  const count = async (table: string) => {
    const c = await sqlClient(t.url);
    const n = (await c.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    await c.end();
    return n;
  };
  const upload = (url: string, filename: string, type: string, data: Buffer) => {
    const m = multipart(filename, type, data);
    return t.app.inject({ method: 'POST', url, headers: { ...admin, ...m.headers }, payload: m.payload });
  };
  beforeAll(async () => {
    t = await startTestApp();
    await insertTinyTerritory(t.url);
    admin = await t.admin();
  });
  afterAll(async () => {
    await t.close();
  });

  const placesCsv = [
    'externalId,kind,name,address,lon,lat',
    'P1,building,锦绣花园1栋,中山南路100号,118.71,32.01',
    'P2,shop,老王面馆,龙蟠中路8号,118.77,32.03',
    'P3,castle,城堡,,118.71,32.01',
    'P4,shop,界外小店,,119.9,32.01',
  ].join('\n');

  it('all-or-nothing writes nothing when a row fails, and reports each bad row with its field', async () => {
    const res = await upload('/api/places/import?mode=all-or-nothing', 'places.csv', 'text/csv', Buffer.from(placesCsv));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ total: 4, inserted: 0, committed: false, rejected: 2 });
    expect(res.json().errors).toEqual([
      { row: 4, field: 'kind', reason: expect.any(String) },
      { row: 5, field: 'lon', reason: 'outside every area of the territory' },
    ]);
    expect(await count('place')).toBe(0);
  });

  it('keep-valid writes the good rows attributed to grids, and a re-run updates instead of duplicating', async () => {
    const first = (await upload('/api/places/import?mode=keep-valid', 'places.csv', 'text/csv', Buffer.from(placesCsv))).json();
    expect(first).toMatchObject({ inserted: 2, updated: 0, rejected: 2, committed: true });
    const moved = placesCsv.replace('老王面馆,龙蟠中路8号,118.77', '老王面馆(新店),龙蟠中路8号,118.72');
    const second = (await upload('/api/places/import?mode=keep-valid', 'places.csv', 'text/csv', Buffer.from(moved))).json();
    expect(second).toMatchObject({ inserted: 0, updated: 2 });
    expect(await count('place')).toBe(2);
    const list = (await t.app.inject({ method: 'GET', url: '/api/places?q=' + encodeURIComponent('老王'), headers: admin })).json().items;
    expect(list[0]).toMatchObject({ name: '老王面馆(新店)', grid: { code: 'G1' }, externalId: 'P2' });
    const history = (await t.app.inject({ method: 'GET', url: `/api/places/${list[0].id}`, headers: admin })).json().history;
    expect(history).toEqual([expect.objectContaining({ reason: 'import', fromGridCode: 'G2', toGridCode: 'G1' })]);
  });

  it('a large upload, written in several chunks, keeps all-or-nothing, keep-valid, re-runs and counters; into a nearly empty table it builds the indexes after the rows', async () => {
    // 12,000 rows: more than one chunk (the import pipelines chunks; the second is attributed on
    // another connection while the first is written). One bad row near the end.
    const n = 12000;
    const lines = ['externalId,kind,name,address,lon,lat'];
    for (let i = 0; i < n; i++) {
      const lon = i === 11500 ? 119.9 : 118.7005 + (i % 199) * 0.0005; // 118.7005 … 118.7995 (118.75 on the border: G1, the lower code); row 11502 outside
      lines.push(`B${i},building,楼${i},大路${i}号,${lon.toFixed(4)},${(32.0005 + (i % 97) * 0.0005).toFixed(4)}`);
    }
    const csv = Buffer.from(lines.join('\n'));
    const c = await sqlClient(t.url);
    // The table holds 2 rows, under a tenth of the 12,000 coming: an initial load, whose secondary
    // indexes are dropped and built again after the rows (new index oids, same definitions).
    const indexes = async () => (await c.query(`SELECT indexrelid::regclass::text AS name, indexrelid::int AS oid, pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'place'::regclass ORDER BY 1`)).rows;
    const before = await count('place');
    expect(before).toBeLessThan(n / 10);
    const initial = await indexes();
    const all = (await upload('/api/places/import?mode=all-or-nothing', 'big.csv', 'text/csv', csv)).json();
    expect(all).toMatchObject({ total: n, inserted: 0, committed: false, rejected: 1, errors: [{ row: 11502, field: 'lon', reason: 'outside every area of the territory' }] });
    expect(await count('place')).toBe(before);
    expect(await indexes()).toEqual(initial);
    const keep = (await upload('/api/places/import?mode=keep-valid', 'big.csv', 'text/csv', csv)).json();
    expect(keep).toMatchObject({ total: n, inserted: n - 1, updated: 0, rejected: 1, committed: true });
    const loaded = await indexes();
    expect(loaded.map((x: { name: string; def: string }) => [x.name, x.def])).toEqual(initial.map((x: { name: string; def: string }) => [x.name, x.def]));
    const rebuilt = loaded.filter((x: { oid: number }, k: number) => x.oid !== initial[k].oid).map((x: { name: string }) => x.name);
    expect(rebuilt).toEqual(expect.arrayContaining(['place_geom_gist', 'place_path_gist', 'place_name_trgm', 'place_address_trgm']));
    expect(rebuilt).not.toContain('place_pkey');
    expect(rebuilt).not.toContain('place_external_id_key');
    // Now the table is populated: a re-run updates row by row and leaves the indexes as they are.
    const again = (await upload('/api/places/import?mode=keep-valid', 'big.csv', 'text/csv', csv)).json();
    expect(again).toMatchObject({ inserted: 0, updated: n - 1, rejected: 1, committed: true });
    expect(await indexes()).toEqual(loaded);
    const found = (await t.app.inject({ method: 'GET', url: '/api/places?q=' + encodeURIComponent('大路11999号'), headers: admin })).json().items;
    expect(found.map((x: { externalId: string }) => x.externalId)).toContain('B11999');
    const wrong = (await c.query(`SELECT count(*)::int AS n FROM place WHERE external_id LIKE 'B%' AND grid_code <> CASE WHEN ST_X(geom) <= 118.75 THEN 'G1' ELSE 'G2' END`)).rows[0].n;
    expect(wrong).toBe(0);
    const counters = (await c.query(`SELECT grid_code, places FROM registry_grid_count ORDER BY 1`)).rows;
    const raw = (await c.query(`SELECT grid_code, count(*)::int AS places FROM place GROUP BY 1 ORDER BY 1`)).rows;
    expect(counters).toEqual(raw);
    const audit = (await c.query(`SELECT jsonb_array_length(after->'externalIds') AS ids FROM audit_log WHERE action = 'import' ORDER BY id DESC LIMIT 1`)).rows;
    expect(audit).toEqual([{ ids: n - 1 }]);
    await c.end();
  });

  // Needs a second session beside the import's (the embedded test database has one).
  (embeddedTestDatabase() ? it.skip : it)('a record committed meanwhile with one of the new externalIds is updated, not a failed import', async () => {
    const c = await sqlClient(t.url);
    await c.query('BEGIN');
    await c.query(
      `INSERT INTO place (external_id, kind, name, geom, grid_id, grid_code, area_path)
       SELECT 'RACE1', 'shop', '先到', ST_SetSRID(ST_MakePoint(118.71, 32.01), 4326), id, code, path FROM area WHERE code = 'G1' AND valid_to IS NULL`,
    );
    const res = upload('/api/places/import?mode=all-or-nothing', 'race.csv', 'text/csv', Buffer.from('externalId,kind,name,lon,lat\nRACE0,shop,后到0,118.72,32.01\nRACE1,shop,后到,118.72,32.01'));
    // The import's INSERT waits on the uncommitted RACE1; then it commits.
    let waiting = 0;
    for (let k = 0; k < 100 && !waiting; k++) {
      await new Promise((r) => setTimeout(r, 50));
      waiting = (await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].n;
    }
    expect(waiting).toBe(1);
    await c.query('COMMIT');
    expect((await res).json()).toMatchObject({ committed: true, inserted: 1, updated: 1, rejected: 0 });
    expect((await c.query(`SELECT name FROM place WHERE external_id LIKE 'RACE%' ORDER BY external_id`)).rows).toEqual([{ name: '后到0' }, { name: '后到' }]);
    await c.end();
  });

  it('imports people from XLSX with validated, encrypted ID numbers and place-derived grids', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('people');
    const good = id('32010419900101123');
    ws.addRow(['externalId', 'name', 'idNumber', 'phone', 'placeId', 'householdNo', 'registration', 'tags']);
    const c = await sqlClient(t.url);
    const [{ id: placeId }] = (await c.query(`SELECT id::int FROM place WHERE external_id = 'P1'`)).rows;
    ws.addRow(['R1', '张三', good, '13812345678', placeId, 'H1', 'registered', 'elderly_alone;disabled']);
    ws.addRow(['R2', '李四', good.slice(0, 17) + (good.endsWith('1') ? '2' : '1'), '', placeId, 'H1', 'floating', '']);
    ws.addRow(['R3', '王五', '', '12', placeId, '', '', '']);
    ws.addRow(['R4', '赵六', '', '', 99999, '', '', '']);
    const data = Buffer.from(await wb.xlsx.writeBuffer());
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const res = await upload('/api/people/import?mode=keep-valid', 'people.xlsx', xlsx, data);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ inserted: 1, rejected: 3 });
    expect(res.json().errors).toEqual([
      { row: 3, field: 'idNumber', reason: expect.stringMatching(/^check digit should be/) },
      { row: 4, field: 'phone', reason: expect.any(String) },
      { row: 5, field: 'placeId', reason: 'place 99999 not found' },
    ]);
    const dump = JSON.stringify((await c.query(`SELECT * FROM person`)).rows);
    expect(dump).not.toContain(good);
    expect(dump).not.toContain('13812345678');
    const [row] = (await c.query(`SELECT grid_code, tags, own_location FROM person WHERE external_id = 'R1'`)).rows;
    expect(row).toEqual({ grid_code: 'G1', tags: ['elderly_alone', 'disabled'], own_location: false });
    await c.end();
    const again = (await upload('/api/people/import?mode=keep-valid', 'people.xlsx', xlsx, data)).json();
    expect(again).toMatchObject({ inserted: 0, updated: 1 });
    const found = (await t.app.inject({ method: 'GET', url: `/api/people?idNumber=${good}&purpose=import%20check`, headers: admin })).json().items;
    expect(found).toHaveLength(1);
    expect(found[0].idNumber).toBe(good.slice(0, 4) + '*'.repeat(10) + good.slice(-4));
  });

  it('rejects a non-multipart request, an unknown type and an unknown mode, and needs registry:write', async () => {
    const json = await t.app.inject({ method: 'POST', url: '/api/objects/import', headers: admin, payload: { a: 1 } });
    expect(json.statusCode).toBe(415);
    const txt = await upload('/api/objects/import', 'x.pdf', 'application/pdf', Buffer.from('%PDF'));
    expect(txt.statusCode).toBe(415);
    const mode = await upload('/api/objects/import?mode=some', 'x.csv', 'text/csv', Buffer.from('externalId\nA'));
    expect(mode.statusCode).toBe(400);
    expect(mode.json().details[0].field).toBe('query.mode');
    await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username: 'op3', password: 'registry-pass-1', roles: ['operator'], jurisdiction: '*' } });
    const op = await t.login('op3', 'registry-pass-1');
    const m = multipart('o.csv', 'text/csv', Buffer.from('externalId,categoryCode,name,lon,lat\nO1,0105,路灯,118.71,32.01'));
    expect((await t.app.inject({ method: 'POST', url: '/api/objects/import', headers: { ...op, ...m.headers }, payload: m.payload })).statusCode).toBe(403);
    const ok = await upload('/api/objects/import', 'o.csv', 'text/csv', Buffer.from('externalId,categoryCode,name,lon,lat\nO1,0105,路灯,118.71,32.01\nO2,0999,x,118.71,32.01'));
    expect(ok.json()).toMatchObject({ committed: false, errors: [{ row: 3, field: 'categoryCode' }] });
  });
});

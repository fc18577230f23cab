import { startTestApp, type TestApp } from '@test/support/app';
import { box, fc, feat } from '@test/support/factories';
import { sqlRows } from '@test/support/db';
import { multipart } from '@test/support/multipart';
import { RegistryImportService } from './registry-import.service';

/** The counts as a GROUP BY over the records themselves (what the counters must always equal). */
const RAW_COUNTS = `
  SELECT coalesce(area_path::text, '') AS path, coalesce(grid_code, '') AS code,
         count(*) FILTER (WHERE k = 'place')::int AS places,
         count(*) FILTER (WHERE k = 'person')::int AS people,
         count(*) FILTER (WHERE k = 'person' AND sub = 'registered')::int AS registered,
         count(*) FILTER (WHERE k = 'person' AND sub = 'floating')::int AS floating,
         count(DISTINCT hh) FILTER (WHERE k = 'person')::int AS households,
         count(*) FILTER (WHERE k = 'object')::int AS objects,
         count(*) FILTER (WHERE k = 'object' AND sub IN ('damaged', 'lost'))::int AS "objectsNeedingRepair",
         count(*) FILTER (WHERE k = 'organization')::int AS organizations
    FROM (SELECT area_path, grid_code, 'place' AS k, kind AS sub, NULL::text AS hh FROM place
          UNION ALL SELECT area_path, grid_code, 'person', registration, household_no FROM person
          UNION ALL SELECT area_path, grid_code, 'object', condition, NULL FROM city_object
          UNION ALL SELECT area_path, grid_code, 'organization', kind, NULL FROM organization) x
   GROUP BY 1, 2 ORDER BY 1, 2`;
const COUNTERS = `
  SELECT area_path::text AS path, grid_code AS code, places, people, registered, floating, households, objects, objects_needing_repair AS "objectsNeedingRepair", organizations
    FROM registry_grid_count ORDER BY 1, 2`;
const RAW_TAGS = `SELECT coalesce(area_path::text, '') AS path, coalesce(grid_code, '') AS code, t AS tag, count(*)::int AS n
                    FROM person, unnest(tags) t GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
const RAW_HOUSEHOLDS = `SELECT coalesce(area_path::text, '') AS path, coalesce(grid_code, '') AS code, household_no AS no, count(*)::int AS n
                          FROM person WHERE household_no IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
const HOUSEHOLD_COUNTERS = `SELECT area_path::text AS path, grid_code AS code, household_no AS no, people AS n FROM registry_grid_household ORDER BY 1, 2, 3`;
const TAG_COUNTERS = `SELECT area_path::text AS path, grid_code AS code, tag, people AS n FROM registry_grid_tag_count ORDER BY 1, 2, 3`;

describe('registry: per-grid counters equal a GROUP BY over the records after every kind of write (real PostGIS)', () => {
  let t: TestApp;
  let admin: { authorization: string };
  const sql = (q: string, p: unknown[] = []) => sqlRows(t.url, q, p);
  const post = async (url: string, payload: unknown) => {
    const r = await t.app.inject({ method: 'POST', url, payload: payload as object, headers: admin });
    expect(r.statusCode).toBeLessThan(300);
    return r.json();
  };
  const patch = async (url: string, payload: object) => {
    const r = await t.app.inject({ method: 'PATCH', url, payload, headers: admin });
    expect(r.statusCode).toBe(200);
    return r.json();
  };
  const upload = async (url: string, csv: string) => {
    const m = multipart('rows.csv', 'text/csv', Buffer.from(csv));
    const r = await t.app.inject({ method: 'POST', url, headers: { ...admin, ...m.headers }, payload: m.payload });
    expect(r.statusCode).toBe(200);
    return r.json();
  };
  const grids = (g1East: number, g2East = 118.02, g2Name = '二格') =>
    post(
      '/api/areas/import?level=grid&codeProperty=code&nameProperty=name&parentProperty=parent',
      fc(feat({ code: 'G1', name: '一格', parent: 'D1' }, box(118.0, 32.0, g1East, 32.02)), feat({ code: 'G2', name: g2Name, parent: 'D1' }, box(g1East, 32.0, g2East, 32.02))),
    );
  /** Counters, tag counters and the API's answer all agree with the records. */
  const consistent = async (step: string) => {
    const raw = await sql(RAW_COUNTS);
    expect({ step, counters: await sql(COUNTERS) }).toEqual({ step, counters: raw });
    expect({ step, tags: await sql(TAG_COUNTERS) }).toEqual({ step, tags: await sql(RAW_TAGS) });
    expect({ step, households: await sql(HOUSEHOLD_COUNTERS) }).toEqual({ step, households: await sql(RAW_HOUSEHOLDS) });
    const api = (await t.app.inject({ method: 'GET', url: '/api/registry/counts?area=D1', headers: admin })).json();
    const names = Object.fromEntries((await sql(`SELECT code, name FROM area WHERE valid_from IS NOT NULL AND valid_to IS NULL`)).map((a) => [a.code, a.name]));
    const want = raw.filter((r) => r.path === 'D1' || r.path.startsWith('D1.')).map(({ path: _path, ...counts }) => ({ ...counts, name: names[counts.code] ?? null }));
    expect({ step, api: api.grids.map(({ grid, tags: _tags, ...c }: { grid: { code: string; name: string }; tags: unknown }) => ({ code: grid.code, name: grid.name, ...c })) }).toEqual({ step, api: want });
    return raw;
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.admin();
    const d = await post('/api/areas/import?level=district&codeProperty=code&nameProperty=name', fc(feat({ code: 'D1', name: '一区' }, box(118.0, 32.0, 118.02, 32.02))));
    await post(`/api/areas/versions/${d.versionId}/publish`, {});
    await post(`/api/areas/versions/${(await grids(118.01)).versionId}/publish`, {});
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates, moves, retags, re-registers, imports, deletes and re-attributes on publish, with the counters right after each', async () => {
    const a = await post('/api/places', { kind: 'building', name: '甲楼', lon: 118.008, lat: 32.01 });
    const b = await post('/api/places', { kind: 'shop', name: '乙店', lon: 118.015, lat: 32.01 });
    await post('/api/places', { kind: 'room', name: '丙室', lon: 118.002, lat: 32.005 });
    const p1 = await post('/api/people', { name: '张一', householdNo: 'H1', placeId: a.id, tags: ['disabled'] });
    await post('/api/people', { name: '张二', householdNo: 'H1', placeId: a.id, registration: 'floating' });
    const p3 = await post('/api/people', { name: '李三', householdNo: 'H2', placeId: b.id, tags: ['veteran', 'disabled'] });
    const p4 = await post('/api/people', { name: '王四', householdNo: 'H3', lon: 118.012, lat: 32.015 });
    const o1 = await post('/api/objects', { categoryCode: '0104', name: '消防栓', lon: 118.003, lat: 32.003 });
    const o2 = await post('/api/objects', { categoryCode: '0105', name: '路灯', condition: 'damaged', lon: 118.018, lat: 32.003 });
    await post('/api/organizations', { kind: 'shop', name: '甲楼小卖部', placeId: a.id });
    await post('/api/organizations', { kind: 'company', name: '乙公司', lon: 118.019, lat: 32.019 });
    let raw = await consistent('after creates');
    expect(raw.map((r) => [r.code, r.places, r.people, r.households])).toEqual([
      ['G1', 2, 2, 1],
      ['G2', 1, 2, 2],
    ]);

    // The place moves to G2; its two residents and its shop follow.
    await patch(`/api/places/${a.id}`, { lon: 118.013, lat: 32.01 });
    await consistent('after a place moved with its residents');
    // Tag change, registration change, a household change (李三 joins H1, H2 empties), own move.
    await patch(`/api/people/${p3.id}`, { tags: ['veteran'], registration: 'floating', householdNo: 'H1' });
    await patch(`/api/people/${p4.id}`, { lon: 118.004, lat: 32.015 });
    await patch(`/api/people/${p1.id}`, { tags: [] });
    // Deactivation of a component (removed still counts as an object, no longer as needing repair), a repair elsewhere.
    await patch(`/api/objects/${o2.id}`, { condition: 'removed' });
    await patch(`/api/objects/${o1.id}`, { condition: 'lost', lon: 118.016, lat: 32.004 });
    raw = await consistent('after patches');
    expect(raw.find((r) => r.code === 'G2')).toMatchObject({ people: 3, households: 1, floating: 2, objects: 2, objectsNeedingRepair: 1 });

    // Bulk import, then a re-run that moves one row and changes another's registration (updates, not inserts).
    const placesCsv = ['externalId,kind,name,lon,lat', 'I1,building,导入一,118.001,32.001', 'I2,building,导入二,118.011,32.001', 'I3,poi,导入三,118.019,32.001'];
    expect(await upload('/api/places/import?mode=keep-valid', placesCsv.join('\n'))).toMatchObject({ inserted: 3, committed: true });
    const peopleCsv = ['externalId,name,householdNo,registration,tags,lon,lat', 'R1,赵一,H9,registered,left_behind_child,118.001,32.002', 'R2,赵二,H9,floating,,118.001,32.002'];
    expect(await upload('/api/people/import?mode=keep-valid', peopleCsv.join('\n'))).toMatchObject({ inserted: 2, committed: true });
    await consistent('after imports');
    placesCsv[1] = 'I1,building,导入一,118.017,32.001';
    peopleCsv[2] = 'R2,赵二,H9,registered,veteran,118.017,32.002';
    expect(await upload('/api/places/import?mode=keep-valid', placesCsv.join('\n'))).toMatchObject({ inserted: 0, updated: 3 });
    expect(await upload('/api/people/import?mode=keep-valid', peopleCsv.join('\n'))).toMatchObject({ inserted: 0, updated: 2 });
    // An all-or-nothing import with a bad row writes nothing, counters included.
    expect(await upload('/api/places/import', 'externalId,kind,name,lon,lat\nI4,building,好,118.001,32.001\nI5,castle,坏,118.001,32.001')).toMatchObject({ committed: false });
    await consistent('after re-imports');

    // Uploads of several chunks: the insert counters are stashed per chunk and applied once at the
    // end of the import (registry_counts_defer / registry_counts_flush), updates as they go. The
    // service does that from 8 chunks on; here from two.
    t.app.get(RegistryImportService).deferCountsMin = 5001;
    const regs = ['registered', 'floating'];
    const manyPeople = (n: number, shift: number) =>
      ['externalId,name,householdNo,registration,tags,lon,lat']
        .concat(
          Array.from(
            { length: n },
            (_, i) =>
              `M${i},人${i},HM${i % 700},${regs[i % 2]},${i % 3 ? '' : i % 2 ? 'disabled' : 'veteran'},${(118.0005 + (((i + shift) * 0.0037) % 0.019)).toFixed(6)},${(32.0005 + ((i * 0.0053) % 0.019)).toFixed(6)}`,
          ),
        )
        .join('\n');
    expect(await upload('/api/people/import?mode=keep-valid', manyPeople(6000, 0))).toMatchObject({ inserted: 6000, committed: true });
    await consistent('after a multi-chunk people import');
    // A re-run moves rows between grids and adds 500 new ones.
    expect(await upload('/api/people/import?mode=keep-valid', manyPeople(6500, 7))).toMatchObject({ inserted: 500, updated: 6000, committed: true });
    const manyObjects = (n: number, bad: boolean) =>
      ['externalId,categoryCode,name,condition,lon,lat']
        .concat(Array.from({ length: n }, (_, i) => `MO${i},${bad && i === n - 1 ? '0999' : '0105'},灯${i},${i % 4 ? 'intact' : 'damaged'},${(118.0005 + ((i * 0.0041) % 0.019)).toFixed(6)},32.01`))
        .join('\n');
    // All-or-nothing with a bad last row: nothing written, counters untouched.
    expect(await upload('/api/objects/import', manyObjects(5600, true))).toMatchObject({ committed: false });
    expect(await upload('/api/objects/import', manyObjects(5600, false))).toMatchObject({ inserted: 5600, committed: true });
    await consistent('after multi-chunk re-imports');

    // Deletes (no API deletes records; SQL does, and the counters follow whatever writes).
    await sql(`DELETE FROM person WHERE external_id = 'R1'`);
    await sql(`DELETE FROM city_object WHERE id = $1`, [o2.id]);
    await consistent('after deletes');

    // A redraw moves G1's east edge west: records between 118.005 and 118.01 change grid on publish.
    const pub = await post(`/api/areas/versions/${(await grids(118.005)).versionId}/publish`, {});
    expect(pub.reattributed.place).toBeGreaterThan(0);
    raw = await consistent('after a publish moved records between grids');
    // A redraw that leaves a gap (acknowledged): records in it fall back to the district, the deepest area covering them.
    const gap = await grids(118.005, 118.018, '二格（缩小）');
    expect((await t.app.inject({ method: 'POST', url: `/api/areas/versions/${gap.versionId}/publish`, headers: admin, payload: { acknowledgeGaps: true } })).statusCode).toBe(200);
    raw = await consistent('after a publish left records outside every grid');
    expect(raw.find((r) => r.code === 'D1')).toMatchObject({ path: 'D1', organizations: 1 });
    // The redraw renamed G2: the counts name it as it is now.
    expect((await t.app.inject({ method: 'GET', url: '/api/registry/counts?area=D1', headers: admin })).json().grids).toContainEqual(expect.objectContaining({ grid: { code: 'G2', name: '二格（缩小）' } }));
    // Records in no area at all (grid columns NULL) are counted under no grid.
    await sql(`UPDATE person SET grid_id = NULL, grid_code = NULL, area_path = NULL WHERE external_id = 'R2'`);
    raw = await consistent('after a record lost its grid');
    expect(raw.find((r) => r.code === '')).toMatchObject({ path: '', people: 1, households: 1 });
    // The last record of a key leaves: its counter, household and tag rows go with it.
    await sql(`DELETE FROM person WHERE external_id = 'R2'`);
    raw = await consistent('after the last record of a key was deleted');
    expect(raw.find((r) => r.code === '')).toBeUndefined();
    // A grid's last records move out of it (to the district, by SQL): its counter row goes.
    await sql(`UPDATE city_object SET grid_id = (SELECT id FROM area WHERE code = 'D1' AND valid_to IS NULL), grid_code = 'D1', area_path = 'D1'`);
    await consistent('after every component moved to the district');

    // TRUNCATE (no statement trigger sees rows there) recounts from what is left.
    await sql(`TRUNCATE organization`);
    await consistent('after truncating organizations');
  });

  it('answers a jurisdiction only its own grids', async () => {
    await post('/api/users', { username: 'gw_counts', password: 'counts-pass-123', roles: ['grid_worker'], jurisdiction: 'G1' });
    const gw = await t.login('gw_counts', 'counts-pass-123');
    const res = (await t.app.inject({ method: 'GET', url: '/api/registry/counts', headers: gw })).json();
    const raw = (await sql(RAW_COUNTS)).filter((r) => r.path === 'D1.G1');
    expect(raw.length).toBe(1);
    expect(res.grids.map((g: { grid: { code: string }; places: number; people: number }) => [g.grid.code, g.places, g.people])).toEqual([['G1', raw[0].places, raw[0].people]]);
  });
});

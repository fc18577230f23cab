import { residentIdCheckChar } from '@gc/contracts';
import { startTestApp, type TestApp } from '@test/support/app';
import { sqlRows } from '@test/support/db';
import { multipart } from '@test/support/multipart';
import { insertTinyTerritory } from '@test/support/registry-territory';
import { RegistryImportRepository } from './registry-import.repository';
import { RegistryImportService } from './registry-import.service';

const id = (first17: string) => first17 + residentIdCheckChar(first17);

/**
 * An upload into an empty table is written by COPY (RegistryImportRepository.copyNew) on a server
 * database; every import rule must hold there as on the upsert path.
 */
describe('registry: an initial load into an empty table (COPY) keeps every import rule (real PostGIS)', () => {
  let t: TestApp;
  let admin: { authorization: string };
  let copies: jest.SpyInstance;
  const sql = (q: string, p: unknown[] = []) => sqlRows(t.url, q, p);
  const upload = async (url: string, csv: string) => {
    const m = multipart('rows.csv', 'text/csv', Buffer.from(csv));
    const r = await t.app.inject({ method: 'POST', url, headers: { ...admin, ...m.headers }, payload: m.payload });
    expect(r.statusCode).toBe(200);
    return r.json();
  };
  const indexes = () => sql(`SELECT indexrelid::int AS oid, pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'place'::regclass ORDER BY 2`);
  beforeAll(async () => {
    t = await startTestApp();
    await insertTinyTerritory(t.url);
    admin = await t.admin();
    // Uploads of 100 rows or more may be initial loads here (10,000 in the service).
    t.app.get(RegistryImportService).initialLoadMin = 100;
    copies = jest.spyOn(t.app.get(RegistryImportRepository), 'copyNew');
  });
  afterAll(async () => {
    await t.close();
  });

  it('places: all-or-nothing writes nothing; keep-valid copies the good rows in their grids, exact points and text, counters and audit; a re-run updates', async () => {
    const n = 7000; // two chunks (5,000, then 2,000)
    const lines = ['externalId,kind,name,address,lon,lat'];
    for (let i = 0; i < n; i++) lines.push(`B${i},building,楼${i},大路${i}号,${(118.7003 + (i % 331) * 0.0003).toFixed(4)},${(32.0007 + (i % 61) * 0.0007).toFixed(4)}`);
    lines[1 + 10] = `B10,building,"楼\t10 \\ ""东"" ${'\n'}二层",大路10号,118.71234567891234,32.01`; // tab, backslash, quotes and a line break inside the name
    lines[1 + 6000] = 'B6000,castle,坏,,118.71,32.01'; // unknown kind: line 6002
    const csv = lines.join('\n');
    const before = await indexes();
    const all = await upload('/api/places/import?mode=all-or-nothing', csv);
    expect(all).toMatchObject({ total: n, inserted: 0, committed: false, rejected: 1, errors: [{ row: 6002, field: 'kind' }] });
    expect(await sql(`SELECT count(*)::int AS n FROM place`)).toEqual([{ n: 0 }]);
    expect(await indexes()).toEqual(before);

    copies.mockClear();
    const keep = await upload('/api/places/import?mode=keep-valid', csv);
    expect(keep).toMatchObject({ total: n, inserted: n - 1, updated: 0, rejected: 1, committed: true });
    if (t.running.db.singleSession) expect(copies).not.toHaveBeenCalled();
    else expect(copies).toHaveBeenCalled();
    // Secondary indexes built again after the rows: same definitions.
    expect((await indexes()).map((x: { def: string }) => x.def)).toEqual(before.map((x: { def: string }) => x.def));
    expect(await sql(`SELECT name, ST_X(geom) AS lon, ST_Y(geom) AS lat, grid_code, area_path::text AS path FROM place WHERE external_id = 'B10'`)).toEqual([
      { name: '楼\t10 \\ "东" \n二层', lon: 118.71234567891234, lat: 32.01, grid_code: 'G1', path: 'D1.G1' },
    ]);
    expect(await sql(`SELECT count(*)::int AS n FROM place WHERE grid_code <> CASE WHEN ST_X(geom) <= 118.75 THEN 'G1' ELSE 'G2' END`)).toEqual([{ n: 0 }]);
    expect(await sql(`SELECT grid_code, places FROM registry_grid_count ORDER BY 1`)).toEqual(await sql(`SELECT grid_code, count(*)::int AS places FROM place GROUP BY 1 ORDER BY 1`));
    expect(await sql(`SELECT jsonb_array_length(after->'externalIds') AS ids FROM audit_log WHERE action = 'import' ORDER BY id DESC LIMIT 1`)).toEqual([{ ids: n - 1 }]);
    // Search (trigram index, rebuilt) finds a copied row.
    const found = (await t.app.inject({ method: 'GET', url: '/api/places?q=' + encodeURIComponent('大路6999号'), headers: admin })).json().items;
    expect(found.map((x: { externalId: string }) => x.externalId)).toContain('B6999');

    // The table is populated now: the same upload updates every row (no COPY, no duplicates).
    copies.mockClear();
    const again = await upload('/api/places/import?mode=keep-valid', csv);
    expect(again).toMatchObject({ inserted: 0, updated: n - 1, rejected: 1, committed: true });
    expect(copies).not.toHaveBeenCalled();
    expect(await sql(`SELECT count(*)::int AS n FROM place`)).toEqual([{ n: n - 1 }]);
  });

  it('people: ID and phone numbers sealed, tags, derived birth dates, place-derived grids and household counters, duplicates reported', async () => {
    const [{ id: placeId }] = await sql(`SELECT id::int FROM place WHERE external_id = 'B1'`);
    const lines = ['externalId,name,idNumber,phone,placeId,householdNo,registration,tags,lon,lat'];
    const ids: string[] = [];
    for (let i = 0; i < 150; i++) {
      const idNumber = id(`3201041990${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}${String(100 + i).slice(-3)}`);
      ids.push(idNumber);
      const where = i % 3 ? `${placeId},H${i % 40},registered,${i % 5 ? '' : 'elderly_alone;disabled'},,` : `,H${i % 40},floating,,118.77,32.02`;
      lines.push(`R${i},居民${i},${idNumber},1381234${String(i).padStart(4, '0')},${where}`);
    }
    lines.push(`R150,重号,${ids[7]},,${placeId},,registered,,,`); // line 152: ID number of row 9
    copies.mockClear();
    const res = await upload('/api/people/import?mode=keep-valid', lines.join('\n'));
    expect(res).toMatchObject({ total: 151, inserted: 150, rejected: 1, committed: true, errors: [{ row: 152, field: 'idNumber', reason: 'same ID number as row 9' }] });
    expect(copies).toHaveBeenCalledTimes(t.running.db.singleSession ? 0 : 1);
    const dump = JSON.stringify(await sql(`SELECT * FROM person`));
    expect(dump).not.toContain(ids[7]);
    expect(dump).not.toContain('13812340007');
    expect(await sql(`SELECT grid_code, tags, own_location, birth_date::text AS born, household_no FROM person WHERE external_id IN ('R0', 'R5') ORDER BY external_id`)).toEqual([
      { grid_code: 'G2', tags: [], own_location: true, born: '1990-01-01', household_no: 'H0' },
      { grid_code: 'G1', tags: ['elderly_alone', 'disabled'], own_location: false, born: '1990-06-06', household_no: 'H5' },
    ]);
    const found = (await t.app.inject({ method: 'GET', url: `/api/people?idNumber=${ids[7]}&purpose=import%20check`, headers: admin })).json().items;
    expect(found.map((x: { externalId: string }) => x.externalId)).toEqual(['R7']);
    expect(await sql(`SELECT grid_code, people, registered, floating, households FROM registry_grid_count ORDER BY 1`)).toEqual(
      await sql(`SELECT grid_code, count(*)::int AS people, count(*) FILTER (WHERE registration = 'registered')::int AS registered,
                        count(*) FILTER (WHERE registration = 'floating')::int AS floating, count(DISTINCT household_no)::int AS households
                   FROM person GROUP BY 1 ORDER BY 1`),
    );
    expect(await sql(`SELECT grid_code, tag, people FROM registry_grid_tag_count ORDER BY 1, 2`)).toEqual(
      await sql(`SELECT grid_code, t AS tag, count(*)::int AS people FROM person, unnest(tags) t GROUP BY 1, 2 ORDER BY 1, 2`),
    );
  });
});

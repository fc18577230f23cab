import { startTestApp, type TestApp } from '@test/support/app';
import { box, fc, feat } from '@test/support/factories';
import { sqlClient } from '@test/support/db';
import { multipart } from '@test/support/multipart';

/** Where single-record attribution (AreaLookupRepository.locate) puts each place's point. */
const LOCATE_EACH = `
  SELECT x.external_id AS "externalId", x.grid_code AS imported, l.code AS located
    FROM place x LEFT JOIN LATERAL (
      SELECT a.code FROM area_part p JOIN area a ON a.id = p.area_id
       WHERE p.geom && x.geom AND ST_Covers(p.geom, x.geom)
         AND a.valid_from IS NOT NULL AND a.valid_from <= now() AND (a.valid_to IS NULL OR a.valid_to > now())
       ORDER BY nlevel(a.path) DESC, a.code LIMIT 1) l ON true
   ORDER BY x.external_id`;

describe('registry: bulk import attributes exactly as a single create does (real PostGIS)', () => {
  let t: TestApp;
  let admin: { authorization: string };
  const post = async (url: string, payload: unknown) => {
    const r = await t.app.inject({ method: 'POST', url, payload: payload as object, headers: admin });
    expect(r.statusCode).toBeLessThan(300);
    return r.json();
  };
  const publish = async (level: string, parent: string | null, ...features: unknown[]) => {
    const q = `level=${level}&codeProperty=code&nameProperty=name${parent ? '&parentProperty=parent' : ''}`;
    const v = await post(`/api/areas/import?${q}`, fc(...features));
    const r = await t.app.inject({ method: 'POST', url: `/api/areas/versions/${v.versionId}/publish`, headers: admin, payload: { acknowledgeGaps: true } });
    expect(r.statusCode).toBe(200);
  };
  // A lattice over the district and a little beyond, on the grid edges too (0.0025 steps hit 118.005, 118.01, 32.01 exactly).
  const csv = () => {
    const lines = ['externalId,kind,name,lon,lat'];
    for (let i = 0; i <= 10; i++) for (let j = 0; j <= 10; j++) lines.push(`L${i}_${j},poi,点${i}_${j},${(117.9975 + i * 0.0025).toFixed(4)},${(31.9975 + j * 0.0025).toFixed(4)}`);
    return lines.join('\n');
  };
  const importLattice = async () => {
    const m = multipart('places.csv', 'text/csv', Buffer.from(csv()));
    const r = await t.app.inject({ method: 'POST', url: '/api/places/import?mode=keep-valid', headers: { ...admin, ...m.headers }, payload: m.payload });
    expect(r.statusCode).toBe(200);
    return r.json();
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.admin();
    await publish('district', null, feat({ code: 'D1', name: '一区' }, box(118.0, 32.0, 118.02, 32.02)));
    // Two grids leaving a gap (118.015–118.02 is district only), and a microgrid inside G1.
    await publish('grid', 'D1', feat({ code: 'G1', name: '一格', parent: 'D1' }, box(118.0, 32.0, 118.01, 32.02)), feat({ code: 'G2', name: '二格', parent: 'D1' }, box(118.01, 32.0, 118.015, 32.02)));
    await publish('microgrid', 'G1', feat({ code: 'M1', name: '微一', parent: 'G1' }, box(118.0025, 32.0025, 118.0075, 32.0075)));
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives every lattice point, borders and gaps included, the area locate gives; again after a publish changed the grids', async () => {
    const first = await importLattice();
    const c = await sqlClient(t.url);
    try {
      // Points outside the district (the lattice's outer rows and columns) are rejected row by row.
      expect(first.errors.every((e: { field: string; reason: string }) => e.field === 'lon' && /outside every area/.test(e.reason))).toBe(true);
      expect(first.inserted).toBeGreaterThan(50);
      let rows = (await c.query(LOCATE_EACH)).rows;
      expect(rows.filter((r) => r.imported !== r.located)).toEqual([]);
      // Micro-grids carry no records: the points inside M1 belong to its grid G1 (issue 18).
      expect(new Set(rows.map((r) => r.imported))).toEqual(new Set(['D1', 'G1', 'G2']));
      expect(rows.find((r) => r.externalId === 'L3_3')).toMatchObject({ imported: 'G1' }); // inside M1
      expect(rows.find((r) => r.externalId === 'L5_5')).toMatchObject({ imported: 'G1' }); // 118.01 is G1's and G2's edge: lowest code

      // The grids are redrawn (G2 now covers the gap): a re-run re-attributes with the new areas.
      await publish('grid', 'D1', feat({ code: 'G1', name: '一格', parent: 'D1' }, box(118.0, 32.0, 118.005, 32.02)), feat({ code: 'G2', name: '二格', parent: 'D1' }, box(118.005, 32.0, 118.02, 32.02)));
      const second = await importLattice();
      expect(second.updated).toBe(first.inserted);
      rows = (await c.query(LOCATE_EACH)).rows;
      expect(rows.filter((r) => r.imported !== r.located)).toEqual([]);
      expect(rows.find((r) => r.externalId === 'L9_5')).toMatchObject({ imported: 'G2' }); // in the old gap
    } finally {
      await c.end();
    }
  });
});

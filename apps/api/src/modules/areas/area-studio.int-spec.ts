import type { Client } from 'pg';
import { startTestApp, type TestApp } from '@test/support/app';
import { sqlClient } from '@test/support/db';

/**
 * The grid studio's API on the demo city (DEMO=on: real Nanjing districts, generated streets,
 * communities and grids, a synthetic register): proposals, balance, impact against what publish
 * really moves, drafts copied from the published grids, outdated drafts, jurisdiction.
 */
describe('grid studio API on the demo city (real PostGIS)', () => {
  let t: TestApp;
  let sql: Client;
  let analyst: { authorization: string };
  const post = (url: string, payload: unknown, h = analyst) => t.app.inject({ method: 'POST', url, payload: payload as object, headers: h });
  const get = (url: string, h = analyst) => t.app.inject({ method: 'GET', url, headers: h });
  let communities: string[];

  beforeAll(async () => {
    t = await startTestApp({ DEMO: 'on', SIMULATOR: 'off' });
    sql = await sqlClient(t.url);
    analyst = await t.login('demo_analyst', 'demo-analyst-2025');
    // the communities with the most registered households
    communities = (
      await sql.query(
        `SELECT c.code FROM area c JOIN place p ON p.area_path <@ c.path JOIN household h ON h.place_id = p.id
          WHERE c.level = 'community' AND c.valid_to IS NULL AND c.valid_from IS NOT NULL
          GROUP BY c.code ORDER BY count(*) DESC, c.code LIMIT 4`,
      )
    ).rows.map((r) => r.code);
  });
  afterAll(async () => {
    await sql?.end();
    await t?.close();
  });

  it('proposes contiguous, balanced, compact grids that tile each of three communities and keep compounds whole', async () => {
    const lines: string[] = [];
    for (const code of communities.slice(0, 3)) {
      const res = await post('/api/areas/proposals', { parentCode: code, grids: 3 });
      expect(res.statusCode).toBe(201);
      const r = res.json();
      expect(r.grids).toHaveLength(3);
      const topo = (await get(`/api/areas/versions/${r.versionId}/topology`)).json();
      expect(topo.summary).toMatchObject({ overlaps: 0, gaps: 0, outsideParent: 0, nonContiguous: 0 });
      expect(r.grids.every((g: { parts: number }) => g.parts === 1)).toBe(true);
      expect(r.spread.maxMin).not.toBeNull();
      expect(r.spread.maxMin).toBeLessThanOrEqual(1.5);
      expect(r.spread.medianCompactness).toBeGreaterThanOrEqual(0.3);
      // households in the proposal = households in the community (nothing lost or counted twice)
      const [{ n }] = (
        await sql.query(`SELECT count(*)::int AS n FROM household h JOIN place p ON p.id = h.place_id JOIN area c ON c.code = $1 AND c.valid_to IS NULL AND c.valid_from IS NOT NULL AND ST_Covers(c.geom, p.geom)`, [code])
      ).rows;
      expect(r.grids.reduce((s: number, g: { households: number }) => s + g.households, 0)).toBe(n);
      // no compound is cut: a compound and the buildings under it fall in one proposed grid
      const cut = (
        await sql.query(
          `SELECT coalesce(p.parent_id, p.id) AS root, count(DISTINCT d.code) AS grids
             FROM area d JOIN place p ON p.geom && d.geom AND ST_Covers(d.geom, p.geom)
            WHERE d.version_id = $1 GROUP BY 1 HAVING count(DISTINCT d.code) > 1`,
          [r.versionId],
        )
      ).rows;
      expect(cut).toEqual([]);
      lines.push(`${code}: households ${r.grids.map((g: { households: number }) => g.households).join('/')} (max/min ${r.spread.maxMin}), median compactness ${r.spread.medianCompactness}`);
    }
    process.stdout.write(`proposals:\n  ${lines.join('\n  ')}\n`);
  });

  it('reports balance per grid with outliers and spread, for the target range asked', async () => {
    const draft = await post('/api/areas/drafts', { parentCode: communities[3] });
    expect(draft.statusCode).toBe(201);
    const v = draft.json().versionId;
    const b = await get(`/api/areas/versions/${v}/balance?min=2&max=4`);
    expect(b.statusCode).toBe(200);
    const r = b.json();
    expect(r.target).toEqual({ min: 2, max: 4 });
    expect(r.grids.length).toBe(draft.json().areas);
    for (const g of r.grids) {
      expect(g.outlier).toBe(g.households < 2 ? 'low' : g.households > 4 ? 'high' : null);
      expect(g.compactness).toBeGreaterThan(0);
      expect(g.compactness).toBeLessThanOrEqual(1);
    }
    // the copied grids are the published ones, so the draft's counts are the register's per-grid counts
    const counted = (await sql.query(`SELECT grid_code, count(*)::int AS n FROM person WHERE grid_code LIKE $1 || '%' GROUP BY 1`, [communities[3]])).rows;
    for (const c of counted) expect(r.grids.find((g: { code: string }) => g.code === c.grid_code).people).toBe(c.n);
    expect((await get(`/api/areas/versions/${v}/balance?min=5&max=4`)).statusCode).toBe(400);
  });

  it('previews the impact of publishing, and publishing moves exactly that', async () => {
    const code = communities[0];
    const p = (await post('/api/areas/proposals', { parentCode: code, grids: 2 })).json();
    const imp = await get(`/api/areas/versions/${p.versionId}/impact`);
    expect(imp.statusCode).toBe(200);
    const i = imp.json();
    expect(i.areas.added).toEqual([]);
    expect(i.areas.reshaped.sort()).toEqual([`${code}001`, `${code}002`]);
    expect(i.areas.removed.length).toBeGreaterThan(0);
    expect(i.staff.losing.every((s: { code: string }) => i.areas.removed.includes(s.code))).toBe(true);
    expect(i.staff.losing.length).toBeGreaterThan(0);
    expect(i.people).toBeGreaterThan(0);
    expect(i.diff.features.length).toBe(i.areas.removed.length + i.areas.reshaped.length);

    const snapshot = async () => {
      const out: Record<string, Map<string, string | null>> = {};
      for (const [table, where] of [
        ['person', 'true'],
        ['place', 'true'],
        ['city_object', 'true'],
        ['organization', 'true'],
        ['event', `state NOT IN ('closed', 'evaluated', 'voided', 'rejected')`],
      ]) {
        const rows = (await sql.query(`SELECT id::text, grid_code FROM ${table} WHERE ${where}`)).rows;
        out[table] = new Map(rows.map((r) => [r.id, r.grid_code]));
      }
      return out;
    };
    const before = await snapshot();
    const pub = await post(`/api/areas/versions/${p.versionId}/publish`, { acknowledgeGaps: false });
    expect(pub.statusCode).toBe(200);
    const after = await snapshot();
    const moved: Record<string, number> = {};
    for (const table of Object.keys(before)) {
      moved[table] = [...before[table]].filter(([id, g]) => after[table].has(id) && after[table].get(id) !== g).length;
    }
    process.stdout.write(`impact preview ${JSON.stringify(i.moves)}; moved by publish ${JSON.stringify(moved)}\n`);
    for (const table of ['person', 'place', 'city_object', 'organization']) expect(i.moves[table]).toBe(moved[table]);
    expect(i.moves.event).toBe(moved.event);
    // the wall's live message went out with the publish
    // addressed to the redrawn community, so every screen whose jurisdiction holds it hears of it
    const change = (await sql.query(`SELECT area_path::text AS path FROM change WHERE type = 'area.version.published' AND entity_id = $1`, [String(p.versionId)])).rows;
    const [{ path }] = (await sql.query(`SELECT path::text FROM area WHERE code = $1 AND valid_to IS NULL AND valid_from IS NOT NULL`, [code])).rows;
    expect(change).toEqual([{ path }]);
  });

  it('refuses to publish a draft copied before another publish of the same community, saying what changed', async () => {
    const code = communities[1];
    const copy = (await post('/api/areas/drafts', { parentCode: code })).json();
    expect(copy.areas).toBeGreaterThan(1);
    const proposal = (await post('/api/areas/proposals', { parentCode: code, grids: 2 })).json();
    expect((await post(`/api/areas/versions/${proposal.versionId}/publish`, {})).statusCode).toBe(200);
    const stale = await post(`/api/areas/versions/${copy.versionId}/publish`, {});
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('VERSION_OUTDATED');
    expect(stale.json().details.parentCode).toBe(code);
    expect(stale.json().details.removed.length).toBe(copy.areas - 2);
    expect(stale.json().details.reshaped.sort()).toEqual([`${code}001`, `${code}002`]);
    // a fresh copy publishes (nothing changed since it was made)
    const fresh = (await post('/api/areas/drafts', { parentCode: code })).json();
    expect((await post(`/api/areas/versions/${fresh.versionId}/publish`, {})).statusCode).toBe(200);
  });

  it('saves edited features (a split) and answers the topology; bad geometry is a 422 naming the feature', async () => {
    const code = communities[2];
    const draft = (await post('/api/areas/drafts', { parentCode: code })).json();
    const fc = (await get(`/api/areas/export?version=${draft.versionId}`)).json();
    const bow = {
      type: 'Polygon',
      coordinates: [
        [
          [118, 32],
          [118.01, 32.01],
          [118.01, 32],
          [118, 32.01],
          [118, 32],
        ],
      ],
    };
    const bad = await t.app.inject({
      method: 'PUT',
      url: `/api/areas/versions/${draft.versionId}/features`,
      headers: analyst,
      payload: { type: 'FeatureCollection', features: [...fc.features.slice(1), { type: 'Feature', properties: { code: 'X1' }, geometry: bow }] },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details.field).toBe(`body.features.${fc.features.length - 1}`);
    // nothing was written
    expect((await get(`/api/areas/export?version=${draft.versionId}`)).json().features).toHaveLength(fc.features.length);
    // dropping a grid leaves a gap the server reports
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/areas/versions/${draft.versionId}/features`,
      headers: analyst,
      payload: { type: 'FeatureCollection', features: fc.features.slice(1).map((f: any) => ({ type: 'Feature', geometry: f.geometry, properties: { code: f.properties.code, name: f.properties.name } })) },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().topology.summary).toMatchObject({ gaps: 1, overlaps: 0 });
  });

  it('is for analysts and administrators within their jurisdiction only', async () => {
    const admin = await t.admin();
    const code = communities[0];
    const mk = async (username: string, roles: string[], jurisdiction: string) => {
      const r = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username, password: 'password-123456', roles, jurisdiction } });
      expect(r.statusCode).toBe(201);
      return t.login(username, 'password-123456');
    };
    const other = (await sql.query(`SELECT code FROM area WHERE level = 'district' AND valid_to IS NULL AND $1 NOT LIKE code || '%' LIMIT 1`, [code])).rows[0].code;
    const elsewhere = await mk('analyst_elsewhere', ['analyst'], other);
    const operator = await mk('operator_all', ['operator'], '*');
    const draft = (await post('/api/areas/drafts', { parentCode: code })).json();
    for (const [method, url, payload] of [
      ['GET', `/api/areas/versions/${draft.versionId}/balance`],
      ['GET', `/api/areas/versions/${draft.versionId}/impact`],
      ['POST', `/api/areas/versions/${draft.versionId}/repair`, {}],
      ['POST', '/api/areas/proposals', { parentCode: code, grids: 2 }],
      ['POST', '/api/areas/drafts', { parentCode: code }],
    ] as const) {
      const a = await t.app.inject({ method, url, headers: elsewhere, payload: payload as object | undefined });
      expect([method, url, a.statusCode]).toEqual([method, url, 404]);
      const o = await t.app.inject({ method, url, headers: operator, payload: payload as object | undefined });
      expect([method, url, o.statusCode]).toEqual([method, url, 403]);
    }
    const bad = await post('/api/areas/proposals', { parentCode: code, grids: 2, householdsPerGrid: 5 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('body.grids');
  });
});

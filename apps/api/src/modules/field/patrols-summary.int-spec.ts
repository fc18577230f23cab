import { startTestApp, type TestApp } from '@test/support/app';
import { insertEventTerritory, sql } from '@test/support/event-territory';

type H = { authorization: string };

/**
 * GET /api/patrols/summary against real PostGIS, with data small enough to count by hand:
 * EG1 and EG2 are 0.05° × 0.05° grids (118.70–118.75 / 118.75–118.80 E, 32.00–32.05 N). A track
 * straight across a grid from its west edge to its east edge covers a band 100 m tall (50 m each
 * side) of a grid ~5.56 km tall: coverage = 100 / height.
 */
describe('patrol summary by worker and by grid (real PostGIS)', () => {
  let t: TestApp;
  let admin: H;
  const ids: Record<string, number> = {};
  const h: Record<string, H> = {};

  const post = (url: string, headers: H, payload: unknown, extra: Record<string, string> = {}) => t.app.inject({ method: 'POST', url, headers: { ...headers, ...extra }, payload: payload as object });
  const get = (url: string, headers: H) => t.app.inject({ method: 'GET', url, headers });
  const user = async (username: string, roles: string[], jurisdiction: string) => {
    const res = await post('/api/users', admin, { username, password: `${username}-password-1`, roles, jurisdiction, displayName: `名${username}` });
    expect(res.statusCode).toBe(201);
    ids[username] = res.json().id;
    h[username] = await t.login(username, `${username}-password-1`);
  };
  const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  const height = 0.05 * 111_195; // metres of 0.05° of latitude on the mean sphere (±0.5% of the spheroid's)

  /** Start a patrol, walk a straight line west→east at `lat` from `x0` to `x1` (6 fixes), end it, then set its times (minutes ago). */
  async function patrol(who: string, lat: number, x0: number, x1: number, startedAgo: number, endedAgo: number): Promise<number> {
    const start = await post('/api/patrols', h[who], {});
    expect(start.statusCode).toBe(201);
    const positions = [0, 1, 2, 3, 4, 5].map((i) => ({ at: ago(6 - i), lon: x0 + ((x1 - x0) * i) / 5, lat }));
    expect((await post('/api/field/positions', h[who], { positions })).statusCode).toBe(202);
    const id = start.json().id;
    expect((await post(`/api/patrols/${id}/end`, h[who], {})).statusCode).toBe(200);
    await sql(t.url, `UPDATE patrol SET started_at = now() - make_interval(mins => $2), ended_at = now() - make_interval(mins => $3) WHERE id = $1`, [id, startedAgo, endedAgo]);
    return id;
  }

  beforeAll(async () => {
    t = await startTestApp();
    await insertEventTerritory(t.url);
    admin = await t.admin();
    await user('gw1', ['grid_worker'], 'EG1');
    await user('gw2', ['grid_worker'], 'EG2');
    await user('sup1', ['supervisor'], '*');
    await user('opw', ['operator'], 'EG1');
    await user('an1', ['analyst'], '*');
    await sql(t.url, `UPDATE grid_staff SET user_id = $1 WHERE area_code = 'EG1'`, [ids.gw1]);
    // gw2 has no grid_staff row: the patrol's grid is where their latest position lies (EG2).
    expect((await post('/api/field/positions', h.gw2, { positions: [{ at: ago(10), lon: 118.77, lat: 32.01 }] })).statusCode).toBe(202);
    // gw1: A 120→90 min ago across EG1 at 32.025; B 60→45 min ago along the SAME line (covers nothing new).
    await patrol('gw1', 32.025, 118.7, 118.75, 120, 90);
    await patrol('gw1', 32.025, 118.7, 118.75, 60, 45);
    // gw2: C 50→30 min ago across EG2 at 32.01.
    await patrol('gw2', 32.01, 118.75, 118.8, 50, 30);
  });
  afterAll(async () => {
    await t.close();
  });

  it('sums patrol time clipped to the period and unions the coverage, per worker', async () => {
    // From 100 minutes ago: A counts 10 of its 30 minutes, B 15, C 20.
    const res = await get(`/api/patrols/summary?groupBy=worker&from=${ago(100)}&to=${ago(0)}`, h.sup1);
    expect(res.statusCode).toBe(200);
    const rows = res.json().rows;
    expect(rows.map((r: any) => [r.key, r.name, r.patrols, r.workers])).toEqual([
      [String(ids.gw1), '名gw1', 2, 1],
      [String(ids.gw2), '名gw2', 1, 1],
    ]);
    // (A's clipped start is this request's `from`, its end was set a few seconds before: a minute's slack on a slow machine)
    expect(Math.abs(rows[0].seconds - 25 * 60)).toBeLessThan(60);
    expect(rows[1].seconds).toBeCloseTo(20 * 60, 0);
    // Two walks across EG1 (5 km each at 32.025: 0.05° × 111.2 km × cos 32.025° ≈ 4.71 km).
    const across = 0.05 * 111_195 * Math.cos((32.025 * Math.PI) / 180);
    expect(rows[0].lengthM / (2 * across)).toBeCloseTo(1, 2);
    // The same street twice covers it once: 100 m of the grid's height, not 200 m.
    expect(rows[0].coverage / (100 / height)).toBeGreaterThan(0.97);
    expect(rows[0].coverage / (100 / height)).toBeLessThan(1.03);
    expect(rows[1].coverage / (100 / height)).toBeGreaterThan(0.97);
    expect(rows[1].coverage / (100 / height)).toBeLessThan(1.03);
  });

  it('groups by grid with the grid names, and counts the workers', async () => {
    const rows = (await get(`/api/patrols/summary?groupBy=grid&from=${ago(200)}`, h.sup1)).json().rows;
    expect(rows.map((r: any) => [r.key, r.name, r.patrols, r.workers, Math.round(r.seconds / 60)])).toEqual([
      ['EG1', '西网格', 2, 1, 45],
      ['EG2', '东网格', 1, 1, 20],
    ]);
    // An empty period is empty, not an error.
    expect((await get(`/api/patrols/summary?from=${ago(20)}&to=${ago(15)}`, h.sup1)).json().rows).toEqual([]);
  });

  it('keeps to the jurisdiction and to the roles that may read patrols; refuses bad input with 400', async () => {
    const west = (await get(`/api/patrols/summary?groupBy=grid&from=${ago(200)}`, h.opw)).json().rows;
    expect(west.map((r: any) => r.key)).toEqual(['EG1']);
    const westWorkers = (await get(`/api/patrols/summary?from=${ago(200)}`, h.opw)).json().rows;
    expect(westWorkers.map((r: any) => r.key)).toEqual([String(ids.gw1)]);
    expect((await get(`/api/patrols/summary`, h.gw1)).statusCode).toBe(403);
    expect((await get(`/api/patrols/summary`, h.an1)).statusCode).toBe(403);
    const bad = await get(`/api/patrols/summary?groupBy=street`, h.sup1);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('query.groupBy');
    expect((await get(`/api/patrols/summary?from=2026-02-01&to=2026-01-01`, h.sup1)).statusCode).toBe(400);
  });
});

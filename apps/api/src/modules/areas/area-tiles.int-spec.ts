import { startTestApp, type TestApp } from '@test/support/app';
import { box } from '@test/support/factories';
import { decodeMvt } from '@test/support/decode-mvt';

const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

/** Tile x/y holding a point at zoom z (Web Mercator). */
function tileAt(lon: number, lat: number, z: number): [number, number] {
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * 2 ** z), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z)];
}

/**
 * The version's own rows are valid from the very instant it was published (valid_from =
 * published_at, microseconds included). A tile must show them right after the publish, and after
 * a redraw the NEW outline, not the row it closed at that same instant.
 */
describe('area tiles show the version they are keyed by (real PostGIS)', () => {
  let t: TestApp;
  let admin: { authorization: string };
  const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, payload: payload as object, headers: admin });
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: admin });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.admin();
  });
  afterAll(async () => {
    await t.close();
  });

  async function publishDistrict(geometry: unknown): Promise<string> {
    const imp = await post('/api/areas/import?level=district&codeProperty=code&nameProperty=name', fc({ type: 'Feature', properties: { code: 'T1', name: '瓦片区' }, geometry }));
    expect(imp.statusCode).toBe(201);
    const pub = await post(`/api/areas/versions/${imp.json().versionId}/publish`, { acknowledgeGaps: true });
    expect(pub.statusCode).toBe(200);
    return (await get('/api/areas/tiles.json')).json().version;
  }

  async function tileFeatures(key: string, lon: number, lat: number) {
    const [x, y] = tileAt(lon, lat, 12);
    const res = await get(`/api/tiles/areas/${key}/12/${x}/${y}.mvt`);
    expect(res.statusCode).toBe(200);
    return res.rawPayload.length ? (decodeMvt(res.rawPayload).areas?.features ?? []) : [];
  }

  it('serves the just-published rows, and the redrawn outline after a redraw', async () => {
    const v1 = await publishDistrict(box(118.0, 32.0, 118.02, 32.02));
    const first = await tileFeatures(v1, 118.01, 32.01);
    expect(first.map((f) => f.properties.code)).toEqual(['T1']);

    // Redraw: T1 grows eastwards to 118.04; a tile key of the new version shows the new outline.
    const v2 = await publishDistrict(box(118.0, 32.0, 118.04, 32.02));
    expect(v2).not.toBe(v1);
    const [x2] = tileAt(118.01, 32.01, 12);
    const redrawn = await tileFeatures(v2, 118.01, 32.01);
    expect(redrawn.map((f) => f.properties.code)).toEqual(['T1']);
    // Tile-space x of the east edge: further east than the old outline's (both inside this z12 tile).
    const eastEdge = (fs: typeof first) => Math.max(...fs[0].rings.flat().map(([px]) => px));
    const toTileX = (lon: number) => Math.round((((lon + 180) / 360) * 2 ** 12 - x2) * 4096);
    expect(Math.abs(eastEdge(first) - toTileX(118.02))).toBeLessThanOrEqual(2);
    expect(eastEdge(redrawn)).toBeGreaterThan(eastEdge(first));
  });

  it("holds only the caller's jurisdiction and the areas it lies in", async () => {
    // District TD with two grids side by side; a grid worker of TG1 must not get TG2 in any tile.
    const district = await post('/api/areas/import?level=district&codeProperty=code&nameProperty=name', fc({ type: 'Feature', properties: { code: 'TD', name: '辖区' }, geometry: box(118.1, 32.0, 118.12, 32.01) }));
    await post(`/api/areas/versions/${district.json().versionId}/publish`, { acknowledgeGaps: true });
    const grids = await post(
      '/api/areas/import?level=grid&codeProperty=code&nameProperty=name&parentProperty=parent',
      fc(
        { type: 'Feature', properties: { code: 'TG1', name: '一格', parent: 'TD' }, geometry: box(118.1, 32.0, 118.11, 32.01) },
        { type: 'Feature', properties: { code: 'TG2', name: '二格', parent: 'TD' }, geometry: box(118.11, 32.0, 118.12, 32.01) },
      ),
    );
    expect((await post(`/api/areas/versions/${grids.json().versionId}/publish`, {})).statusCode).toBe(200);
    const user = await post('/api/users', { username: 'tile_gw', password: 'password-123456', roles: ['grid_worker'], jurisdiction: 'TG1' });
    expect(user.statusCode).toBe(201);
    const gw = await t.login('tile_gw', 'password-123456');
    const key = (await get('/api/areas/tiles.json')).json().version;
    const [x, y] = tileAt(118.11, 32.005, 14);
    const codes = async (h: { authorization: string }) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/tiles/areas/${key}/14/${x}/${y}.mvt`, headers: h });
      expect(res.statusCode).toBe(200);
      expect(res.headers.vary).toContain('Authorization');
      return (decodeMvt(res.rawPayload).areas?.features ?? []).map((f) => f.properties.code).sort();
    };
    expect(await codes(admin)).toEqual(['TD', 'TG1', 'TG2']);
    expect(await codes(gw)).toEqual(['TD', 'TG1']);
  });
});

import { startTestApp, type TestApp } from '@test/support/app';
import { box, fc, feat } from '@test/support/factories';

describe('registry: a grid redraw re-attributes registry records (real PostGIS, areas API)', () => {
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

  it('moves a place and the person living there to the redrawn grid on publish', async () => {
    const d = await post('/api/areas/import?level=district&codeProperty=code&nameProperty=name', fc(feat({ code: 'D1', name: '一区' }, box(118.0, 32.0, 118.02, 32.02))));
    expect((await post(`/api/areas/versions/${d.json().versionId}/publish`, {})).statusCode).toBe(200);
    const grids = (g1East: number) =>
      post(
        '/api/areas/import?level=grid&codeProperty=code&nameProperty=name&parentProperty=parent',
        fc(feat({ code: 'G1', name: '一格', parent: 'D1' }, box(118.0, 32.0, g1East, 32.02)), feat({ code: 'G2', name: '二格', parent: 'D1' }, box(g1East, 32.0, 118.02, 32.02))),
      );
    const v1 = (await grids(118.01)).json().versionId;
    expect((await post(`/api/areas/versions/${v1}/publish`, {})).statusCode).toBe(200);
    const place = (await post('/api/places', { kind: 'building', name: '边界楼', lon: 118.008, lat: 32.01 })).json();
    expect(place.grid.code).toBe('G1');
    const person = (await post('/api/people', { name: '住户', placeId: place.id })).json();
    expect(person.grid.code).toBe('G1');

    const v2 = (await grids(118.005)).json().versionId;
    const pub = await post(`/api/areas/versions/${v2}/publish`, {});
    expect(pub.statusCode).toBe(200);
    expect((await get(`/api/places/${place.id}`)).json().grid).toEqual({ code: 'G2', name: '二格' });
    expect((await get(`/api/people/${person.id}`)).json().grid).toEqual({ code: 'G2', name: '二格' });
    const counts = (await get('/api/registry/counts?area=D1')).json().grids;
    expect(counts).toEqual([expect.objectContaining({ grid: { code: 'G2', name: '二格' }, places: 1, people: 1 })]);
  });
});

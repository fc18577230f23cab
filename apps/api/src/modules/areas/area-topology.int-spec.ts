import { startTestApp, type TestApp } from '@test/support/app';

type Fc = { type: 'FeatureCollection'; features: { type: 'Feature'; geometry: { type: string; coordinates: number[][][][] }; properties: { code: string; name: string } }[] };

const feat = (props: Record<string, unknown>, ring: number[][]) => ({ type: 'Feature', properties: props, geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]]] } });
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

/**
 * A street surveyed with 12 decimals (as real boundaries come), and its two grids sharing its
 * vertices. The studio sends coordinates on the 1e-7° grid (about 1 cm), so a draft saved back
 * unchanged lies a few millimetres off the parent along every edge: that is not a gap.
 */
// each coordinate rounds to 7 decimals about 5e-8° (≈ 5 mm) away from where it is
const SW = [118.100000049123, 32.100000049123];
const SE = [118.140000049123, 32.100000049321]; // the south edge is 3.8 km long
const NE = [118.140000049321, 32.140000049123];
const NW = [118.100000049321, 32.140000049321];
// the grids' shared border: on the 1e-7° grid already, from the south edge to the north edge
const S_MID = [118.12, 32.100000049222];
const N_MID = [118.12, 32.140000049222];

describe('topology of a studio draft whose parent has more decimals than the studio keeps (real PostGIS)', () => {
  let t: TestApp;
  let admin: { authorization: string };
  const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, payload: payload as object, headers: admin });
  const put = (url: string, payload: unknown) => t.app.inject({ method: 'PUT', url, payload: payload as object, headers: admin });
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: admin });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.admin();
    const street = await post('/api/areas/import?level=street&codeProperty=code&nameProperty=name', fc(feat({ code: 'S9', name: '九街' }, [SW, SE, NE, NW])));
    expect(street.statusCode).toBe(201);
    expect((await post(`/api/areas/versions/${street.json().versionId}/publish`, {})).statusCode).toBe(200);
    const grids = await post(
      '/api/areas/import?level=grid&codeProperty=code&nameProperty=name&parentProperty=parent',
      fc(feat({ code: 'S9G1', name: '九街一格', parent: 'S9' }, [SW, S_MID, N_MID, NW]), feat({ code: 'S9G2', name: '九街二格', parent: 'S9' }, [S_MID, SE, NE, N_MID])),
    );
    expect(grids.statusCode).toBe(201);
    // as imported (all decimals kept) the grids tile the street exactly
    expect((await get(`/api/areas/versions/${grids.json().versionId}/topology`)).json().summary).toMatchObject({ gaps: 0, overlaps: 0, outsideParent: 0 });
    expect((await post(`/api/areas/versions/${grids.json().versionId}/publish`, {})).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reports no gap and nothing outside the parent for grids saved back on the 1e-7° grid, and still reports a 1 m gap', async () => {
    const draft = await post('/api/areas/drafts', { parentCode: 'S9' });
    expect(draft.statusCode).toBe(201);
    const v = draft.json().versionId;
    const exported = (await get(`/api/areas/export?version=${v}`)).json() as Fc;
    expect(exported.features).toHaveLength(2);
    // what the studio holds: every coordinate with at most 7 decimals
    const coords = exported.features.flatMap((f) => f.geometry.coordinates.flat(2).flat());
    expect(coords.every((x) => Number(x.toFixed(7)) === x)).toBe(true);
    const save = (f: Fc) => put(`/api/areas/versions/${v}/features`, { type: 'FeatureCollection', features: f.features.map((x) => ({ type: 'Feature', geometry: x.geometry, properties: x.properties })) });

    const unchanged = await save(exported);
    expect(unchanged.statusCode).toBe(200);
    const topo = unchanged.json().topology;
    expect({ gaps: topo.gaps.features.map((g: { properties: unknown }) => g.properties), outside: topo.outsideParent.features.map((g: { properties: unknown }) => g.properties) }).toEqual({ gaps: [], outside: [] });
    expect(topo.summary).toMatchObject({ gaps: 0, overlaps: 0, outsideParent: 0, blocking: false, needsGapAcknowledgement: false });

    // a real gap: the west grid's east border moved 1e-5° (≈ 0.94 m) west, the east grid left as it was
    const moved = structuredClone(exported);
    const g1 = moved.features.find((f) => f.properties.code === 'S9G1')!;
    for (const ring of g1.geometry.coordinates[0]) for (const p of ring) if (Math.abs(p[0] - 118.12) < 1e-9) p[0] = 118.11999;
    const withGap = await save(moved);
    expect(withGap.statusCode).toBe(200);
    const gaps = withGap.json().topology.gaps.features;
    expect(gaps).toHaveLength(1);
    // 0.94 m × 4.4 km
    expect(gaps[0].properties.areaM2).toBeGreaterThan(3900);
    expect(gaps[0].properties.areaM2).toBeLessThan(4400);
  });

  it('writes back only the features that changed: the rest keep their rows; renamed, dropped and new ones are saved', async () => {
    const v = (await post('/api/areas/drafts', { parentCode: 'S9' })).json().versionId;
    type Row = { id: number; properties: { code: string; name: string } };
    const rows = async () => ((await get(`/api/areas/export?version=${v}`)).json().features as Row[]).map((f) => ({ id: f.id, code: f.properties.code, name: f.properties.name }));
    const exported = (await get(`/api/areas/export?version=${v}`)).json() as Fc;
    const send = (features: Fc['features']) =>
      put(`/api/areas/versions/${v}/features`, { type: 'FeatureCollection', features: features.map((x) => ({ type: 'Feature', geometry: x.geometry, properties: { code: x.properties.code, name: x.properties.name } })) });
    // the first save puts the copied rows (12 decimals) on the studio's 1e-7° grid: both rewritten
    const copied = await rows();
    expect((await send(exported.features)).statusCode).toBe(200);
    const before = await rows();
    expect(before.filter((r) => copied.some((c) => c.id === r.id))).toEqual([]);
    // saved again as they are: the same rows
    expect((await send(exported.features)).statusCode).toBe(200);
    expect(await rows()).toEqual(before);
    // S9G1 renamed (a new row), S9G2 dropped, S9G3 added on S9G2's place: S9G1's old row and S9G2 are gone
    const [g1, g2] = ['S9G1', 'S9G2'].map((c) => exported.features.find((f) => f.properties.code === c)!);
    const res = await send([
      { ...g1, properties: { code: 'S9G1', name: '九街新一格' } },
      { ...g2, properties: { code: 'S9G3', name: '九街三格' } },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json().topology.summary).toMatchObject({ gaps: 0, overlaps: 0, duplicateCodes: 0 });
    const after = await rows();
    expect(after.map((r) => [r.code, r.name])).toEqual([
      ['S9G1', '九街新一格'],
      ['S9G3', '九街三格'],
    ]);
    expect(after.some((r) => before.some((b) => b.id === r.id))).toBe(false);
    // a bad feature among unchanged ones: 422 naming it, and nothing of the save is kept
    const bow = {
      type: 'Polygon',
      coordinates: [
        [
          [118.1, 32.1],
          [118.11, 32.11],
          [118.11, 32.1],
          [118.1, 32.11],
          [118.1, 32.1],
        ],
      ],
    };
    const bad = await put(`/api/areas/versions/${v}/features`, {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: g1.geometry, properties: { code: 'S9G1', name: '九街新一格' } },
        { type: 'Feature', geometry: bow, properties: { code: 'S9G4' } },
      ],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details.field).toBe('body.features.1');
    expect(await rows()).toEqual(after);
  });
});

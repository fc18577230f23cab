import type { Client } from 'pg';
import { startTestApp, type TestApp } from '@test/support/app';
import { sqlClient } from '@test/support/db';
import { twoGridTerritory } from '@test/support/factories';

/**
 * Issue #16 §3: a grid worker's place footprint of 1.4M vertices was accepted, and every list that
 * covered it answered 32 MB. Footprints are limited (FOOTPRINT_MAX_VERTICES / _RINGS, 422 naming the
 * setting) and lists return them simplified; the detail read has them whole.
 */
const ringAround = (cx: number, cy: number, n: number, r = 0.001) => {
  const ring: [number, number][] = [];
  for (let i = 0; i < n; i++) ring.push([cx + r * Math.cos((2 * Math.PI * i) / n), cy + r * Math.sin((2 * Math.PI * i) / n)]);
  ring.push(ring[0]);
  return ring;
};
const vertices = (g: { coordinates: unknown }) => JSON.stringify(g.coordinates).match(/\[-?[\d.e-]+,-?[\d.e-]+\]/g)!.length;

describe('place footprints: limits and simplified lists (real PostGIS)', () => {
  let t: TestApp;
  let db: Client;
  let admin: { authorization: string };
  let territory: Awaited<ReturnType<typeof twoGridTerritory>>;
  const count = async () => Number((await db.query(`SELECT count(*) AS n FROM place`)).rows[0].n);

  beforeAll(async () => {
    t = await startTestApp();
    db = await sqlClient(t.url);
    territory = await twoGridTerritory(db);
    admin = await t.admin();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  it('refuses a footprint over FOOTPRINT_MAX_VERTICES (default 5,000) or FOOTPRINT_MAX_RINGS (100) with 422 naming the setting', async () => {
    const { lon, lat } = territory.pointInA;
    const before = await count();
    const place = (footprint: unknown) => t.app.inject({ method: 'POST', url: '/api/places', headers: admin, payload: { kind: 'building', name: '楼', lon, lat, footprint } as object });
    const many = await place({ type: 'Polygon', coordinates: [ringAround(lon, lat, 6000)] });
    expect(many.statusCode).toBe(422);
    expect(many.json()).toMatchObject({ code: 'TOO_COMPLEX', details: { field: 'body.footprint', limit: 'FOOTPRINT_MAX_VERTICES', max: 5000 } });
    const rings = await place({ type: 'MultiPolygon', coordinates: Array.from({ length: 101 }, (_, i) => [ringAround(lon + i * 0.00001, lat, 4, 0.000004)]) });
    expect(rings.statusCode).toBe(422);
    expect(rings.json().details).toMatchObject({ limit: 'FOOTPRINT_MAX_RINGS', max: 100 });
    expect(await count()).toBe(before);
    // An ordinary footprint is kept as sent.
    const ok = await place({ type: 'Polygon', coordinates: [ringAround(lon, lat, 40)] });
    expect(ok.statusCode).toBe(201);
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/places/${ok.json().id}`, headers: admin, payload: { footprint: { type: 'Polygon', coordinates: [ringAround(lon, lat, 6000)] } } });
    expect(patched.statusCode).toBe(422);
  });

  it('lists a footprint stored before the limits simplified (and says so); the detail read has it whole', async () => {
    const { lon, lat } = territory.pointInA;
    const created = await t.app.inject({ method: 'POST', url: '/api/places', headers: admin, payload: { kind: 'building', name: '大楼', lon, lat } });
    const id = created.json().id;
    // As the probe left it: a footprint of 50,000 vertices, written past today's limits.
    await db.query(`UPDATE place SET footprint = ST_Multi(ST_Buffer(geom, 0.001, 12500)) WHERE id = $1`, [id]);
    const stored = (await db.query(`SELECT ST_NPoints(footprint) AS n FROM place WHERE id = $1`, [id])).rows[0].n;
    expect(stored).toBeGreaterThan(50_000);

    const list = await t.app.inject({ method: 'GET', url: '/api/places', headers: admin });
    const item = list.json().items.find((p: { id: number }) => p.id === id);
    expect(item.footprintSimplified).toBe(true);
    expect(vertices(item.footprint)).toBeLessThanOrEqual(256);
    expect(vertices(item.footprint)).toBeGreaterThanOrEqual(4);
    // The 40-vertex footprint of the test above comes as it is.
    const small = list.json().items.find((p: { name: string }) => p.name === '楼');
    expect(small.footprintSimplified).toBe(false);
    expect(vertices(small.footprint)).toBe(41);

    const detail = await t.app.inject({ method: 'GET', url: `/api/places/${id}`, headers: admin });
    expect(detail.json().footprintSimplified).toBe(false);
    expect(vertices(detail.json().footprint)).toBe(stored);
  });
});

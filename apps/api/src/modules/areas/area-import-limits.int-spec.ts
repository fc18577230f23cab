import type { Client } from 'pg';
import { startTestApp, type TestApp } from '@test/support/app';
import { sqlClient } from '@test/support/db';

/**
 * Issue #16 §3: one request must not stall the API. Geometry limits by kind answer 413/422 naming
 * the setting; a large import runs as a job (progress, cancel) that leaves other requests served.
 */
const square = (x: number, y: number, s = 0.0005) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
      [x, y],
    ],
  ],
});
/** A closed ring of n + 1 positions round a circle (valid, n vertices plus the closing one). */
const circle = (n: number, cx = 118.5, cy = 32.5, r = 0.05) => {
  const ring: [number, number][] = [];
  for (let i = 0; i < n; i++) ring.push([cx + r * Math.cos((2 * Math.PI * i) / n), cy + r * Math.sin((2 * Math.PI * i) / n)]);
  ring.push(ring[0]);
  return { type: 'Polygon', coordinates: [ring] };
};
const grid = (n: number, prefix: string, perRow = 100) =>
  Array.from({ length: n }, (_, i) => ({ type: 'Feature', properties: { code: `${prefix}${i}` }, geometry: square(118 + (i % perRow) * 0.001, 32 + Math.floor(i / perRow) * 0.001) }));
const fc = (features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('area imports: limits and jobs (real PostGIS)', () => {
  let t: TestApp;
  let sql: Client;
  let admin: { authorization: string };
  const count = async (table: string) => Number((await sql.query(`SELECT count(*) FROM ${table}`)).rows[0].count);
  const importUrl = (extra = '') => `/api/areas/import?level=grid&codeProperty=code${extra}`;
  const post = (url: string, payload: unknown, headers = admin) => t.app.inject({ method: 'POST', url, payload: JSON.stringify(payload), headers: { ...headers, 'content-type': 'application/json' } });
  const job = (id: string, headers = admin) => t.app.inject({ method: 'GET', url: `/api/areas/import-jobs/${id}`, headers });
  const finished = async (id: string) => {
    for (;;) {
      const j = (await job(id)).json();
      if (j.status !== 'running') return j;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    // AREA_MAX_VERTICES keeps its default (200,000): the test sends what the probe sent, scaled down.
    t = await startTestApp({ AREA_MAX_RINGS: '50', AREA_IMPORT_MAX_FEATURES: '20000', AREA_IMPORT_JOB_VERTICES: '2000' });
    sql = await sqlClient(t.url);
    admin = await t.admin();
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('refuses a polygon over AREA_MAX_VERTICES (default 200,000) with 422 naming the setting, writing nothing', async () => {
    const res = await post(importUrl(), fc([{ type: 'Feature', properties: { code: 'BIG' }, geometry: circle(300_000) }]));
    expect(res.statusCode).toBe(422);
    expect(res.json().details.results[0]).toMatchObject({ status: 'rejected', reason: expect.stringContaining('AREA_MAX_VERTICES') });
    expect(res.json().details.results[0].reason).toContain('200,000');
    expect(await count('area_version')).toBe(0);
  });

  it('refuses a multipolygon over AREA_MAX_RINGS and keeps the valid features in keep-valid mode', async () => {
    const islands = { type: 'MultiPolygon', coordinates: Array.from({ length: 51 }, (_, i) => square(118 + i * 0.001, 31).coordinates) };
    const res = await post(importUrl('&mode=keep-valid'), fc([{ type: 'Feature', properties: { code: 'ISL' }, geometry: islands }, ...grid(2, 'OK')]));
    expect(res.statusCode).toBe(201);
    expect(res.json().results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'imported', 'imported']);
    expect(res.json().results[0].reason).toContain('AREA_MAX_RINGS');
  });

  it('answers 413 naming AREA_IMPORT_MAX_FEATURES past the limit', async () => {
    const before = await count('area_version');
    const res = await post(importUrl(), fc(grid(20_001, 'F')));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: 'AREA_IMPORT_MAX_FEATURES', max: 20_000, actual: 20_001 } });
    expect(await count('area_version')).toBe(before);
  });

  it('runs an import past AREA_IMPORT_JOB_VERTICES as a job whose result is what the one-transaction import answers', async () => {
    const features = grid(450, 'J'); // 2,250 vertices > 2,000
    const started = await post(importUrl('&mode=keep-valid'), fc(features));
    expect(started.statusCode).toBe(202);
    expect(started.headers.location).toBe(`/api/areas/import-jobs/${started.json().id}`);
    expect(started.json()).toMatchObject({ status: 'running', features: 450, vertices: 2250 });
    const done = await finished(started.json().id);
    expect(done).toMatchObject({ status: 'succeeded', error: null, progress: { phase: 'writing', done: 450, total: 450 } });
    // The same features imported at once (below the job threshold per request: two halves) give the same results.
    const inline = await post(importUrl('&mode=keep-valid'), fc(grid(300, 'K')));
    expect(inline.statusCode).toBe(201);
    expect(done.result.results.slice(0, 300).map((r: { status: string }) => r.status)).toEqual(inline.json().results.map((r: { status: string }) => r.status));
    const rows = await sql.query(`SELECT count(*)::int AS n, count(DISTINCT p.area_id)::int AS pieces FROM area a LEFT JOIN area_part p ON p.area_id = a.id WHERE a.version_id = $1`, [done.result.versionId]);
    expect(rows.rows[0]).toEqual({ n: 450, pieces: 450 });
    // `job=true` makes a small import a job too; another analyst cannot see someone else's job.
    const small = await post(importUrl('&job=true'), fc(grid(2, 'S')));
    expect(small.statusCode).toBe(202);
    await post('/api/users', { username: 'analyst2', password: 'analyst-password-2', roles: ['analyst'], jurisdiction: '*' });
    const other = await t.login('analyst2', 'analyst-password-2');
    expect((await job(small.json().id, other)).statusCode).toBe(404);
    expect((await finished(small.json().id)).status).toBe('succeeded');
  });

  it('fails an all-or-nothing job with the same 422 body and leaves no draft behind', async () => {
    const before = await count('area_version');
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [118, 31],
          [118.01, 31.01],
          [118.01, 31],
          [118, 31.01],
          [118, 31],
        ],
      ],
    };
    const started = await post(importUrl(), fc([...grid(450, 'X'), { type: 'Feature', properties: { code: 'BOW' }, geometry: bowtie }]));
    expect(started.statusCode).toBe(202);
    const done = await finished(started.json().id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'INVALID_GEOMETRY', details: { results: expect.any(Array) } });
    expect(done.error.details.results[450]).toMatchObject({ code: 'BOW', status: 'rejected', reason: expect.stringContaining('Self-intersection') });
    expect(await count('area_version')).toBe(before);
  });

  it('answers /api/health while a large import runs, and a cancelled import leaves nothing behind', async () => {
    const versionsBefore = await count('area_version');
    const areasBefore = await count('area');
    const started = await post(importUrl(), fc(grid(20_000, 'H', 200)));
    expect(started.statusCode).toBe(202);
    const id = started.json().id;
    // Each health request is sent after the previous answer; each must be answered while the import
    // is still running (read after the answer). An import that held the event loop or the database
    // for its whole length would let no health answer through before it finished.
    const seen: { health: number; job: string; phase: string }[] = [];
    const probe = async () => {
      const health = await t.app.inject({ method: 'GET', url: '/api/health' });
      const j = (await job(id)).json();
      seen.push({ health: health.statusCode, job: j.status, phase: j.progress.phase });
      return j;
    };
    // Through the checks and the validation until the job writes (each step a short statement of its own) ...
    for (let j = await probe(); j.status === 'running' && j.progress.phase !== 'writing'; j = await probe());
    // ... and a few more while it writes, so the cancel below also undoes written rows.
    for (let i = 0; i < 3; i++) await probe();
    expect(seen.filter((s) => s.health !== 200 || s.job !== 'running')).toEqual([]);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.at(-1)!.phase).toBe('writing');
    // Its half-written draft cannot be published meanwhile.
    const writing = (await job(id)).json();
    const publish = await post(`/api/areas/versions/${writing.versionId}/publish`, { acknowledgeGaps: true });
    expect(publish.statusCode).toBe(409);
    expect(publish.json().details).toMatchObject({ versionId: writing.versionId, job: id });
    const cancel = await t.app.inject({ method: 'DELETE', url: `/api/areas/import-jobs/${id}`, headers: admin });
    expect(cancel.statusCode).toBe(202);
    expect(cancel.json()).toMatchObject({ cancelRequested: true });
    const done = await finished(id);
    expect(done.status).toBe('cancelled');
    expect((await t.app.inject({ method: 'DELETE', url: `/api/areas/import-jobs/${id}`, headers: admin })).statusCode).toBe(409);
    expect([await count('area_version'), await count('area')]).toEqual([versionsBefore, areasBefore]);
  });
});

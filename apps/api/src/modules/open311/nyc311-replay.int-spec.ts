import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { startTestApp, type TestApp } from '@test/support/app';
import { importAreas } from '@test/support/area-import';
import { sql } from '@test/support/event-territory';

const DATA = resolve(__dirname, '../../../../../../shared/data');

/** NYC complaint types → our categories (the rest goes to `other`); routing never uses the request's own district label. */
function categoryOf(complaint: string): string {
  const c = complaint.toLowerCase();
  if (c.startsWith('noise')) return 'noise';
  if (/parking|blocked driveway/.test(c)) return 'illegal_parking';
  if (/sanit|dirty|dumping|litter|missed collection|bulky/.test(c)) return 'exposed_rubbish';
  if (/street condition|sidewalk/.test(c)) return 'road_damage';
  if (/street light/.test(c)) return 'street_light';
  if (/water leak|water system/.test(c)) return 'water_leak';
  if (/sewer/.test(c)) return 'sewer_blockage';
  if (/tree/.test(c)) return 'tree_fall';
  if (/vendor/.test(c)) return 'street_vendor';
  if (/elevator/.test(c)) return 'elevator_fault';
  if (/construction|building/.test(c)) return 'illegal_construction';
  if (/food/.test(c)) return 'food_safety';
  if (/graffiti|poster/.test(c)) return 'illegal_ads';
  return 'other';
}

describe('real data check: NYC 311 replayed through Open311 into a territory of NYC community districts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('puts every located request in a grid, agrees with boro_cd ≥ 99%, and holds the unlocated ones as unplaced', async () => {
    const admin = await t.admin();
    const districts = JSON.parse(readFileSync(resolve(DATA, 'nyc311/boundaries/dwillis_nyc-maps__community_districts.geojson'), 'utf8'));
    const imp = await importAreas(t, '/api/areas/import?level=grid&codeProperty=BoroCD', districts, admin); // a job: 83k vertices
    expect(imp.statusCode).toBe(201);
    const pub = await t.app.inject({ method: 'POST', url: `/api/areas/versions/${imp.body.versionId}/publish`, headers: admin, payload: { acknowledgeGaps: true } });
    expect(pub.statusCode).toBe(200);
    const keyRes = await t.app.inject({ method: 'POST', url: '/api/api-keys', headers: admin, payload: { name: 'nyc311-replay', roles: ['api_client'] } });
    const key: string = keyRes.json().key;

    const rows: Record<string, string>[] = parse(readFileSync(resolve(DATA, 'nyc311/nyc311_dev.csv')), { columns: true, skip_empty_lines: true });
    expect(rows).toHaveLength(4704);
    const sent: { id: number; located: boolean; boroCd: string }[] = [];
    for (const r of rows) {
      const form: Record<string, string> = {
        api_key: key,
        service_code: categoryOf(r.complaint_type),
        description: `${r.complaint_type}: ${r.descriptor}`.slice(0, 4000),
        address_string: [r.incident_address, r.city, r.incident_zip].filter(Boolean).join(', '),
      };
      if (r.latitude && r.longitude) Object.assign(form, { lat: r.latitude, long: r.longitude });
      const res = await t.app.inject({
        method: 'POST',
        url: '/open311/v2/requests.json',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': `nyc311-${r.unique_key}` },
        payload: new URLSearchParams(form).toString(),
      });
      if (res.statusCode !== 201) throw new Error(`row ${r.unique_key}: ${res.statusCode} ${res.body}`);
      sent.push({ id: Number(res.json()[0].service_request_id), located: Boolean(r.latitude && r.longitude), boroCd: r.boro_cd });
    }

    const events = await sql<{ id: number; state: string; grid_code: string | null }>(t.url, 'SELECT id::int, state, grid_code FROM event');
    expect(events).toHaveLength(4704);
    const byId = new Map(events.map((e) => [e.id, e]));
    const located = sent.filter((s) => s.located);
    const unlocated = sent.filter((s) => !s.located);
    const outside = located.filter((s) => !byId.get(s.id)!.grid_code);
    const labelled = located.filter((s) => s.boroCd);
    const agree = labelled.filter((s) => byId.get(s.id)!.grid_code === String(Number(s.boroCd))).length;
    const rate = agree / labelled.length;
    process.stdout.write(
      `NYC 311 via Open311: ${located.length} located, ${located.length - outside.length} in a grid; ` +
        `${agree}/${labelled.length} agree with boro_cd = ${(rate * 100).toFixed(2)}%; ${unlocated.length} without coordinates → unplaced\n`,
    );
    expect(outside).toEqual([]);
    expect(located.every((s) => byId.get(s.id)!.state === 'reported')).toBe(true);
    expect(rate).toBeGreaterThanOrEqual(0.99);
    expect(unlocated.length).toBeGreaterThan(100);
    expect(unlocated.every((s) => byId.get(s.id)!.state === 'unplaced' && byId.get(s.id)!.grid_code === null)).toBe(true);
    // every located event has its outbox row with the grid path; unplaced ones go to the whole-territory scope
    const [{ n }] = await sql<{ n: number }>(t.url, `SELECT count(*)::int AS n FROM change WHERE type = 'event.created'`);
    expect(n).toBe(4704);
  });
});

import { sqlClient } from '@test/support/db';
import { startTestApp, type TestApp } from '@test/support/app';
import type { Client } from 'pg';
import { residentIdProblem } from '@gc/contracts';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { DemoSimulatorService } from './demo-simulator.service';

describe('demo city (DEMO=on, real PostGIS)', () => {
  let t: TestApp;
  let sql: Client;
  beforeAll(async () => {
    const t0 = Date.now();
    t = await startTestApp({ DEMO: 'on', SIMULATOR: 'off' });
    // Measured, not asserted (no timing thresholds in tests).
    // eslint-disable-next-line no-console
    console.log(`demo: app with demo city ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    sql = await sqlClient(t.url);
  });
  afterAll(async () => {
    await sql?.end();
    await t?.close();
  });

  const current = `valid_from IS NOT NULL AND valid_to IS NULL`;

  it('has the six real districts of Nanjing under 320100, with their real names and codes', async () => {
    const { rows } = await sql.query(`SELECT code, name, path::text AS path, generated FROM area WHERE level = 'district' AND ${current} ORDER BY code`);
    expect(rows.map((r) => [r.code, r.name])).toEqual([
      ['320102', '玄武区'],
      ['320104', '秦淮区'],
      ['320105', '建邺区'],
      ['320106', '鼓楼区'],
      ['320113', '栖霞区'],
      ['320115', '江宁区'],
    ]);
    expect(rows.every((r) => r.path === `320100.${r.code}` && r.generated === false)).toBe(true);
    // WGS-84, not GCJ-02: 秦淮区 contains 夫子庙 at its GPS position (118.7887, 32.0206).
    const { rows: hit } = await sql.query(`SELECT code FROM area WHERE level = 'district' AND ${current} AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(118.7887, 32.0206), 4326))`);
    expect(hit.map((r) => r.code)).toEqual(['320104']);
  });

  it('has the official streets and communities with their names and codes, marked generated', async () => {
    const { rows } = await sql.query(`SELECT level, count(*)::int AS n, bool_and(generated) AS gen, bool_and(properties->>'note' = 'generated') AS noted FROM area WHERE ${current} GROUP BY level`);
    const by = Object.fromEntries(rows.map((r) => [r.level, r]));
    expect(by.city.n).toBe(1);
    expect(by.street).toMatchObject({ n: 79, gen: true, noted: true });
    expect(by.community).toMatchObject({ n: 710, gen: true, noted: true });
    expect(by.grid.n).toBeGreaterThan(710);
    const { rows: named } = await sql.query(`SELECT code, name, parent_code, path::text AS path FROM area WHERE code IN ('320104002', '320102002001') AND ${current} ORDER BY code`);
    expect(named).toEqual([
      { code: '320102002001', name: '梅园新村社区', parent_code: '320102002', path: '320100.320102.320102002.320102002001' },
      { code: '320104002', name: '夫子庙街道', parent_code: '320104', path: '320100.320104.320104002' },
    ]);
    const { rows: codes } = await sql.query(`SELECT count(*)::int AS bad FROM area WHERE level = 'grid' AND code !~ ('^' || parent_code || '[0-9]{3}$')`);
    expect(codes[0].bad).toBe(0);
  });

  it('tiles every level: union(children) = parent, siblings do not overlap (checked in SQL)', async () => {
    for (const level of ['district', 'street', 'community', 'grid', 'microgrid']) {
      const { rows } = await sql.query(
        `WITH kids AS (SELECT parent_code, sum(area_m2) AS kids_m2, ST_Union(geom) AS u FROM area WHERE level = $1 AND ${current} GROUP BY parent_code),
         gaps AS (SELECT k.parent_code, (ST_Dump(ST_Difference(p.geom, k.u))).geom AS g
                    FROM kids k JOIN area p ON p.code = k.parent_code AND p.valid_from IS NOT NULL AND p.valid_to IS NULL)
         SELECT count(*)::int AS parents,
                max(abs(k.kids_m2 - p.area_m2) / p.area_m2) AS worst_sum_ratio,
                max(ST_Area(ST_SymDifference(p.geom, k.u)::geography)) AS worst_symdiff_m2,
                (SELECT max(ST_Area(g::geography)) FROM gaps) AS worst_gap_piece_m2
           FROM kids k JOIN area p ON p.code = k.parent_code AND p.valid_from IS NOT NULL AND p.valid_to IS NULL`,
        [level],
      );
      // Sum of children's areas equals the parent's: no overlap (sum would exceed) and no gap (sum would fall short).
      expect(rows[0].parents).toBeGreaterThan(0);
      expect(rows[0].worst_sum_ratio).toBeLessThan(1e-6);
      // union(children) = parent: what is left is floating-point dust, every piece far below the 1 m² the topology check reports.
      expect(rows[0].worst_symdiff_m2).toBeLessThan(100);
      expect(rows[0].worst_gap_piece_m2 ?? 0).toBeLessThan(1);
      // eslint-disable-next-line no-console
      console.log(`demo tiling ${level}: child-sum ratio ${rows[0].worst_sum_ratio}, symdiff ${rows[0].worst_symdiff_m2} m², largest gap piece ${rows[0].worst_gap_piece_m2} m²`);
      const { rows: ov } = await sql.query(
        `SELECT count(*)::int AS n FROM area a JOIN area b ON a.parent_code = b.parent_code AND a.id < b.id AND a.geom && b.geom
          WHERE a.level = $1 AND b.level = $1 AND a.valid_from IS NOT NULL AND a.valid_to IS NULL AND b.valid_from IS NOT NULL AND b.valid_to IS NULL
            AND ST_Area(ST_Intersection(a.geom, b.geom)::geography) > 1`,
        [level],
      );
      expect(ov[0].n).toBe(0);
    }
  });

  it("passes the territory's own topology check at every level: no gaps, no overlaps, nothing outside its parent", async () => {
    const { rows: versions } = await sql.query(`SELECT id::int, level FROM area_version WHERE source->>'demo' = 'true' ORDER BY id`);
    expect(versions.map((v) => v.level)).toEqual(['city', 'district', 'street', 'community', 'grid', 'microgrid']);
    const admin = await t.admin();
    for (const v of versions) {
      const res = await t.app.inject({ method: 'GET', url: `/api/areas/versions/${v.id}/topology`, headers: admin });
      expect(res.statusCode).toBe(200);
      const s = res.json().summary;
      // eslint-disable-next-line no-console
      console.log(`demo topology ${v.level}: ${JSON.stringify(s)}`);
      expect({ level: v.level, gaps: s.gaps, overlaps: s.overlaps, outsideParent: s.outsideParent, blocking: s.blocking }).toEqual({
        level: v.level,
        gaps: 0,
        overlaps: 0,
        outsideParent: 0,
        blocking: false,
      });
    }
  });

  it('divides a few grids of 夫子庙街道 into micro-grids, one per compound, that carry no records', async () => {
    const { rows } = await sql.query(
      `SELECT count(DISTINCT m.parent_code)::int AS grids, count(*)::int AS micro,
              bool_and(m.path <@ '320100.320104.320104002'::ltree) AS in_street,
              bool_and(g.level = 'grid' AND m.path = g.path || m.code) AS under_grid,
              bool_and(m.name LIKE '%微网格') AS named,
              -- each micro-grid holds the compound it is named after
              bool_and(EXISTS (SELECT 1 FROM place p WHERE p.kind = 'compound' AND m.name = p.name || '微网格' AND ST_Covers(m.geom, p.geom))) AS holds_compound,
              (SELECT count(*)::int FROM area_part ap JOIN area x ON x.id = ap.area_id WHERE x.level = 'microgrid') AS parts,
              (SELECT count(*)::int FROM place p WHERE p.grid_code IN (SELECT code FROM area WHERE level = 'microgrid')) AS attributed
         FROM area m JOIN area g ON g.code = m.parent_code AND g.valid_from IS NOT NULL AND g.valid_to IS NULL
        WHERE m.level = 'microgrid' AND m.valid_from IS NOT NULL AND m.valid_to IS NULL`,
    );
    // eslint-disable-next-line no-console
    console.log(`demo micro-grids: ${rows[0].micro} in ${rows[0].grids} grids`);
    expect(rows[0]).toMatchObject({ grids: 4, in_street: true, under_grid: true, named: true, holds_compound: true, parts: 0, attributed: 0 });
    expect(rows[0].micro).toBeGreaterThanOrEqual(8);
  });

  it('fills area_part and gives every grid its 一长二员', async () => {
    const { rows } = await sql.query(
      `SELECT (SELECT count(*)::int FROM area a WHERE level = 'grid' AND ${current} AND NOT EXISTS (SELECT 1 FROM area_part p WHERE p.area_id = a.id)) AS no_parts,
              (SELECT count(*)::int FROM area a WHERE level = 'grid' AND ${current}
                 AND (SELECT count(DISTINCT role) FROM grid_staff s WHERE s.area_code = a.code AND s.valid_to IS NULL) < 3) AS no_staff`,
    );
    expect(rows[0]).toEqual({ no_parts: 0, no_staff: 0 });
  });

  it('lists the demo accounts publicly, and each signs in with its jurisdiction', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/demo/accounts' });
    expect(res.statusCode).toBe(200);
    const accounts: { username: string; password: string; role: string; jurisdiction: string }[] = res.json().accounts;
    expect(new Set(accounts.map((a) => a.role))).toEqual(new Set(['admin', 'operator', 'analyst', 'supervisor', 'department', 'grid_worker', 'auditor', 'api_client']));
    expect(accounts).toHaveLength(DEMO_ACCOUNTS.length);
    for (const a of accounts) {
      const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: await t.login(a.username, a.password) });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ username: a.username, roles: [a.role], jurisdiction: a.jurisdiction, demo: true });
    }
    const worker = accounts.find((a) => a.role === 'grid_worker')!;
    expect(worker.jurisdiction).toMatch(/^320104002\d{6}$/);
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM grid_staff s JOIN app_user u ON u.id = s.user_id WHERE u.username = $1 AND s.area_code = $2`, [worker.username, worker.jurisdiction]);
    expect(rows[0].n).toBe(1);
  });

  it('has a synthetic population in realistic proportions, every row marked demo- and located in its grid', async () => {
    const { rows } = await sql.query(
      `SELECT (SELECT count(*)::int FROM person) AS people,
              (SELECT count(*)::int FROM person WHERE external_id NOT LIKE 'demo-%') AS people_unmarked,
              (SELECT count(DISTINCT household_no)::int FROM person) AS households,
              (SELECT count(*)::int FROM household) AS household_records,
              (SELECT count(*)::int FROM household h JOIN person p ON p.id = h.head_person_id
                WHERE p.household_no <> h.household_no OR p.household_role <> '户主' OR p.place_id <> h.place_id OR p.registration <> h.kind) AS households_inconsistent,
              (SELECT count(*)::int FROM person WHERE birth_date <= now() - interval '60 years') AS elderly,
              (SELECT count(*)::int FROM person WHERE tags <> '{}') AS tagged,
              (SELECT count(*)::int FROM person WHERE 'elderly_alone' = ANY(tags)) AS elderly_alone,
              (SELECT count(*)::int FROM person WHERE NOT (tags <@ (SELECT array_agg(code) FROM person_tag))) AS unknown_tags,
              (SELECT count(DISTINCT kind)::int FROM place WHERE kind IN ('compound', 'building', 'shop', 'school', 'rental_housing')) AS place_kinds,
              (SELECT count(*)::int FROM place WHERE external_id NOT LIKE 'demo-%' OR NOT (properties->>'synthetic')::boolean) AS places_unmarked,
              (SELECT count(*)::int FROM city_object) AS objects,
              (SELECT count(*)::int FROM organization) AS orgs,
              (SELECT count(*)::int FROM city_object WHERE external_id NOT LIKE 'demo-%') + (SELECT count(*)::int FROM organization WHERE external_id NOT LIKE 'demo-%') AS others_unmarked,
              (SELECT count(*)::int FROM place p JOIN area a ON a.id = p.grid_id WHERE a.code <> p.grid_code OR a.path <> p.area_path OR NOT ST_Covers(a.geom, p.geom)) AS places_misplaced,
              (SELECT count(*)::int FROM city_object o JOIN area a ON a.id = o.grid_id WHERE NOT ST_Covers(a.geom, o.geom)) AS objects_misplaced,
              (SELECT count(*)::int FROM person WHERE id_number_enc IS NULL OR id_number_hmac IS NULL) AS people_without_id`,
    );
    const r = rows[0];
    // eslint-disable-next-line no-console
    console.log(`demo population: ${JSON.stringify(r)}`);
    expect(r.people).toBeGreaterThan(10_000);
    expect(r.households).toBeGreaterThan(r.people / 5);
    // a household record for every household number, headed by its 户主, at the members' place
    expect(r.household_records).toBe(r.households);
    expect(r.elderly / r.people).toBeGreaterThan(0.08);
    expect(r.elderly / r.people).toBeLessThan(0.35);
    expect(r.tagged / r.people).toBeGreaterThan(0.02);
    expect(r.tagged / r.people).toBeLessThan(0.2);
    expect(r.elderly_alone).toBeGreaterThan(0);
    expect(r.place_kinds).toBe(5);
    expect(r.objects).toBeGreaterThan(5_000);
    expect(r.orgs).toBeGreaterThan(1_000);
    expect({ ...r, people: 0, households: 0, household_records: 0, elderly: 0, tagged: 0, elderly_alone: 0, place_kinds: 0, objects: 0, orgs: 0 }).toEqual({
      people: 0,
      households: 0,
      household_records: 0,
      households_inconsistent: 0,
      elderly: 0,
      tagged: 0,
      elderly_alone: 0,
      place_kinds: 0,
      objects: 0,
      orgs: 0,
      people_unmarked: 0,
      unknown_tags: 0,
      places_unmarked: 0,
      others_unmarked: 0,
      places_misplaced: 0,
      objects_misplaced: 0,
      people_without_id: 0,
    });
  });

  it('shows synthetic ID numbers masked (valid GB 11643, the district region code) and never stores them in clear', async () => {
    const op = await t.login('demo_operator', 'demo-operator-2025');
    const res = await t.app.inject({ method: 'GET', url: '/api/people?registration=registered&limit=50', headers: op });
    expect(res.statusCode).toBe(200);
    const items: { idNumber: string; name: string; grid: { code: string } }[] = res.json().items;
    expect(items.length).toBe(50);
    for (const p of items) {
      expect(p.idNumber).toMatch(/^3201\*{10}\d{3}[\dX]$/);
      expect(p.idNumber.slice(0, 4)).toBe(p.grid.code.slice(0, 4));
    }
    // The admin may unmask (audited): the clear numbers are valid and carry the grid's district code.
    const admin = await t.admin();
    const clear = await t.app.inject({ method: 'GET', url: '/api/people?registration=registered&limit=20&unmask=true&purpose=demo-check-of-synthetic-ids', headers: admin });
    expect(clear.statusCode).toBe(200);
    const clearItems: { idNumber: string; grid: { code: string } }[] = clear.json().items;
    for (const p of clearItems) {
      expect(residentIdProblem(p.idNumber)).toBeNull();
      expect(p.idNumber.slice(0, 6)).toBe(p.grid.code.slice(0, 6));
    }
    // A dump of the table never contains a clear ID number.
    const dump = await sql.query(`SELECT person::text AS row FROM person`);
    const text = dump.rows.map((x) => x.row).join('\n');
    expect(clearItems.length).toBeGreaterThan(0);
    for (const p of clearItems) expect(text.includes(p.idNumber)).toBe(false);
    expect(/[1-8]\d{5}(19|20)\d{2}[01]\d[0-3]\d{4}[\dX]/.test(text.replace(/[A-Za-z0-9+/=]{24,}/g, ''))).toBe(false);
  });

  it('gives each demo account only its jurisdiction', async () => {
    const worker = await t.login('demo_gridworker', 'demo-gridworker-2025');
    const me = (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: worker })).json();
    const res = await t.app.inject({ method: 'GET', url: '/api/people?limit=1000', headers: worker });
    expect(res.statusCode).toBe(200);
    const items: { grid: { code: string } }[] = res.json().items;
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM person WHERE grid_code = $1`, [me.jurisdiction]);
    expect(items.length).toBe(rows[0].n);
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((p) => p.grid.code))).toEqual(new Set([me.jurisdiction]));
    const street = await t.login('demo_street', 'demo-street-2025');
    const sres = await t.app.inject({ method: 'GET', url: '/api/places?limit=1000', headers: street });
    expect(sres.statusCode).toBe(200);
    const places: { grid: { code: string } }[] = sres.json().items;
    expect(places.length).toBeGreaterThan(0);
    expect(places.every((p) => p.grid.code.startsWith('320104002'))).toBe(true);
    // Outside the jurisdiction: a 404, never revealed.
    const { rows: other } = await sql.query(`SELECT id::int FROM person WHERE grid_code NOT LIKE '320104002%' LIMIT 1`);
    const outside = await t.app.inject({ method: 'GET', url: `/api/people/${other[0].id}`, headers: street });
    expect(outside.statusCode).toBe(404);
  });

  it('has a year of case history: daily rhythm, outcomes, transition logs consistent with each final state, no outbox rows', async () => {
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n,
              (extract(epoch FROM max(reported_at) - min(reported_at)) / 86400)::float8 AS span_days,
              count(DISTINCT (reported_at AT TIME ZONE 'Asia/Shanghai')::date)::int AS days,
              count(*) FILTER (WHERE state IN ('closed', 'evaluated'))::int AS closed,
              count(*) FILTER (WHERE handled_on_time IS FALSE)::int AS late,
              count(*) FILTER (WHERE rework_count > 0)::int AS rework,
              count(*) FILTER (WHERE satisfaction IS NOT NULL)::int AS rated,
              count(*) FILTER (WHERE grid_id IS NULL OR geom IS NULL)::int AS unlocated,
              count(*) FILTER (WHERE extract(hour FROM reported_at AT TIME ZONE 'Asia/Shanghai') BETWEEN 9 AND 10)::int AS morning,
              count(*) FILTER (WHERE extract(hour FROM reported_at AT TIME ZONE 'Asia/Shanghai') BETWEEN 3 AND 4)::int AS night,
              count(DISTINCT category_code)::int AS categories, count(DISTINCT source)::int AS sources
         FROM event WHERE external_source = 'demo-history'`,
    );
    const h = rows[0];
    // eslint-disable-next-line no-console
    console.log(`demo history: ${JSON.stringify(h)}`);
    expect(h.n).toBeGreaterThanOrEqual(1000);
    expect(h.span_days).toBeGreaterThanOrEqual(300);
    expect(h.days).toBeGreaterThanOrEqual(300);
    expect(h.closed / h.n).toBeGreaterThan(0.8);
    expect(h.late).toBeGreaterThan(0);
    expect(h.late / h.closed).toBeLessThan(0.3);
    expect(h.rework).toBeGreaterThan(0);
    expect(h.rated).toBeGreaterThan(0);
    expect(h.unlocated).toBe(0);
    expect(h.morning).toBeGreaterThan(h.night * 3);
    expect(h.categories).toBeGreaterThan(15);
    expect(h.sources).toBeGreaterThanOrEqual(4);
    const { rows: bad } = await sql.query(
      `WITH log AS (
         SELECT t.event_id, array_agg(t.to_state ORDER BY t.id) AS tos, array_agg(t.from_state ORDER BY t.id) AS froms,
                bool_and(t.at >= e.reported_at) AS after_report, max(t.at) AS last_at, e.state, e.updated_at
           FROM event_transition t JOIN event e ON e.id = t.event_id WHERE e.external_source = 'demo-history' GROUP BY t.event_id, e.state, e.updated_at
       ), ordered AS (
         SELECT event_id, bool_and(at >= prev) AS in_order FROM (
           SELECT t.event_id, t.at, lag(t.at, 1, t.at) OVER (PARTITION BY t.event_id ORDER BY t.id) AS prev
             FROM event_transition t JOIN event e ON e.id = t.event_id WHERE e.external_source = 'demo-history') x GROUP BY event_id
       )
       SELECT count(*) FILTER (WHERE tos[array_length(tos, 1)] <> state)::int AS wrong_final,
              count(*) FILTER (WHERE froms[1] IS NOT NULL OR tos[1] <> 'reported')::int AS wrong_first,
              count(*) FILTER (WHERE NOT after_report OR last_at > now())::int AS wrong_times,
              (SELECT count(*) FILTER (WHERE NOT in_order)::int FROM ordered) AS out_of_order,
              (SELECT count(*)::int FROM event e WHERE e.external_source = 'demo-history' AND NOT EXISTS (SELECT 1 FROM event_transition t WHERE t.event_id = e.id)) AS no_log,
              (SELECT count(*)::int FROM change c JOIN event e ON c.entity_id = e.id::text AND c.type LIKE 'event.%' WHERE e.external_source = 'demo-history') AS outbox_rows
         FROM log`,
    );
    expect(bad[0]).toEqual({ wrong_final: 0, wrong_first: 0, wrong_times: 0, out_of_order: 0, no_log: 0, outbox_rows: 0 });
    // A backlog for the wall to chase: some history cases are still in progress today, some of them overdue.
    const { rows: open } = await sql.query(
      `SELECT count(*)::int AS open, count(*) FILTER (WHERE due_at < now())::int AS overdue
         FROM event WHERE external_source = 'demo-history' AND state = 'in_progress'`,
    );
    process.stdout.write(`demo history backlog: ${JSON.stringify(open[0])}\n`);
    expect(open[0].open).toBeGreaterThan(0);
    expect(open[0].overdue).toBeGreaterThan(0);
  });

  it('keeps wrong demo passwords out', async () => {
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'demo_admin', password: 'not-the-password' } });
    expect(wrong.statusCode).toBe(401);
  });
});

describe('demo simulator (SIMULATOR=on, high rate)', () => {
  it('creates live events through the intake and moves them through the workflow, and stops with the app', async () => {
    const t = await startTestApp({ DEMO: 'on', SIMULATOR: 'on', SIMULATOR_RATE: '300' });
    const sql = await sqlClient(t.url);
    const live = `FROM event WHERE external_source IS DISTINCT FROM 'demo-history'`;
    try {
      const sim = t.app.get(DemoSimulatorService);
      let counts = { created: 0, moved: 0 };
      // Poll (bounded) until the simulator has created cases and moved some of them on.
      for (let i = 0; i < 120 && (counts.created < 50 || counts.moved < 10); i++) {
        await new Promise((r) => setTimeout(r, 500));
        const { rows } = await sql.query(
          `SELECT (SELECT count(*)::int ${live}) AS created,
                  (SELECT count(*)::int FROM event_transition t JOIN event e ON e.id = t.event_id
                    WHERE e.external_source IS DISTINCT FROM 'demo-history' AND t.action <> 'report') AS moved`,
        );
        counts = rows[0];
      }
      // eslint-disable-next-line no-console
      console.log(`demo simulator: ${JSON.stringify(counts)}, stats ${JSON.stringify(sim.stats)}`);
      expect(counts.created).toBeGreaterThanOrEqual(50);
      expect(counts.moved).toBeGreaterThanOrEqual(10);
      const { rows } = await sql.query(
        `SELECT count(DISTINCT source)::int AS sources, count(*) FILTER (WHERE grid_id IS NULL)::int AS unplaced,
                (SELECT count(*)::int FROM change WHERE type = 'event.created') AS pushed
           ${live}`,
      );
      expect(rows[0].sources).toBeGreaterThanOrEqual(2);
      expect(rows[0].unplaced).toBe(0);
      // Live cases go through the outbox like any other (the wall map sees them).
      expect(rows[0].pushed).toBeGreaterThanOrEqual(counts.created);
      expect(sim.running).toBe(true);
      // Grid workers on patrol (issue 20): open patrols, latest positions inside their grids, pushed live.
      const field = (
        await sql.query(
          `SELECT (SELECT count(*)::int FROM patrol WHERE ended_at IS NULL AND grid_code IS NOT NULL) AS patrols,
                  (SELECT count(*)::int FROM worker_latest l JOIN app_user u ON u.id = l.worker_id WHERE u.username LIKE 'demo\\_patrol\\_%' AND l.area_path IS NOT NULL) AS placed,
                  (SELECT count(*)::int FROM change WHERE type = 'worker.position') AS pushed`,
        )
      ).rows[0];
      expect(field.patrols).toBeGreaterThanOrEqual(6);
      expect(field.placed).toBe(field.patrols);
      expect(field.pushed).toBeGreaterThanOrEqual(field.placed);
    } finally {
      const sim = t.app.get(DemoSimulatorService);
      await t.close();
      expect(sim.running).toBe(false);
      const before = (await sql.query(`SELECT count(*)::int AS n FROM event`)).rows[0].n;
      await new Promise((r) => setTimeout(r, 1000));
      const after = (await sql.query(`SELECT count(*)::int AS n FROM event`)).rows[0].n;
      await sql.end();
      expect(after).toBe(before);
    }
  });
});

describe('demo off', () => {
  it('answers 404 for the demo accounts and loads nothing', async () => {
    const t = await startTestApp({ DEMO: 'off' });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/api/demo/accounts' });
      expect(res.statusCode).toBe(404);
      const sql = await sqlClient(t.url);
      const { rows } = await sql.query(`SELECT (SELECT count(*)::int FROM area) AS areas, (SELECT count(*)::int FROM app_user WHERE demo) AS demo_users`);
      await sql.end();
      expect(rows[0]).toEqual({ areas: 0, demo_users: 0 });
    } finally {
      await t.close();
    }
  });
});

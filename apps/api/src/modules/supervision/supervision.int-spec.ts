import ExcelJS from 'exceljs';
import { startTestApp, type TestApp } from '@test/support/app';
import { sql } from '@test/support/event-territory';
import { insertBandTerritory } from '@test/support/factories';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { workingTimeBetween } from '../events/working-time';
import { calendarJoins, MEASURES, workingMinutesSql } from './supervision-facts.sql';
import { IndicatorsRepository, type Grouping } from './indicators.repository';
import { SupervisionFactsService } from './supervision-facts.service';
import { WARNING_RULES, WarningsService } from './warnings.service';

type H = { authorization: string };

/**
 * A small city with cases counted by hand (late, reworked, self-handled, summoned, evaluated, a
 * repeat), every indicator checked against those counts "as then" and "as now" across a redraw,
 * the workbook opened with exceljs, jurisdiction, warnings and hotspots.
 *
 * City SC → district SD → street S1 (118.70–118.75) / S2 (118.75–118.80) → community C1 / C2 → grid G1 / G2.
 * Cases (Shanghai times; working day 09:00–12:00, 13:30–17:30):
 *   c1 G1 east  exposed_rubbish: dispatched city_management, handled on time, closed Mon 11-02 09:00→11:00 (120 wm), evaluated 5
 *   c2 G1 west  exposed_rubbish: dispatched, failed verification (rework), handled LATE, closed 11-03 09:00→11-04 10:00 (480 wm), evaluated 2
 *   c3 G1 west  exposed_rubbish: self-handled by the grid worker, closed 11-05 09:00→09:30 (30 wm)
 *   c4 G1 east  exposed_rubbish: dispatched, escalated once, open and overdue
 *   c5 G1 west  exposed_rubbish: rejected
 *   c6 G2       water_leak: summoned water + housing (water on time, housing 30 min late), dispatched water, on time, closed 11-06 09:00→14:30 (240 wm)
 *   c7 G2       water_leak 14 m from c6, 11-20: a repeat complaint, accepted only
 *   c8 G1 west  exposed_rubbish, October (the previous period): self-handled, closed 10-20 09:00→10:00 (60 wm)
 * The redraw gives G1's east half (c1, c4) to a new grid G3 under C2 / S2.
 */
describe('supervision indicators: counted by hand (real PostGIS)', () => {
  let t: TestApp;
  let admin: H;
  let gw: H;
  let water: H;
  let housing: H;
  let cm: H;
  const c: Record<string, number> = {};
  const NOV = 'from=2026-11-01&to=2026-11-30';

  const post = (url: string, headers: H, payload: unknown) => t.app.inject({ method: 'POST', url, headers, payload: payload as object });
  const get = (url: string, headers: H) => t.app.inject({ method: 'GET', url, headers });
  const act = async (id: number, headers: H, body: Record<string, unknown>) => {
    const r = await post(`/api/events/${id}/transitions`, headers, body);
    expect(`${body.action} ${r.statusCode}`).toBe(`${body.action} 200`);
  };
  const user = async (username: string, roles: string[], jurisdiction: string, department?: string) => {
    const res = await post('/api/users', admin, { username, password: `${username}-password-1`, roles, jurisdiction, department });
    expect(res.statusCode).toBe(201);
    return t.login(username, `${username}-password-1`);
  };
  const report = async (q: string, h: H = admin) => {
    const r = await get(`/api/indicators?${q}`, h);
    expect(r.statusCode).toBe(200);
    return r.json();
  };
  const row = (rep: any, code: string) => rep.rows.find((r: any) => r.code === code || r.key === code);
  /** The worker reads the outbox by seq: let the sequencer number what was just committed, then catch up. */
  const catchUp = async () => {
    for (let i = 0; i < 100; i++) {
      const [{ n }] = await sql<{ n: string }>(t.url, `SELECT count(*) AS n FROM change WHERE seq IS NULL`);
      if (n === '0') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return t.app.get(SupervisionFactsService).catchUp();
  };

  beforeAll(async () => {
    t = await startTestApp();
    const band = (code: string, level: string, parent: string | null, path: string, west: number, east: number) => ({ code, name: `${code}名`, level, parent, path, west, east });
    await insertBandTerritory(t.url, 'supervision test', [
      band('SC', 'city', null, 'SC', 118.7, 118.8),
      band('SD', 'district', 'SC', 'SC.SD', 118.7, 118.8),
      band('S1', 'street', 'SD', 'SC.SD.S1', 118.7, 118.75),
      band('S2', 'street', 'SD', 'SC.SD.S2', 118.75, 118.8),
      band('C1', 'community', 'S1', 'SC.SD.S1.C1', 118.7, 118.75),
      band('C2', 'community', 'S2', 'SC.SD.S2.C2', 118.75, 118.8),
      band('G1', 'grid', 'C1', 'SC.SD.S1.C1.G1', 118.7, 118.75),
      band('G2', 'grid', 'C2', 'SC.SD.S2.C2.G2', 118.75, 118.8),
    ]);
    await sql(t.url, `INSERT INTO grid_staff (area_code, role, name) VALUES ('G1', 'grid_worker', '张网格'), ('G2', 'grid_worker', '李网格')`);
    admin = await t.admin();
    gw = await user('gw1', ['grid_worker'], 'G1');
    water = await user('water1', ['department'], '*', 'water');
    housing = await user('housing1', ['department'], '*', 'housing');
    cm = await user('cm1', ['department'], '*', 'city_management');

    const create = async (name: string, category: string, lon: number, lat: number, h: H = admin) => {
      const r = await post('/api/events', h, { title: name, category, lon, lat });
      expect(r.statusCode).toBe(201);
      c[name] = r.json().id;
    };
    await create('c1', 'exposed_rubbish', 118.74, 32.01);
    await create('c2', 'exposed_rubbish', 118.71, 32.01);
    await create('c3', 'exposed_rubbish', 118.71, 32.03, gw);
    await create('c4', 'exposed_rubbish', 118.74, 32.03);
    await create('c5', 'exposed_rubbish', 118.71, 32.045);
    await create('c6', 'water_leak', 118.77, 32.02);
    await create('c7', 'water_leak', 118.7701, 32.0201);
    await create('c8', 'exposed_rubbish', 118.72, 32.02, gw);

    const dispatched = async (id: number, department: string) => {
      for (const action of ['accept', 'register']) await act(id, admin, { action });
      await act(id, admin, { action: 'dispatch', department });
    };
    await dispatched(c.c1, 'city_management');
    await act(c.c1, admin, { action: 'feedback' });
    await act(c.c1, admin, { action: 'verify', passed: true });
    await act(c.c1, admin, { action: 'close' });
    await act(c.c1, admin, { action: 'evaluate', satisfaction: 5 });

    await dispatched(c.c2, 'city_management');
    await act(c.c2, admin, { action: 'feedback' });
    await act(c.c2, admin, { action: 'verify', passed: false });
    await act(c.c2, admin, { action: 'start' });
    await sql(t.url, `UPDATE event SET due_at = now() - interval '1 hour' WHERE id = $1`, [c.c2]);
    await act(c.c2, admin, { action: 'feedback' });
    await act(c.c2, admin, { action: 'verify', passed: true });
    await act(c.c2, admin, { action: 'close' });
    await act(c.c2, admin, { action: 'evaluate', satisfaction: 2 });

    await act(c.c3, gw, { action: 'self_handle' });
    await act(c.c3, admin, { action: 'close' });

    await dispatched(c.c4, 'city_management');
    await act(c.c4, admin, { action: 'escalate' });
    await sql(t.url, `UPDATE event SET due_at = now() - interval '1 hour' WHERE id = $1`, [c.c4]);

    await act(c.c5, admin, { action: 'reject' });

    for (const action of ['accept', 'register']) await act(c.c6, admin, { action });
    const s = await post(`/api/events/${c.c6}/summons`, admin, { departments: ['water', 'housing'], reportWithinMinutes: 60 });
    expect(s.statusCode).toBe(201);
    const sid = s.json().summons[0].id;
    expect((await post(`/api/events/${c.c6}/summons/${sid}/report-in`, water, {})).statusCode).toBe(200);
    expect((await post(`/api/events/${c.c6}/summons/${sid}/report-in`, housing, {})).statusCode).toBe(200);
    await sql(
      t.url,
      `UPDATE summons_department sd SET reported_at = s.due_at + CASE d.code WHEN 'water' THEN interval '-10 minutes' ELSE interval '30 minutes' END
         FROM summons s, department d WHERE s.id = sd.summons_id AND d.id = sd.department_id AND s.id = $1`,
      [sid],
    );
    await act(c.c6, admin, { action: 'dispatch', department: 'water' });
    await act(c.c6, admin, { action: 'feedback' });
    await act(c.c6, admin, { action: 'verify', passed: true });
    await act(c.c6, admin, { action: 'close' });

    await act(c.c7, admin, { action: 'accept' });
    await act(c.c8, gw, { action: 'self_handle' });
    await act(c.c8, admin, { action: 'close' });

    // The days the cases happened on (the workflow ran now); open clocks well away from now.
    const times: [string, string, string | null][] = [
      ['c1', '2026-11-02T01:00:00Z', '2026-11-02T03:00:00Z'],
      ['c2', '2026-11-03T01:00:00Z', '2026-11-04T02:00:00Z'],
      ['c3', '2026-11-05T01:00:00Z', '2026-11-05T01:30:00Z'],
      ['c4', '2026-11-05T02:00:00Z', null],
      ['c5', '2026-11-06T01:00:00Z', null],
      ['c6', '2026-11-06T01:00:00Z', '2026-11-06T06:30:00Z'],
      ['c7', '2026-11-20T01:00:00Z', null],
      ['c8', '2026-10-20T01:00:00Z', '2026-10-20T02:00:00Z'],
    ];
    for (const [name, reported, closed] of times) {
      await sql(t.url, `UPDATE event SET reported_at = $2, closed_at = coalesce($3::timestamptz, closed_at) WHERE id = $1`, [c[name], reported, closed]);
    }
    await sql(t.url, `UPDATE event SET due_at = now() + interval '30 days' WHERE id = $1`, [c.c7]);
    // as the demo's history stores its dispatched cases: the department's name as the assignee, no account
    await sql(t.url, `UPDATE event SET assignee_name = (SELECT name FROM department WHERE code = 'city_management'), assignee_user_id = NULL WHERE id = ANY($1)`, [[c.c1, c.c2]]);
    expect(await catchUp()).toBeGreaterThanOrEqual(8);
  });
  afterAll(async () => {
    await t.close();
  });

  const S1_THEN = {
    reported: 5,
    registered: 3,
    registration_rate: 0.6,
    dispatched: 3,
    on_time_handling_rate: 0.5,
    closed: 3,
    closure_rate: 0.6,
    on_time_closure_rate: 0.5,
    rework_rate: 0.333333,
    avg_handling_hours: 3.5,
    overdue: 1,
    escalations: 1,
    satisfaction: 3.5,
    satisfied_rate: 0.5,
    in_grid_rate: 0.333333,
    summons_report_in_rate: null,
    summons_avg_lateness_minutes: null,
    repeat_complaints: 0,
  };
  const S2_THEN = {
    reported: 2,
    registered: 1,
    registration_rate: 0.5,
    dispatched: 1,
    on_time_handling_rate: 1,
    closed: 1,
    closure_rate: 0.5,
    on_time_closure_rate: 1,
    rework_rate: 0,
    avg_handling_hours: 4,
    overdue: 0,
    escalations: 0,
    satisfaction: null,
    satisfied_rate: null,
    in_grid_rate: 0,
    summons_report_in_rate: 0.5,
    summons_avg_lateness_minutes: 30,
    repeat_complaints: 1,
  };

  it('counts every indicator by street "as then", with the previous period and the formula versions', async () => {
    const r = await report(`groupBy=street&${NOV}`);
    expect(r).toMatchObject({ from: '2026-11-01', to: '2026-11-30', previousFrom: '2026-10-02', previousTo: '2026-10-31', attribution: 'then' });
    expect(r.indicators.map((f: any) => f.code).sort()).toEqual(Object.keys(S1_THEN).sort());
    expect(r.indicators.every((f: any) => f.version === 1)).toBe(true);
    expect(r.rows.map((x: any) => x.name).sort()).toEqual(['S1名', 'S2名']);
    expect(row(r, 'S1').values).toEqual(S1_THEN);
    expect(row(r, 'S2').values).toEqual(S2_THEN);
    // October: only c8, self-handled in 60 working minutes
    expect(row(r, 'S1').previous).toMatchObject({ reported: 1, closed: 1, avg_handling_hours: 1, in_grid_rate: 1, on_time_handling_rate: 1 });
    expect(row(r, 'S2').previous).toMatchObject({ reported: 0, closure_rate: null });
  });

  it('counts by department (summons belong to the summoned), category, worker, source and grid', async () => {
    const d = await report(`groupBy=department&${NOV}`);
    expect(row(d, 'city_management').values).toMatchObject({ reported: 3, registered: 3, dispatched: 3, on_time_handling_rate: 0.333333, closed: 2, overdue: 1, rework_rate: 0.5, summons_report_in_rate: null });
    expect(row(d, 'water').values).toMatchObject({ reported: 1, closed: 1, summons_report_in_rate: 1, summons_avg_lateness_minutes: null });
    expect(row(d, 'housing').values).toMatchObject({ reported: 0, summons_report_in_rate: 0, summons_avg_lateness_minutes: 30 });
    expect(d.rows).toHaveLength(3);
    const cat = await report(`groupBy=category&${NOV}`);
    expect(row(cat, 'exposed_rubbish').values).toMatchObject({ reported: 5, closed: 3 });
    expect(row(cat, 'water_leak').values).toMatchObject({ reported: 2, repeat_complaints: 1 });
    expect(row(cat, 'water_leak').name).toBe('供水管道漏水');
    // grid workers by name: the grid's worker as then (c1, c2 whatever their assignee says, c4, and c5 never dispatched),
    // whoever self-handled (c3), G2's worker (c6, c7); never a department
    const w = await report(`groupBy=worker&${NOV}`);
    expect(w.rows.map((x: any) => [x.name, x.values.reported]).sort()).toEqual(
      [
        ['张网格', 4],
        ['gw1', 1],
        ['李网格', 2],
      ].sort(),
    );
    expect(row(w, '张网格').values).toMatchObject({ reported: 4, dispatched: 3, closed: 2 });
    expect(row(w, 'gw1').values).toMatchObject({ reported: 1, in_grid_rate: 1 }); // c3, self-handled
    const src = await report(`groupBy=source&${NOV}`);
    expect(src.rows.map((x: any) => [x.key, x.values.reported]).sort()).toEqual(
      [
        ['operator', 6],
        ['patrol', 1],
      ].sort(),
    );
    const g = await report(`groupBy=grid&${NOV}`);
    expect(row(g, 'G1').values.reported).toBe(5);
  });

  it('uses the formula version in force on the first day of the period; a later version never rewrites it', async () => {
    await sql(
      t.url,
      `INSERT INTO sv_indicator (code, version, effective_from, name, name_en, unit, formula)
                      VALUES ('closure_rate', 2, '2026-11-15', '结案率', 'Closure rate', 'ratio', '{"num":["closed"],"den":["registered"]}')`,
    );
    try {
      const nov = await report(`groupBy=street&${NOV}`);
      expect(nov.indicators.find((f: any) => f.code === 'closure_rate')).toMatchObject({ version: 1 });
      expect(row(nov, 'S1').values.closure_rate).toBe(0.6);
      const late = await report('groupBy=street&from=2026-11-15&to=2026-11-30');
      expect(late.indicators.find((f: any) => f.code === 'closure_rate')).toMatchObject({ version: 2, effectiveFrom: '2026-11-15' });
    } finally {
      await sql(t.url, `DELETE FROM sv_indicator WHERE code = 'closure_rate' AND version = 2`);
    }
  });

  it('writes the workbook with the same figures, the period and the versions', async () => {
    const res = await get(`/api/indicators/export.xlsx?${NOV}`, admin);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['说明', '街道', '社区', '网格', '部门', '网格员', '问题类别', '来源']);
    const about = wb.getWorksheet('说明')!;
    expect(about.getRow(1).getCell(2).value).toBe('2026-11-01 — 2026-11-30');
    const versions = about.getSheetValues().filter((r: any) => r && r[1] === 'closure_rate');
    expect(versions).toHaveLength(1);
    expect((versions[0] as any)[4]).toBe(1);
    const streets = wb.getWorksheet('街道')!;
    const header = (streets.getRow(1).values as unknown[]).slice(1);
    const s1 = (streets.getSheetValues().find((r: any) => r && r[2] === 'S1') as unknown[]).slice(1);
    const at = (title: string) => s1[header.indexOf(title)];
    expect(at('结案率 (v1)')).toBe(0.6);
    expect(at('平均处置时长(工作小时) (v1)')).toBe(3.5);
    expect(at('上报数 (v1)')).toBe(5);
    expect(at('上期 上报数')).toBe(1);
  });

  it('applies jurisdiction: a street supervisor sees its street, department staff their own cases', async () => {
    const sup = await user('sup_s1', ['supervisor'], 'S1');
    const streets = await report(`groupBy=street&${NOV}`, sup);
    expect(streets.rows.map((x: any) => x.code)).toEqual(['S1']);
    const cats = await report(`groupBy=category&${NOV}`, sup);
    expect(cats.rows.map((x: any) => [x.key, x.values.reported])).toEqual([['exposed_rubbish', 5]]);
    const mine = await report(`groupBy=street&${NOV}`, cm);
    expect(mine.rows.map((x: any) => [x.code, x.values.reported, x.values.overdue])).toEqual([['S1', 3, 1]]);
    const depts = await report(`groupBy=department&${NOV}`, cm);
    expect(depts.rows.map((x: any) => x.key)).toEqual([expect.any(String)]);
    expect(depts.rows[0].code).toBe('city_management');
    expect((await get(`/api/indicators?groupBy=street&${NOV}`, gw)).json().rows.map((x: any) => x.code)).toEqual([]); // a grid worker is below any street
    expect((await report(`groupBy=grid&${NOV}`, gw)).rows.map((x: any) => x.code)).toEqual(['G1']);
  });

  it('rejects bad periods and groupings with a 400 naming the field', async () => {
    for (const [q, field] of [
      ['groupBy=planet', 'query.groupBy'],
      ['from=2026-13-01', 'query.from'],
      ['from=2026-11-30&to=2026-11-01', 'query.from'],
      ['attribution=later', 'query.attribution'],
    ]) {
      const r = await get(`/api/indicators?${q}`, admin);
      expect(r.statusCode).toBe(400);
      expect(r.json().details[0].field).toBe(field);
    }
  });

  it('keeps the daily facts equal to the per-case facts for every grouping', async () => {
    const repo = t.app.get(IndicatorsRepository);
    const manager = t.app.get(TransactionRunner).manager;
    const groupings: Grouping[] = [{ kind: 'area', depths: [1] }, { kind: 'area', depths: [3] }, { kind: 'area', depths: [5] }, { kind: 'department' }, { kind: 'worker' }, { kind: 'category' }, { kind: 'source' }];
    for (const grouping of groupings) {
      for (const scopePath of [null, 'SC.SD.S1']) {
        const q = { grouping, from: '2026-10-01', to: '2026-11-30', scopePath, attribution: 'then' as const, departmentId: null };
        const sort = (rows: any[]) => rows.map((r) => JSON.stringify(r)).sort();
        expect(sort(await repo.fromDaily(manager, q))).toEqual(sort(await repo.fromCases(manager, q)));
      }
    }
  });

  const snapshot = async () => {
    const measures = MEASURES.join(', ');
    return {
      cases: await sql(t.url, `SELECT event_id::int, day::text, path_then::text, department_id, worker, category, source, ${measures}, summons FROM sv_case ORDER BY event_id`),
      // the worker moves rows by deltas: a case whose day changed leaves an all-zero row behind
      daily: await sql(t.url, `SELECT kind, node::text, key, day::text, lvl, ${measures} FROM sv_daily WHERE ${MEASURES.map((m) => `${m} <> 0`).join(' OR ')} ORDER BY 1, 2, 3, 4`),
    };
  };

  it('rebuilds set-based, a week of days at a time, exactly the facts the worker kept case by case, and repairs a range', async () => {
    const facts = t.app.get(SupervisionFactsService);
    const kept = await snapshot();
    expect(kept.cases.map((r: any) => r.repeat).filter(Boolean)).toHaveLength(1); // c7: the set-based repeat probe is exercised
    const cursors = await sql(t.url, `SELECT name, num FROM sv_cursor ORDER BY name`);
    // the initial load: from nothing
    await sql(t.url, `DELETE FROM sv_case; DELETE FROM sv_daily`);
    const ranges: string[] = [];
    const built = await facts.rebuild(undefined, undefined, (r) => ranges.push(`${r.from}…${r.to}`));
    expect(built.cases).toBe(kept.cases.length);
    expect(await snapshot()).toEqual(kept);
    expect(ranges.length).toBeGreaterThan(4); // October and November: several weeks
    // cursors only move forward (the worker had read every event already)
    const after = await sql<{ name: string; num: string | null }>(t.url, `SELECT name, num FROM sv_cursor ORDER BY name`);
    for (const r of cursors as { name: string; num: string | null }[]) {
      const now = after.find((x) => x.name === r.name)!;
      if (r.name === 'event_id') expect(now.num).toBe(r.num);
      if (r.name === 'outbox') expect(Number(now.num)).toBeGreaterThanOrEqual(Number(r.num));
    }
    // a repair: damaged facts of one week, rebuilt
    await sql(t.url, `UPDATE sv_daily SET reported = reported + 7 WHERE day = '2026-11-02'`);
    await sql(t.url, `UPDATE sv_case SET rework = 1, worker = 'x' WHERE event_id = $1`, [c.c1]);
    await sql(t.url, `INSERT INTO sv_daily (kind, node, key, day, lvl, reported) VALUES ('area', 'SC', '', '2026-11-03', 1, 5) ON CONFLICT (kind, node, key, day) DO UPDATE SET reported = sv_daily.reported + 5`);
    expect(await snapshot()).not.toEqual(kept);
    expect((await facts.rebuild('2026-11-01', '2026-11-07')).cases).toBe(kept.cases.filter((r: any) => r.day >= '2026-11-01' && r.day <= '2026-11-07').length);
    expect(await snapshot()).toEqual(kept);
  });

  it('keeps "as then" across a redraw and counts "as now" in today\'s grids', async () => {
    // G1 loses its east half (c1, c4) to a new grid G3 of community C2 in street S2
    await sql(t.url, `UPDATE area SET valid_to = now() WHERE code = 'G1' AND valid_to IS NULL`);
    await insertBandTerritory(t.url, 'redraw', [
      { code: 'G1', name: 'G1名', level: 'grid', parent: 'C1', path: 'SC.SD.S1.C1.G1', west: 118.7, east: 118.73 },
      { code: 'G3', name: 'G3名', level: 'grid', parent: 'C2', path: 'SC.SD.S2.C2.G3', west: 118.73, east: 118.75 },
    ]);
    // as the publish does for open cases: c4 now belongs to G3; a later change of c4 keeps its "then"
    await sql(t.url, `UPDATE event SET area_path = 'SC.SD.S2.C2.G3', grid_code = 'G3' WHERE id = $1`, [c.c4]);
    await act(c.c4, admin, { action: 'escalate' });
    await catchUp();
    const then = await report(`groupBy=street&${NOV}`);
    expect(row(then, 'S1').values).toEqual({ ...S1_THEN, escalations: 2 });
    expect(row(then, 'S2').values).toEqual(S2_THEN);
    // a rebuild keeps the grid of the day too
    const before = await snapshot();
    await t.app.get(SupervisionFactsService).rebuild();
    expect(await snapshot()).toEqual(before);
    const now = await report(`groupBy=street&${NOV}&attribution=now`);
    expect(now.attribution).toBe('now');
    expect(row(now, 'S1').values).toEqual({
      reported: 3,
      registered: 1,
      registration_rate: 0.333333,
      dispatched: 1,
      on_time_handling_rate: 0.5,
      closed: 2,
      closure_rate: 0.666667,
      on_time_closure_rate: 0.5,
      rework_rate: 0.5,
      avg_handling_hours: 4.25,
      overdue: 0,
      escalations: 0,
      satisfaction: 2,
      satisfied_rate: 0,
      in_grid_rate: 0.5,
      summons_report_in_rate: null,
      summons_avg_lateness_minutes: null,
      repeat_complaints: 0,
    });
    expect(row(now, 'S2').values).toEqual({
      reported: 4,
      registered: 3,
      registration_rate: 0.75,
      dispatched: 3,
      on_time_handling_rate: 0.666667,
      closed: 2,
      closure_rate: 0.5,
      on_time_closure_rate: 0.666667,
      rework_rate: 0,
      avg_handling_hours: 3,
      overdue: 1,
      escalations: 2,
      satisfaction: 5,
      satisfied_rate: 1,
      in_grid_rate: 0,
      summons_report_in_rate: 0.5,
      summons_avg_lateness_minutes: 30,
      repeat_complaints: 1,
    });
    const grids = await report(`groupBy=grid&${NOV}&attribution=now`);
    expect(grids.rows.map((x: any) => [x.code, x.values.reported]).sort()).toEqual([
      ['G1', 3],
      ['G2', 2],
      ['G3', 2],
    ]);
    // the grid worker of G1 now sees only today's G1 "as now"
    expect((await report(`groupBy=grid&${NOV}&attribution=now`, gw)).rows.map((x: any) => [x.code, x.values.reported])).toEqual([['G1', 3]]);
  });

  it('follows a later change incrementally (outbox) and a deadline passing with no log entry', async () => {
    await act(c.c7, admin, { action: 'register' });
    await sql(t.url, `UPDATE event SET due_at = now() - interval '1 second' WHERE id = $1`, [c.c7]);
    // the deadline window of the worker: from its last pass to now; move the cursor back so this due time is inside it
    await sql(t.url, `UPDATE sv_cursor SET at = now() - interval '1 minute' WHERE name = 'deadline'`);
    await catchUp();
    const r = await report(`groupBy=street&${NOV}`);
    expect(row(r, 'S2').values).toMatchObject({ registered: 2, registration_rate: 1, overdue: 1, on_time_handling_rate: 0.5 });
  });

  it('raises warnings with their figures, lists them in scope, pushes them and takes an acknowledgement once', async () => {
    const warnings = t.app.get(WarningsService);
    const at = new Date('2026-11-25T04:00:00Z');
    const first = await warnings.evaluate(at, { ...WARNING_RULES, overdueThreshold: 1, repeatMin: 1 });
    expect(first.raised).toBeGreaterThanOrEqual(2);
    expect(await warnings.evaluate(at, { ...WARNING_RULES, overdueThreshold: 1, repeatMin: 1 })).toEqual({ raised: 0, updated: 0 });
    const list = (await get('/api/warnings', admin)).json();
    const overdue = list.find((w: any) => w.kind === 'overdue' && w.areaPath === 'SC.SD.S1');
    expect(overdue).toMatchObject({ status: 'open', areaName: 'S1名', figures: { openOverdue: 1, threshold: 1 } });
    const repeat = list.find((w: any) => w.kind === 'repeat_place');
    expect(repeat.figures).toMatchObject({ category: 'water_leak', repeats: 1, cases: [c.c7] });
    const sup = await t.login('sup_s1', 'sup_s1-password-1');
    const seen = (await get('/api/warnings', sup)).json();
    expect(seen.map((w: any) => w.areaPath).every((p: string) => p.startsWith('SC.SD.S1'))).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    expect((await post(`/api/warnings/${repeat.id}/ack`, sup, {})).statusCode).toBe(404); // S2's warning: not in S1
    const ack = await post(`/api/warnings/${overdue.id}/ack`, sup, { status: 'dismissed' });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'dismissed', handledBy: 'sup_s1' });
    expect((await post(`/api/warnings/${overdue.id}/ack`, sup, {})).statusCode).toBe(409);
    expect((await post(`/api/warnings/${overdue.id}/ack`, gw, {})).statusCode).toBe(403);
    const pushed = await sql<{ type: string }>(t.url, `SELECT type FROM change WHERE entity_id = $1 AND type LIKE 'warning.%' ORDER BY id`, [String(overdue.id)]);
    expect(pushed.map((x) => x.type)).toEqual(['warning.raised', 'warning.updated']);
  });

  it('computes working minutes in SQL exactly as the calendar of the time limits does', async () => {
    const pairs: [Date, Date][] = [];
    let seed = 19;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 60; i++) {
      const a = Date.UTC(2025, 0, 1) + rnd() * 700 * 86400_000;
      pairs.push([new Date(a), new Date(a + rnd() * (i % 3 === 0 ? 40 : 3) * 86400_000)]);
    }
    pairs.push([new Date('2026-09-30T08:00:00Z'), new Date('2026-10-09T03:00:00Z')]); // across the National Day holiday
    const rows = await sql<{ m: number }>(
      t.url,
      `SELECT ${workingMinutesSql('x.a', 'x.b', 'ca', 'cb')} AS m FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY x(a, b, i) ${calendarJoins('x.a', 'x.b')} ORDER BY x.i`,
      [pairs.map((p) => p[0].toISOString()), pairs.map((p) => p[1].toISOString())],
    );
    rows.forEach((r, i) => expect([i, Math.round(r.m * 1000) / 1000]).toEqual([i, Math.round(workingTimeBetween(pairs[i][0], pairs[i][1]) * 1000) / 1000]));
  });

  it("finds hotspots with Getis–Ord Gi* over today's grid cells", async () => {
    const r = await get(`/api/hotspots?${NOV}&category=exposed_rubbish`, admin);
    expect(r.statusCode).toBe(200);
    const h = r.json();
    expect(h).toMatchObject({ method: 'getis-ord-gi*', threshold: 1.96, category: 'exposed_rubbish' });
    expect(h.cells.map((x: any) => [x.code, x.count]).sort()).toEqual([
      ['G1', 3],
      ['G2', 0],
      ['G3', 2],
    ]);
    expect(h.cells.every((x: any) => x.geometry.type === 'MultiPolygon' || x.geometry.type === 'Polygon')).toBe(true);
    expect((await get('/api/hotspots?category=Bad!', admin)).statusCode).toBe(400);
  });
});

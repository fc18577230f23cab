import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import type { LiveMessage } from '@gc/contracts';
import { startTestApp, type TestApp } from '@test/support/app';
import { applyBySeq, connectLive, type LiveClient } from '@test/support/live-client';
import { ChangeFeedRepository, type NewChange } from './change-feed.repository';
import { LiveGateway } from './live.gateway';

// Two districts with a grid each (tiny squares you can check by eye); paths are chains of codes.
const A = { district: 'LA1', grid: 'LA1G1', gridPath: 'LA1.LA1G1' };
const B = { district: 'LB1', grid: 'LB1G1', gridPath: 'LB1.LB1G1' };

describe('live push: /live socket and GET /api/changes (real PostGIS, real socket.io over a port)', () => {
  let t: TestApp;
  let base: string;
  let ds: DataSource;
  let feed: ChangeFeedRepository;
  let admin: { authorization: string };
  const tokens: Record<string, string> = {};
  const clients: LiveClient[] = [];

  /** The seq the sequencer gave an outbox row (it numbers committed rows right after the commit). */
  const seqOf = async (outboxId: number): Promise<number> => {
    for (;;) {
      const seq = (await feed.seqsOf(ds.manager, [outboxId])).get(outboxId);
      if (seq !== null && seq !== undefined) return seq;
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  // the feed carries any payload: these tests look at delivery, not at the payload's shape (`as never`)
  const append = async (c: Partial<Omit<NewChange, 'payload'>> & { areaPath: string | null; payload?: object }) =>
    seqOf((await ds.transaction((tx) => feed.append(tx, { type: 'event.created', entityId: null, ...c, payload: (c.payload ?? {}) as never }))).outboxId);
  const live = async (token: string | undefined) => {
    const c = await connectLive(base, token);
    clients.push(c);
    return c;
  };
  const bySeqs = (ms: LiveMessage[]) => ms.map((m) => m.seq);

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    ds = t.app.get(DataSource);
    feed = t.app.get(ChangeFeedRepository);
    await ds.query(`INSERT INTO area_version (id, level, status, published_at) VALUES (9001, 'district', 'published', now())`);
    await ds.query(
      `INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, valid_from)
       SELECT 9001, code, name, level, parent, path::ltree, ST_Multi(ST_MakeEnvelope(x, 32, x + 0.01, 32.01, 4326)), 1e6, now()
         FROM (VALUES ('LA1', '甲区', 'district', NULL, 'LA1', 118.0),
                      ('LA1G1', '甲区一格', 'grid', 'LA1', 'LA1.LA1G1', 118.0),
                      ('LB1', '乙区', 'district', NULL, 'LB1', 118.1),
                      ('LB1G1', '乙区一格', 'grid', 'LB1', 'LB1.LB1G1', 118.1)) v(code, name, level, parent, path, x)`,
    );
    admin = await t.admin();
    for (const [username, roles, jurisdiction] of [
      ['op_a', ['operator'], A.district],
      ['op_b', ['operator'], B.district],
      ['auditor_x', ['auditor'], '*'],
    ] as const) {
      const res = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username, password: `${username}-password-1`, roles, jurisdiction } });
      expect(res.statusCode).toBe(201);
      tokens[username] = (await t.login(username, `${username}-password-1`)).authorization.slice(7);
    }
    tokens.admin = admin.authorization.slice(7);
  });

  afterEach(() => {
    while (clients.length) clients.pop()!.close();
  });

  afterAll(async () => {
    await t.close();
  });

  it('pushes an event.created appended in a transaction, with its id and seq, after a hello with the latest seq', async () => {
    const c = await live(tokens.admin);
    expect(c.hello.rooms).toEqual(['area:*']);
    const seqs: number[] = [];
    for (const id of [101, 102, 103]) seqs.push(await append({ entityId: id, areaPath: A.gridPath, payload: { title: `问题 ${id}` } }));
    expect(seqs[0]).toBe(c.hello.latest + 1);
    await c.until((r) => r.length >= 3);
    expect(c.received).toEqual(
      [101, 102, 103].map((id, i) =>
        expect.objectContaining({ seq: seqs[i], type: 'event.created', id: String(id), areaPath: A.gridPath, data: { title: `问题 ${id}` }, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
      ),
    );
  });

  it('delivers only inside the jurisdiction: area rooms and ancestors; unplaced changes to the whole territory only', async () => {
    const [a, b, all] = [await live(tokens.op_a), await live(tokens.op_b), await live(tokens.admin)];
    expect(a.hello.rooms).toEqual([`area:${A.district}`]);
    const a1 = await append({ areaPath: A.gridPath });
    const b1 = await append({ areaPath: B.gridPath });
    const none = await append({ areaPath: null });
    const a2 = await append({ areaPath: A.district });
    const b2 = await append({ areaPath: B.gridPath });
    // Each socket receives in seq order, so once its last expected message is in, nothing skipped earlier can still come.
    await a.until((r) => r.some((m) => m.seq === a2));
    await b.until((r) => r.some((m) => m.seq === b2));
    await all.until((r) => r.some((m) => m.seq === b2));
    expect(bySeqs(a.received)).toEqual([a1, a2]);
    expect(bySeqs(b.received)).toEqual([b1, b2]);
    expect(bySeqs(all.received)).toEqual([a1, b1, none, a2, b2]);
  });

  it('narrows with subscribe to areas inside the jurisdiction and refuses the others without revealing them', async () => {
    const all = await live(tokens.admin);
    const narrowed = await all.socket.emitWithAck('subscribe', { areas: [B.grid] });
    expect(narrowed).toEqual({ ok: true, rooms: [`area:${B.gridPath}`] });
    const a = await live(tokens.op_a);
    const outside = await a.socket.emitWithAck('subscribe', { areas: [B.district] });
    expect(outside).toEqual({ ok: false, rooms: [`area:${A.district}`], error: expect.stringContaining(B.district) });
    const unknown = await a.socket.emitWithAck('subscribe', { areas: ['NOPE9'] });
    expect(unknown.error).toBe('areas: no current area NOPE9 in your jurisdiction');
    expect(outside.error).toBe(`areas: no current area ${B.district} in your jurisdiction`);
    const whole = await a.socket.emitWithAck('subscribe', { areas: ['*'] });
    expect(whole.ok).toBe(false);
    const bad = await a.socket.emitWithAck('subscribe', { areas: 'LA1' } as never);
    expect(bad).toMatchObject({ ok: false, error: expect.stringContaining('areas') });
    expect(await a.socket.emitWithAck('subscribe', { areas: [A.grid] })).toEqual({ ok: true, rooms: [`area:${A.gridPath}`] });

    const inA = await append({ areaPath: A.gridPath });
    const inB = await append({ areaPath: B.gridPath });
    await all.until((r) => r.some((m) => m.seq === inB));
    expect(bySeqs(all.received)).toEqual([inB]);
    await a.until((r) => r.some((m) => m.seq === inA));
    // back to the whole jurisdiction
    expect(await all.socket.emitWithAck('subscribe', { areas: [] })).toEqual({ ok: true, rooms: ['area:*'] });
    const later = await append({ areaPath: A.gridPath });
    await all.until((r) => r.some((m) => m.seq === later));
    expect(bySeqs(all.received)).toEqual([inB, later]);
  });

  it('socket since after subscribe returns only the narrowed areas (what the socket would have been sent)', async () => {
    const all = await live(tokens.admin);
    const from = all.hello.latest;
    const inA = await append({ areaPath: A.gridPath });
    const inB = await append({ areaPath: B.gridPath });
    const unplaced = await append({ areaPath: null });
    expect((await all.socket.emitWithAck('since', { seq: from })).changes.map((m) => m.seq)).toEqual([inA, inB, unplaced]);
    expect(await all.socket.emitWithAck('subscribe', { areas: [B.district] })).toEqual({ ok: true, rooms: [`area:${B.district}`] });
    expect((await all.socket.emitWithAck('since', { seq: from })).changes.map((m) => m.seq)).toEqual([inB]);
    expect(await all.socket.emitWithAck('subscribe', { areas: [A.grid, B.grid] })).toMatchObject({ ok: true });
    expect((await all.socket.emitWithAck('since', { seq: from })).changes.map((m) => m.seq)).toEqual([inA, inB]);
  });

  it('signing out closes that session’s open sockets; a session revoked elsewhere closes at the next re-check', async () => {
    const username = 'op_live_out';
    const made = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username, password: `${username}-password-1`, roles: ['operator'], jurisdiction: '*' } });
    expect(made.statusCode).toBe(201);
    const one = (await t.login(username, `${username}-password-1`)).authorization.slice(7);
    const two = (await t.login(username, `${username}-password-1`)).authorization.slice(7);
    const [s1, s2, other] = [await live(one), await live(two), await live(tokens.admin)];
    const closed = (c: LiveClient) => new Promise<string>((resolve) => (c.socket.connected ? c.socket.once('disconnect', resolve) : resolve('already')));
    const s1Closed = closed(s1);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${one}` } })).statusCode).toBe(204);
    expect(await s1Closed).toBe('io server disconnect');
    expect(s2.socket.connected).toBe(true); // the user's other session stays signed in
    // Session two is revoked by another process (here: straight in the database); the periodic re-check closes it.
    const family = JSON.parse(Buffer.from(two.split('.')[1], 'base64url').toString()).fam;
    await ds.query(`UPDATE refresh_token SET revoked_at = now() WHERE family = $1`, [family]);
    const s2Closed = closed(s2);
    await new Promise((r) => setTimeout(r, 5100)); // past the per-family cache of a still-active answer
    await t.app.get(LiveGateway).recheckSessions();
    expect(await s2Closed).toBe('io server disconnect');
    expect(other.socket.connected).toBe(true);
    await expect(connectLive(base, two)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('a client that was away gets exactly what it missed by since (socket and HTTP), in order, no duplicates after applying seq', async () => {
    const first = await live(tokens.op_a);
    const before = [await append({ areaPath: A.gridPath, entityId: 1 }), await append({ areaPath: A.gridPath, entityId: 2 })];
    await first.until((r) => r.length === 2);
    let applied = applyBySeq([], first.received);
    first.close();

    const missed: number[] = [];
    for (let i = 0; i < 7; i++) {
      missed.push(await append({ areaPath: i % 2 ? A.gridPath : B.gridPath, entityId: 10 + i }));
    }
    const missedInA = missed.filter((_, i) => i % 2);

    const again = await live(tokens.op_a);
    // Changes keep coming while the client catches up: pushes and the page overlap.
    const during = await append({ areaPath: A.gridPath, entityId: 99 });
    const page = await again.socket.emitWithAck('since', { seq: applied[applied.length - 1].seq });
    expect(page.error).toBeUndefined();
    const http = await t.app.inject({ method: 'GET', url: `/api/changes?since=${applied[applied.length - 1].seq}`, headers: { authorization: `Bearer ${tokens.op_a}` } });
    expect(http.statusCode).toBe(200);
    expect(http.json().changes).toEqual(page.changes);
    expect(http.json().latest).toBeGreaterThanOrEqual(during);
    await again.until((r) => r.some((m) => m.seq === during));
    applied = applyBySeq(applyBySeq(applied, page.changes), again.received);
    expect(bySeqs(applied)).toEqual([...before, ...missedInA, during]);
    expect(applied.map((m) => m.id)).toEqual(['1', '2', '11', '13', '15', '99']);
  });

  it('with no socket connected the tailer only moves its cursor (reads no rows); a socket that connects then misses nothing', async () => {
    const since = jest.spyOn(feed, 'tail');
    try {
      const quiet = [await append({ areaPath: A.gridPath, entityId: 201 }), await append({ areaPath: B.gridPath, entityId: 202 })];
      await new Promise((r) => setTimeout(r, 400)); // past a pass and a poll
      expect(since).not.toHaveBeenCalled();
      const c = await live(tokens.admin);
      expect(c.hello.latest).toBeGreaterThanOrEqual(quiet[1]);
      const next = await append({ areaPath: A.gridPath, entityId: 203 });
      await c.until((r) => r.some((m) => m.seq === next));
      expect(since).toHaveBeenCalled();
      // the two written while nobody listened are there by seq (what the wall's catch-up asks for)
      const page = await c.socket.emitWithAck('since', { seq: quiet[0] - 1 });
      expect(bySeqs(page.changes)).toEqual([...quiet, next]);
    } finally {
      since.mockRestore();
    }
  });

  it('pushes nothing and consumes no seq for a transaction that rolled back', async () => {
    const c = await live(tokens.admin);
    const latestBefore = await feed.latest(ds.manager);
    await expect(
      ds.transaction(async (tx) => {
        await feed.append(tx, { type: 'event.created', entityId: 'ghost', areaPath: A.gridPath, payload: {} as never });
        throw new Error('validation failed later in the same transaction');
      }),
    ).rejects.toThrow('validation failed');
    expect(await feed.latest(ds.manager)).toBe(latestBefore);
    const sentinel = await append({ areaPath: A.gridPath, entityId: 'sentinel' });
    expect(sentinel).toBe(latestBefore + 1);
    await c.until((r) => r.some((m) => m.seq === sentinel));
    expect(c.received.map((m) => m.id)).toEqual(['sentinel']);
    const rows = await ds.query(`SELECT count(*)::int AS n FROM change WHERE entity_id = 'ghost'`);
    expect(rows[0].n).toBe(0);
  });

  it('numbers 50 concurrent writers (10 roll back) latest+1..latest+40: no gap, no duplicate, visible in order to a poller and a socket', async () => {
    const c = await live(tokens.admin);
    const from = c.hello.latest;
    expect(await feed.latest(ds.manager)).toBe(from);
    // A reader tailing GET /api/changes?since= while the writers commit: if a seq ever became
    // visible before a lower one it would step over the hole and never see the lower seq.
    const polled: number[] = [];
    let writing = true;
    const poller = (async () => {
      let last = from;
      while (writing || last < (await feed.latest(ds.manager))) {
        const res = await t.app.inject({ method: 'GET', url: `/api/changes?since=${last}&limit=1000`, headers: admin });
        const seqs = bySeqs(res.json().changes);
        polled.push(...seqs);
        if (seqs.length) last = seqs[seqs.length - 1];
        else await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        ds.transaction(async (tx) => {
          const { outboxId } = await feed.append(tx, { type: 'event.created', entityId: `w${i}`, areaPath: i % 2 ? A.gridPath : B.gridPath, payload: { i } as never });
          // Hold the transaction a little, differently per writer, so commits interleave out of id order.
          await tx.query('SELECT pg_sleep($1)', [(i % 7) / 500]);
          if (i % 5 === 4) throw new Error(`writer ${i} rolls back`);
          return outboxId;
        }),
      ),
    );
    const committed = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(committed).toHaveLength(40);
    const seqs = await Promise.all(committed.map(seqOf));
    writing = false;
    await poller;
    const expected = Array.from({ length: 40 }, (_, i) => from + 1 + i);
    expect([...seqs].sort((x, y) => x - y)).toEqual(expected);
    expect(await feed.latest(ds.manager)).toBe(from + 40);
    expect(polled).toEqual(expected);
    const ghosts = await ds.query(`SELECT count(*)::int AS n FROM change WHERE entity_id = ANY($1::text[])`, [['w4', 'w9', 'w14', 'w19', 'w24', 'w29', 'w34', 'w39', 'w44', 'w49']]);
    expect(ghosts[0].n).toBe(0);
    await c.until((r) => r.length >= 40);
    expect(bySeqs(c.received)).toEqual(expected);
    expect(c.received.map((m) => m.id).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `w${i}`).filter((_, i) => i % 5 !== 4).sort());
  });

  it('rejects a handshake without a valid token or without changes:read; accepts an API key in auth.token', async () => {
    await expect(live(undefined)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('auth.token') });
    await expect(live('not-a-jwt')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(live('gck_deadbeef_nope')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(live(tokens.auditor_x)).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('changes:read') });
    const key = await t.app.inject({ method: 'POST', url: '/api/api-keys', headers: admin, payload: { name: 'wall-b', roles: ['operator'], jurisdiction: B.district } });
    expect(key.statusCode).toBe(201);
    const c = await live(key.json().key);
    expect(c.hello.rooms).toEqual([`area:${B.district}`]);
    const seq = await append({ areaPath: B.gridPath });
    await c.until((r) => r.some((m) => m.seq === seq));
  });

  it('socket since refuses bad input naming the field', async () => {
    const c = await live(tokens.admin);
    const bad = await c.socket.emitWithAck('since', { seq: -1 });
    expect(bad).toMatchObject({ changes: [], error: expect.stringContaining('seq') });
    const extra = await c.socket.emitWithAck('since', { seq: 0, all: true } as never);
    expect(extra.error).toContain('all');
  });

  describe('GET /api/changes', () => {
    it('returns changes after since in seq order, paged by limit, within the jurisdiction', async () => {
      const from = await feed.latest(ds.manager);
      const seqs = [await append({ areaPath: A.gridPath }), await append({ areaPath: B.gridPath }), await append({ areaPath: null }), await append({ areaPath: A.district })];
      const all = await t.app.inject({ method: 'GET', url: `/api/changes?since=${from}`, headers: admin });
      expect(all.statusCode).toBe(200);
      expect(all.json()).toEqual({ changes: seqs.map((seq) => expect.objectContaining({ seq, type: 'event.created' })), latest: seqs[3] });
      const page = await t.app.inject({ method: 'GET', url: `/api/changes?since=${from}&limit=2`, headers: admin });
      expect(bySeqs(page.json().changes)).toEqual(seqs.slice(0, 2));
      const scoped = await t.app.inject({ method: 'GET', url: `/api/changes?since=${from}`, headers: { authorization: `Bearer ${tokens.op_a}` } });
      expect(bySeqs(scoped.json().changes)).toEqual([seqs[0], seqs[3]]);
    });

    it('rejects bad since/limit naming the field, and unknown fields', async () => {
      for (const [query, field] of [
        ['', 'query.since'],
        ['since=-1', 'query.since'],
        ['since=abc', 'query.since'],
        ['since=1.5', 'query.since'],
        ['since=', 'query.since'],
        ['since=0&limit=0', 'query.limit'],
        ['since=0&limit=5000', 'query.limit'],
        ['since=0&area=LA1', 'query'],
      ]) {
        const res = await t.app.inject({ method: 'GET', url: `/api/changes?${query}`, headers: admin });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field })] });
      }
    });

    it('needs a signed-in caller with changes:read', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/api/changes?since=0' })).statusCode).toBe(401);
      const denied = await t.app.inject({ method: 'GET', url: '/api/changes?since=0', headers: { authorization: `Bearer ${tokens.auditor_x}` } });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().code).toBe('FORBIDDEN');
    });
  });
});

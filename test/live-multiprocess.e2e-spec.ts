import type { Client } from 'pg';
import type { LiveMessage } from '@gc/contracts';
import { ADMIN } from './support/app';
import { freshDatabaseUrl, sqlClient } from './support/db';
import { applyBySeq, connectLive, type LiveClient } from './support/live-client';
import { startServer, type ServerProcess } from './support/server-process';

/**
 * Two real API processes on one database, a socket.io client on each: a change made
 * through either process reaches both clients, every message, in seq order. Between
 * processes the outbox is the only carrier; Redis pub/sub only wakes the tailers.
 */
describe('live push across two API processes (real processes, real PostGIS, Redis wake-ups)', () => {
  let db: string;
  let sql: Client;
  let s1: ServerProcess;
  let s2: ServerProcess;
  let token: string;
  let category: string;
  const clients: LiveClient[] = [];

  const postEvent = async (s: ServerProcess, title: string): Promise<number> => {
    const res = await fetch(`${s.url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title, category }),
    });
    const body = (await res.json()) as { id: number };
    if (res.status !== 201) throw new Error(`POST /api/events on ${s.url}: ${res.status} ${JSON.stringify(body)}`);
    return body.id;
  };
  const live = async (s: ServerProcess) => {
    const c = await connectLive(s.url, token);
    clients.push(c);
    return c;
  };
  const seqsOf = (ms: LiveMessage[]) => ms.map((m) => m.seq);
  const inOrderNoGaps = (seqs: number[], from: number) => seqs.every((s, i) => s === from + i + 1);

  beforeAll(async () => {
    db = await freshDatabaseUrl();
    const env = { DATABASE_URL: db, REDIS_URL: 'redis://127.0.0.1:6379' };
    // One after the other: both create the administrator at boot.
    s1 = await startServer({ env });
    s2 = await startServer({ env });
    const login = await fetch(`${s1.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    token = ((await login.json()) as { accessToken: string }).accessToken;
    sql = await sqlClient(db);
    category = (await sql.query(`SELECT code FROM event_category WHERE parent_code IS NOT NULL ORDER BY code LIMIT 1`)).rows[0].code;
  });

  afterEach(() => {
    while (clients.length) clients.pop()!.close();
  });

  afterAll(async () => {
    await sql?.end();
    await Promise.all([s1?.stop(), s2?.stop()]);
  });

  it('events posted to either process (also concurrently) reach the clients of both, every one, in seq order', async () => {
    const [c1, c2] = [await live(s1), await live(s2)];
    const from = Math.max(c1.hello.latest, c2.hello.latest);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await postEvent(s1, `process-1 event ${i}`));
    // Concurrent writers on both processes: one sequencer at a time numbers them after commit, so they still arrive in order.
    ids.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => postEvent(i % 2 ? s2 : s1, `concurrent event ${i}`)))));
    const n = ids.length;
    await c1.until((r) => r.length >= n);
    await c2.until((r) => r.length >= n);
    for (const c of [c1, c2]) {
      expect(c.received.every((m) => m.type === 'event.created')).toBe(true);
      expect(inOrderNoGaps(seqsOf(c.received), from)).toBe(true);
      expect(c.received.map((m) => Number(m.id)).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    }
    expect(c2.received).toEqual(c1.received);
  });

  it('a change committed by another writer (plain SQL INSERT in a transaction, no seq) is numbered and reaches both', async () => {
    const [c1, c2] = [await live(s1), await live(s2)];
    await sql.query('BEGIN');
    await sql.query(`INSERT INTO change (type, entity_id, area_path, payload) VALUES ('area.version.published', 'x1', NULL, '{"level":"grid"}'::jsonb)`);
    await sql.query('COMMIT');
    // Nobody woke the processes: their poll runs the sequencer, then the tailers read.
    for (const c of [c1, c2]) {
      await c.until((r) => r.some((m) => m.id === 'x1'));
      expect(c.received).toEqual([expect.objectContaining({ seq: c1.hello.latest + 1, type: 'area.version.published', id: 'x1', data: { level: 'grid' } })]);
    }
  });

  it('a client of process 2 that was away catches up by since with exactly what was posted to process 1', async () => {
    const c1 = await live(s1);
    const away = await live(s2);
    await postEvent(s1, 'before the drop');
    await away.until((r) => r.length === 1);
    let applied = applyBySeq([], away.received);
    away.close();
    for (let i = 0; i < 6; i++) await postEvent(s1, `while away ${i}`);
    const back = await live(s2);
    const page = await back.socket.emitWithAck('since', { seq: applied[applied.length - 1].seq });
    expect(page.error).toBeUndefined();
    const after = await postEvent(s1, 'after coming back');
    // A POST returns at its commit; its seq comes just after, so events posted while away may
    // also be pushed to `back` (numbered after its hello). The last one pushed is the newest.
    await back.until((r) => r.some((m) => Number(m.id) === after));
    await c1.until((r) => r.length === 8);
    applied = applyBySeq(applyBySeq(applied, page.changes), back.received);
    expect(applied).toEqual(c1.received);
    expect(inOrderNoGaps(seqsOf(applied), applied[0].seq - 1)).toBe(true);
  });
});

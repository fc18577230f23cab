import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { caseFactsSql, contributionsSql, MEASURES, OPEN_STATES_SQL } from './supervision-facts.sql';

const CASE_COLUMNS = ['event_id', 'day', 'path_then', 'department_id', 'worker', 'category', 'source', ...MEASURES, 'summons'];

/** One facts worker at a time across processes: the deltas must not interleave. */
const FACTS_LOCK = 0x5f19_0001;

/**
 * Re-derive the facts of these events ($1) as of $2 and move sv_daily by (new − old), in ONE
 * statement: the old rows come from the statement's snapshot, the new ones replace them by upsert,
 * and both sets of contributions are summed per sv_daily key before one upsert (a row may be
 * touched only once per statement). `path_then` keeps the first path a case was seen with.
 */
const APPLY_SQL = `
  WITH ids AS (SELECT DISTINCT unnest($1::bigint[]) AS id),
  old AS (SELECT c.*, c.path_then AS path FROM sv_case c JOIN ids ON ids.id = c.event_id),
  src AS (${caseFactsSql('ids', '$2::timestamptz', (e) => `coalesce(o.path_then, ${e}.area_path)`, 'LEFT JOIN old o ON o.event_id = e.id')}),
  ins AS (
    INSERT INTO sv_case (${CASE_COLUMNS.join(', ')}, derived_at)
    SELECT ${CASE_COLUMNS.join(', ')}, now() FROM src WHERE path_then IS NOT NULL
    ON CONFLICT (event_id) DO UPDATE SET ${CASE_COLUMNS.filter((c) => c !== 'event_id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}, derived_at = excluded.derived_at
    RETURNING *, path_then AS path),
  delta AS (${contributionsSql('old', '-1')} UNION ALL ${contributionsSql('ins', '1')}),
  agg AS (SELECT kind, node, key, day, lvl, ${MEASURES.map((m) => `sum(${m}) AS ${m}`).join(', ')} FROM delta GROUP BY kind, node, key, day, lvl),
  up AS (
    INSERT INTO sv_daily (kind, node, key, day, lvl, ${MEASURES.join(', ')})
    SELECT kind, node, key, day, lvl, ${MEASURES.join(', ')} FROM agg
    ON CONFLICT (kind, node, key, day) DO UPDATE SET ${MEASURES.map((m) => `${m} = sv_daily.${m} + excluded.${m}`).join(', ')}
    RETURNING 1)
  SELECT (SELECT count(*) FROM ins)::int AS cases, (SELECT count(*) FROM up)::int AS rows`;

/**
 * Every case's facts and the daily sums from scratch (the same definitions as APPLY_SQL from an
 * empty start), for the benchmark and an operator's one-off initial load of a large history; the
 * worker never calls it. Built per chunk of Shanghai days: the chunk's event ids are read through
 * event_reported_at_idx ($1 … $2 inclusive), then ONE INSERT … SELECT derives all of their facts
 * (their log entries and summonses summed by GROUP BY over the chunk, found by the event_id
 * indexes; not a subquery per case), then ONE INSERT … SELECT … GROUP BY writes the chunk's daily
 * rows. A day belongs to one chunk only, so the daily rows of two chunks never meet.
 */
const CHUNK_IDS_SQL = `SELECT coalesce(array_agg(id ORDER BY id), '{}') AS ids FROM event WHERE area_path IS NOT NULL
    AND reported_at >= ($1::date::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
    AND reported_at < (($2::date + 1)::timestamp - interval '8 hours') AT TIME ZONE 'UTC'`;
const BUILD_CASES_SQL = `
  WITH ids AS (SELECT unnest($1::bigint[]) AS id),
  ins AS (
    INSERT INTO sv_case (${CASE_COLUMNS.join(', ')}, derived_at)
    SELECT ${CASE_COLUMNS.join(', ')}, now() FROM (${caseFactsSql('ids', '$2::timestamptz', (e) => `${e}.area_path`)}) f
    RETURNING 1)
  SELECT count(*)::int AS n FROM ins`;
const BUILD_DAILY_SQL = `
  INSERT INTO sv_daily (kind, node, key, day, lvl, ${MEASURES.join(', ')})
  SELECT kind, node, key, day, lvl, ${MEASURES.map((m) => `sum(${m})`).join(', ')}
    FROM (${contributionsSql('(SELECT *, path_then AS path FROM sv_case WHERE day BETWEEN $1::date AND $2::date)', '1')}) x
   GROUP BY kind, node, key, day, lvl`;
/** Days per chunk of the initial build: a week (at a million cases a year, ~20k cases a chunk). */
const BUILD_CHUNK_DAYS = 7;

export interface Cursors {
  outbox: number;
  eventId: number;
  deadline: Date;
}

@Injectable()
export class SupervisionFactsRepository {
  /** Take the worker lock for this transaction; false when another process holds it. */
  async lock(tx: EntityManager): Promise<boolean> {
    const [r] = await tx.query(`SELECT pg_try_advisory_xact_lock($1) AS ok`, [FACTS_LOCK]);
    return r.ok;
  }

  async cursors(tx: EntityManager): Promise<Cursors> {
    const rows: { name: string; num: string | null; at: Date | null }[] = await tx.query(`SELECT name, num, at FROM sv_cursor`);
    const get = (n: string) => rows.find((r) => r.name === n)!;
    return { outbox: Number(get('outbox').num), eventId: Number(get('event_id').num), deadline: new Date(get('deadline').at!) };
  }

  async setCursors(tx: EntityManager, c: Cursors): Promise<void> {
    await tx.query(
      `UPDATE sv_cursor SET num = CASE name WHEN 'outbox' THEN $1::bigint WHEN 'event_id' THEN $2::bigint ELSE num END,
                            at = CASE name WHEN 'deadline' THEN $3::timestamptz ELSE at END`,
      [c.outbox, c.eventId, c.deadline],
    );
  }

  /** Events changed after outbox seq `since` (up to `limit` changes); returns their ids and the last seq read. */
  async changedSince(tx: EntityManager, since: number, limit: number): Promise<{ ids: number[]; last: number }> {
    const rows: { seq: string; id: string | null }[] = await tx.query(
      `SELECT seq, entity_id AS id FROM change
        WHERE seq > $1 AND type IN ('event.created', 'event.transitioned', 'event.escalated', 'summons.created', 'summons.answered')
        ORDER BY seq LIMIT $2`,
      [since, limit],
    );
    const ids = rows.map((r) => Number(r.id)).filter((n) => Number.isSafeInteger(n) && n > 0);
    // Nothing relevant in a long stretch of other changes: still move past what we scanned.
    if (rows.length < limit) {
      const [m] = await tx.query(`SELECT coalesce(max(seq), $1) AS m FROM change WHERE seq > $1 AND seq <= (SELECT seq FROM change_counter)`, [since]);
      return { ids, last: Math.max(rows.length ? Number(rows[rows.length - 1].seq) : since, Number(m.m)) };
    }
    return { ids, last: Number(rows[rows.length - 1].seq) };
  }

  /** Events created after id `since` (also those written without an outbox row: history imports, the demo's year). */
  async newSince(tx: EntityManager, since: number, limit: number): Promise<number[]> {
    const rows: { id: string }[] = await tx.query(`SELECT id FROM event WHERE id > $1 ORDER BY id LIMIT $2`, [since, limit]);
    return rows.map((r) => Number(r.id));
  }

  /** Open cases and summonses whose deadline passed in (from, to]: their overdue facts change with no log entry. */
  async deadlinesPassed(tx: EntityManager, from: Date, to: Date, limit: number): Promise<number[]> {
    const rows: { id: string }[] = await tx.query(
      `(SELECT id FROM event WHERE state = ANY(${OPEN_STATES_SQL}) AND due_at > $1 AND due_at <= $2 ORDER BY due_at LIMIT $3)
       UNION
       (SELECT s.event_id FROM summons s WHERE s.due_at > $1 AND s.due_at <= $2
           AND EXISTS (SELECT 1 FROM summons_department sd WHERE sd.summons_id = s.id AND sd.reported_at IS NULL) LIMIT $3)`,
      [from, to, limit],
    );
    return rows.map((r) => Number(r.id));
  }

  /**
   * Build sv_case and sv_daily from every case when both are empty, a chunk of days at a time
   * (`onChunk` hears each: days done, cases so far); the cursors move to `asOf`.
   */
  async buildAll(tx: EntityManager, asOf: Date, onChunk?: (p: { from: string; to: string; cases: number }) => void): Promise<{ cases: number; rows: number }> {
    const [{ n }] = await tx.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM sv_case LIMIT 1) x`);
    if (n > 0) throw new Error('buildAll needs an empty sv_case (the worker keeps it up to date afterwards)');
    await tx.query(`DELETE FROM sv_daily`);
    // each chunk's statements are mid-sized: JIT compilation would cost more than it saves; a week's
    // daily rows (~460k contributions at a million cases a year) sort in memory, not in 80 MB of temp files
    await tx.query(`SET LOCAL jit = off`);
    await tx.query(`SET LOCAL work_mem = '256MB'`);
    const [span] = await tx.query(
      `SELECT to_char(min(((reported_at AT TIME ZONE 'UTC') + interval '8 hours')::date), 'YYYY-MM-DD') AS first,
              to_char(max(((reported_at AT TIME ZONE 'UTC') + interval '8 hours')::date), 'YYYY-MM-DD') AS last FROM event`,
    );
    let cases = 0;
    if (span.first) {
      const chunks: { from: string; to: string }[] = await tx.query(
        `SELECT to_char(d, 'YYYY-MM-DD') AS from, to_char(least(d + ($3::int - 1), $2::date), 'YYYY-MM-DD') AS to
           FROM (SELECT g::date AS d FROM generate_series($1::date, $2::date, make_interval(days => $3::int)) g) x`,
        [span.first, span.last, BUILD_CHUNK_DAYS],
      );
      for (const c of chunks) {
        const [{ ids }] = await tx.query(CHUNK_IDS_SQL, [c.from, c.to]);
        const [r] = await tx.query(BUILD_CASES_SQL, [ids, asOf]);
        cases += r.n;
        await tx.query(BUILD_DAILY_SQL, [c.from, c.to]);
        onChunk?.({ ...c, cases });
      }
    }
    await tx.query(
      `UPDATE sv_cursor SET num = CASE name WHEN 'outbox' THEN (SELECT seq FROM change_counter) WHEN 'event_id' THEN (SELECT coalesce(max(id), 0) FROM event) ELSE num END,
                            at = CASE name WHEN 'deadline' THEN $1::timestamptz ELSE at END`,
      [asOf],
    );
    const [r] = await tx.query(`SELECT (SELECT count(*) FROM sv_case)::int AS cases, (SELECT count(*) FROM sv_daily)::int AS rows`);
    return r;
  }

  async apply(tx: EntityManager, ids: number[], asOf: Date): Promise<{ cases: number; rows: number }> {
    if (!ids.length) return { cases: 0, rows: 0 };
    // A few hundred rows each way: JIT compilation (on by default on a server) would cost more than the statement.
    await tx.query(`SET LOCAL jit = off`);
    const [r] = await tx.query(APPLY_SQL, [ids, asOf]);
    return r;
  }
}

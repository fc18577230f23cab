import { Injectable } from '@nestjs/common';
import { sqlChanged, sqlRow, sqlRows, sqlRun, type SqlDb } from '../../core/database/sql';
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
 * Rebuild the facts of the cases reported on Shanghai days $1 … $2 (inclusive), set-based, with
 * the same definitions as APPLY_SQL: the initial load of a large history, a definition change,
 * a repair. Two statements per day range:
 * 1. REBUILD_CASES_SQL: the range's event ids through event_reported_at_idx, ONE INSERT … SELECT
 *    of all their facts (log entries and summonses summed by GROUP BY over the range, the repeat
 *    probe by one hash join over the range's days, `repeatWindowSql`), upserted over what sv_case
 *    held (`path_then` keeps the first path seen, as the worker does); rows of the range whose
 *    case is gone are deleted.
 * 2. the range's sv_daily rows deleted, then REBUILD_DAILY_SQL: summed again from its sv_case rows
 *    by ONE INSERT … SELECT … GROUP BY (two statements: a row deleted and inserted again by one
 *    statement's data-modifying CTEs could meet its own old key). A case's daily rows are all on its day, so the days of the
 *    range are whole.
 */
const REBUILD_CASES_SQL = `
  WITH ids AS MATERIALIZED (
    SELECT id FROM event
     WHERE reported_at >= ($1::date::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
       AND reported_at < (($2::date + 1)::timestamp - interval '8 hours') AT TIME ZONE 'UTC'),
  gone AS (
    DELETE FROM sv_case c WHERE c.day BETWEEN $1::date AND $2::date AND NOT EXISTS (SELECT 1 FROM ids WHERE ids.id = c.event_id)
    RETURNING 1),
  src AS (${caseFactsSql('ids', '$3::timestamptz', (e) => `coalesce(o.path_then, ${e}.area_path)`, 'LEFT JOIN sv_case o ON o.event_id = e.id', 'window')}),
  ins AS (
    INSERT INTO sv_case (${CASE_COLUMNS.join(', ')}, derived_at)
    SELECT ${CASE_COLUMNS.join(', ')}, now() FROM src WHERE path_then IS NOT NULL
    ON CONFLICT (event_id) DO UPDATE SET ${CASE_COLUMNS.filter((c) => c !== 'event_id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}, derived_at = excluded.derived_at
    RETURNING 1)
  SELECT (SELECT count(*) FROM ins)::int AS cases, (SELECT count(*) FROM gone)::int AS gone`;
const REBUILD_DAILY_SQL = `
  INSERT INTO sv_daily (kind, node, key, day, lvl, ${MEASURES.join(', ')})
  SELECT kind, node, key, day, lvl, ${MEASURES.map((m) => `sum(${m})`).join(', ')}
    FROM (${contributionsSql('(SELECT *, path_then AS path FROM sv_case WHERE day BETWEEN $1::date AND $2::date)', '1')}) x
   GROUP BY kind, node, key, day, lvl`;
/** Days per range of a whole rebuild: a week (at a million cases a year, ~20k cases). */
export const REBUILD_RANGE_DAYS = 7;

/** Inclusive day ranges of `days` days covering `first` … `last` (YYYY-MM-DD). */
export function dayRanges(first: string, last: string, days = REBUILD_RANGE_DAYS): { from: string; to: string }[] {
  const DAY = 86400_000;
  const end = Date.parse(last);
  const out: { from: string; to: string }[] = [];
  for (let t = Date.parse(first); t <= end; t += days * DAY) {
    out.push({ from: new Date(t).toISOString().slice(0, 10), to: new Date(Math.min(t + (days - 1) * DAY, end)).toISOString().slice(0, 10) });
  }
  return out;
}

export interface Cursors {
  outbox: number;
  eventId: number;
  deadline: Date;
}

@Injectable()
export class SupervisionFactsRepository {
  /** Take the worker lock for this transaction; false when another process holds it. */
  async lock(tx: SqlDb): Promise<boolean> {
    const r = await sqlRow<{ ok: boolean }>(tx, `SELECT pg_try_advisory_xact_lock($1) AS ok`, [FACTS_LOCK]);
    return r?.ok === true;
  }

  async cursors(tx: SqlDb): Promise<Cursors> {
    const rows = await sqlRows<{ name: string; num: string | null; at: Date | null }>(tx, `SELECT name, num, at FROM sv_cursor`);
    const get = (n: string) => {
      const r = rows.find((x) => x.name === n);
      if (!r) throw new Error(`sv_cursor has no row ${n}`);
      return r;
    };
    return { outbox: Number(get('outbox').num), eventId: Number(get('event_id').num), deadline: new Date(get('deadline').at ?? 0) };
  }

  async setCursors(tx: SqlDb, c: Cursors): Promise<void> {
    await sqlRun(
      tx,
      `UPDATE sv_cursor SET num = CASE name WHEN 'outbox' THEN $1::bigint WHEN 'event_id' THEN $2::bigint ELSE num END,
                            at = CASE name WHEN 'deadline' THEN $3::timestamptz ELSE at END`,
      [c.outbox, c.eventId, c.deadline],
    );
  }

  /** Where the sources end now: the outbox's last seq and the highest event id (a rebuild reads them before it starts). */
  async sourceEnds(db: SqlDb): Promise<{ outbox: number; eventId: number }> {
    const r = await sqlRow<{ outbox: string; event_id: string }>(db, `SELECT (SELECT seq FROM change_counter) AS outbox, (SELECT coalesce(max(id), 0) FROM event) AS event_id`);
    return { outbox: Number(r?.outbox ?? 0), eventId: Number(r?.event_id ?? 0) };
  }

  /** After a rebuild of every day: the worker need not read again what was there when it started (cursors only move forward). */
  async skipTo(tx: SqlDb, ends: { outbox: number; eventId: number }): Promise<void> {
    await sqlRun(tx, `UPDATE sv_cursor SET num = greatest(num, CASE name WHEN 'outbox' THEN $1::bigint WHEN 'event_id' THEN $2::bigint END) WHERE name IN ('outbox', 'event_id')`, [ends.outbox, ends.eventId]);
  }

  /** Events changed after outbox seq `since` (up to `limit` changes); returns their ids and the last seq read. */
  async changedSince(tx: SqlDb, since: number, limit: number): Promise<{ ids: number[]; last: number }> {
    const rows = await sqlRows<{ seq: string; id: string | null }>(
      tx,
      `SELECT seq, entity_id AS id FROM change
        WHERE seq > $1 AND type IN ('event.created', 'event.transitioned', 'event.escalated', 'summons.created', 'summons.answered')
        ORDER BY seq LIMIT $2`,
      [since, limit],
    );
    const ids = rows.map((r) => Number(r.id)).filter((n) => Number.isSafeInteger(n) && n > 0);
    // Nothing relevant in a long stretch of other changes: still move past what we scanned.
    if (rows.length < limit) {
      const m = await sqlRow<{ m: string }>(tx, `SELECT coalesce(max(seq), $1) AS m FROM change WHERE seq > $1 AND seq <= (SELECT seq FROM change_counter)`, [since]);
      return { ids, last: Math.max(rows.length ? Number(rows[rows.length - 1].seq) : since, Number(m?.m ?? since)) };
    }
    return { ids, last: Number(rows[rows.length - 1].seq) };
  }

  /** Events created after id `since` (also those written without an outbox row: history imports, the demo's year). */
  async newSince(tx: SqlDb, since: number, limit: number): Promise<number[]> {
    const rows = await sqlRows<{ id: string }>(tx, `SELECT id FROM event WHERE id > $1 ORDER BY id LIMIT $2`, [since, limit]);
    return rows.map((r) => Number(r.id));
  }

  /** Open cases and summonses whose deadline passed in (from, to]: their overdue facts change with no log entry. */
  async deadlinesPassed(tx: SqlDb, from: Date, to: Date, limit: number): Promise<number[]> {
    const rows = await sqlRows<{ id: string }>(
      tx,
      `(SELECT id FROM event WHERE state = ANY(${OPEN_STATES_SQL}) AND due_at > $1 AND due_at <= $2 ORDER BY due_at LIMIT $3)
       UNION
       (SELECT s.event_id FROM summons s WHERE s.due_at > $1 AND s.due_at <= $2
           AND EXISTS (SELECT 1 FROM summons_department sd WHERE sd.summons_id = s.id AND sd.reported_at IS NULL) LIMIT $3)`,
      [from, to, limit],
    );
    return rows.map((r) => Number(r.id));
  }

  /** Wait for the worker lock for this transaction (a rebuild: the worker skips its passes meanwhile). */
  async waitLock(tx: SqlDb): Promise<void> {
    await sqlRun(tx, `SELECT pg_advisory_xact_lock($1)`, [FACTS_LOCK]);
  }

  /** The Shanghai days of the first and the last case reported (null without cases). */
  async reportedSpan(db: SqlDb): Promise<{ first: string; last: string } | null> {
    const r = await sqlRow<{ first: string | null; last: string | null }>(
      db,
      `SELECT to_char(min(((reported_at AT TIME ZONE 'UTC') + interval '8 hours')::date), 'YYYY-MM-DD') AS first,
              to_char(max(((reported_at AT TIME ZONE 'UTC') + interval '8 hours')::date), 'YYYY-MM-DD') AS last FROM event`,
    );
    return r?.first && r.last ? { first: r.first, last: r.last } : null;
  }

  /**
   * Rebuild sv_case and sv_daily for the cases reported on days `from` … `to` (inclusive,
   * YYYY-MM-DD) as of `asOf` (REBUILD_CASES_SQL, REBUILD_DAILY_SQL). The caller holds the worker
   * lock (`waitLock`) in the same transaction; the worker's cursors stay: what changed meanwhile
   * is derived again by the worker afterwards, from these rows.
   */
  async rebuild(tx: SqlDb, from: string, to: string, asOf: Date): Promise<{ cases: number; rows: number }> {
    // mid-sized statements with loose estimates: JIT compilation would cost more than it saves;
    // a week's daily rows (~460k contributions at a million cases a year) sort in memory
    await sqlRun(tx, `SET LOCAL jit = off`);
    await sqlRun(tx, `SET LOCAL work_mem = '256MB'`);
    const c = await sqlRow<{ cases: number; gone: number }>(tx, REBUILD_CASES_SQL, [from, to, asOf]);
    await sqlRun(tx, `DELETE FROM sv_daily WHERE day BETWEEN $1::date AND $2::date`, [from, to]);
    const rows = await sqlChanged(tx, REBUILD_DAILY_SQL, [from, to]);
    return { cases: c?.cases ?? 0, rows };
  }

  async apply(tx: SqlDb, ids: number[], asOf: Date): Promise<{ cases: number; rows: number }> {
    if (!ids.length) return { cases: 0, rows: 0 };
    // A few hundred rows each way: JIT compilation (on by default on a server) would cost more than the statement.
    await sqlRun(tx, `SET LOCAL jit = off`);
    const r = await sqlRow<{ cases: number; rows: number }>(tx, APPLY_SQL, [ids, asOf]);
    return r ?? { cases: 0, rows: 0 };
  }
}

import { finished } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import { DATABASE_INFO, type DatabaseInfo } from '../../core/database/database.tokens';
import { pgClientOf, sqlRow, sqlRows, sqlRun } from '../../core/database/sql';
import { inScope } from '../auth/scope';
import { LOCATED_KINDS } from './registry-kinds';
import type { ObjectCategoryEntity } from './entities/object-category.entity';
import type { RegistryEntity } from './registry.types';

/** Columns each kind's import writes (registry-kinds.ts). */
const IMPORT_COLUMNS = Object.fromEntries(Object.entries(LOCATED_KINDS).map(([e, k]) => [e, k.import!.columns])) as Record<RegistryEntity, [string, string][]>;
const ENTITY_TABLE = Object.fromEntries(Object.entries(LOCATED_KINDS).map(([e, k]) => [e, k.table])) as Record<RegistryEntity, string>;

/**
 * The candidate pieces of point r at bucket size s.bs, each covering it: a parameterised index probe
 * of registry_attribution_bucket_cell_idx (OFFSET 0 keeps the subquery apart, so it is planned as
 * one). A hash join hashed the whole bucket table for each chunk (~1 s at 100k cells); a merge join
 * sorted both sides.
 */
const BUCKET_PROBE = `CROSS JOIN LATERAL (
    SELECT b.area_id, b.code, b.path, b.depth FROM registry_attribution_bucket b
     WHERE b.bx = floor(r.lon / s.bs)::int AND b.by = floor(r.lat / s.bs)::int AND b.bs = s.bs
       AND ST_Covers(b.geom, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326))
    OFFSET 0) b`;
const CURRENT = `a.valid_from IS NOT NULL AND a.valid_from <= now() AND (a.valid_to IS NULL OR a.valid_to > now())`;
/** Identity of the set of current areas: what registry_attribution_bucket was built from. */
const STAMP = `SELECT coalesce(md5(string_agg(a.id::text, ',' ORDER BY a.id)), '') FROM area a WHERE ${CURRENT}`;

/** A place an imported row names (placeId), with the point and grid the row takes from it. */
export interface ImportPlace {
  id: number;
  lon: number;
  lat: number;
  gridId: number;
  gridCode: string;
  areaPath: string;
}

export interface Located {
  i: number;
  gridId: number | null;
  gridCode: string | null;
  areaPath: string | null;
}

/**
 * Indexes an initial load keeps current row by row: each chunk probes them (`takenBy`: ID numbers
 * already registered), which without them would read the whole table once per chunk.
 */
const KEPT_DURING_LOAD = ['person_id_number_idx'];

@Injectable()
export class RegistryImportRepository {
  /** Whether copyNew may stream COPY FROM STDIN (a server; the single-session embedded database takes the upsert). */
  readonly canCopy: boolean;

  constructor(@Inject(DATABASE_INFO) db: DatabaseInfo) {
    this.canCopy = !db.singleSession;
  }

  /**
   * For the rest of the import's transaction: no JIT (the statements cross its cost threshold but
   * run once, and compiling took longer than it saved); sorts and hashes of a batch in memory; and
   * a GIN pending list big enough for the whole batch, so the trigram indexes take the batch's
   * entries in one merge (flushGin) instead of one flush per 4 MB (about a quarter of the insert).
   */
  async bulkSession(tx: EntityManager): Promise<void> {
    await sqlRun(tx, `SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true), set_config('gin_pending_list_limit', '256MB', true)`);
  }

  /**
   * For the rest of the import's transaction, the table's INSERT counter trigger only stashes the
   * new rows' keys (a temp table); flushCounts applies them in one statement. Per chunk, the trigger
   * upserted about one counter row per row written (chunks of 15k rows over 100k grids).
   */
  async deferCounts(tx: EntityManager, entity: RegistryEntity): Promise<void> {
    await sqlRun(tx, `SELECT registry_counts_defer($1)`, [ENTITY_TABLE[entity]]);
  }

  /** The counters of the rows inserted since deferCounts, in one statement (a no-op when not deferred). */
  async flushCounts(tx: EntityManager, entity: RegistryEntity): Promise<void> {
    await sqlRun(tx, `SELECT registry_counts_flush($1)`, [ENTITY_TABLE[entity]]);
  }

  /**
   * Merge the GIN pending lists of the table's indexes now, in the import's transaction, so that
   * searches after it do not scan a long pending list. Only indexes the caller may maintain (owner).
   */
  async flushGin(tx: EntityManager, entity: RegistryEntity): Promise<void> {
    await sqlRun(
      tx,
      `SELECT gin_clean_pending_list(c.oid)
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
        WHERE i.indrelid = $1::regclass AND am.amname = 'gin' AND pg_has_role(c.relowner, 'USAGE')`,
      [ENTITY_TABLE[entity]],
    );
  }

  /**
   * An initial load: when the table holds fewer than `below` rows, drop its secondary indexes in
   * the import's transaction and return their definitions (rebuildIndexes builds them again after
   * the rows are in, one sorted build each instead of a million single inserts). Not the primary
   * key, not indexes behind a constraint or unique ones (ON CONFLICT and uniqueness need them),
   * not KEPT_DURING_LOAD.
   * Dropping takes the table's ACCESS EXCLUSIVE lock until the import commits: readers of this
   * table wait, which is why this is only for a table that is (nearly) empty. The count is taken
   * again under the lock; if the table filled meanwhile, the lock is let go (savepoint) and null
   * returned: the import then keeps the indexes current row by row. `empty`: the table held no row
   * under the lock, so until commit no row but this transaction's can be in it.
   */
  async dropIndexesForInitialLoad(tx: EntityManager, entity: RegistryEntity, below: number): Promise<{ indexes: string[]; empty: boolean } | null> {
    const table = ENTITY_TABLE[entity];
    const held = async (): Promise<number> => (await sqlRow<{ n: number }>(tx, `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${table} LIMIT $1) s`, [below]))!.n;
    if ((await held()) >= below) return null;
    await sqlRun(tx, `SAVEPOINT initial_load`);
    await sqlRun(tx, `LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    const n = await held();
    if (n >= below) {
      await sqlRun(tx, `ROLLBACK TO SAVEPOINT initial_load`);
      return null;
    }
    const rows = await sqlRows<{ name: string; def: string }>(
      tx,
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
         FROM pg_index i
        WHERE i.indrelid = $1::regclass AND NOT i.indisunique AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
          AND i.indexrelid::regclass::text <> ALL ($2::text[])
        ORDER BY 1`,
      [table, KEPT_DURING_LOAD],
    );
    for (const r of rows) await sqlRun(tx, `DROP INDEX ${r.name}`);
    await sqlRun(tx, `RELEASE SAVEPOINT initial_load`);
    return { indexes: rows.map((r) => r.def), empty: n === 0 };
  }

  /** Build again the indexes dropIndexesForInitialLoad dropped, in the same transaction. */
  async rebuildIndexes(tx: EntityManager, defs: string[]): Promise<void> {
    await sqlRun(tx, `SET LOCAL maintenance_work_mem = '256MB'`);
    for (const def of defs) await sqlRun(tx, def);
  }

  /**
   * Attribution of a chunk's rows in one statement: the deepest current area covering each point, ties
   * on a border to the lowest code, exactly as AreaLookupRepository.locate (ST_Covers on the same
   * ST_Subdivide pieces). Not one GiST probe per point (about 20 µs each, the largest part of the
   * import's time): candidates come from registry_attribution_bucket by equality on the bucket
   * each point falls in at each bucket size (an index probe each), then ST_Covers decides. A piece whose box holds the
   * point always shares its bucket (floor is monotonic), so no candidate is missed.
   * Points in no area are left out of the answer. About 6 µs a point where the GiST probes took 25 (with a hash join of 50k points; 13–19 µs with index probes on chunks of 15k, whose fixed cost does not grow with the table;
   * 12–13 µs at 100k cells with the deep sizes first, 16–17 µs without, on this 2-core machine).
   * The buckets must be current (ensureBuckets, or bucketsFresh on a reader that cannot rebuild).
   */
  async attributeAll(db: EntityManager, points: { i: number; lon: number; lat: number }[]): Promise<Located[]> {
    if (!points.length) return [];
    // `deep`: the sizes where the deepest level is listed, probed for every point; `rest`: the other
    // sizes, probed only for points that no piece found in `deep` covers at a level deeper than any
    // listed at those sizes (there they could neither win nor tie). In a city of square grids the
    // grids are alone at the finest size: one probe a point instead of three.
    return sqlRows<Located>(
      db,
      `WITH r AS MATERIALIZED (SELECT * FROM unnest($1::int[], $2::float8[], $3::float8[]) AS r(i, lon, lat)),
            z AS MATERIALIZED (SELECT z.bs, z.depth, max(z.depth) OVER () AS top FROM registry_attribution_stamp s, unnest(s.sizes, s.depths) AS z(bs, depth) WHERE s.id = 1),
            deep AS MATERIALIZED (SELECT r.i, b.* FROM r CROSS JOIN (SELECT bs FROM z WHERE depth = top) s ${BUCKET_PROBE}),
            rest AS (SELECT r.i, b.* FROM (SELECT * FROM r WHERE NOT EXISTS (SELECT 1 FROM deep WHERE deep.i = r.i AND deep.depth > (SELECT coalesce(max(depth), 0) FROM z WHERE depth < top))) r
                      CROSS JOIN (SELECT bs FROM z WHERE depth < top) s ${BUCKET_PROBE})
       SELECT DISTINCT ON (i) i, area_id::int AS "gridId", code AS "gridCode", path::text AS "areaPath"
         FROM (SELECT * FROM deep UNION ALL SELECT * FROM rest) c
        ORDER BY i, depth DESC, code`,
      [numberArray(points.map((p) => p.i)), numberArray(points.map((p) => p.lon)), numberArray(points.map((p) => p.lat))],
    );
  }

  /** Whether registry_attribution_bucket was built from the areas current in db's snapshot. */
  async bucketsFresh(db: EntityManager): Promise<boolean> {
    return (await sqlRow(db, `SELECT 1 FROM registry_attribution_stamp s WHERE s.id = 1 AND s.stamp = (${STAMP})`)) !== undefined;
  }

  /**
   * Rebuild registry_attribution_bucket when the current areas are not the ones it was built from
   * (a publish since, or a first import). One rebuilder at a time; the others wait, then find it fresh.
   */
  async ensureBuckets(db: EntityManager): Promise<void> {
    if (await this.bucketsFresh(db)) return;
    await sqlRun(db, `SELECT pg_advisory_xact_lock(hashtext('registry_attribution_bucket'))`);
    if (await this.bucketsFresh(db)) return;
    await sqlRun(db, `DELETE FROM registry_attribution_bucket`);
    // Base size about half the side of an average piece (the deepest levels dominate the count);
    // each piece doubles it until the piece spans at most 3 × 3 buckets. A point then meets about
    // two candidates per level; a piece is listed under at most 9 buckets.
    await sqlRun(
      db,
      `WITH parts AS (
         SELECT a.id, a.code, a.path, nlevel(a.path) AS depth, p.geom,
                ST_XMin(p.geom) AS x0, ST_YMin(p.geom) AS y0, ST_XMax(p.geom) AS x1, ST_YMax(p.geom) AS y1
           FROM area_part p JOIN area a ON a.id = p.area_id WHERE ${CURRENT}),
       base AS (SELECT greatest(0.55 * sqrt(((max(x1) - min(x0)) * (max(y1) - min(y0)) + 1e-18) / greatest(count(*), 1)), 1e-9) AS s FROM parts),
       sized AS (SELECT parts.*, base.s * 2 ^ greatest(0, ceil(ln(greatest(x1 - x0, y1 - y0, 1e-12) / (2 * base.s)) / ln(2))) AS bs FROM parts, base)
       INSERT INTO registry_attribution_bucket (bs, bx, by, area_id, code, path, depth, geom)
       SELECT bs, bx, by, id, code, path, depth, geom
         FROM sized, generate_series(floor(x0 / bs)::int, floor(x1 / bs)::int) bx, generate_series(floor(y0 / bs)::int, floor(y1 / bs)::int) by`,
    );
    await sqlRun(
      db,
      `INSERT INTO registry_attribution_stamp (id, stamp, sizes, depths)
       SELECT 1, (${STAMP}), coalesce(array_agg(bs ORDER BY bs), '{}'), coalesce(array_agg(depth ORDER BY bs), '{}')
         FROM (SELECT bs, max(depth) AS depth FROM registry_attribution_bucket GROUP BY bs) z
       ON CONFLICT (id) DO UPDATE SET stamp = EXCLUDED.stamp, sizes = EXCLUDED.sizes, depths = EXCLUDED.depths, built_at = now()`,
    );
    await sqlRun(db, `ANALYZE registry_attribution_bucket`);
  }

  /** Places referenced by rows (in the caller's scope), with their point and grid. */
  async places(db: EntityManager, ids: number[], scope: string | null): Promise<ImportPlace[]> {
    if (!ids.length) return [];
    return sqlRows<ImportPlace>(
      db,
      `SELECT id::int, ST_X(geom) AS lon, ST_Y(geom) AS lat, grid_id::int AS "gridId", grid_code AS "gridCode", area_path::text AS "areaPath"
         FROM place WHERE id = ANY($1::bigint[]) AND ${inScope('area_path', '$2')}`,
      [ids, scope],
    );
  }

  async minorCategories(db: EntityManager, codes: string[]): Promise<Set<string>> {
    const rows = await sqlRows<Pick<ObjectCategoryEntity, 'code'>>(db, `SELECT code FROM object_category WHERE code = ANY($1::text[]) AND parent_code IS NOT NULL`, [codes]);
    return new Set(rows.map((r) => r.code));
  }

  /** External ids already used by records outside the caller's jurisdiction (an import may not touch them). */
  async foreignExternalIds(db: EntityManager, entity: RegistryEntity, ids: string[], scope: string | null): Promise<Set<string>> {
    if (scope === null || !ids.length) return new Set();
    const rows = await sqlRows<{ external_id: string }>(db, `SELECT external_id FROM ${ENTITY_TABLE[entity]} WHERE external_id = ANY($1::text[]) AND NOT ${inScope('area_path', '$2')}`, [ids, scope]);
    return new Set(rows.map((r) => r.external_id));
  }

  /**
   * The records already holding these values of a unique column (ID-number hashes, credit codes),
   * each with its external id and whether it lies inside `scope` (null: everything is).
   */
  async takenBy(db: EntityManager, entity: 'person' | 'organization', column: 'id_number_hmac' | 'uscc', values: string[], scope: string | null = null) {
    const out = new Map<string, { externalId: string | null; visible: boolean }[]>();
    if (!values.length) return out;
    const rows = await sqlRows<{ v: string; e: string | null; visible: boolean }>(
      db,
      `SELECT ${column} AS v, external_id AS e, ${inScope('area_path', '$2')} AS visible FROM ${ENTITY_TABLE[entity]} WHERE ${column} = ANY($1::text[])`,
      [values, scope],
    );
    for (const r of rows) out.set(r.v, [...(out.get(r.v) ?? []), { externalId: r.e, visible: r.visible }]);
    return out;
  }

  /**
   * Writes a chunk of rows that are all new (an initial load into a table that was empty under its
   * lock) the way a plain bulk load does: one COPY, with no JSON parameter to parse (~3 µs a row)
   * and no probe for existing externalIds (~2.7 µs a row) as in upsert. Values in COPY's text
   * format, the point as hex EWKB (the same float8 pair ST_MakePoint gets); the table's triggers
   * (grid counters) fire as for an INSERT. Returns the rows written.
   */
  async copyNew(tx: EntityManager, entity: RegistryEntity, rows: Record<string, unknown>[]): Promise<number> {
    if (!rows.length) return 0;
    const cols = IMPORT_COLUMNS[entity];
    const xy = Buffer.alloc(16);
    let text = '';
    for (const r of rows) {
      let line = copyValue(r.external_id);
      for (const [c, t] of cols) line += '\t' + copyValue(r[c], t);
      xy.writeDoubleLE(r.lon as number, 0);
      xy.writeDoubleLE(r.lat as number, 8);
      text += `${line}\t${EWKB_POINT_4326}${xy.toString('hex')}\t${copyValue(r.grid_id)}\t${copyValue(r.grid_code)}\t${copyValue(r.area_path)}\n`;
    }
    // The transaction's own connection (COPY streams; TypeORM's query() cannot).
    const client = await pgClientOf(tx);
    const copy = client.query(copyFrom(`COPY ${ENTITY_TABLE[entity]} (external_id, ${cols.map(([c]) => c).join(', ')}, geom, grid_id, grid_code, area_path) FROM STDIN`));
    copy.end(text);
    await finished(copy);
    return copy.rowCount;
  }

  /**
   * Writes a chunk keyed by externalId: a re-run updates instead of duplicating. Rows whose point
   * or grid changed get a move-history row in the same statement. Rows whose externalId is not
   * in the table yet take a plain INSERT and the others an UPDATE (about a fifth cheaper than
   * INSERT … ON CONFLICT DO UPDATE for all, which does a speculative insertion per row); a record
   * with one of the new externalIds committed by someone else meanwhile makes the plain INSERT
   * fail with a unique violation (isExternalIdRace), and the caller then imports again with
   * `onConflict`: the same statement with INSERT … ON CONFLICT DO UPDATE.
   */
  async upsert(tx: EntityManager, entity: RegistryEntity, rows: Record<string, unknown>[], actorName: string, onConflict = false): Promise<{ inserted: number; updated: number }> {
    if (!rows.length) return { inserted: 0, updated: 0 };
    const table = ENTITY_TABLE[entity];
    const cols = IMPORT_COLUMNS[entity];
    const names = cols.map(([c]) => c);
    const insert = `INSERT INTO ${table} (external_id, ${names.join(', ')}, geom, grid_id, grid_code, area_path)
         SELECT external_id, ${names.join(', ')}, ST_SetSRID(ST_MakePoint(lon, lat), 4326), grid_id, grid_code, area_path::ltree FROM r`;
    const write = onConflict
      ? `up AS (
         ${insert}
         ON CONFLICT (external_id) DO UPDATE SET ${names.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
           geom = EXCLUDED.geom, grid_id = EXCLUDED.grid_id, grid_code = EXCLUDED.grid_code, area_path = EXCLUDED.area_path, updated_at = now()
         RETURNING id, geom, grid_code, area_path, (xmax = 0) AS inserted)`
      : `ins AS (
         ${insert} WHERE NOT EXISTS (SELECT 1 FROM old WHERE old.external_id = r.external_id)
         RETURNING id, geom, grid_code, area_path),
       upd AS (
         UPDATE ${table} t SET ${names.map((c) => `${c} = r.${c}`).join(', ')},
           geom = ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), grid_id = r.grid_id, grid_code = r.grid_code, area_path = r.area_path::ltree, updated_at = now()
           FROM r JOIN old ON old.external_id = r.external_id WHERE t.id = old.id
         RETURNING t.id, t.geom, t.grid_code, t.area_path),
       up AS (SELECT *, true AS inserted FROM ins UNION ALL SELECT *, false FROM upd)`;
    const result = await sqlRow<{ inserted: number; updated: number }>(
      tx,
      `WITH r AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(external_id text, ${cols.map(([c, t]) => `${c} ${t}`).join(', ')}, lon float8, lat float8, grid_id bigint, grid_code text, area_path text)),
       old AS MATERIALIZED (SELECT t.id, t.external_id, t.geom, t.grid_code, t.area_path FROM ${table} t JOIN r ON r.external_id = t.external_id),
       ${write},
       moved AS (
         INSERT INTO registry_move (entity, entity_id, reason, actor_name, from_geom, from_grid_code, from_area_path, to_geom, to_grid_code, to_area_path)
         SELECT $2, up.id, 'import', $3, old.geom, old.grid_code, old.area_path, up.geom, up.grid_code, up.area_path
           FROM up JOIN old ON old.id = up.id
          WHERE NOT (old.geom ~= up.geom) OR old.grid_code <> up.grid_code)
       SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up`,
      [JSON.stringify(rows), entity, actorName],
    );
    return result!;
  }

  /** A plain INSERT met an externalId another transaction committed meanwhile (see upsert). */
  isExternalIdRace(entity: RegistryEntity, err: unknown): boolean {
    const pg = err as { code?: string; constraint?: string } | null;
    return pg?.code === '23505' && pg.constraint === `${ENTITY_TABLE[entity]}_external_id_key`;
  }
}

/** A number array as a PostgreSQL array literal (pg's own conversion quotes and escapes every element). */
const numberArray = (xs: number[]) => `{${xs.join(',')}}`;

/** Hex EWKB header of a point with SRID 4326 (little endian, type 1 with the SRID flag, 4326), followed by x and y. */
const EWKB_POINT_4326 = '0101000020e6100000';

/** A value in COPY's text format: \N for null; arrays as literals; backslash, tab and line breaks escaped. */
function copyValue(v: unknown, type = 'text'): string {
  if (v === null || v === undefined) return '\\N';
  let s: string;
  if (type === 'text[]') s = `{${(v as string[]).map((e) => `"${e.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
  else if (type === 'boolean') s = v ? 't' : 'f';
  else s = String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : s;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

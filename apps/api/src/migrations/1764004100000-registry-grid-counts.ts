import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-grid counts of the registries kept as counters, so "counts per grid under a district"
 * reads one row per grid instead of a GROUP BY over millions of records (issue 4: < 200 ms at
 * 1M people).
 *
 * The counters are maintained by STATEMENT-level triggers with transition tables on the four
 * registry tables: one aggregate per statement, whatever wrote the rows (the API's creates and
 * PATCHes, the bulk import's upsert, the demo loader, the re-attribution of a publish, plain SQL).
 * They run in the writing transaction, so a rollback takes them back too.
 *
 * Keys are the record's (area_path, grid_code), the same columns the counts are filtered by
 * (jurisdiction is `area_path <@ scope`). A record outside every grid (an acknowledged gap after
 * a redraw) has NULL there; the counters store '' instead so the keys stay hashable and unique.
 *
 * Counters are taken row locks: writers to the same grid queue behind each other until commit.
 * Every upsert runs in key order, so two bulk writers cannot deadlock on them.
 *
 * The counter tables are indexed on key columns only and leave room on their pages (fillfactor),
 * so a counter update is a HOT update (no index entries written).
 */
const COUNTERS = ['places', 'people', 'registered', 'floating', 'households', 'objects', 'objects_needing_repair', 'organizations'] as const;

/** What one record adds to its grid's counters, `s` being +1 (new row) or -1 (old row). */
const DELTA: Record<string, Partial<Record<(typeof COUNTERS)[number], string>>> = {
  place: { places: 's' },
  person: { people: 's', registered: `s * (registration = 'registered')::int`, floating: `s * (registration = 'floating')::int` },
  city_object: { objects: 's', objects_needing_repair: `s * (condition IN ('damaged', 'lost'))::int` },
  organization: { organizations: 's' },
};
const EXTRA: Record<string, string> = { place: '', person: ', registration, household_no, tags', city_object: ', condition', organization: '' };

/** A record's counter key ('' for no grid). */
const KEY = `coalesce(area_path, ''::ltree) AS area_path, coalesce(grid_code, '') AS grid_code`;

const OPS = { insert: ['new_rows'], delete: ['old_rows'], update: ['old_rows', 'new_rows'] } as const;

/** The signed rows of one statement: +1 per row of NEW TABLE, -1 per row of OLD TABLE. */
function signed(table: string, op: keyof typeof OPS): string {
  return OPS[op].map((rel) => `SELECT ${rel === 'new_rows' ? 1 : -1} AS s, ${KEY}, grid_id${EXTRA[table]} FROM ${rel}`).join(' UNION ALL ');
}

const ALL_ZERO = COUNTERS.map((x) => `c.${x} = 0`).join(' AND ');

/**
 * Upsert of the per-grid deltas in `d` (columns area_path, grid_code, grid_id, ...cols), in key
 * order, returning the keys it left at zero. The counter row also keeps the area its records point
 * at now (the newest grid_id among the statement's new rows) and that area's name, so the counts
 * read no area row: a redraw gives a grid's records a new grid_id (re-attribution), which passes
 * through here and renames the row.
 */
function upsertCounts(cols: readonly string[], returning: boolean): string {
  return `INSERT INTO registry_grid_count AS c (area_path, grid_code, grid_id, grid_name, ${cols.join(', ')})
          SELECT d.area_path, d.grid_code, d.grid_id, g.name, ${cols.map((x) => `d.${x}`).join(', ')}
            FROM d LEFT JOIN area g ON g.id = d.grid_id
           WHERE ${cols.map((x) => `d.${x} <> 0`).join(' OR ')} OR d.grid_id IS NOT NULL
           ORDER BY d.area_path, d.grid_code
          ON CONFLICT (area_path, grid_code) DO UPDATE
            SET ${cols.map((c) => `${c} = c.${c} + EXCLUDED.${c}`).join(', ')},
                grid_id = coalesce(EXCLUDED.grid_id, c.grid_id),
                grid_name = CASE WHEN EXCLUDED.grid_id IS NULL THEN c.grid_name ELSE EXCLUDED.grid_name END
            WHERE ${cols.map((x) => `EXCLUDED.${x} <> 0`).join(' OR ')} OR EXCLUDED.grid_id IS DISTINCT FROM c.grid_id${returning ? `\n          RETURNING c.area_path, c.grid_code, (${ALL_ZERO}) AS zero` : ''}`;
}

/** The area id a statement's new rows give a key (the newest, should they differ). */
const NEW_GRID = `max(CASE WHEN s = 1 THEN grid_id END) AS grid_id`;

/**
 * Counter rows left at zero are removed in a second statement (one statement cannot write a row
 * twice), by the keys the upsert returned: an INSERT only raises counters, so only UPDATE and
 * DELETE triggers do this. The keys travel as arrays and are matched by primary key; a DELETE
 * that instead joined the statement's old rows to "counters now at zero" was planned as a nested
 * loop over both (48 s for a 50k-row re-attribution).
 */
function zeroDeletes(table: string): string {
  let sql = `
      IF zp IS NOT NULL THEN
        DELETE FROM registry_grid_count c USING unnest(zp, zg) AS z(p, g) WHERE c.area_path = z.p AND c.grid_code = z.g;
      END IF;`;
  if (table === 'person') {
    sql += `
      IF hp IS NOT NULL THEN
        DELETE FROM registry_grid_household h USING unnest(hp, hg_, hn) AS z(p, g, n) WHERE h.area_path = z.p AND h.grid_code = z.g AND h.household_no = z.n;
      END IF;
      IF tp IS NOT NULL THEN
        DELETE FROM registry_grid_tag_count t USING unnest(tp, tg_, tt) AS z(p, g, t) WHERE t.area_path = z.p AND t.grid_code = z.g AND t.tag = z.t;
      END IF;`;
  }
  return sql;
}

/** plpgsql variables for the zero keys (UPDATE and DELETE triggers). */
function declarations(table: string, op: keyof typeof OPS): string {
  if (op === 'insert') return '';
  return `DECLARE zp ltree[]; zg text[];${table === 'person' ? ' hp ltree[]; hg_ text[]; hn text[]; tp ltree[]; tg_ text[]; tt text[];' : ''}`;
}

function triggerBody(table: string, op: keyof typeof OPS): string {
  const delta = DELTA[table];
  const cols = Object.keys(delta);
  const lowers = op !== 'insert';
  if (table !== 'person') {
    const head = `
      WITH src AS (${signed(table, op)}),
      d AS (SELECT area_path, grid_code, ${NEW_GRID}, ${cols.map((c) => `sum(${delta[c as keyof typeof delta]})::int AS ${c}`).join(', ')}
              FROM src GROUP BY area_path, grid_code)`;
    if (!lowers)
      return `${head}
      ${upsertCounts(cols, false)};`;
    return `${head},
      up AS (${upsertCounts(cols, true)})
      SELECT array_agg(area_path) FILTER (WHERE zero), array_agg(grid_code) FILTER (WHERE zero) INTO zp, zg FROM up;${zeroDeletes(table)}`;
  }
  // People also count distinct households per grid (a reference count per (grid, household_no):
  // the grid's household counter moves when a household's count there leaves or reaches 0) and
  // special-group tags per grid.
  const pcols = [...cols, 'households'];
  const head = `
    WITH src AS (${signed(table, op)}),
    hd AS (SELECT area_path, grid_code, household_no, sum(s)::int AS n FROM src WHERE household_no IS NOT NULL
            GROUP BY area_path, grid_code, household_no HAVING sum(s) <> 0),
    hu AS (INSERT INTO registry_grid_household AS h (area_path, grid_code, household_no, people)
           SELECT area_path, grid_code, household_no, n FROM hd ORDER BY area_path, grid_code, household_no
           ON CONFLICT (area_path, grid_code, household_no) DO UPDATE SET people = h.people + EXCLUDED.people
           RETURNING h.area_path, h.grid_code, h.household_no, h.people),
    hg AS (SELECT hu.area_path, hu.grid_code, sum(sign(greatest(hu.people, 0)) - sign(greatest(hu.people - hd.n, 0)))::int AS households
             FROM hu JOIN hd ON hd.area_path = hu.area_path AND hd.grid_code = hu.grid_code AND hd.household_no = hu.household_no
            GROUP BY hu.area_path, hu.grid_code),
    tg AS (INSERT INTO registry_grid_tag_count AS t (area_path, grid_code, tag, people)
           SELECT area_path, grid_code, u.tag, sum(s)::int FROM src, unnest(src.tags) AS u(tag)
            GROUP BY area_path, grid_code, u.tag HAVING sum(s) <> 0 ORDER BY area_path, grid_code, u.tag
           ON CONFLICT (area_path, grid_code, tag) DO UPDATE SET people = t.people + EXCLUDED.people
           RETURNING t.area_path, t.grid_code, t.tag, t.people),
    d AS (SELECT area_path, grid_code, ${NEW_GRID}, ${pcols.map((c) => `sum(${c})::int AS ${c}`).join(', ')}
            FROM (SELECT s, area_path, grid_code, grid_id, ${cols.map((c) => `${delta[c as keyof typeof delta]} AS ${c}`).join(', ')}, 0 AS households FROM src
                  UNION ALL SELECT 0, area_path, grid_code, NULL, ${cols.map(() => '0').join(', ')}, households FROM hg) x
           GROUP BY area_path, grid_code)`;
  if (!lowers)
    return `${head}
    ${upsertCounts(pcols, false)};`;
  return `${head},
    up AS (${upsertCounts(pcols, true)})
    SELECT u.p, u.g, h.p, h.g, h.n, t.p, t.g, t.t INTO zp, zg, hp, hg_, hn, tp, tg_, tt
      FROM (SELECT array_agg(area_path) AS p, array_agg(grid_code) AS g FROM up WHERE zero) u,
           (SELECT array_agg(area_path) AS p, array_agg(grid_code) AS g, array_agg(household_no) AS n FROM hu WHERE people <= 0) h,
           (SELECT array_agg(area_path) AS p, array_agg(grid_code) AS g, array_agg(tag) AS t FROM tg WHERE people <= 0) t;${zeroDeletes(table)}`;
}

export class RegistryGridCounts1764004100000 implements MigrationInterface {
  name = 'RegistryGridCounts1764004100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE registry_grid_count (
      area_path ltree NOT NULL,
      grid_code text NOT NULL,
      grid_id bigint,
      grid_name text,
      ${COUNTERS.map((c) => `${c} int NOT NULL DEFAULT 0`).join(',\n      ')},
      PRIMARY KEY (area_path, grid_code)
    ) WITH (fillfactor = 70)`);
    // GiST on the path: "the grids under this district" (and jurisdiction) as on the records. It
    // indexes only key columns, which a counter update never changes, so updates stay HOT.
    await q.query(`CREATE INDEX registry_grid_count_path_gist ON registry_grid_count USING gist (area_path)`);
    await q.query(`CREATE TABLE registry_grid_household (
      area_path ltree NOT NULL,
      grid_code text NOT NULL,
      household_no text NOT NULL,
      people int NOT NULL,
      PRIMARY KEY (area_path, grid_code, household_no)
    ) WITH (fillfactor = 70)`);
    await q.query(`CREATE TABLE registry_grid_tag_count (
      area_path ltree NOT NULL,
      grid_code text NOT NULL,
      tag text NOT NULL,
      people int NOT NULL,
      PRIMARY KEY (area_path, grid_code, tag)
    ) WITH (fillfactor = 70)`);
    await q.query(`CREATE INDEX registry_grid_tag_count_path_gist ON registry_grid_tag_count USING gist (area_path)`);

    // Recount everything from the records: the first fill here, and after a TRUNCATE of a registry table.
    const key = `coalesce(area_path, ''::ltree), coalesce(grid_code, '')`;
    await q.query(`CREATE FUNCTION registry_counts_rebuild() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM registry_grid_count;
        DELETE FROM registry_grid_household;
        DELETE FROM registry_grid_tag_count;
        INSERT INTO registry_grid_household (area_path, grid_code, household_no, people)
        SELECT ${key}, household_no, count(*) FROM person WHERE household_no IS NOT NULL GROUP BY 1, 2, 3;
        INSERT INTO registry_grid_tag_count (area_path, grid_code, tag, people)
        SELECT ${key}, u.tag, count(*) FROM person, unnest(tags) AS u(tag) GROUP BY 1, 2, 3;
        INSERT INTO registry_grid_count (area_path, grid_code, grid_id, grid_name, ${COUNTERS.join(', ')})
        SELECT x.area_path, x.grid_code, max(x.grid_id), (SELECT g.name FROM area g WHERE g.id = max(x.grid_id)), ${COUNTERS.map((c) => `sum(x.${c})`).join(', ')}
          FROM (SELECT ${key}, grid_id, 1, 0, 0, 0, 0, 0, 0, 0 FROM place
                UNION ALL SELECT ${key}, grid_id, 0, 1, (registration = 'registered')::int, (registration = 'floating')::int, 0, 0, 0, 0 FROM person
                UNION ALL SELECT area_path, grid_code, NULL, 0, 0, 0, 0, count(*), 0, 0, 0 FROM registry_grid_household GROUP BY 1, 2
                UNION ALL SELECT ${key}, grid_id, 0, 0, 0, 0, 0, 1, (condition IN ('damaged', 'lost'))::int, 0 FROM city_object
                UNION ALL SELECT ${key}, grid_id, 0, 0, 0, 0, 0, 0, 0, 1 FROM organization) x (area_path, grid_code, grid_id, ${COUNTERS.join(', ')})
         GROUP BY x.area_path, x.grid_code;
      END $$`);
    await q.query(`CREATE FUNCTION registry_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM registry_counts_rebuild(); RETURN NULL; END $$`);

    for (const table of Object.keys(DELTA)) {
      for (const op of Object.keys(OPS) as (keyof typeof OPS)[]) {
        const fn = `registry_count_${table}_${op}`;
        await q.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
          ${declarations(table, op)}
          BEGIN ${triggerBody(table, op)}
            RETURN NULL;
          END $$`);
        const refs = OPS[op].map((rel) => `${rel === 'new_rows' ? 'NEW' : 'OLD'} TABLE AS ${rel}`).join(' ');
        await q.query(`CREATE TRIGGER ${table}_grid_count_${op} AFTER ${op.toUpperCase()} ON ${table} REFERENCING ${refs} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      }
      await q.query(`CREATE TRIGGER ${table}_grid_count_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION registry_counts_truncated()`);
    }
    await q.query(`SELECT registry_counts_rebuild()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of Object.keys(DELTA)) {
      for (const op of [...Object.keys(OPS), 'truncate']) await q.query(`DROP TRIGGER ${table}_grid_count_${op} ON ${table}`);
      for (const op of Object.keys(OPS)) await q.query(`DROP FUNCTION registry_count_${table}_${op}()`);
    }
    await q.query(`DROP FUNCTION registry_counts_truncated(); DROP FUNCTION registry_counts_rebuild()`);
    await q.query(`DROP TABLE registry_grid_tag_count; DROP TABLE registry_grid_household; DROP TABLE registry_grid_count`);
  }
}

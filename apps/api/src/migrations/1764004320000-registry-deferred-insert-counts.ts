import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bulk import writes in chunks of a few thousand rows, and each chunk's INSERT fired the
 * statement-level counter trigger (1764004100000) once: at 100k grid cells a 15k-row chunk touches
 * ~14k counter rows, so a 1M-row upload upserted ~940k counter rows where one statement over all
 * its rows would upsert ~100k (about a quarter of the import's write time, measured by EXPLAIN
 * ANALYZE: 322 ms of 1,307 ms for 50k rows at 20k grids).
 *
 * Now a transaction can defer the INSERT counters of one registry table:
 * `registry_counts_defer('<table>')` makes a temp table (dropped at commit) and sets
 * `registry.defer_counts_<table>`; while it is on, that table's insert trigger only copies the
 * key columns of its new rows there. `registry_counts_flush('<table>')` then applies them all in
 * one statement, with the trigger's own body (read here from the function, `new_rows` replaced by
 * the temp table), and turns the deferral off. UPDATE and DELETE counters stay immediate; counters
 * are sums, so the order they are applied in does not change them. Everything stays in the
 * writing transaction: a rollback takes back the stash and the counters alike.
 */
const EXTRA: Record<string, string> = { place: '', person: ', registration, household_no, tags', city_object: ', condition', organization: '' };
const GUARD = (table: string) =>
  `BEGIN
    IF current_setting('registry.defer_counts_${table}', true) = 'on' THEN
      INSERT INTO pg_temp.registry_deferred_${table} SELECT area_path, grid_code, grid_id${EXTRA[table]} FROM new_rows;
      RETURN NULL;
    END IF;
    -- deferred-counts guard end`;

export class RegistryDeferredInsertCounts1764004320000 implements MigrationInterface {
  name = 'RegistryDeferredInsertCounts1764004320000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of Object.keys(EXTRA)) {
      const fn = `registry_count_${table}_insert`;
      const [{ src }] = await q.query(`SELECT prosrc AS src FROM pg_proc WHERE proname = $1`, [fn]);
      const at = src.indexOf('BEGIN');
      if (at < 0 || !src.includes('FROM new_rows')) throw new Error(`${fn}: unexpected body`);
      const body = src.slice(at + 'BEGIN'.length);
      await q.query(`CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $body$${src.slice(0, at)}${GUARD(table)}${body}$body$`);
      const flush = body
        .replaceAll('FROM new_rows', `FROM pg_temp.registry_deferred_${table}`)
        .replace(/RETURN NULL;\s*END\s*$/, '')
        .trimEnd();
      await q.query(`CREATE FUNCTION registry_counts_flush_${table}() RETURNS void LANGUAGE plpgsql AS $body$
        BEGIN
          PERFORM set_config('registry.defer_counts_${table}', 'off', true);
          ${flush}
          DELETE FROM pg_temp.registry_deferred_${table};
        END $body$`);
    }
    await q.query(`CREATE FUNCTION registry_counts_defer(tbl text) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF tbl NOT IN (${Object.keys(EXTRA)
          .map((t) => `'${t}'`)
          .join(', ')}) THEN RAISE EXCEPTION 'no counters on %', tbl; END IF;
        EXECUTE format('CREATE TEMP TABLE IF NOT EXISTS registry_deferred_%s ON COMMIT DROP AS SELECT area_path, grid_code, grid_id%s FROM %I LIMIT 0',
                       tbl, CASE tbl ${Object.entries(EXTRA)
                         .map(([t, x]) => `WHEN '${t}' THEN '${x}'`)
                         .join(' ')} END, tbl);
        PERFORM set_config('registry.defer_counts_' || tbl, 'on', true);
      END $$`);
    await q.query(`CREATE FUNCTION registry_counts_flush(tbl text) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('registry.defer_counts_' || tbl, true) = 'on' THEN EXECUTE format('SELECT registry_counts_flush_%s()', tbl); END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION registry_counts_flush(text); DROP FUNCTION registry_counts_defer(text)`);
    for (const table of Object.keys(EXTRA)) {
      const fn = `registry_count_${table}_insert`;
      const [{ src }] = await q.query(`SELECT prosrc AS src FROM pg_proc WHERE proname = $1`, [fn]);
      const guard = GUARD(table);
      await q.query(`CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $body$${src.replace(guard, 'BEGIN')}$body$`);
      await q.query(`DROP FUNCTION registry_counts_flush_${table}()`);
    }
  }
}

const { Client } = require('pg');

module.exports = async function globalTeardown() {
  if (globalThis.__GC_EMBEDDED__) {
    await globalThis.__GC_EMBEDDED__.stop();
    return;
  }
  if (process.env.KEEP_TEST_DATABASES) return;
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`, [`gc_t_${process.env.GC_TEST_RUN}_%`, process.env.GC_TEST_TEMPLATE]);
  for (const r of rows) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`).catch(() => undefined);
  await c.end();
};

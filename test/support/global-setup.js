// Runs once before all test files. Makes sure there is a PostGIS to test against
// and a migrated template database to clone per test file.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');

module.exports = async function globalSetup() {
  const root = join(__dirname, '../..');
  const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), 'api', '--if-stale'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('build failed');
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  process.env.GC_TEST_RUN = runId;
  if (!process.env.DATABASE_URL) {
    // No server: the same embedded PostGIS that `npm start` uses, one session, files in band.
    const { startEmbeddedPostgis } = require(join(root, 'dist/api/apps/api/src/core/database/embedded-postgis.js'));
    const embedded = await startEmbeddedPostgis(mkdtempSync(join(tmpdir(), 'gc-test-')));
    globalThis.__GC_EMBEDDED__ = embedded;
    process.env.DATABASE_URL = embedded.url;
    process.env.GC_TEST_EMBEDDED = '1';
  }
  const { Client } = require('pg');
  const { DataSource } = require('typeorm');
  const { dataSourceOptions } = require(join(root, 'dist/api/apps/api/src/core/database/data-source-options.js'));
  let url = process.env.DATABASE_URL;
  if (!process.env.GC_TEST_EMBEDDED) {
    const template = `gc_tpl_${runId}`;
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${template}`);
    await admin.end();
    url = withDatabase(url, template);
    process.env.GC_TEST_TEMPLATE = template;
  }
  const ds = new DataSource(dataSourceOptions(url, 1));
  await ds.initialize();
  await ds.query('CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS ltree; CREATE EXTENSION IF NOT EXISTS pg_trgm;');
  await ds.runMigrations({ transaction: 'each' });
  if (process.env.GC_TEST_EMBEDDED) {
    // One database for every file there: remember which tables the migrations seeded (categories,
    // departments, tags…) so that the reset between files keeps them.
    const tables = await ds.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    const seeded = [];
    for (const { tablename } of tables) {
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM "${tablename}"`);
      if (n > 0) seeded.push(tablename);
    }
    process.env.GC_TEST_SEEDED_TABLES = seeded.join(',');
  }
  await ds.destroy();
};

function withDatabase(url, db) {
  const u = new URL(url);
  u.pathname = '/' + db;
  return u.toString();
}
module.exports.withDatabase = withDatabase;

// Tests in tiers (STYLE.md §15):
//   unit         *.spec.ts next to pure code
//   integration  *.int-spec.ts against real PostGIS with the real migrations
//   e2e          test/**/*.e2e-spec.ts against the built app over HTTP, socket.io and Chromium
// With DATABASE_URL set, each test file gets its own database cloned from a migrated
// template. Without it, an embedded PostGIS is started and the files run one at a time.
const { existsSync, readFileSync } = require('node:fs');
const paths = JSON.parse(readFileSync(__dirname + '/tsconfig.base.json', 'utf8')).compilerOptions.paths;
const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(paths)) {
  moduleNameMapper['^' + alias.replace('*', '(.*)') + '$'] = '<rootDir>/' + target.replace('*', '$1');
}
const transform = {
  '^.+\\.tsx?$': [
    '@swc/jest',
    {
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true, tsx: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false, react: { runtime: 'automatic' } },
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
    },
  ],
};
// A few dependencies ship ESM only; Node loads them with require(esm), jest needs them transformed.
transform['^.+/node_modules/(content-disposition|@faker-js/faker)/.+\\.js$'] = ['@swc/jest', { module: { type: 'commonjs' }, jsc: { target: 'es2022' } }];
// Browser tests drive Debian's Chromium. Where it is not installed (and this is not CI, which
// installs it), they are left out with a notice rather than failing on a missing binary.
const browserTests = existsSync('/usr/bin/chromium') || process.env.CI === 'true';
if (!browserTests) {
  console.warn('jest: /usr/bin/chromium not found: the browser tests (test/wallmap*.e2e-spec.ts) are left out; `apt-get install chromium` to run them');
}
// Without DATABASE_URL the suite runs on the embedded PostGIS: one backend session shared by every
// connection. Files that talk to the database over several connections at once while the app works
// in the background (a direct SQL client next to a running app, API processes with pools) can see
// each other's statements there; they need a server and are left out with a notice.
const NEEDS_SERVER = [
  '/apps/api/src/modules/demo/demo.int-spec.ts',
  '/test/wallmap.e2e-spec.ts',
  '/test/live-multiprocess.e2e-spec.ts',
  '/test/wallmap-studio.e2e-spec.ts',
  '/test/wallmap-supervision.e2e-spec.ts',
  '/test/wallmap-console.e2e-spec.ts',
  '/test/wallmap-field.e2e-spec.ts',
];
if (!process.env.DATABASE_URL) {
  console.warn(`jest: no DATABASE_URL: running on the embedded PostGIS, one file at a time; left out (they need a PostgreSQL server): ${NEEDS_SERVER.join(', ')}`);
}
const serverOnly = process.env.DATABASE_URL ? [] : NEEDS_SERVER;
const common = {
  rootDir: __dirname,
  transform,
  moduleNameMapper,
  testEnvironment: 'node',
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|@faker-js/faker)/)'],
};
module.exports = {
  maxWorkers: process.env.DATABASE_URL ? 2 : 1,
  testTimeout: 180000,
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.{ts,tsx}'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/apps/**/*.int-spec.ts'], testPathIgnorePatterns: ['/node_modules/', ...serverOnly] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], testPathIgnorePatterns: ['/node_modules/', ...serverOnly, ...(browserTests ? [] : ['/test/wallmap'])] },
  ],
};

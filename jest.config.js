// Tests in tiers (STYLE.md §15):
//   unit         *.spec.ts next to pure code
//   integration  *.int-spec.ts against real PostGIS with the real migrations
//   e2e          test/**/*.e2e-spec.ts against the built app over HTTP, socket.io and Chromium
// With DATABASE_URL set, each test file gets its own database cloned from a migrated
// template. Without it, an embedded PostGIS is started and the files run one at a time.
const { readFileSync } = require('node:fs');
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
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/apps/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};

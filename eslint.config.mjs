// One lint config for the whole workspace.
// - typescript-eslint with type information, so `no-floating-promises` catches
//   an un-awaited assertion or query (STYLE.md §15).
// - Nx module boundaries: the wall map (scope:web) may import only shared libs,
//   never API code (scope:api).
// - React hooks rules on the wall (rules-of-hooks, exhaustive-deps).
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.data/**', 'apps/wallmap/public/**', 'test-artifacts/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:shared', 'scope:web'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:shared', 'scope:api'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    // React: hooks called unconditionally, effects and memos list what they read.
    files: ['apps/wallmap/**/*.ts', 'apps/wallmap/**/*.tsx', 'bench/wallmap-render/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'apps/api/src/main.ts', 'apps/api/src/core/boot/**/*.ts', 'apps/api/src/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests reach into the app and the shared test support on purpose; the boundary that
    // matters (the wall map never imports API code) is checked on production sources.
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts', '**/*.int-spec.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
);

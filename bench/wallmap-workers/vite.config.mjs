// Builds the workers bench page from the wall's own worker-layer code (bench/wallmap-workers.bench.ts).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, '../..');
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  publicDir: false,
  resolve: {
    alias: {
      '@gc/contracts': resolve(root, 'libs/contracts/src/index.ts'),
      '@gc/geo': resolve(root, 'libs/geo/src/index.ts'),
    },
  },
  build: { outDir: resolve(root, 'dist/bench/wallmap-workers'), emptyOutDir: true, chunkSizeWarningLimit: 5000 },
  logLevel: 'warn',
});

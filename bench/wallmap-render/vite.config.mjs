// Builds the render bench page from the wall map's own map code (bench/wallmap-render.bench.ts).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, '../..');
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  // the wall's glyphs (cluster counts are text)
  publicDir: resolve(root, 'apps/wallmap/public'),
  resolve: {
    alias: {
      '@gc/contracts': resolve(root, 'libs/contracts/src/index.ts'),
      '@gc/geo': resolve(root, 'libs/geo/src/index.ts'),
    },
  },
  // BENCH_MINIFY=0 keeps function names readable in a BENCH_TRACE profile
  build: { minify: process.env.BENCH_MINIFY !== '0', outDir: resolve(root, 'dist/bench/wallmap-render'), emptyOutDir: true, chunkSizeWarningLimit: 5000 },
  logLevel: 'warn',
});

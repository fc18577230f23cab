import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const __dirname = dirname(fileURLToPath(import.meta.url));

// Root is apps/wallmap; the API serves the build from dist/wallmap on its own port.
// Everything is bundled or in public/: the CSP allows no CDN and the wall has no internet.
export default defineConfig({
  root: __dirname,
  base: '/',
  plugins: [react()],
  resolve: {
    alias: {
      '@gc/contracts': resolve(__dirname, '../../libs/contracts/src/index.ts'),
      '@gc/geo': resolve(__dirname, '../../libs/geo/src/index.ts'),
    },
  },
  build: {
    outDir: resolve(__dirname, '../../dist/wallmap'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});

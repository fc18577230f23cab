import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

const __dirname = dirname(fileURLToPath(import.meta.url));

// Root is apps/wallmap; the API serves the build from dist/wallmap on its own port.
// Everything is bundled or in public/: the CSP allows no CDN and the wall has no internet.
export default defineConfig({
  root: __dirname,
  base: '/',
  plugins: [
    react(),
    // The field app installs on a phone (issue 20): a web manifest and a service worker that keeps the
    // app shell (HTML, JS, CSS, the two woff2 fonts, icons) so /field opens and reloads offline. It
    // never answers /api or /socket.io (no runtime caching of them, no navigation fallback there):
    // the app's own outbox (IndexedDB) is what works offline; data always comes from the API.
    VitePWA({
      // registered by the field app itself (field/state/service-worker.ts): the wall and the other
      // desk screens are not installed apps and keep no shell cache
      injectRegister: null,
      registerType: 'autoUpdate',
      manifest: {
        name: '网格化社会治理 · 网格员',
        short_name: '网格员',
        description: '网格员移动端：我的任务、巡查、上报、走访（离线可用）',
        lang: 'zh-CN',
        start_url: '/field',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#06101c',
        theme_color: '#06101c',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,woff2}'],
        // the basemap and map glyphs are large and only for the wall
        globIgnores: ['basemap/**', 'glyphs/**'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/socket\.io/],
        runtimeCaching: [],
        // a new version takes over at once (the outbox is in IndexedDB, not in the page)
        skipWaiting: true,
        clientsClaim: true,
        cleanupOutdatedCaches: true,
      },
    }),
  ],
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

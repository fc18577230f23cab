/**
 * The field app's service worker (built by vite-plugin-pwa as /sw.js): registered when a grid worker
 * opens /field, so the installed app (and a reload without network) gets its shell from the phone.
 * It never answers /api or /socket.io (vite.config.mts). Not registered on the desk screens.
 */
export function registerFieldWorker(): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return; // HTTPS or localhost only
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((e: unknown) => console.warn(`field: service worker not registered: ${(e as Error).message}`));
}

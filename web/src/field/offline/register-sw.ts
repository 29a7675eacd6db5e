/**
 * Registers the field app's service worker (/m-sw.js, scope /m): the shell opens offline and
 * today's data comes from the cache when there is no network. Browsers without service workers
 * (some WebViews) simply run online; the outbox (IndexedDB) works either way.
 */
export function registerFieldServiceWorker() {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  if (!window.isSecureContext) return;
  const go = () => navigator.serviceWorker.register('/m-sw.js', { scope: '/m' }).catch(() => undefined);
  if (document.readyState === 'complete') void go();
  else window.addEventListener('load', () => void go(), { once: true });
}

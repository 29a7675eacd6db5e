/**
 * Phones and office PCs render Chinese with their own system font. A machine without one (kiosk
 * screens, CI's Chromium) falls back to Noto Sans SC shipped in the build, split by unicode-range so
 * a browser fetches only the pieces it needs — and never from the internet. The @font-face sheet is
 * ~100 KB, so it is loaded after the page is up, never in the way of the first screen on a slow link.
 */

let fallbackLoaded: () => void = () => {};
/** Resolves once the fallback's @font-face rules are in the document. */
export const cjkFallbackReady = new Promise<void>((resolve) => {
  fallbackLoaded = resolve;
});

export function loadCjkFallbackFont(): void {
  const load = () => {
    void Promise.all([import('@fontsource/noto-sans-sc/400.css'), import('@fontsource/noto-sans-sc/700.css')]).then(() => fallbackLoaded());
  };
  if (document.readyState === 'complete') setTimeout(load, 0);
  else window.addEventListener('load', () => setTimeout(load, 0), { once: true });
}

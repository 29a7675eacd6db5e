/**
 * Phones and office PCs render Chinese with their own system font. A machine without one (kiosk
 * screens, CI's Chromium) falls back to Noto Sans SC shipped in the build, split by unicode-range so
 * a browser fetches only the pieces it needs — and never from the internet. The @font-face sheet is
 * ~100 KB, so it is loaded after the page is up, never in the way of the first screen on a slow link.
 */
export function loadCjkFallbackFont(): void {
  const load = () => {
    void import('@fontsource/noto-sans-sc/400.css');
    void import('@fontsource/noto-sans-sc/700.css');
  };
  if (document.readyState === 'complete') setTimeout(load, 0);
  else window.addEventListener('load', () => setTimeout(load, 0), { once: true });
}

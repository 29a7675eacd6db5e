import { cjkFallbackReady } from '../../shared/cjk-font';

/** The font stack of base.css, for text drawn on a canvas (charts), which CSS does not reach. */
export const CJK_FONT_STACK = "-apple-system, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Noto Sans SC', system-ui, sans-serif";

/**
 * A canvas draws with the fonts already loaded and never asks for more: fetches the fallback's
 * pieces holding these characters (a no-op when they are there), so the chart can be redrawn.
 */
export async function loadGlyphsFor(text: string): Promise<void> {
  await cjkFallbackReady;
  if (typeof document === 'undefined' || !document.fonts) return;
  await document.fonts.load("12px 'Noto Sans SC'", text).catch(() => undefined);
}

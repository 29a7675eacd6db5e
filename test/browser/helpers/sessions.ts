import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { settle } from './axe.js';
import { eventually, isMissingTranslation, newContext, signInThroughForm } from './browser.js';
import type { BrowserSuite } from './suite.js';

export type Lang = 'zh' | 'en';
export const LANGS: Lang[] = ['zh', 'en'];

/**
 * One signed-in browser context per demo user, reused by every page that user visits (signing in
 * is the slow part). The UI language is the app's own saved choice, set before each visit.
 */
export function roleSessions(suite: BrowserSuite, opts: { signInPath: string; context: BrowserContextOptions | ((username: string) => BrowserContextOptions | Promise<BrowserContextOptions>) }) {
  const contexts = new Map<string, BrowserContext>();
  // Translation keys the page reported missing (src: web/src/shared/i18n/index.ts), per page.
  const missingKeys = new WeakMap<Page, string[]>();

  async function pageAs(username: string, lang: Lang): Promise<Page> {
    let ctx = contexts.get(username);
    if (!ctx) {
      ctx = await newContext(suite.browser, suite.server.url, typeof opts.context === 'function' ? await opts.context(username) : opts.context);
      const page = await ctx.newPage();
      const missing: string[] = [];
      missingKeys.set(page, missing);
      page.on('console', (m) => {
        if (isMissingTranslation(m)) missing.push(m.text());
      });
      await signInThroughForm(page, username, opts.signInPath);
      await eventually(() => new URL(page.url()).pathname).not.toBe(opts.signInPath);
      contexts.set(username, ctx);
    }
    const page = ctx.pages()[0]!;
    await page.evaluate((l) => localStorage.setItem('closeloop.lang', l), lang);
    return page;
  }

  return {
    pageAs,
    /** Opens `path` as the user in the language and waits for it to settle, <html lang> following the UI. */
    async visit(username: string, lang: Lang, path: string): Promise<Page> {
      const page = await pageAs(username, lang);
      const missing = missingKeys.get(page) ?? [];
      missing.length = 0;
      await page.goto(path);
      await settle(page);
      await eventually(() => page.evaluate(() => document.documentElement.lang)).toBe(lang === 'zh' ? 'zh-CN' : 'en');
      // A key missing in every language shows on screen as itself.
      if (missing.length) throw new Error(`${path} as ${username} (${lang}): ${[...new Set(missing)].join('; ')}`);
      return page;
    },
    async close() {
      for (const c of contexts.values()) await c.close();
      contexts.clear();
    },
  };
}

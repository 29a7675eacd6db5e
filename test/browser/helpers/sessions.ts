import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { DEMO_PASSWORD, eventually, isMissingTranslation, newContext } from './browser.js';
import { openInApp } from './in-app.js';
import { settle, trackRequests } from './requests.js';
import type { BrowserSuite } from './suite.js';

export type Lang = 'zh' | 'en';
export const LANGS: Lang[] = ['zh', 'en'];
/** The web apps' own saved choice of UI language (web/src/shared/i18n). */
const LANG_KEY = 'closeloop.lang';
/** The web app a path belongs to: the field app under /m, the console elsewhere. */
const appOf = (path: string) => (path === '/m' || path.startsWith('/m/') ? 'field' : 'console');

/**
 * One signed-in browser context per demo user, reused by every page that user visits. The session
 * comes from the sign-in API: the forms are tested on their own (role-homes.test.ts, the a11y
 * sign-in cases), and on a loaded machine a form sign-in here once timed out and failed the check
 * of an unrelated page. The UI language is the app's own saved choice, set before each visit.
 * A visit to a page of the app the user's page already shows, in the language it was started in,
 * goes there inside the app (as its back and forward buttons do) instead of starting the app again.
 */
export function roleSessions(suite: BrowserSuite, opts: { context: BrowserContextOptions | ((username: string) => BrowserContextOptions | Promise<BrowserContextOptions>) }) {
  const contexts = new Map<string, BrowserContext>();
  // Translation keys the page reported missing (src: web/src/shared/i18n/index.ts), per page.
  const missingKeys = new WeakMap<Page, string[]>();
  // The language each page's app was started in: the apps read the saved choice when they start.
  const startedIn = new WeakMap<Page, Lang>();

  async function pageAs(username: string, lang: Lang): Promise<Page> {
    let ctx = contexts.get(username);
    if (!ctx) {
      const options = typeof opts.context === 'function' ? await opts.context(username) : opts.context;
      // The language is in the local storage the first page opens with.
      const storageState = { cookies: [], origins: [{ origin: new URL(suite.server.url).origin, localStorage: [{ name: LANG_KEY, value: lang }] }] };
      ctx = await newContext(suite.browser, suite.server.url, { ...options, storageState });
      const signedIn = await ctx.request.post('/api/auth/sign-in', { data: { username, password: DEMO_PASSWORD } });
      if (signedIn.status() !== 200) throw new Error(`sign-in ${username}: ${signedIn.status()} ${await signedIn.text()}`);
      const page = await ctx.newPage();
      trackRequests(page);
      const missing: string[] = [];
      missingKeys.set(page, missing);
      page.on('console', (m) => {
        if (isMissingTranslation(m)) missing.push(m.text());
      });
      contexts.set(username, ctx);
    }
    const page = ctx.pages()[0]!;
    if (page.url().startsWith('http')) await page.evaluate(([key, l]) => localStorage.setItem(key, l), [LANG_KEY, lang] as const);
    return page;
  }

  return {
    pageAs,
    /** Opens `path` as the user in the language and waits for it to settle, <html lang> following the UI. */
    async visit(username: string, lang: Lang, path: string): Promise<Page> {
      const page = await pageAs(username, lang);
      const missing = missingKeys.get(page) ?? [];
      missing.length = 0;
      if (page.url().startsWith('http') && startedIn.get(page) === lang && appOf(new URL(page.url()).pathname) === appOf(path)) {
        await openInApp(page, path);
      } else {
        await page.goto(path);
        startedIn.set(page, lang);
      }
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

import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { clickNav } from './helpers/nav.js';
import { saveShot } from './helpers/shots.js';
import { ensureServicesDemo } from './helpers/services.js';
import { browserSuite } from './helpers/suite.js';

const WIDTHS = [1366, 1920];

/**
 * Resolves once the page has drawn two more frames. A page is laid out at a new width without a
 * reload; what follows the width in script (the dashboard's charts, through a ResizeObserver) has
 * run by then, as it would have on a load at that width.
 */
const nextFrames = (page: Page) => page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));

describeBrowser('console menu: grouped, one line at 1366 and 1920 px in both languages', () => {
  const suite = browserSuite();

  for (const username of ['admin', 'operator']) {
    it(`${username}: the top bar holds one line, every entry opens from its group`, async () => {
      const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1366, height: 800 } });
      const page = await ctx.newPage();
      await signInThroughForm(page, username);
      await page.getByTestId('who').waitFor();
      for (const lang of ['zh', 'en']) {
        await page.evaluate((l) => localStorage.setItem('closeloop.lang', l), lang);
        // One load per language, then laid out at each width.
        await page.reload();
        await page.getByTestId('who').waitFor();
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 800 });
          await nextFrames(page);
          // Every item of the top bar sits on one line: the same top, the bar one line high.
          const layout = await page.evaluate(() => {
            const bar = document.querySelector('.topbar')!.getBoundingClientRect();
            const tops = [...document.querySelectorAll('.topbar .menu-top, .topbar .who > *')].map((e) => Math.round(e.getBoundingClientRect().top));
            const nav = document.querySelector('.mainnav')!;
            return { barHeight: bar.height, spread: Math.max(...tops) - Math.min(...tops), overflow: nav.scrollWidth - nav.clientWidth, bodyOverflow: document.documentElement.scrollWidth - window.innerWidth };
          });
          expect(layout.barHeight, `${lang} ${width}px`).toBeLessThan(64);
          expect(layout.spread, `${lang} ${width}px`).toBeLessThanOrEqual(8);
          expect(layout.overflow, `${lang} ${width}px`).toBeLessThanOrEqual(0);
          expect(layout.bodyOverflow, `${lang} ${width}px`).toBeLessThanOrEqual(0);
        }
        if (username === 'admin') await saveShot(page, `menu-${lang}-1920`);
      }
      // Each entry is reached through its group and lands on its page.
      const entries = await page.locator('.mainnav [data-testid^="nav-"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-testid')!, e.getAttribute('href')!]));
      expect(entries.length).toBeGreaterThan(3);
      for (const [id, href] of entries) {
        await clickNav(page, id!);
        await eventually(() => new URL(page.url()).pathname).toBe(href);
        // The drop-down closes after navigating.
        expect(await page.locator('.menu-list:visible').count()).toBe(0);
      }
      await ctx.close();
    });
  }

  it('keyboard: a group opens with Enter, Escape closes it, the page is reached by Tab + Enter', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1366, height: 800 } });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'admin');
    await page.getByTestId('who').waitFor();
    const group = page.getByTestId('navgroup-registry');
    await group.focus();
    await page.keyboard.press('Enter');
    expect(await group.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Escape');
    expect(await group.getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await eventually(() => new URL(page.url()).pathname).toBe('/staff');
    await ctx.close();
  });

  const NARROW: [string, string[]][] = [
    ['window1', ['/services/window', '/services/records', '/cases']],
    ['admin', ['/dashboard', '/staff', '/services/terminals', '/services/ratings']],
    ['cadre01', ['/cases', '/today']],
    // The new-case form: its category select lists long category paths.
    ['operator', ['/cases/new']],
  ];
  for (const [username, paths] of NARROW) {
    it(`${username} on a tablet (768 px) and a phone (390 px): nothing in the top bar overlaps, no page scrolls sideways, the menu still opens`, async () => {
      await ensureServicesDemo(suite.server);
      const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 768, height: 1024 } });
      const page = await ctx.newPage();
      await signInThroughForm(page, username);
      await page.getByTestId('who').waitFor();
      for (const lang of ['zh', 'en']) {
        await page.evaluate((l) => localStorage.setItem('closeloop.lang', l), lang);
        for (const path of paths) {
          // Loaded once, then laid out at each width.
          await page.setViewportSize({ width: 768, height: 900 });
          await page.goto(path);
          await page.getByTestId('who').waitFor();
          await page.locator('main.content > *').first().waitFor();
          // The window screen as it is used: its point's services loaded (their English names are long).
          if (path === '/services/window') await page.locator('[data-testid=walk-in-item] option').nth(1).waitFor({ state: 'attached' });
          if (path === '/cases/new') await page.locator('[data-testid=new-category] option').nth(1).waitFor({ state: 'attached' });
          for (const width of [768, 390]) {
            await page.setViewportSize({ width, height: 900 });
            await nextFrames(page);
            const layout = await page.evaluate(() => {
              const boxes = [...document.querySelectorAll('.topbar .brand, .topbar .menu-top, .topbar .who > *')]
                .map((e) => e.getBoundingClientRect())
                .filter((r) => r.width > 0 && r.height > 0);
              let overlaps = 0;
              for (let i = 0; i < boxes.length; i++) {
                for (let j = i + 1; j < boxes.length; j++) {
                  const a = boxes[i]!;
                  const b = boxes[j]!;
                  const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
                  const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                  if (w > 1 && h > 1) overlaps++;
                }
              }
              const outside = boxes.filter((r) => r.right > window.innerWidth + 1).length;
              return { overlaps, outside, sideways: document.documentElement.scrollWidth - window.innerWidth };
            });
            expect(layout, `${lang} ${width}px ${path}`).toEqual({ overlaps: 0, outside: 0, sideways: 0 });
          }
        }
      }
      // The grouped menu still works at phone width: an entry opens from its group and lands on its page.
      const [id, href] = (await page.locator('.mainnav [data-testid^="nav-"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-testid')!, e.getAttribute('href')!])))[0]!;
      await clickNav(page, id!);
      await eventually(() => new URL(page.url()).pathname).toBe(href);
      await ctx.close();
    });
  }
});

/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { describeBrowser, eventually, newContext, pageProblems, PHONE } from './helpers/browser.js';
import { ensureServicesDemo, recordAtWindow } from './helpers/services.js';
import { browserSuite } from './helpers/suite.js';

/** A small phone (iPhone SE 1st gen, many older Android phones): 320 CSS pixels wide. */
const NARROW = { ...PHONE, viewport: { width: 320, height: 640 } };

/** On a point's page: 预约办理, the first item, a session days ahead (today's may start while the test runs), a name. */
async function startBooking(page: Page) {
  await page.goto('/point/YW008-CW01');
  await page.getByTestId('book').tap();
  const item = (await page.locator('[data-testid=booking-item] option').nth(1).getAttribute('value'))!;
  await page.getByTestId('booking-item').selectOption(item);
  const slot = page.locator('[data-testid=slot]:not([disabled])').last();
  await slot.tap();
  await page.getByTestId('booking-name').fill('王小明');
  return { item, day: (await slot.getAttribute('data-day'))!, starts: (await slot.getAttribute('data-starts'))! };
}

/** A resident on a phone at a point's public page: small screens, lost signal, the booking form, tap targets. One server for all. */
describeBrowser("a point's public page on a phone", () => {
  const suite = browserSuite();
  beforeAll(async () => {
    await ensureServicesDemo(suite.server);
  });

  describe('the 好差评 page on a 320-pixel phone', () => {
    it('the sub-score choices stay inside the page, in Chinese and in English: no sideways scrolling, no word cut at the edge', async () => {
      const { ratingToken } = await recordAtWindow(suite.server, suite.browser, 'cadre01', { name: '陈静', idNumber: withCheckDigit('31010519880808007'), phone: null });
      const ctx = await newContext(suite.browser, suite.server.url, NARROW);
      const page = await ctx.newPage();
      const problems = pageProblems(page);
      await page.goto(`/rate/${ratingToken}`);
      await page.getByTestId('levels-efficiency').waitFor();
      /** How far the page and each sub-score choice reach past the page's own right margin, in pixels. */
      const overrun = () => page.evaluate((width) => {
        const main = document.querySelector('main')!.getBoundingClientRect();
        const tiles = [...document.querySelectorAll('.pp-levels-compact .pp-level')].map((t) => t.getBoundingClientRect());
        // Every word of a tile inside its tile (a word wider than its tile is cut or spills over the next one).
        const spilled = [...document.querySelectorAll('.pp-levels-compact .pp-level')].filter((t) => t.scrollWidth > t.clientWidth + 1).length;
        return {
          // (a mobile browser widens its layout viewport to the overflowing content: measure against the screen's width)
          page: Math.max(0, document.documentElement.scrollWidth - width),
          tiles: Math.max(0, Math.round(Math.max(...tiles.map((r) => r.right)) - main.right)),
          spilled,
        };
      }, NARROW.viewport.width);
      await page.evaluate(() => document.fonts.ready);
      expect(await overrun()).toEqual({ page: 0, tiles: 0, spilled: 0 });
      await page.getByTestId('lang-switch').tap();
      await eventually(() => page.getByTestId('levels-efficiency').textContent()).toContain('Very dissatisfied');
      expect(await overrun()).toEqual({ page: 0, tiles: 0, spilled: 0 });
      // Still one tap a choice, each tile a thumb's size.
      await page.getByTestId('efficiency-1').tap();
      expect(await page.locator('[data-testid=efficiency-1] input').isChecked()).toBe(true);
      const smallest = await page.locator('.pp-levels-compact .pp-level').evaluateAll((ts) => Math.min(...ts.map((t) => Math.min(t.getBoundingClientRect().width, t.getBoundingClientRect().height))));
      expect(smallest).toBeGreaterThanOrEqual(40);
      expect(problems, problems.join('\n')).toEqual([]);
      await ctx.close();
    });
  });

  describe('when a request fails (the phone lost its signal)', () => {
    it("an item's guide says so with a way to try again; once the guide loads, the failure is no longer shown above it", async () => {
      const ctx = await newContext(suite.browser, suite.server.url, PHONE);
      const page = await ctx.newPage();
      const problems = pageProblems(page);
      await page.goto('/point/YW008-CW01');
      const category = page.getByTestId('point-category').first();
      await category.locator('summary').tap();
      const [first, second] = [category.getByTestId('point-item').nth(0), category.getByTestId('point-item').nth(1)];

      // Offline: the guide says it failed, in words, with a button to try again.
      await ctx.setOffline(true);
      await first.getByTestId('item-toggle').tap();
      await first.getByTestId('item-guide-error').waitFor();
      expect(await first.getByTestId('item-guide-error').textContent()).toContain('网络');
      await second.getByTestId('item-toggle').tap();
      await second.getByTestId('item-guide-error').waitFor();

      // Back online. Closing and opening the item again loads its guide, and only the guide shows.
      await ctx.setOffline(false);
      await first.getByTestId('item-toggle').tap();
      await first.getByTestId('item-toggle').tap();
      await first.locator('.pp-materials, .p-facts').first().waitFor();
      expect(await first.getByTestId('item-guide-error').count()).toBe(0);
      // 重试 does the same without closing the item.
      await second.getByTestId('item-guide-retry').tap();
      await second.locator('.pp-materials, .p-facts').first().waitFor();
      expect(await second.getByTestId('item-guide-error').count()).toBe(0);
      expect(await second.getByTestId('item-guide-retry').count()).toBe(0);
      expect(problems, problems.join('\n')).toEqual([]);
      await ctx.close();
    });

    it('booking: the free sessions that failed to load say so with a way to try again, and the item chosen stays chosen', async () => {
      const ctx = await newContext(suite.browser, suite.server.url, PHONE);
      const page = await ctx.newPage();
      const problems = pageProblems(page);
      await page.goto('/point/YW008-CW01');
      await page.getByTestId('book').tap();
      await page.getByTestId('booking-form').waitFor();
      await ctx.setOffline(true);
      const item = await page.locator('[data-testid=booking-item] option').nth(1).getAttribute('value');
      await page.getByTestId('booking-item').selectOption(item!);
      await page.getByTestId('slots-error').waitFor();
      expect(await page.getByTestId('slots-error').textContent()).toContain('网络');
      await ctx.setOffline(false);
      await page.getByTestId('slots-retry').tap();
      await page.getByTestId('slot').first().waitFor();
      expect(await page.getByTestId('booking-item').inputValue()).toBe(item);
      expect(await page.getByTestId('slots-error').count()).toBe(0);
      expect(problems, problems.join('\n')).toEqual([]);
      await ctx.close();
    });
  });

  describe('the booking form', () => {
    it('a mistyped mobile number is told the number expected (11 digits) and keeps what was typed; once right, it books', async () => {
      const ctx = await newContext(suite.browser, suite.server.url, PHONE);
      const page = await ctx.newPage();
      await startBooking(page);
      await page.getByTestId('booking-phone').fill('12345');
      await page.getByTestId('booking-submit').tap();
      const error = page.getByTestId('booking-error');
      await error.waitFor();
      expect(await error.textContent()).toContain('11 位手机号码');
      expect(await page.getByTestId('booking-phone').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByTestId('booking-name').inputValue()).toBe('王小明');
      expect(await page.getByTestId('booking-phone').inputValue()).toBe('12345');
      await page.getByTestId('booking-phone').fill('138 0013 8000');
      await page.getByTestId('booking-submit').tap();
      await page.getByTestId('booked').waitFor();
      await ctx.close();
    });

    it('switching to English half-way keeps the item, the session, the name and the number; the error reads in English', async () => {
      const ctx = await newContext(suite.browser, suite.server.url, PHONE);
      const page = await ctx.newPage();
      const chosen = await startBooking(page);
      await page.getByTestId('booking-phone').fill('12345');
      await page.getByTestId('booking-submit').tap();
      await page.getByTestId('booking-error').waitFor();
      await page.getByTestId('lang-switch').tap();
      await eventually(() => page.getByTestId('booking-title').textContent()).toBe('Book an appointment');
      expect(await page.getByTestId('booking-item').inputValue()).toBe(chosen.item);
      const pressed = page.locator('[data-testid=slot][aria-pressed=true]');
      expect(await pressed.count()).toBe(1);
      expect([await pressed.getAttribute('data-day'), await pressed.getAttribute('data-starts')]).toEqual([chosen.day, chosen.starts]);
      expect(await page.getByTestId('booking-name').inputValue()).toBe('王小明');
      expect(await page.getByTestId('booking-phone').inputValue()).toBe('12345');
      await page.getByTestId('booking-submit').tap();
      await eventually(() => page.getByTestId('booking-error').textContent()).toContain('11-digit');
      await ctx.close();
    });
  });

  describe('the phone numbers', () => {
    it("an item guide's enquiry and complaint numbers are call links a thumb can hit (at least 40 pixels tall)", async () => {
      const ctx = await newContext(suite.browser, suite.server.url, PHONE);
      const page = await ctx.newPage();
      await page.goto('/point/YW008-CW01');
      const category = page.getByTestId('point-category').first();
      await category.locator('summary').tap();
      const item = category.getByTestId('point-item').first();
      await item.getByTestId('item-toggle').tap();
      const calls = item.locator('a[href^="tel:"]');
      await calls.first().waitFor();
      const heights = await calls.evaluateAll((as) => as.map((a) => a.getBoundingClientRect().height));
      expect(heights.length).toBeGreaterThan(0);
      for (const h of heights) expect(h).toBeGreaterThanOrEqual(40);
      await ctx.close();
    });
  });
});

import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, newContext, PHONE, signInThroughForm } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';

/**
 * On a machine without a CJK system font, a missing glyph is drawn as the same empty box ("tofu")
 * whatever the character. So two different Chinese texts render identically as tofu and
 * differently when real glyphs are drawn: each element is shown with "闭环" and then "核查", and
 * the two pictures must differ. A control element forced onto a font that does not exist proves
 * the machine really has no CJK font (its two pictures are equal); elsewhere the check is void.
 */
async function pictureOf(page: Page, el: Locator, text: string): Promise<Buffer> {
  await el.evaluate((node, t) => {
    if (node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement) node.value = t;
    else if (node instanceof HTMLSelectElement) {
      node.innerHTML = '';
      node.add(new Option(t, 'x'));
    } else node.textContent = t;
  }, text);
  await page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    await document.fonts.ready;
  });
  return el.screenshot();
}

async function drawsGlyphs(page: Page, el: Locator): Promise<boolean> {
  await el.scrollIntoViewIfNeeded();
  // Give the element a fixed box so both texts are photographed at the same size.
  await el.evaluate((n) => {
    const r = (n as HTMLElement).getBoundingClientRect();
    Object.assign((n as HTMLElement).style, { width: `${Math.max(r.width, 80)}px`, height: `${Math.max(r.height, 24)}px`, color: '#000' });
  });
  const a = await pictureOf(page, el, '闭环闭环');
  const b = await pictureOf(page, el, '核查核查');
  return !a.equals(b);
}

/** True when this machine draws tofu for Chinese in a font it does not have. */
async function machineHasNoCjkFont(page: Page): Promise<boolean> {
  await page.evaluate(() => {
    const d = document.createElement('div');
    d.id = 'tofu-control';
    d.style.cssText = 'font-family: "No Such Font 42"; font-size: 20px; position: fixed; top: 0; left: 0; background: #fff; padding: 4px; width: 120px; height: 36px; z-index: 99999';
    document.body.append(d);
  });
  const el = page.locator('#tofu-control');
  const same = !(await drawsGlyphs(page, el));
  await el.evaluate((n) => n.remove());
  return same;
}

describeBrowser('one font everywhere: Chinese is drawn, not tofu, on a machine without a CJK system font', () => {
  const suite = browserSuite();

  it('console: input, button, select, textarea and the map\'s labels draw CJK glyphs', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await page.getByTestId('who').waitFor();
    if (!(await machineHasNoCjkFont(page))) {
      console.warn('This machine has a CJK system font: the tofu check proves nothing here.');
      await ctx.close();
      return;
    }
    await page.goto('/sites');
    await page.locator('.leaflet-container').first().waitFor();
    const samples: [string, Locator][] = [
      ['input', page.locator('input[type=search], .filters input').first()],
      ['button', page.locator('.filters button').first()],
      ['select', page.locator('.filters select').first()],
      ['map label', page.locator('.leaflet-container .leaflet-tooltip, .leaflet-container .leaflet-control-attribution').first()],
    ];
    for (const [name, el] of samples) expect(await drawsGlyphs(page, el), name).toBe(true);
    await page.goto('/cases/new');
    const ta = page.locator('textarea').first();
    await ta.waitFor();
    expect(await drawsGlyphs(page, ta), 'textarea').toBe(true);
    await ctx.close();
  });

  it('phone: text input, textarea, select and buttons draw CJK glyphs', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'patrol1', '/m/sign-in');
    await page.waitForURL(/\/m\/?$/);
    await page.goto('/m/report');
    await page.getByTestId('report-note').waitFor();
    const samples: [string, Locator][] = [
      ['textarea', page.getByTestId('report-note')],
      ['select', page.getByTestId('report-category')],
      ['button', page.getByTestId('report-submit')],
      ['text input', page.locator('[data-testid=site-qr], input[type=text]').first()],
    ];
    for (const [name, el] of samples) expect(await drawsGlyphs(page, el), name).toBe(true);
    await ctx.close();
  });
});

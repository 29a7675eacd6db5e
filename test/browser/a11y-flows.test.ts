/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { describeBrowser, eventually, fieldHome, newContext, PHONE, signInThroughForm, solidJpeg } from './helpers/browser.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { ensureServicesDemo, recordAtWindow } from './helpers/services.js';
import { scopeOf } from './helpers/scope.js';
import { browserSuite } from './helpers/suite.js';

/** The focused element: its test id, else its tag and role. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el?.getAttribute('data-testid') ?? `${el?.tagName.toLowerCase()}${el?.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : ''}`;
  });

/** Presses Tab until `match` holds for the focused element (at most `limit` times). */
async function tabTo(page: Page, match: (el: Element) => boolean, limit = 30) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((src) => !!document.activeElement && (0, eval)(src)(document.activeElement), `(${match.toString()})`)) return;
  }
  throw new Error(`not reached by Tab: ${match.toString()}`);
}

describeBrowser('the main flows work from the keyboard and tell a screen reader what happened: outcomes announced, the field named, the focus kept', () => {
  const suite = browserSuite();

  it('a resident without GPS and without a pointer files a public report: the map takes the focus, Enter picks its centre, the report is filed and the result heading has the focus', async () => {
    // No geolocation permission: "use my location" fails, as on a phone that refuses it.
    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 390, height: 844 } });
    await ctx.addInitScript(() => localStorage.setItem('closeloop.lang', 'zh'));
    const page = await ctx.newPage();
    await page.goto('/report');
    await eventually(() => page.locator('[data-testid=site-map]').getAttribute('data-state')).toBe('ready');
    await tabTo(page, (el) => el.classList.contains('leaflet-container'));
    const map = page.locator('.leaflet-container');
    expect(await map.getAttribute('role')).toBe('application');
    expect(await map.getAttribute('aria-label')).toBe('地图：方向键移动，回车选定位置');
    expect(await page.locator('.map-crosshair').isVisible()).toBe(true);
    expect(await page.getByTestId('category').isDisabled()).toBe(true);
    // The arrow keys move the map; Enter picks what is under the cross.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.getByTestId('near').waitFor();
    await eventually(() => page.getByTestId('category').isDisabled()).toBe(false);
    await tabTo(page, (el) => el.getAttribute('data-testid') === 'category');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByTestId('category').inputValue()).not.toBe('');
    await tabTo(page, (el) => el.getAttribute('data-testid') === 'photo');
    // Space opens the chooser on its key-up; a loaded machine can take longer than the usual 10 s
    // to pass that through the renderer, so this one wait gets 30 s.
    const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 30_000 }), page.keyboard.press('Space')]);
    await chooser.setFiles(await solidJpeg(120, 90, 60, 640, 480));
    await page.getByTestId('photo-ready').waitFor();
    await tabTo(page, (el) => el.getAttribute('data-testid') === 'description');
    await page.keyboard.type('箱房门口垃圾满溢');
    await tabTo(page, (el) => el.getAttribute('data-testid') === 'submit');
    await page.keyboard.press('Enter');
    await page.getByTestId('report-filed').waitFor({ timeout: 60_000 });
    await eventually(() => focused(page)).toBe('report-filed-title');
    await ctx.close();
  });

  it('booking from an item of a point: the form takes the focus; a refused phone number is marked invalid, tied to the alert and focused; the booking result is announced and focused', async () => {
    await ensureServicesDemo(suite.server);
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    await ctx.addInitScript(() => localStorage.setItem('closeloop.lang', 'zh'));
    const page = await ctx.newPage();
    await page.goto('/point/YW008-CTR');
    await page.getByTestId('point-name').waitFor();
    const first = page.getByTestId('point-category').first();
    await first.locator('summary').click();
    await first.getByTestId('item-toggle').first().click();
    await first.getByTestId('book-item').first().focus();
    await page.keyboard.press('Enter');
    // The keyboard is in the form, not left on the item's row.
    await eventually(() => focused(page)).toBe('booking-title');
    await page.locator('[data-testid=slot]:not([disabled])').first().click();
    await page.getByTestId('booking-name').fill('王小明');
    await page.getByTestId('booking-phone').fill('12345');
    await page.getByTestId('booking-submit').focus();
    await page.keyboard.press('Enter');
    const alert = page.getByTestId('booking-error');
    await alert.waitFor();
    expect(await alert.getAttribute('role')).toBe('alert');
    const phone = page.getByTestId('booking-phone');
    expect(await phone.getAttribute('aria-invalid')).toBe('true');
    expect(await phone.getAttribute('aria-describedby')).toBe(await alert.getAttribute('id'));
    expect(await page.getByTestId('booking-name').getAttribute('aria-invalid')).toBeNull();
    await eventually(() => focused(page)).toBe('booking-phone');
    // Corrected: booked, and the result is where the focus is.
    await phone.fill('13800138123');
    await page.getByTestId('booking-submit').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('booked').waitFor();
    expect(await page.getByTestId('booked').getAttribute('role')).toBe('status');
    await eventually(() => focused(page)).toBe('booked-title');
    await ctx.close();
  });

  it('a field report the server refuses names its field: the note is marked invalid and focused, the error is an alert; once sent, the result is announced and focused', async () => {
    const db = suite.server.db;
    const scope = await scopeOf(db, 'patrol1');
    let q = db.selectFrom('sites').select(['id', 'lat', 'lng']).where('subdistrict_id', '=', scope.subdistrict_id!).where('kind', '=', 'bin_room').where('status', '=', 'active');
    if (scope.committee_id) q = q.where('committee_id', '=', scope.committee_id);
    const site = await q.orderBy('id').executeTakeFirstOrThrow();
    const here = offsetMetres({ lat: Number(site.lat), lng: Number(site.lng) }, 3, 45);
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: here.lat, longitude: here.lng, accuracy: 9 }, permissions: ['geolocation'] });
    await ctx.addInitScript(() => localStorage.setItem('closeloop.lang', 'zh'));
    const page = await ctx.newPage();
    await signInThroughForm(page, 'patrol1', '/m/sign-in');
    await fieldHome(page);
    await page.getByTestId('tile-report').click();
    await page.getByTestId('report-photo').setInputFiles(await solidJpeg(180, 60, 40));
    await page.getByTestId('report-photo-done').waitFor();
    await page.locator('[data-testid=report-category] option:not([value=""])').first().waitFor({ state: 'attached' });
    await page.getByTestId('report-category').selectOption({ index: 1 });
    await eventually(() => page.getByTestId('report-gps').textContent()).toContain('±9');
    await page.getByTestId('report-note').fill('箱房外小包垃圾落地');
    // The first answer refuses the note, as the server names a field it refuses.
    let refused = false;
    await page.route('**/api/cases', async (route) => {
      if (route.request().method() !== 'POST' || refused) return route.fallback();
      refused = true;
      await route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'validation_failed', message: 'description: Too small', details: { fields: [{ field: 'description', reason: 'Required', rule: 'required' }] } } }) });
    });
    await page.route('**/api/cases/duplicates**', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ items: [] }) }));
    await page.getByTestId('report-submit').click();
    const error = page.getByTestId('report-error');
    await error.waitFor();
    expect(await error.getAttribute('role')).toBe('alert');
    const note = page.getByTestId('report-note');
    expect(await note.getAttribute('aria-invalid')).toBe('true');
    expect(await note.getAttribute('aria-describedby')).toBe(await error.getAttribute('id'));
    expect(await page.getByTestId('report-category').getAttribute('aria-invalid')).toBeNull();
    await eventually(() => focused(page)).toBe('report-note');
    await page.getByTestId('report-submit').click();
    const done = page.getByTestId('report-done');
    await done.waitFor();
    expect(await done.getAttribute('role')).toBe('status');
    await eventually(() => focused(page)).toBe('report-done');
    await ctx.close();
  });

  it('the keyboard focus shows on the invisible inputs (the photo button, the compact rating tiles); the overall rating is named by its heading; the page shells say 加载中 before the script runs', async () => {
    await ensureServicesDemo(suite.server);
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    await ctx.addInitScript(() => localStorage.setItem('closeloop.lang', 'zh'));
    const page = await ctx.newPage();
    const outline = (selector: string) => page.evaluate((sel) => getComputedStyle(document.querySelector(sel)!).outlineStyle, selector);
    await page.goto('/report');
    await page.getByTestId('photo').waitFor({ state: 'attached' });
    expect(await outline('.p-file')).toBe('none');
    await tabTo(page, (el) => el.getAttribute('data-testid') === 'photo');
    expect(await outline('.p-file')).not.toBe('none');

    const rec = await recordAtWindow(suite.server, suite.browser, 'cadre01', { name: '陈静', idNumber: withCheckDigit('31010519851212003'), phone: null });
    await page.goto(`/rate/${rec.ratingToken}`);
    await page.getByTestId('rate-number').waitFor();
    const groupNames = await page.locator('[role=radiogroup]').evaluateAll((gs) => gs.map((g) => {
      const ids = (g.getAttribute('aria-labelledby') ?? '').split(' ').filter(Boolean);
      return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
    }));
    expect(groupNames.length).toBe(4);
    expect(groupNames.every((n) => n.length > 0), groupNames.join('|')).toBe(true);
    const tile = '[data-testid=efficiency-5]';
    expect(await outline(tile)).toBe('none');
    await tabTo(page, (el) => el.getAttribute('name') === 'efficiency');
    expect(await outline(tile)).not.toBe('none');

    // The HTML as a slow network delivers it, before any script: not a blank page.
    for (const path of ['/report', '/point/YW008-CTR']) {
      const html = await (await ctx.request.get(path)).text();
      expect(html, path).toMatch(/<div id="root">[^]*加载中…[^]*Loading…[^]*<\/div>/);
    }
    // Once the app has mounted it is gone.
    await page.goto('/point/YW008-CTR');
    await page.getByTestId('point-name').waitFor();
    expect(await page.locator('.p-boot').count()).toBe(0);
    await ctx.close();
  });
});

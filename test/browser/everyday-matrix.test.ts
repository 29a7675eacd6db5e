/// <reference lib="dom" />
import type { BrowserContext, Page } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { CASE_STRINGS } from '../../web/src/shared/i18n/cases.js';
import { CONSOLE_STRINGS } from '../../web/src/shared/i18n/console.js';
import { FIELD_MAP_STRINGS } from '../../web/src/shared/i18n/field-map.js';
import { PUBLIC_REPORT_STRINGS } from '../../web/src/shared/i18n/public-report.js';
import { UX_STRINGS } from '../../web/src/shared/i18n/ux.js';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, openPopup, PHONE, solidJpeg, fieldHome } from './helpers/browser.js';
import { openInApp } from './helpers/in-app.js';
import { ensureServicesDemo } from './helpers/services.js';
import { saveShot, SHOTS, SHOTS_DIR } from './helpers/shots.js';
import { browserSuite } from './helpers/suite.js';
import { scopeOf } from './helpers/scope.js';

/**
 * Issue 13's points in every language × viewport where they show: the console at 1366 × 768 and
 * 1920 × 1080, the field app and the public report page on the phone profile, each in Chinese and
 * English. One server, one browser, one signed-in context per person reused across the matrix;
 * within a cell, the console's further pages open inside the app, started once in the cell's language.
 * With SHOTS=1, screenshots of every role home and every map: test-output/screenshots/matrix-<lang>-<viewport>-….
 */

type Lang = 'zh' | 'en';
const LANGS: Lang[] = ['zh', 'en'];
const DESKTOPS = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
];

/** Where each person's console day starts, and what shows once the home has loaded. */
const CONSOLE_HOMES = [
  { username: 'operator', path: '/dashboard', ready: '[data-testid=dash-map] [data-testid=site-map][data-state=ready]' },
  { username: 'leader', path: '/dashboard', ready: '[data-testid=dash-map] [data-testid=site-map][data-state=ready]' },
  { username: 'enforcer1', path: '/enforcement', ready: 'main h1' },
  { username: 'cadre01', path: '/today', ready: '[data-testid=today-coverage-row]' },
  { username: 'handler1', path: '/cases', search: '?queue=mine', ready: '[data-testid=case-table]' },
  { username: 'patrol1', path: '/coverage', ready: 'main h1' },
  { username: 'admin', path: '/setup', ready: '[data-testid=setup-subdistrict]' },
] as const;

const CJK = /[\u4e00-\u9fff]/;
/** Dates in a browser-locale form rather than yyyy-MM-dd: 12/04/2026, 2026/12/4, 2026年12月4日, 4 Dec 2026, Dec 4, 2026. */
const FOREIGN_DATE = [
  /\d{4}年\d{1,2}月\d{1,2}日/,
  /\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/,
  /\b\d{4}\/\d{1,2}\/\d{1,2}\b/,
  /\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}\b/,
  /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}, \d{4}\b/,
];
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;

/** The layout facts every page must keep: no horizontal scrollbar; on the console one line of menu items. */
async function layoutOf(page: Page) {
  return page.evaluate(() => {
    const absTop = (el: HTMLElement) => {
      let top = 0;
      for (let e: HTMLElement | null = el; e; e = e.offsetParent as HTMLElement | null) top += e.offsetTop;
      return top;
    };
    const items = [...document.querySelectorAll<HTMLElement>('.topbar .menu-top')];
    return {
      overflowX: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      menuItems: items.length,
      menuTops: [...new Set(items.map(absTop))],
      menuText: items.map((e) => e.textContent ?? '').join(' '),
      text: document.body.innerText,
    };
  });
}

/** Layout and date checks shared by every page of the matrix. */
async function checkPage(page: Page, where: string, opts: { console: boolean }) {
  const l = await layoutOf(page);
  expect(l.overflowX, `${where}: horizontal scrollbar`).toBeLessThanOrEqual(0);
  if (opts.console) {
    expect(l.menuItems, `${where}: menu`).toBeGreaterThan(0);
    expect(l.menuTops, `${where}: menu items on one line`).toHaveLength(1);
  }
  for (const re of FOREIGN_DATE) expect(l.text, `${where}: a date not in yyyy-MM-dd`).not.toMatch(re);
  return l;
}

/** The computed font-family of each element matched (visible or not): every one ends in the shipped Noto Sans SC. */
async function fontsOf(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((els) => els.map((e) => getComputedStyle(e).fontFamily));
}
async function expectShippedFont(page: Page, where: string, selectors: string[]) {
  for (const s of selectors) {
    const fonts = await fontsOf(page, s);
    expect(fonts.length, `${where}: ${s} present`).toBeGreaterThan(0);
    for (const f of fonts) expect(f, `${where}: ${s}`).toContain('Noto Sans SC');
  }
}

async function setLang(ctx: BrowserContext, page: Page, lang: Lang) {
  await ctx.addInitScript((l) => localStorage.setItem('closeloop.lang', l), lang);
  if (page.url().startsWith('http')) await page.evaluate((l) => localStorage.setItem('closeloop.lang', l), lang);
}

describeBrowser('everyday use in both languages, at 1366 and 1920 px and on the phone (issue 13 matrix)', () => {
  const suite = browserSuite();
  const people = new Map<string, { ctx: BrowserContext; page: Page }>();
  const pageErrors: string[] = [];

  afterAll(async () => {
    for (const { ctx } of people.values()) await ctx.close();
  });
  afterEach(() => {
    expect(pageErrors.splice(0), 'script errors').toEqual([]);
  });

  /** A signed-in page per person and app, created once and reused by every cell of the matrix. */
  async function personOn(app: 'console' | 'phone', username: string, extra: Parameters<typeof newContext>[2] = {}) {
    const key = `${app}:${username}`;
    const known = people.get(key);
    if (known) return known;
    const ctx = await newContext(suite.browser, suite.server.url, app === 'console' ? { viewport: DESKTOPS[0] } : { ...PHONE, ...extra });
    // Record the font of every text a canvas draws (the dashboard's charts).
    await ctx.addInitScript(() => {
      const fonts: string[] = [];
      (window as unknown as { __canvasFonts: string[] }).__canvasFonts = fonts;
      const proto = CanvasRenderingContext2D.prototype;
      const fill = proto.fillText;
      proto.fillText = function (this: CanvasRenderingContext2D, ...args: Parameters<typeof fill>) {
        if (/\S/.test(String(args[0]))) fonts.push(this.font);
        return fill.apply(this, args);
      };
    });
    // Signed in through the API: the form is role-homes.test.ts's subject, and each form sign-in here
    // drew the sign-in page and the role's home before the matrix's own first page.
    const signedIn = await ctx.request.post('/api/auth/sign-in', { data: { username, password: DEMO_PASSWORD } });
    expect(signedIn.status(), `sign-in ${username}`).toBe(200);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${key}: ${e.message}`));
    const p = { ctx, page };
    people.set(key, p);
    return p;
  }

  async function shopOf(username: string) {
    const scope = await scopeOf(suite.server.db, username);
    let q = suite.server.db.selectFrom('sites').select(['id', 'name', 'lat', 'lng', 'subdistrict_id']).where('kind', '=', 'shop').where('status', '=', 'active').where('subdistrict_id', '=', scope.subdistrict_id!);
    if (scope.committee_id) q = q.where('committee_id', '=', scope.committee_id);
    return q.orderBy('id').executeTakeFirstOrThrow();
  }

  /** A filed case the operator may dispatch (created and filed through the API once). */
  let filedCase: string | null = null;
  async function filedCaseId(page: Page): Promise<string> {
    if (filedCase) return filedCase;
    const site = await suite.server.db.selectFrom('sites').innerJoin('subdistricts as s', 's.id', 'sites.subdistrict_id')
      .select(['sites.id', 'sites.lng', 'sites.lat', 'sites.subdistrict_id']).where('s.code', '=', '008').where('sites.kind', '=', 'bin_room').where('sites.responsible_party_id', 'is not', null).orderBy('sites.id').executeTakeFirstOrThrow();
    const cat = await suite.server.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', site.subdistrict_id).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const created = await page.request.post('/api/cases', { data: { source: 'citizen', categoryId: cat.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: '箱房门口垃圾满溢' } });
    expect(created.status(), await created.text()).toBe(201);
    const c = (await created.json()) as { id: string; version: number };
    const filed = await page.request.post(`/api/cases/${c.id}/transitions`, { data: { action: 'file', version: c.version }, headers: { 'idempotency-key': `matrix-file-${c.id}` } });
    expect(filed.status(), await filed.text()).toBe(200);
    filedCase = c.id;
    return c.id;
  }

  for (const lang of LANGS) {
    for (const vp of DESKTOPS) {
      const cell = `${lang}-${vp.width}`;

      it(`console ${cell}: every role lands on its home, one-line menu, no horizontal scrollbar, dates yyyy-MM-dd`, async () => {
        for (const h of CONSOLE_HOMES) {
          const { ctx, page } = await personOn('console', h.username);
          await setLang(ctx, page, lang);
          await page.setViewportSize(vp);
          await page.goto('/');
          await eventually(() => new URL(page.url()).pathname).toBe(h.path);
          if ('search' in h) expect(new URL(page.url()).search).toBe(h.search);
          await page.locator(h.ready).first().waitFor();
          await eventually(() => page.evaluate(() => document.documentElement.lang)).toBe(lang === 'zh' ? 'zh-CN' : 'en');
          const l = await checkPage(page, `${h.username} ${cell}`, { console: true });
          // The menu speaks the chosen language.
          if (lang === 'zh') expect(l.menuText).toMatch(CJK);
          else expect(l.menuText, `${h.username} ${cell}: untranslated menu`).not.toMatch(CJK);
          if (lang === 'en') expect(await page.locator('main :is(h1, h2)').first().textContent(), `${h.username} ${cell}: untranslated title`).not.toMatch(CJK);
          await saveShot(page, `matrix-${cell}-home-${h.username}`);
        }
      });

      it(`console ${cell}: the dashboard map is large and above the fold, its charts and labels in the shipped font`, async () => {
        const { ctx, page } = await personOn('console', 'operator');
        await setLang(ctx, page, lang);
        await page.setViewportSize(vp);
        await page.goto('/dashboard');
        const map = page.getByTestId('dash-map');
        await map.locator('[data-testid=site-map][data-state=ready]').waitFor();
        const box = (await map.boundingBox())!;
        expect(box.y + 200, `${cell}: the map starts above the fold`).toBeLessThan(vp.height);
        expect(box.height).toBeGreaterThan(400);
        await eventually(() => page.locator('[data-testid=chart-daily] canvas').count()).toBeGreaterThan(0);
        const canvasFonts = () => page.evaluate(() => (window as unknown as { __canvasFonts: string[] }).__canvasFonts);
        await eventually(async () => (await canvasFonts()).length).toBeGreaterThan(0);
        for (const f of new Set(await canvasFonts())) expect(f, `${cell}: chart text`).toContain('Noto Sans SC');
        await expectShippedFont(page, `dashboard ${cell}`, ['button', '[data-testid=dash-map] .leaflet-control-attribution']);
        await checkPage(page, `dashboard ${cell}`, { console: true });
        if (SHOTS) {
          fs.mkdirSync(SHOTS_DIR, { recursive: true });
          await map.screenshot({ path: path.join(SHOTS_DIR, `matrix-${cell}-map-dashboard.png`) });
        }
      });

      it(`console ${cell}: the sites map clusters 1,007 sites; inputs, selects, buttons and map labels in the shipped font; a server field error on its field`, async () => {
        const { ctx, page } = await personOn('console', 'admin');
        await setLang(ctx, page, lang);
        await page.setViewportSize(vp);
        await page.goto('/sites');
        await page.locator('[data-testid=site-map][data-state=ready]').waitFor();
        await eventually(() => page.locator('.site-cluster').count()).toBeGreaterThan(0);
        expect(await page.locator('path.site-marker').count()).toBeLessThan(100);
        await expectShippedFont(page, `sites ${cell}`, ['.filters input', '.filters select', '.filters button', '.site-cluster', '.leaflet-control-attribution']);
        await checkPage(page, `sites ${cell}`, { console: true });
        await saveShot(page, `matrix-${cell}-map-sites`);

        // A QR code another site carries: the server's reason shows on the QR field, in the current language.
        const [a, b] = await suite.server.db.selectFrom('sites').select(['id', 'qr_code']).where('qr_code', 'is not', null).orderBy('id').limit(2).execute();
        await openInApp(page, `/sites/${a!.id}/edit`);
        const qr = page.locator('input[name=qrCode]');
        await eventually(() => qr.inputValue()).toBe(a!.qr_code);
        await qr.fill(b!.qr_code!);
        await page.getByTestId('site-save').click();
        await eventually(() => page.getByTestId('error-qrCode').textContent()).toBe(lang === 'zh' ? '已被使用' : 'already used');
        expect(await page.locator('[data-field=qrCode].has-error').count()).toBe(1);
        await checkPage(page, `site edit ${cell}`, { console: true });

        // The staff page and the audit log: wide tables stay inside the page; dates read yyyy-MM-dd.
        for (const [route, ready] of [['/staff', '[data-testid=staff-table] tbody tr'], ['/audit', '[data-testid=audit-table]']] as const) {
          await openInApp(page, route);
          await page.locator(ready).first().waitFor();
          await checkPage(page, `${route} ${cell}`, { console: true });
        }
      });

      it(`console ${cell}: required selects start at ${lang === 'zh' ? '请选择' : 'Choose…'}, the dispatch picker groups people under units, its submit says why it waits`, async () => {
        const { ctx, page } = await personOn('console', 'operator');
        await setLang(ctx, page, lang);
        await page.setViewportSize(vp);
        await page.goto('/cases/new');
        const category = page.getByTestId('new-category');
        await category.waitFor();
        expect(await category.locator('option').first().textContent()).toBe(CONSOLE_STRINGS[lang].newCase.choose);
        expect(await category.inputValue()).toBe('');
        await expectShippedFont(page, `new case ${cell}`, ['textarea', 'select', 'input[type=search]', 'button']);
        await checkPage(page, `new case ${cell}`, { console: true });

        const id = await filedCaseId(page);
        await openInApp(page, `/cases/${id}`);
        await page.getByTestId('action-dispatch').click();
        const picker = page.getByTestId('dispatch-unit');
        await eventually(() => picker.locator('optgroup').count()).toBeGreaterThan(1);
        expect(await picker.locator('option').first().textContent()).toBe(CASE_STRINGS[lang].desk.choose);
        // Each unit is a group: first the whole unit, then its people by name.
        const groups = await picker.locator('optgroup').evaluateAll((gs) => gs.map((g) => ({ label: g.getAttribute('label') ?? '', first: (g.querySelector('option') as HTMLOptionElement).value, people: g.querySelectorAll('option[value^="user:"]').length })));
        for (const g of groups) expect(g.first, g.label).toMatch(/^unit:/);
        expect(groups.some((g) => g.people > 0)).toBe(true);
        // The site's responsible party is offered first, starred.
        expect(groups[0]!.label.startsWith('★')).toBe(true);
        await picker.selectOption('');
        const submit = page.getByTestId('action-submit-dispatch');
        expect(await submit.isDisabled()).toBe(true);
        expect(await page.getByTestId('action-submit-dispatch-why').textContent()).toBe(UX_STRINGS[lang].why.chooseUnit);
        const l = await checkPage(page, `case ${cell}`, { console: true });
        expect(l.text, `case ${cell}: report time`).toMatch(ISO_DATE);

        await openInApp(page, '/cases?queue=all');
        await page.locator('[data-testid=case-table] tbody tr').first().waitFor();
        const desk = await checkPage(page, `case desk ${cell}`, { console: true });
        expect(desk.text, `case desk ${cell}`).toMatch(ISO_DATE);
      });
    }

    it(`phone ${lang}: role homes, today's route, report with the nearest site and its kind's categories, the map with route and navigate links`, async () => {
      const shop = await shopOf('patrol1');
      const here = { latitude: shop.lat, longitude: shop.lng, accuracy: 8 };
      const { ctx, page } = await personOn('phone', 'patrol1', { geolocation: here, permissions: ['geolocation'] });
      await setLang(ctx, page, lang);
      const cell = `${lang}-phone`;

      // Home: today's route is the patrol officer's first tile.
      await page.goto('/m');
      await fieldHome(page);
      await page.locator('.m-tiles').waitFor();
      await eventually(() => page.evaluate(() => document.documentElement.lang)).toBe(lang === 'zh' ? 'zh-CN' : 'en');
      expect(await page.locator('.m-tiles a').first().getAttribute('data-testid')).toBe('tile-today');
      await checkPage(page, `patrol home ${cell}`, { console: false });
      await saveShot(page, `matrix-${cell}-home-patrol1`);

      await page.getByTestId('tile-today').click();
      await eventually(() => page.getByTestId('today-list').getAttribute('data-order')).toBe('walk');
      await eventually(() => page.locator('[data-testid=today-list] a').count()).toBeGreaterThan(1);
      await checkPage(page, `today ${cell}`, { console: false });
      await saveShot(page, `matrix-${cell}-today-route`);

      // Report: the shop here is preselected, only its kind's categories are offered, the select starts at 请选择.
      await page.goto('/m/report');
      await eventually(() => page.getByTestId(`site-${shop.id}`).isChecked()).toBe(true);
      expect(await page.getByTestId('site-preselected').textContent()).toBe(FIELD_MAP_STRINGS[lang].report.preselected.replace('{{distance}}', lang === 'zh' ? '0\u00a0米' : '0\u00a0m'));
      await eventually(() => page.locator('[data-testid=report-category] option[data-code]').count()).toBeGreaterThan(0);
      const offered = await page.locator('[data-testid=report-category] option[data-code]').evaluateAll((os) => os.map((o) => o.getAttribute('data-code')!));
      expect(offered.some((c) => c.startsWith('A')), 'bin-room categories offered at a shop').toBe(false);
      expect(await page.locator('[data-testid=report-category] option').first().textContent()).toBe(CASE_STRINGS[lang].desk.choose);
      await page.getByTestId('report-category-kind').waitFor();
      // The submit says why it waits: the photo first.
      expect(await page.getByTestId('report-submit').isDisabled()).toBe(true);
      expect(await page.getByTestId('report-submit-why').textContent()).toBe(UX_STRINGS[lang].why.beforePhoto);
      await expectShippedFont(page, `report ${cell}`, ['[data-testid=report-note]', '[data-testid=report-category]', '[data-testid=report-submit]', 'input[type=text], input:not([type])']);
      await checkPage(page, `report ${cell}`, { console: false });
      // A description the server refuses: its reason, for that field, in the current language.
      await page.getByTestId('report-photo').setInputFiles(await solidJpeg(120, 90, 60));
      await page.getByTestId('report-photo-done').waitFor();
      await page.getByTestId('report-category').selectOption({ index: 1 });
      await page.getByTestId('report-note').fill('垃'.repeat(2001));
      await page.getByTestId('report-submit').click();
      await page.getByTestId('report-error').or(page.getByTestId('report-duplicates')).waitFor();
      if (await page.getByTestId('report-duplicates').isVisible()) await page.getByTestId('report-anyway').click();
      const refused = page.getByTestId('report-error');
      await refused.waitFor();
      expect(await refused.textContent()).toContain(UX_STRINGS[lang].fields.description);
      expect(await refused.textContent()).toContain(UX_STRINGS[lang].rules.too_big_string.replace('{{maximum}}', '2000'));

      // The map: nearby sites with 高德/百度 navigate links, and today's route as a line.
      await page.goto(`/m/map?site=${shop.id}`);
      await page.locator('[data-testid=site-map][data-state=ready]').waitFor();
      const popup = await openPopup(page, shop.name);
      expect(await popup.getByTestId('nav-amap').getAttribute('href')).toMatch(/^amapuri:\/\//);
      expect(await popup.getByTestId('nav-baidu').getAttribute('href')).toMatch(/^baidumap:\/\//);
      await expectShippedFont(page, `map ${cell}`, ['.leaflet-popup-content', '.leaflet-popup-content a', 'button']);
      await checkPage(page, `map ${cell}`, { console: false });
      await saveShot(page, `matrix-${cell}-map-nearby`);
      await page.locator('.leaflet-popup-close-button').click();
      await eventually(() => page.locator('.leaflet-popup').count()).toBe(0);
      await page.getByTestId('map-tab-route').click();
      await eventually(() => page.locator('.stop-label').count()).toBeGreaterThan(1);
      expect(await page.locator('path.route-line').count()).toBe(1);
      await saveShot(page, `matrix-${cell}-map-route`);
      // The map opens on the next stops: the first three numbers are inside the map and no other number overlaps them.
      await eventually(() => page.evaluate(() => {
        const labels = [...document.querySelectorAll<HTMLElement>('.stop-label')].map((el) => ({ n: el.textContent, r: el.getBoundingClientRect() }));
        const box = document.querySelector('[data-testid=site-map]')!.getBoundingClientRect();
        const meets = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        return ['1', '2', '3'].map((n) => {
          const me = labels.find((l) => l.n === n);
          if (!me || !meets(me.r, box)) return `${n} not in view`;
          const over = labels.filter((l) => l.n !== n && meets(l.r, me.r)).map((l) => l.n);
          return over.length ? `${n} under ${over.join(',')}` : 'ok';
        });
      })).toEqual(['ok', 'ok', 'ok']);
      await expectShippedFont(page, `route ${cell}`, ['.stop-label']);
    });

    it(`phone ${lang}: the cadre's check-in shows distance and whether it will count; handler and enforcement homes`, async () => {
      const cell = `${lang}-phone`;
      const committee = await scopeOf(suite.server.db, 'cadre01');
      const room = await suite.server.db.selectFrom('sites').select(['id', 'lat', 'lng']).where('committee_id', '=', committee.committee_id!).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      const near = offsetMetres({ lat: room.lat, lng: room.lng }, 12, 90);
      const cadre = await personOn('phone', 'cadre01', { geolocation: { latitude: near.lat, longitude: near.lng, accuracy: 10 }, permissions: ['geolocation'] });
      await setLang(cadre.ctx, cadre.page, lang);
      await cadre.page.goto('/m');
      await fieldHome(cadre.page);
      await cadre.page.locator('.m-tiles').waitFor();
      expect(await cadre.page.locator('.m-tiles a').first().getAttribute('data-testid')).toBe('tile-today');
      await checkPage(cadre.page, `cadre home ${cell}`, { console: false });
      await saveShot(cadre.page, `matrix-${cell}-home-cadre01`);
      await cadre.page.goto(`/m/checkin/${room.id}`);
      const verdict = cadre.page.getByTestId('checkin-verdict');
      await eventually(() => verdict.getAttribute('data-counts')).toBe('yes');
      expect(await cadre.page.getByTestId('checkin-distance').textContent()).toBe(FIELD_MAP_STRINGS[lang].checkin.distance.replace('{{distance}}', lang === 'zh' ? '12\u00a0米' : '12\u00a0m'));
      expect(await verdict.textContent()).toContain(FIELD_MAP_STRINGS[lang].checkin.willCount.split('：')[0]!.split(':')[0]!);
      await checkPage(cadre.page, `check-in ${cell}`, { console: false });
      await saveShot(cadre.page, `matrix-${cell}-checkin`);

      const handler = await personOn('phone', 'handler1');
      await setLang(handler.ctx, handler.page, lang);
      await handler.page.goto('/m');
      await fieldHome(handler.page);
      await handler.page.locator('.m-tiles').waitFor();
      expect(await handler.page.locator('.m-tiles a').first().getAttribute('data-testid')).toBe('tile-tasks');
      await saveShot(handler.page, `matrix-${cell}-home-handler1`);
      await handler.page.getByTestId('tile-tasks').click();
      await handler.page.locator('[data-testid^=tasks-]').first().waitFor();
      await checkPage(handler.page, `tasks ${cell}`, { console: false });

      const enforcer = await personOn('phone', 'enforcer1');
      await setLang(enforcer.ctx, enforcer.page, lang);
      await enforcer.page.goto('/m');
      await fieldHome(enforcer.page);
      await enforcer.page.locator('.m-tiles').waitFor();
      expect(await enforcer.page.locator('.m-tiles a').first().getAttribute('data-testid')).toBe('tile-enforcement');
      await checkPage(enforcer.page, `enforcement home ${cell}`, { console: false });
      await saveShot(enforcer.page, `matrix-${cell}-home-enforcer1`);
    });

    it(`phone ${lang}: the public report page finds the place, starts the category at ${lang === 'zh' ? '请选择' : 'Choose'} and says what is missing`, async () => {
      const cell = `${lang}-phone`;
      const site = await suite.server.db.selectFrom('sites as s').innerJoin('subdistricts as sd', 'sd.id', 's.subdistrict_id')
        .select(['s.lng', 's.lat', 's.name']).where('sd.code', '=', '008').where('s.kind', '=', 'bin_room').where('s.status', '=', 'active').orderBy('s.id').executeTakeFirstOrThrow();
      const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: Number(site.lat), longitude: Number(site.lng), accuracy: 12 }, permissions: ['geolocation'] });
      await setLang(ctx, await ctx.newPage(), lang);
      const page = ctx.pages()[0]!;
      await page.goto('/report');
      await page.getByTestId('use-location').tap();
      await page.getByTestId('near').waitFor();
      expect(await page.getByTestId('near').textContent()).toContain(site.name);
      await eventually(() => page.locator('[data-testid=site-map]').getAttribute('data-state')).toBe('ready');
      expect(await page.locator('[data-testid=category] option').first().textContent()).toBe(PUBLIC_REPORT_STRINGS[lang].choose);
      expect(await page.locator('#p-missing').textContent()).toBe(PUBLIC_REPORT_STRINGS[lang].needCategory);
      await expectShippedFont(page, `public report ${cell}`, ['textarea', 'input[type=tel]', 'select', 'button', '.leaflet-control-attribution']);
      await checkPage(page, `public report ${cell}`, { console: false });
      await saveShot(page, `matrix-${cell}-map-public-report`, true);
      await ctx.close();
    });

    it(`phone ${lang}: the public 一网通办 point page, with a service guide open, fits the phone in the shipped font`, async () => {
      const cell = `${lang}-phone`;
      await ensureServicesDemo(suite.server);
      const ctx = await newContext(suite.browser, suite.server.url, PHONE);
      await setLang(ctx, await ctx.newPage(), lang);
      const page = ctx.pages()[0]!;
      await page.goto('/point/YW008-CW01');
      await page.getByTestId('point-name').waitFor();
      await eventually(() => page.evaluate(() => document.documentElement.lang)).toBe(lang === 'zh' ? 'zh-CN' : 'en');
      const category = page.getByTestId('point-category').first();
      await category.locator('summary').tap();
      const item = category.getByTestId('point-item').first();
      await item.getByTestId('item-toggle').tap();
      await item.getByTestId('item-guide').locator('.pp-materials, .p-facts').first().waitFor();
      await expectShippedFont(page, `point ${cell}`, ['button', 'h1']);
      await checkPage(page, `point ${cell}`, { console: false });
      await saveShot(page, `matrix-${cell}-point`, true);
      await ctx.close();
    });
  }
});

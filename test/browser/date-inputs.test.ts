import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { APIRequestContext, Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD, describeBrowser, eventually, launchBrowser, newContext, PHONE, signInThroughForm, fieldHome } from './helpers/browser.js';
import { clickNav } from './helpers/nav.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * The browser's own locale decides how native date inputs look (mm/dd/yyyy and AM/PM under
 * en-US). These run Chromium started with --lang=en-US and a New York clock, and with zh-CN, and
 * check that the apps show and accept yyyy-MM-dd and 24-hour HH:mm in Shanghai wall time either way.
 */
interface Profile {
  name: string;
  browser: 'en' | 'zh';
  context: BrowserContextOptions;
  ui: 'en' | 'zh';
  badDate: RegExp;
  badDateTime: RegExp;
  placeholder: string;
  monday: string;
}
const PROFILES: Profile[] = [
  {
    name: 'en-US browser in New York, English UI', browser: 'en', context: { locale: 'en-US', timezoneId: 'America/New_York' }, ui: 'en',
    badDate: /^Enter a real date as yyyy-mm-dd/, badDateTime: /^Enter a real date and 24-hour time as yyyy-mm-dd hh:mm/, placeholder: 'yyyy-mm-dd', monday: 'Mo',
  },
  {
    name: 'zh-CN browser in Shanghai, Chinese UI', browser: 'zh', context: { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' }, ui: 'zh',
    badDate: /^请按“年-月-日”填写一个有效日期/, badDateTime: /^请按“年-月-日 时:分”（24 小时制）/, placeholder: '年-月-日', monday: '一',
  },
];
const DESKTOP = { viewport: { width: 1366, height: 900 } };

/** A Shanghai calendar day, `plus` days from today. */
const shanghaiDay = (plus = 0) => new Date(Date.now() + 8 * 3600_000 + plus * 86_400_000).toISOString().slice(0, 10);
/** The instant a Shanghai wall time names. */
const shanghaiInstant = (day: string, clock = '00:00', plusDays = 0) => new Date(Date.parse(`${day}T${clock}:00+08:00`) + plusDays * 86_400_000).toISOString();
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical axe-core findings (WCAG 2 A/AA) inside the elements matching `selector`. */
async function axeFindings(page: Page, selector: string): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's Content-Security-Policy does not stop it.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (sel) => {
    const w = window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } };
    const scope = [...document.querySelectorAll(sel)];
    if (!scope.length) return [`nothing matches ${sel}`];
    const r = await w.axe.run({ include: scope }, { runOnly: ['wcag2a', 'wcag2aa'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, selector);
}

const TWELVE_HOUR_OR_MONTH_FIRST = /\b(AM|PM)\b|上午|下午|\d{1,2}\/\d{1,2}\/\d{2,4}/;

describeBrowser('date and time inputs: Chinese conventions whatever the browser locale', () => {
  let server: RunningServer;
  const browsers = {} as Record<'en' | 'zh', Browser>;

  beforeAll(async () => {
    [server, browsers.en, browsers.zh] = await Promise.all([startServer(), launchBrowser(['--lang=en-US']), launchBrowser(['--lang=zh-CN'])]);
  });
  afterAll(async () => {
    await Promise.all([browsers.en?.close(), browsers.zh?.close()]);
    await server?.close();
  });

  async function open(p: Profile, opts: BrowserContextOptions): Promise<BrowserContext> {
    const ctx = await newContext(browsers[p.browser], server.url, { ...opts, ...p.context });
    if (p.ui === 'en') await ctx.addInitScript(() => localStorage.setItem('closeloop.lang', 'en'));
    return ctx;
  }
  async function post(req: APIRequestContext, path: string, data: unknown) {
    const res = await req.post(path, { data, headers: { 'idempotency-key': randomUUID() } });
    expect(res.status(), await res.text()).toBeLessThan(300);
    return res.json();
  }
  /** A citizen's case filed and dispatched to handler1's unit by the operator, through the API. */
  async function dispatchedCase(b: 'en' | 'zh', description: string) {
    const op = await newContext(browsers[b], server.url);
    await post(op.request, '/api/auth/sign-in', { username: 'operator', password: DEMO_PASSWORD });
    const sub = await server.db.selectFrom('users').select('subdistrict_id').where('username', '=', 'operator').executeTakeFirstOrThrow();
    const handler = await server.db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow();
    const site = await server.db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', sub.subdistrict_id!).where('kind', '=', 'bin_room').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
    const cat = await server.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', sub.subdistrict_id!).where('code', '=', 'A0402').executeTakeFirstOrThrow();
    let c = await post(op.request, '/api/cases', { source: 'citizen', categoryId: cat.id, siteId: site.id, lng: site.lng, lat: site.lat, description });
    c = await post(op.request, `/api/cases/${c.id}/transitions`, { action: 'file', version: c.version });
    c = await post(op.request, `/api/cases/${c.id}/transitions`, { action: 'dispatch', version: c.version, unitId: handler.handling_unit_id });
    await op.close();
    return c as { id: string; version: number };
  }
  const casesRequests = (page: Page) => {
    const seen: URL[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/cases') seen.push(u);
    });
    return seen;
  };

  for (const p of PROFILES) {
    it(`case desk filter (${p.name}): typed and picked days show as yyyy-MM-dd and reach the server as Shanghai midnights; a bad day is refused`, async () => {
      await dispatchedCase(p.browser, `分类桶缺失 ${p.ui}`);
      const ctx = await open(p, DESKTOP);
      const page = await ctx.newPage();
      await signInThroughForm(page, 'operator');
      await page.getByTestId('who').waitFor();
      await page.goto('/cases?queue=all');
      await page.locator('[data-testid=case-table] tbody tr').first().waitFor();
      // The list's times: 2026-12-05 16:00, never 12/5/2026, 4:00 PM or 下午.
      const listed = await page.getByTestId('case-table').innerText();
      expect(listed).toMatch(/\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d/);
      expect(listed).not.toMatch(TWELVE_HOUR_OR_MONTH_FIRST);
      const seen = casesRequests(page);

      const from = page.getByTestId('filter-from');
      expect(await from.getAttribute('placeholder')).toBe(p.placeholder);
      expect(await from.getAttribute('type')).toBe('text');
      const fromSent = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/cases' && new URL(r.url()).searchParams.get('from') === shanghaiInstant('2026-12-05'));
      await from.fill('2026/12/5');
      await from.press('Tab');
      await fromSent;
      expect(await from.inputValue()).toBe('2026-12-05');
      expect(new URL(page.url()).searchParams.get('from')).toBe('2026-12-05');

      // Not a day (30 February, a US-style date): an error in the UI's language, nothing sent.
      const to = page.getByTestId('filter-to');
      for (const bad of ['2026-02-30', '12/05/2026']) {
        await to.fill(bad);
        await to.press('Tab');
        await eventually(() => page.getByTestId('filter-to-error').textContent()).toMatch(p.badDate);
        expect(await to.getAttribute('aria-invalid')).toBe('true');
        expect(await to.inputValue()).toBe(bad);
      }
      expect(seen.filter((u) => u.searchParams.has('to')).map((u) => u.search)).toEqual([]);

      // The picker, by keyboard: it opens on today (Shanghai), Monday first; → and Enter pick tomorrow.
      await page.getByTestId('filter-to-pick').click();
      const picker = page.getByTestId('date-picker');
      await picker.waitFor();
      expect(await picker.getByTestId('date-picker-month').textContent()).toBe(shanghaiDay().slice(0, 7));
      expect(await picker.locator('thead th').first().textContent()).toBe(p.monday);
      await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('data-day'))).toBe(shanghaiDay());
      const toSent = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/cases' && new URL(r.url()).searchParams.get('to') === shanghaiInstant(shanghaiDay(1), '00:00', 1));
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      await toSent;
      await eventually(() => picker.count()).toBe(0);
      expect(await to.inputValue()).toBe(shanghaiDay(1));
      expect(await page.getByTestId('filter-to-error').count()).toBe(0);
      // Focus goes back to the button that opened the picker.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('filter-to-pick');
      await ctx.close();
    });

    it(`phone task (${p.name}): an extension asked with the picker reaches the server as Shanghai wall time; a 12-hour time is refused`, async () => {
      const c = await dispatchedCase(p.browser, `箱房门损坏 ${p.ui}`);

      const ctx = await open(p, PHONE);
      const phone = await ctx.newPage();
      await signInThroughForm(phone, 'handler1', '/m/sign-in');
      await fieldHome(phone);
      await phone.getByTestId('tile-tasks').waitFor();
      await phone.goto(`/m/cases/${c.id}`);
      await phone.getByTestId('request_extension').click();
      const due = phone.getByTestId('request-due');
      await due.waitFor();
      const sent: string[] = [];
      phone.on('request', (r) => { if (r.url().endsWith(`/api/cases/${c.id}/transitions`)) sent.push(r.url()); });

      // What a US-locale habit types: refused on the field, in the UI's language, and not sent.
      await due.fill('12/15/2026 5:30 PM');
      await phone.getByTestId('request-reason').fill('新门需向区里申领');
      await phone.getByTestId('request-submit').click();
      await eventually(() => phone.getByTestId('request-due-error').textContent()).toMatch(p.badDateTime);
      expect(sent).toEqual([]);

      // The picker with a thumb: a sheet inside the screen, 44 px day buttons in the app's font.
      const target = shanghaiDay(10);
      await phone.getByTestId('request-due-pick').tap();
      const picker = phone.getByTestId('date-picker');
      await picker.waitFor();
      const sheet = (await picker.boundingBox())!;
      expect(sheet.x).toBeGreaterThanOrEqual(0);
      expect(sheet.x + sheet.width).toBeLessThanOrEqual(390);
      expect(sheet.y + sheet.height).toBeLessThanOrEqual(844);
      for (let i = 0; i < 2 && (await picker.getByTestId('date-picker-month').textContent()) !== target.slice(0, 7); i++) await picker.getByTestId('date-picker-next').tap();
      const dayButton = picker.locator(`[data-day="${target}"]`);
      expect((await dayButton.boundingBox())!.height).toBeGreaterThanOrEqual(44);
      expect(await dayButton.evaluate((b) => getComputedStyle(b).fontFamily)).toContain('Noto Sans SC');
      await dayButton.tap();
      // 24 hours to choose from, no AM/PM.
      expect(await picker.getByTestId('date-picker-hour').locator('option').allTextContents()).toEqual(Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')));
      await picker.getByTestId('date-picker-hour').selectOption('17');
      await picker.getByTestId('date-picker-minute').selectOption('30');
      await picker.getByTestId('date-picker-ok').tap();
      await eventually(() => due.inputValue()).toBe(`${target} 17:30`);
      expect(await phone.getByTestId('request-due-error').count()).toBe(0);

      const res = phone.waitForResponse((r) => r.url().endsWith(`/api/cases/${c.id}/transitions`));
      await phone.getByTestId('request-submit').click();
      expect((await res).status()).toBe(200);
      // Read back through the API: 17:30 in Shanghai, whatever the phone's own clock zone.
      const back = await (await phone.request.get(`/api/cases/${c.id}`)).json();
      expect(back).toMatchObject({ pendingRequest: 'extension', requestedDueAt: shanghaiInstant(target, '17:30') });
      await ctx.close();
    });
  }

  it('calendar page (en-US browser, Chinese UI): a day typed the Chinese way and a day picked are saved as those days', async () => {
    const ctx = await newContext(browsers.en, server.url, { ...DESKTOP, locale: 'en-US', timezoneId: 'America/Los_Angeles' });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'admin');
    await clickNav(page, 'nav-calendar');
    const date = page.getByTestId('calendar-day-date');
    expect(await date.getAttribute('placeholder')).toBe('年-月-日');
    await date.fill('2031年3月6日');
    await date.press('Tab');
    expect(await date.inputValue()).toBe('2031-03-06');
    await page.getByTestId('calendar-day-note').fill('台风停工');
    await page.getByTestId('calendar-day-save').click();
    await eventually(() => page.getByTestId('calendar-day-result').textContent()).toContain('已保存');

    // A day that does not exist leaves nothing to save.
    await date.fill('2031-04-31');
    await date.press('Tab');
    await eventually(() => page.getByTestId('calendar-day-date-error').textContent()).toMatch(/^请按“年-月-日”/);
    expect(await page.getByTestId('calendar-day-save').isDisabled()).toBe(true);

    // The field with its error, and the open picker: labelled, keyboard-reachable, enough contrast.
    expect(await axeFindings(page, '.card:has([data-testid=calendar-day-date])')).toEqual([]);
    await page.getByTestId('calendar-day-date-pick').click();
    const picker = page.getByTestId('date-picker');
    await picker.waitFor();
    expect(await axeFindings(page, '[data-testid=date-picker]')).toEqual([]);
    expect(await picker.getByTestId('date-picker-month').textContent()).toBe(shanghaiDay().slice(0, 7));
    await picker.getByTestId('date-picker-prev').click();
    const shown = (await picker.getByTestId('date-picker-month').textContent())!;
    await picker.locator(`[data-day="${shown}-15"]`).click();
    expect(await date.inputValue()).toBe(`${shown}-15`);
    await page.getByTestId('calendar-day-save').click();

    // Read back through the API: exactly the two days, as typed and as picked.
    const saved = async () => ((await (await page.request.get('/api/calendar/overrides')).json()) as { items: { date: string; note: string | null }[] }).items.filter((o) => o.note === '台风停工').map((o) => o.date).sort();
    await eventually(saved).toEqual([`${shown}-15`, '2031-03-06'].sort());
    // The page's own dates and times follow the same form.
    expect(await page.locator('body').innerText()).not.toMatch(TWELVE_HOUR_OR_MONTH_FIRST);
    await ctx.close();
  });
});

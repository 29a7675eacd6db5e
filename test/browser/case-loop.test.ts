/// <reference lib="dom" />
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { describeBrowser, eventually, newContext, PHONE, signInThroughForm, solidJpeg, fieldHome } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';
import { saveShot } from './helpers/shots.js';

const DESKTOP: BrowserContextOptions = { viewport: { width: 1400, height: 900 } };

const jpeg = (r: number, g: number, b: number) => solidJpeg(r, g, b, 640, 480);

/** The report's photo and the rectification's photo shown side by side (same row, before on the left), both loaded. */
async function expectSideBySide(page: Page) {
  const before = page.getByTestId('photo-before').first();
  const after = page.getByTestId('photo-after').first();
  await before.scrollIntoViewIfNeeded();
  for (const l of [before, after]) await l.locator('img').evaluate((img: HTMLImageElement) => img.decode());
  const [b, a] = [await before.boundingBox(), await after.boundingBox()];
  expect(b && a).toBeTruthy();
  expect(b!.x + b!.width).toBeLessThanOrEqual(a!.x);
  expect(Math.abs(b!.y - a!.y)).toBeLessThan(4);
  for (const l of [before, after]) expect(await l.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  expect(await page.getByTestId('photo-before').count()).toBe(1);
  expect(await page.getByTestId('photo-after').count()).toBe(1);
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious or critical axe-core violations inside the given parts of the page (labels, contrast, names). */
async function seriousViolations(page: Page, selectors: string[]): Promise<string[]> {
  // Evaluated through the protocol, so the app's Content-Security-Policy does not refuse it.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (include) => {
    type Result = { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<Result> } }).axe;
    const r = await axe.run({ include: include.map((s) => [s]) }, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, selectors);
}

/** Waits for the next answer of a POST to a path matching `re` and returns its status. */
const nextPost = (page: Page, re: RegExp) => page.waitForResponse((res) => res.request().method() === 'POST' && re.test(new URL(res.url()).pathname));

describeBrowser('the case loop across people: patrol reports on the phone, operator files and dispatches to a person of a unit, handler rectifies, patrol checks', () => {
  const suite = browserSuite();


  /** A Hongqiao bin room whose responsible party is a property company that has a handler who can sign in. */
  async function scenario() {
    const row = await suite.server.db
      .selectFrom('users as u')
      .innerJoin('handling_units as hu', 'hu.id', 'u.handling_unit_id')
      .innerJoin('responsible_parties as rp', (j) => j.onRef('rp.name', '=', 'hu.name').onRef('rp.subdistrict_id', '=', 'hu.subdistrict_id'))
      .innerJoin('sites as s', 's.responsible_party_id', 'rp.id')
      .innerJoin('subdistricts as sd', 'sd.id', 's.subdistrict_id')
      .select(['u.username', 'u.id as userId', 'u.display_name as userName', 'hu.id as unitId', 'hu.name as unitName', 's.id as siteId', 's.lng', 's.lat', 's.subdistrict_id as subdistrictId'])
      .where('u.role', '=', 'handler')
      .where('u.username', 'like', 'handler%')
      .where('hu.kind', '=', 'property_company')
      .where('s.kind', '=', 'bin_room')
      .where('s.status', '=', 'active')
      .orderBy('u.username')
      .orderBy('s.id')
      .executeTakeFirstOrThrow();
    const category = await suite.server.db
      .selectFrom('case_categories')
      .select(['id', 'code'])
      .where('subdistrict_id', '=', row.subdistrictId)
      .where('level', '=', 'standard')
      .where('active', '=', 1)
      .orderBy('sort_order')
      .orderBy('code')
      .executeTakeFirstOrThrow();
    return { ...row, category };
  }

  it('closes a reported problem through five people-steps; the timeline names each action, actor and unit, the distance to the site, and shows before/after side by side', async () => {
    const s = await scenario();
    const here = offsetMetres({ lat: s.lat, lng: s.lng }, 3, 45);

    // 1. patrol1 reports on the phone layout: photo, category, the bin room picked from nearby, note.
    const patrolCtx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: here.lat, longitude: here.lng, accuracy: 9 }, permissions: ['geolocation'] });
    const phone = await patrolCtx.newPage();
    const pageErrors: string[] = [];
    phone.on('pageerror', (e) => pageErrors.push(e.message));
    await signInThroughForm(phone, 'patrol1', '/m/sign-in');
    await fieldHome(phone);
    await phone.getByTestId('tile-report').click();
    await phone.getByTestId('report-photo').setInputFiles(await jpeg(180, 60, 40));
    await phone.getByTestId('report-photo-done').waitFor();
    await phone.locator(`[data-testid=report-category] option[value="${s.category.id}"]`).waitFor({ state: 'attached' });
    await phone.getByTestId('report-category').selectOption(s.category.id);
    await eventually(() => phone.getByTestId('report-gps').textContent()).toContain('±9');
    await phone.getByTestId(`site-${s.siteId}`).check();
    await phone.getByTestId('report-note').fill('箱房外小包垃圾落地，桶满溢');
    const reported = nextPost(phone, /^\/api\/cases$/);
    await phone.getByTestId('report-submit').click();
    // Open cases of the same kind nearby would be offered first; then the reporter sends anyway.
    await phone.getByTestId('report-done').or(phone.getByTestId('report-duplicates')).waitFor();
    if (await phone.getByTestId('report-duplicates').isVisible()) await phone.getByTestId('report-anyway').click();
    expect((await reported).status()).toBe(201);
    await phone.getByTestId('report-done').waitFor();
    const number = (await phone.getByTestId('report-done').getAttribute('data-number'))!;
    expect(number).toMatch(/\S+/);
    const created = await suite.server.db.selectFrom('cases').select(['id', 'status', 'site_id', 'category_id', 'source']).where('number', '=', number).executeTakeFirstOrThrow();
    expect(created).toMatchObject({ status: 'reported', site_id: s.siteId, category_id: s.category.id, source: 'patrol' });
    const caseId = created.id;

    // 2. The operator, at a desktop in a second browser context, files it from the desk, then dispatches it to the suggested unit.
    const opCtx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const desk = await opCtx.newPage();
    desk.on('pageerror', (e) => pageErrors.push(e.message));
    await signInThroughForm(desk, 'operator');
    await clickNav(desk, 'nav-cases');
    await desk.getByTestId('queue-to_file').click();
    await desk.locator(`[data-testid=case-table] tr[data-number="${number}"]`).waitFor();
    await desk.getByTestId(`open-${caseId}`).click();
    await eventually(() => desk.getByTestId('case-detail').getAttribute('data-status')).toBe('reported');
    // Only what the lifecycle table allows an operator on a reported case is offered.
    const offered = async () => (await desk.locator('[data-testid=case-actions] .actions button').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).sort();
    expect(await offered()).toEqual(['action-cancel', 'action-file', 'action-merge']);
    await desk.getByTestId('action-file').click();
    let post = nextPost(desk, new RegExp(`^/api/cases/${caseId}/transitions$`));
    await desk.getByTestId('action-submit-file').click();
    expect((await post).status()).toBe(200);
    await eventually(() => desk.getByTestId('case-detail').getAttribute('data-status')).toBe('filed');
    await desk.getByTestId('action-dispatch').click();
    await eventually(() => desk.getByTestId('dispatch-unit').inputValue()).toBe(`unit:${s.unitId}`);
    // The picker groups people under their unit: the suggested unit's staff are offered by name.
    const staff = await suite.server.db.selectFrom('users').select(['id', 'display_name']).where('handling_unit_id', '=', s.unitId).where('status', '=', 'active').execute();
    const offeredPeople = await desk.locator(`[data-testid=dispatch-unit] optgroup[data-unit-id="${s.unitId}"] option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offeredPeople[0]).toBe(`unit:${s.unitId}`);
    expect(new Set(offeredPeople.slice(1))).toEqual(new Set(staff.map((u) => `user:${u.id}`)));
    expect(staff.length).toBeGreaterThan(0);
    // Dispatched to the person of that unit who will handle it.
    await desk.getByTestId('dispatch-unit').selectOption(`user:${s.userId}`);
    post = nextPost(desk, new RegExp(`^/api/cases/${caseId}/transitions$`));
    await desk.getByTestId('action-submit-dispatch').click();
    expect((await post).status()).toBe(200);
    await eventually(() => desk.getByTestId('case-detail').getAttribute('data-status')).toBe('dispatched');
    await expect.poll(() => desk.getByTestId('case-unit').textContent()).toContain(s.unitName);
    expect(await offered()).toEqual(['action-merge', 'action-redispatch']);

    // 3. The handler of that unit handles it on the phone with an after-photo.
    const handlerCtx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: here.lat, longitude: here.lng, accuracy: 15 }, permissions: ['geolocation'] });
    const hphone = await handlerCtx.newPage();
    hphone.on('pageerror', (e) => pageErrors.push(e.message));
    await signInThroughForm(hphone, s.username, '/m/sign-in');
    await fieldHome(hphone);
    await hphone.getByTestId('tile-tasks').click();
    await hphone.locator(`[data-testid=tasks-toHandle] a[data-case-id="${caseId}"]`).click();
    await hphone.getByTestId('handle-form').waitFor();
    // What to do is on the first screen of the phone, with the before photo: no scrolling to find the form.
    const fold = hphone.viewportSize()!.height;
    const top = async (testId: string) => (await hphone.getByTestId(testId).boundingBox())!.y;
    expect(await hphone.evaluate(() => window.scrollY)).toBe(0);
    expect(await top('handle-form')).toBeLessThan(fold - 150);
    expect((await hphone.locator('[data-testid=before-after] img').first().boundingBox())!.y).toBeLessThan(fold);
    await hphone.getByTestId('handle-photo').setInputFiles(await jpeg(40, 160, 60));
    await hphone.getByTestId('handle-photo-done').waitFor();
    await hphone.getByTestId('handle-note').fill('已清运落地垃圾，桶已更换');
    post = nextPost(hphone, new RegExp(`^/api/cases/${caseId}/transitions$`));
    await hphone.getByTestId('handle-submit').click();
    expect((await post).status()).toBe(200);
    await hphone.getByTestId('task-done').waitFor();

    // 4. patrol1 finds it under "to check" in my tasks, sees before and after side by side and the timeline, and passes it.
    await phone.goto('/m/');
    await fieldHome(phone);
    await phone.getByTestId('tile-tasks').click();
    await phone.locator(`[data-testid=tasks-toCheck] a[data-case-id="${caseId}"]`).click();
    await phone.getByTestId('check-form').waitFor();
    await expectSideBySide(phone);
    const field = phone.locator('[data-testid=case-timeline] > li');
    expect(await phone.locator('[data-testid=case-timeline] [data-testid=event-label]').allTextContents()).toEqual(['上报', '立案', '派遣', '整改完成']);
    expect(await field.nth(2).getByTestId('event-target').textContent()).toBe(` → ${s.unitName} ${s.userName}`);
    expect(await field.nth(3).getByTestId('event-actor').textContent()).toBe(`${s.userName}（${s.unitName}）`);
    expect(await field.nth(3).getByTestId('event-place').textContent()).toBe(' · 距点位 3\u00a0米 · 在电子围栏内');
    await saveShot(phone, 'case-task-timeline-phone', true);
    expect(await seriousViolations(phone, ['[data-testid=before-after]', '[data-testid=case-timeline]'])).toEqual([]);
    await phone.getByTestId('check-note').fill('现场已整洁');
    post = nextPost(phone, new RegExp(`^/api/cases/${caseId}/transitions$`));
    await phone.getByTestId('check-pass').click();
    expect((await post).status()).toBe(200);
    await phone.getByTestId('task-done').waitFor();

    // 5. The operator's detail page shows it closed with the full timeline: people, roles, photos, GPS.
    await desk.reload();
    await eventually(() => desk.getByTestId('case-detail').getAttribute('data-status')).toBe('closed');
    expect(await desk.getByTestId('case-status').textContent()).toBe('已结案');
    const steps = desk.locator('[data-testid=case-timeline] > li');
    expect(await steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['report', 'file', 'dispatch', 'handle', 'check_pass']);
    expect(await steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-to')))).toEqual(['reported', 'filed', 'dispatched', 'handled', 'closed']);
    // Each entry says what was done (not the status it produced), by whom (with unit or role), then the status it led to.
    expect(await desk.locator('[data-testid=case-timeline] [data-testid=event-label]').allTextContents()).toEqual(['上报', '立案', '派遣', '整改完成', '核查通过']);
    expect(await steps.nth(3).getByTestId('event-status').textContent()).toContain('待核查');
    const operatorName = (await suite.server.db.selectFrom('users').select('display_name').where('username', '=', 'operator').executeTakeFirstOrThrow()).display_name;
    const patrolName = (await suite.server.db.selectFrom('users').select('display_name').where('username', '=', 'patrol1').executeTakeFirstOrThrow()).display_name;
    // "派遣 → 上海古北物业 孙秀英 · 王值班（城运中心值班员）", "整改完成 · 孙秀英（上海古北物业）"
    expect(await steps.nth(2).locator('.tl-head').textContent()).toBe(`派遣 → ${s.unitName} ${s.userName} · ${operatorName}（城运中心值班员）`);
    expect(await steps.nth(3).locator('.tl-head').textContent()).toBe(`整改完成 · ${s.userName}（${s.unitName}）`);
    expect(await steps.nth(0).getByTestId('event-actor').textContent()).toBe(`${patrolName}（市容辅助力量）`);
    const texts = await steps.evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    expect(texts[3]).toContain('已清运落地垃圾');
    expect(texts[4]).toContain('现场已整洁');
    expect(await steps.nth(0).getByTestId('event-gps').textContent()).toContain('±9');
    // Reported and rectified 3 m from the bin room (its 50 m geofence); the phones' clocks agree with the server's.
    for (const i of [0, 3, 4]) {
      expect(await steps.nth(i).getByTestId('event-place').textContent()).toBe(' · 距点位 3\u00a0米 · 在电子围栏内');
      expect(await steps.nth(i).getByTestId('event-place').getAttribute('data-within')).toBe('true');
    }
    expect(await desk.getByTestId('event-device-time').count()).toBe(0);
    expect(await desk.locator('[data-testid=case-timeline] [data-testid=event-photo]').count()).toBe(2);
    const thumb = await desk.locator('[data-testid=event-photo] img').first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
    expect(thumb).toBe(true);
    await expectSideBySide(desk);
    await saveShot(desk, 'case-detail-timeline', true);
    expect(await seriousViolations(desk, ['[data-testid=before-after]', '[data-testid=case-timeline]'])).toEqual([]);
    // The after photo opens at full size.
    const [full] = await Promise.all([desk.waitForEvent('popup'), desk.getByTestId('photo-after').first().click()]);
    await full.waitForLoadState();
    expect(new URL(full.url()).pathname).toMatch(/^\/api\/photos\/[^/]+$/);
    expect(await full.evaluate(() => document.images[0]?.naturalWidth ?? 0)).toBe(640);
    await full.close();

    // The same timeline in English.
    await desk.getByTestId('lang-switch').click();
    await eventually(() => desk.locator('[data-testid=case-timeline] [data-testid=event-label]').allTextContents()).toEqual(['Reported', 'Filed', 'Dispatched', 'Rectified', 'Check passed']);
    expect(await steps.nth(2).locator('.tl-head').textContent()).toBe(`Dispatched → ${s.unitName}, ${s.userName} · ${operatorName} (Operations centre operator)`);
    expect(await steps.nth(3).getByTestId('event-place').textContent()).toBe(' · 3\u00a0m from the site · inside the geofence');
    expect(await desk.getByTestId('photos-before').locator('figcaption').textContent()).toBe('Before');
    await desk.getByTestId('lang-switch').click();
    expect(await desk.getByTestId('case-actions').locator('.actions button').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).toEqual(['action-reopen']);
    const final = await suite.server.db.selectFrom('cases').select(['status', 'assigned_unit_id', 'version']).where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(final).toMatchObject({ status: 'closed', assigned_unit_id: s.unitId });

    // A report sent from a phone whose clock was 3 h 5 min behind the server's: its device time is shown, with the difference.
    const skewed = await desk.request.post('/api/cases', {
      data: { source: 'citizen', categoryId: s.category.id, siteId: s.siteId, lng: Number(s.lng), lat: Number(s.lat), accuracy: 8, description: '箱房门口纸箱堆放', deviceAt: new Date(Date.now() - (3 * 60 + 5) * 60_000).toISOString() },
    });
    expect(skewed.status(), await skewed.text()).toBe(201);
    await desk.goto(`/cases/${((await skewed.json()) as { id: string }).id}`);
    await desk.getByTestId('case-timeline').waitFor();
    expect(await desk.getByTestId('event-device-time').textContent()).toMatch(/^ · 设备时间 .+（与服务器相差 3 小时 5 分钟）$/);
    expect(await desk.getByTestId('event-place').textContent()).toBe(' · 距点位 0\u00a0米 · 在电子围栏内');

    expect(pageErrors).toEqual([]);
    await Promise.all([patrolCtx.close(), opCtx.close(), handlerCtx.close()]);
  });
});

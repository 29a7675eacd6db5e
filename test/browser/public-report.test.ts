/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import type { APIRequestContext } from 'playwright-core';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { solveChallenge } from '../../src/domain/public-reports/proof-of-work.js';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, pageProblems, PHONE, solidJpeg } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { signInThroughForm } from './helpers/browser.js';

/** A phone camera photo: larger than the page sends (so it is compressed on the phone), with EXIF time and GPS. */
async function cameraPhoto() {
  const buffer = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: { r: 150, g: 90, b: 40 } } })
    .jpeg({ quality: 95 })
    .withExif({
      IFD0: { Make: 'Xiaomi', Model: '14' },
      IFD2: { DateTimeOriginal: '2026:05:26 10:30:00' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 12/1 3456/100', GPSLongitudeRef: 'E', GPSLongitude: '121/1 24/1 1234/100' },
    } as never)
    .toBuffer();
  return { name: 'IMG_20260526_103000.jpg', mimeType: 'image/jpeg', buffer };
}

describeBrowser('the public report page: a citizen reports on a phone, follows the tracking link and sees the staff close the loop', () => {
  const suite = browserSuite();

  async function post(req: APIRequestContext, path: string, data: unknown) {
    const res = await req.post(path, { data, headers: { 'idempotency-key': randomUUID() } });
    expect(res.status(), await res.text()).toBeLessThan(300);
    return res.json();
  }

  it('reports with location, category, compressed photo (EXIF kept), description and phone; tracks; sees before/after once closed; confirms', async () => {
    const db = suite.server.db;
    const site = await db.selectFrom('sites as s').innerJoin('subdistricts as sd', 'sd.id', 's.subdistrict_id')
      .select(['s.lng', 's.lat', 's.name']).where('sd.code', '=', '008').where('s.kind', '=', 'bin_room').where('s.status', '=', 'active').orderBy('s.id').executeTakeFirstOrThrow();

    // 1. The citizen, on a phone, no account.
    const citizen = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: Number(site.lat), longitude: Number(site.lng), accuracy: 12 }, permissions: ['geolocation'] });
    const outside: string[] = [];
    citizen.on('request', (r) => {
      const u = new URL(r.url());
      if (!['blob:', 'data:'].includes(u.protocol) && u.origin !== new URL(suite.server.url).origin) outside.push(r.url());
    });
    const page = await citizen.newPage();
    const problems = pageProblems(page);
    await page.goto('/report');
    await expect(page.title()).resolves.toContain('市民随手拍');
    await page.getByTestId('use-location').tap();
    await page.getByTestId('near').waitFor();
    expect(await page.getByTestId('near').getAttribute('data-kind')).toBe('bin_room');
    expect(await page.getByTestId('near').textContent()).toContain(site.name);
    await eventually(() => page.locator('[data-testid=site-map]').getAttribute('data-state')).toBe('ready');
    const options = await page.locator('[data-testid=category] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    expect(options.length).toBeGreaterThan(0);
    // The category groups (the catalogue's classes) follow the UI language.
    const firstGroup = () => page.locator('[data-testid=category] optgroup').first().getAttribute('label');
    expect(await firstGroup()).toBe('箱房问题');
    await page.getByTestId('lang-switch').tap();
    await eventually(firstGroup).toBe('Bin-room problems');
    await page.getByTestId('lang-switch').tap();
    await eventually(firstGroup).toBe('箱房问题');
    await page.getByTestId('category').selectOption(options[0]!);
    const photo = await cameraPhoto();
    await page.getByTestId('photo').setInputFiles(photo);
    await page.getByTestId('photo-ready').waitFor();
    await page.getByTestId('description').fill('箱房门口垃圾满溢，湿垃圾和干垃圾混在一起');
    await page.getByTestId('phone').fill('13800138000');
    // The Noto Sans SC subset is on every element, inputs included.
    const fonts = await page.evaluate(() => ['textarea', 'input[type=tel]', 'select', 'button[type=submit]', 'h2'].map((s) => getComputedStyle(document.querySelector(s)!).fontFamily));
    for (const f of fonts) expect(f).toContain('Noto Sans SC');
    // The first answer is lost on its way back (the report was filed): the page shows an error, and
    // sending again answers with that filing (the draft's client token), not a second case.
    const cases = async () => Number((await db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const casesBefore = await cases();
    let lost = false;
    await page.route('**/api/public/reports', async (route) => {
      if (route.request().method() !== 'POST' || lost) return route.fallback();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByTestId('submit').tap();
    await page.getByTestId('report-error').waitFor();
    expect(await cases()).toBe(casesBefore + 1);
    const sent = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/public/reports');
    await page.getByTestId('submit').tap();
    const res = await sent;
    expect(res.status(), await res.text()).toBe(201);
    const filed = page.getByTestId('report-filed');
    await filed.waitFor();
    const number = (await filed.getAttribute('data-number'))!;
    expect(number).toBeTruthy();
    expect(await cases()).toBe(casesBefore + 1);

    // The case: a citizen report, the photo compressed on the phone and its EXIF time and GPS kept.
    const c = await db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ source: 'citizen', status: 'reported' });
    const stored = await db.selectFrom('case_photos as p').innerJoin('photos as ph', 'ph.id', 'p.photo_id')
      .select(['ph.bytes', 'ph.width', 'ph.exif_taken_at', 'ph.exif_lat', 'ph.exif_lng']).where('p.case_id', '=', c.id).executeTakeFirstOrThrow();
    expect(Number(stored.bytes)).toBeLessThan(photo.buffer.length);
    expect(Number(stored.width)).toBeLessThanOrEqual(1600);
    expect(stored.exif_taken_at).toBeTruthy();
    expect(Number(stored.exif_lat)).toBeCloseTo(31.2096, 3);
    expect(Number(stored.exif_lng)).toBeCloseTo(121.4034, 3);

    // 2. The tracking link (not the case number).
    const link = page.getByTestId('track-link');
    expect(await link.getAttribute('href')).not.toContain(number);
    await link.tap();
    await page.getByTestId('track').waitFor();
    expect(await page.getByTestId('track-number').textContent()).toBe(number);
    expect(await page.getByTestId('track').getAttribute('data-status')).toBe('open');
    expect(await page.getByTestId('track-notes').textContent()).toBe('已受理，等待城运中心核实立案');
    await expect(page.getByTestId('photo-before').count()).resolves.toBe(1);
    await expect(page.getByTestId('photo-after').count()).resolves.toBe(0);
    await expect(page.getByTestId('respond').count()).resolves.toBe(0);
    expect(await page.locator('body').textContent()).not.toContain('13800138000');

    // 3. The staff run the loop through the API: file, dispatch, handle with an after photo, independent check.
    const unit = await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow();
    const staff: Record<string, APIRequestContext> = {};
    for (const u of ['operator', 'handler1', 'patrol1']) {
      staff[u] = (await newContext(suite.browser, suite.server.url)).request;
      await post(staff[u]!, '/api/auth/sign-in', { username: u, password: DEMO_PASSWORD });
    }
    let v = await post(staff.operator!, `/api/cases/${c.id}/transitions`, { action: 'file', version: c.version });
    v = await post(staff.operator!, `/api/cases/${c.id}/transitions`, { action: 'dispatch', version: v.version, unitId: unit.handling_unit_id });
    const up = await staff.handler1!.post('/api/photos', { multipart: { file: await solidJpeg(40, 160, 60, 640, 480) } });
    expect(up.status()).toBe(201);
    v = await post(staff.handler1!, `/api/cases/${c.id}/transitions`, { action: 'handle', version: v.version, note: '已清运并分拣', photoIds: [(await up.json()).id] });
    await post(staff.patrol1!, `/api/cases/${c.id}/transitions`, { action: 'check_pass', version: v.version });

    // 4. The citizen reloads the tracking page: closed, before and after photos, and confirms the fix.
    await page.reload();
    await page.getByTestId('track').waitFor();
    expect(await page.getByTestId('track').getAttribute('data-status')).toBe('closed');
    expect(await page.getByTestId('track-notes').textContent()).toBe('经核查已整改到位，已结案');
    await expect(page.getByTestId('photo-after').count()).resolves.toBe(1);
    for (const img of await page.locator('.p-photos img').all()) {
      await img.scrollIntoViewIfNeeded();
      await eventually(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0)).toBe(true);
    }
    const actions = await page.locator('[data-testid=stages] li').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-action')));
    expect(actions).toEqual(['report', 'file', 'dispatch', 'handle', 'check_pass']);
    await page.getByTestId('confirm').tap();
    await page.getByTestId('feedback-confirmed').waitFor();
    expect(await page.getByTestId('track').getAttribute('data-feedback')).toBe('confirmed');
    const ev = await db.selectFrom('case_events').select(['action', 'actor_role']).where('case_id', '=', c.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(ev).toEqual({ action: 'public_confirm', actor_role: 'public' });

    // English is one tap away, on the same page.
    await page.getByTestId('lang-switch').tap();
    await eventually(() => page.getByTestId('track-notes').textContent()).toBe('Checked and fixed; closed');

    expect(problems, problems.join('\n')).toEqual([]);
    expect(outside, outside.join('\n')).toEqual([]);
    await citizen.close();
  });
  it('a contest reopens the case; the operator sees it in the inbox and on the case page, marks the report abusive, and the tracking page says so', async () => {
    const db = suite.server.db;
    const site = await db.selectFrom('sites as s').innerJoin('subdistricts as sd', 'sd.id', 's.subdistrict_id')
      .select(['s.lng', 's.lat']).where('sd.code', '=', '008').where('s.kind', '=', 'bin_room').where('s.status', '=', 'active').orderBy('s.id', 'desc').executeTakeFirstOrThrow();
    // A report sent by another client of the API (the page's own requests, without the page).
    const client = (await newContext(suite.browser, suite.server.url)).request;
    const near = await (await client.get(`/api/public/reports/categories?lat=${site.lat}&lng=${site.lng}`)).json();
    const ch = await (await client.get('/api/public/reports/challenge')).json();
    const filedRes = await client.post('/api/public/reports', {
      headers: { 'x-pow-challenge': ch.challenge, 'x-pow-nonce': solveChallenge(ch.challenge, ch.bits) },
      multipart: {
        jurisdiction_id: near.jurisdictionId, service_code: near.categories[0].code, lat: String(site.lat), lng: String(site.lng), site_kind: near.siteKind,
        description: '箱房外堆放大件垃圾', photo: await solidJpeg(90, 90, 200, 640, 480),
      },
    });
    expect(filedRes.status(), await filedRes.text()).toBe(201);
    const filed = await filedRes.json();
    const c = await db.selectFrom('cases').selectAll().where('number', '=', filed.number).executeTakeFirstOrThrow();
    const unit = await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow();
    const staff: Record<string, APIRequestContext> = {};
    for (const u of ['operator', 'handler1', 'patrol1']) {
      staff[u] = (await newContext(suite.browser, suite.server.url)).request;
      await post(staff[u]!, '/api/auth/sign-in', { username: u, password: DEMO_PASSWORD });
    }
    let v = await post(staff.operator!, `/api/cases/${c.id}/transitions`, { action: 'file', version: c.version });
    v = await post(staff.operator!, `/api/cases/${c.id}/transitions`, { action: 'dispatch', version: v.version, unitId: unit.handling_unit_id });
    const up = await staff.handler1!.post('/api/photos', { multipart: { file: await solidJpeg(60, 170, 70, 640, 480) } });
    v = await post(staff.handler1!, `/api/cases/${c.id}/transitions`, { action: 'handle', version: v.version, note: '已清运', photoIds: [(await up.json()).id] });
    await post(staff.patrol1!, `/api/cases/${c.id}/transitions`, { action: 'check_pass', version: v.version });

    // The citizen contests on the phone.
    const citizen = await newContext(suite.browser, suite.server.url, PHONE);
    const phone = await citizen.newPage();
    const problems = pageProblems(phone);
    await phone.goto(filed.trackPath);
    // The photos keep their space (4:3) whether or not they have loaded: the buttons below do not
    // move under the citizen's finger when they arrive.
    await phone.getByTestId('contest').waitFor();
    const boxes = await phone.locator('[data-testid^=photo-] img').evaluateAll((imgs) => imgs.map((i) => i.getBoundingClientRect()).map((r) => [r.width, r.height]));
    expect(boxes.length).toBeGreaterThan(0);
    for (const [w, h] of boxes) expect(Math.abs(h! - (w! * 3) / 4)).toBeLessThan(1.5);
    await phone.getByTestId('contest').tap();
    await phone.getByTestId('contest-reason').fill('第二天又堆满了');
    await phone.getByTestId('send-contest').tap();
    await phone.getByTestId('feedback-contested').waitFor();
    expect(await phone.getByTestId('track').getAttribute('data-status')).toBe('open');
    expect(await phone.getByTestId('track-notes').textContent()).toBe('已重新打开，等待派遣处置单位');

    // The operator: an inbox item, the case page shows the contest in the history and the public side; marks it abusive.
    const desk = await newContext(suite.browser, suite.server.url, { viewport: { width: 1400, height: 900 } });
    const page = await desk.newPage();
    await signInThroughForm(page, 'operator');
    await page.getByTestId('nav-inbox').click();
    await eventually(() => page.getByTestId('inbox-item').filter({ hasText: `市民对案件 ${filed.number} 的整改结果提出异议` }).count()).toBe(1);
    await page.goto(`/cases/${c.id}`);
    await eventually(() => page.getByTestId('case-detail').getAttribute('data-status')).toBe('filed');
    await page.getByTestId('public-feedback').waitFor();
    expect(await page.locator('[data-testid=case-timeline] li[data-action=reopen]').textContent()).toContain('第二天又堆满了');
    await page.getByTestId('mark-abusive').click();
    await page.getByTestId('abusive-reason').fill('现场核实无此问题，重复恶意上报');
    await page.getByTestId('abusive-confirm').click();
    await eventually(() => page.getByTestId('public-report').getAttribute('data-abusive')).toBe('1');
    const audit = await db.selectFrom('audit_log').select(['actor_username']).where('action', '=', 'public_report.mark_abusive').where('entity_id', '=', c.id).execute();
    expect(audit).toEqual([{ actor_username: 'operator' }]);

    await phone.reload();
    await phone.getByTestId('track-abusive').waitFor();
    await expect(phone.getByTestId('photo-before').count()).resolves.toBe(0);
    expect(problems, problems.join('\n')).toEqual([]);
    await citizen.close();
    await desk.close();
  });

  it('a case on hold (挂账) reads as on hold in English too, not as being fixed', async () => {
    const db = suite.server.db;
    const site = await db.selectFrom('sites as s').innerJoin('subdistricts as sd', 'sd.id', 's.subdistrict_id')
      .select(['s.lng', 's.lat']).where('sd.code', '=', '008').where('s.kind', '=', 'bin_room').where('s.status', '=', 'active').orderBy('s.id').executeTakeFirstOrThrow();
    const client = (await newContext(suite.browser, suite.server.url)).request;
    const near = await (await client.get(`/api/public/reports/categories?lat=${site.lat}&lng=${site.lng}`)).json();
    const ch = await (await client.get('/api/public/reports/challenge')).json();
    const filedRes = await client.post('/api/public/reports', {
      headers: { 'x-pow-challenge': ch.challenge, 'x-pow-nonce': solveChallenge(ch.challenge, ch.bits) },
      multipart: {
        jurisdiction_id: near.jurisdictionId, service_code: near.categories[0].code, lat: String(site.lat), lng: String(site.lng), site_kind: near.siteKind,
        description: '箱房顶棚破损漏雨', photo: await solidJpeg(120, 60, 60, 640, 480),
      },
    });
    expect(filedRes.status(), await filedRes.text()).toBe(201);
    const filed = await filedRes.json();
    const c = await db.selectFrom('cases').selectAll().where('number', '=', filed.number).executeTakeFirstOrThrow();
    const unit = await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow();
    const staff: Record<string, APIRequestContext> = {};
    for (const u of ['operator', 'handler1']) {
      staff[u] = (await newContext(suite.browser, suite.server.url)).request;
      await post(staff[u]!, '/api/auth/sign-in', { username: u, password: DEMO_PASSWORD });
    }
    let v = await post(staff.operator!, `/api/cases/${c.id}/transitions`, { action: 'file', version: c.version });
    v = await post(staff.operator!, `/api/cases/${c.id}/transitions`, { action: 'dispatch', version: v.version, unitId: unit.handling_unit_id });
    v = await post(staff.handler1!, `/api/cases/${c.id}/transitions`, { action: 'request_hold', version: v.version, reason: '箱房整体改建，暂无法处置' });
    await post(staff.operator!, `/api/cases/${c.id}/transitions`, { action: 'approve_hold', version: v.version });
    // The unit's English name, as an administrator registers it (optional: without it English readers read the Chinese).
    const { name: unitName, name_en: seededEn } = await db.selectFrom('handling_units').select(['name', 'name_en']).where('id', '=', unit.handling_unit_id!).executeTakeFirstOrThrow();
    await db.updateTable('handling_units').set({ name_en: 'Hongqiao Property Services Co.' }).where('id', '=', unit.handling_unit_id!).execute();

    const citizen = await newContext(suite.browser, suite.server.url, PHONE);
    const phone = await citizen.newPage();
    const problems = pageProblems(phone);
    await phone.goto(filed.trackPath);
    await phone.getByTestId('track').waitFor();
    expect(await phone.getByTestId('track-notes').textContent()).toBe('暂缓处置（挂账），条件具备后继续办理');
    expect(await phone.getByTestId('track-agency').textContent()).toBe(unitName);
    await phone.getByTestId('lang-switch').tap();
    await eventually(() => phone.getByTestId('track-notes').textContent()).toBe('On hold; handling resumes when conditions allow');
    expect(await phone.getByTestId('track-agency').textContent()).toBe('Hongqiao Property Services Co.');
    await db.updateTable('handling_units').set({ name_en: seededEn }).where('id', '=', unit.handling_unit_id!).execute();
    expect(problems, problems.join('\n')).toEqual([]);
    await citizen.close();
  });
});

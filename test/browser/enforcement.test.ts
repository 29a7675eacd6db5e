/// <reference lib="dom" />
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { pdfText } from '../helpers/pdf-text.js';
import { workingDeadline } from '../helpers/working-deadline.js';
import { describeBrowser, eventually, newContext, PHONE, signInThroughForm, fieldHome } from './helpers/browser.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';

type Shop = { name: string; lat: number; lng: number };

/** An officer's phone at the shop, signed in, on the enforcement tile. */
async function officerAt(browser: Browser, url: string, shop: Shop, officer: string) {
  const ctx = await newContext(browser, url, { ...PHONE, geolocation: { latitude: shop.lat, longitude: shop.lng, accuracy: 10 }, permissions: ['geolocation'] });
  const page = await ctx.newPage();
  await signInThroughForm(page, officer, '/m/sign-in');
  await fieldHome(page);
  await page.getByTestId('tile-enforcement').click();
  return { ctx, page };
}

/** The new-ladder form filled for the shop: its facts, the first legal basis, category B0401. */
async function fillNewLadder(page: Page, shop: Shop, facts: string) {
  await page.getByTestId('enf-new').click();
  await page.getByTestId('enf-site-search').fill(shop.name.slice(0, 6));
  await page.locator('[data-testid=enf-site-hit]', { hasText: shop.name }).first().click();
  await page.getByTestId('enf-facts').fill(facts);
  await page.getByTestId('enf-basis').selectOption({ index: 1 });
  const cat = await page.getByTestId('enf-category').locator('option', { hasText: 'B0401' }).getAttribute('value');
  await page.getByTestId('enf-category').selectOption(cat!);
}


describeBrowser('enforcement: the officer on the phone, the desk in the console', () => {
  const suite = browserSuite();


  it('opens a ladder at a shop, issues an order with photos and two officers, and the desk shows it with its PDF', async () => {
    const shop = await suite.server.db.selectFrom('sites').select(['id', 'name', 'lat', 'lng']).where('kind', '=', 'shop').where('address', 'like', '安顺路%').orderBy('id').executeTakeFirstOrThrow();
    const { ctx, page } = await officerAt(suite.browser, suite.server.url, shop, 'enforcer1');
    await fillNewLadder(page, shop, '未设置任何生活垃圾分类标识');
    const photo = { name: 'IMG_1.jpg', mimeType: 'image/jpeg', buffer: await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 200, g: 60, b: 40 } } }).jpeg().toBuffer() };
    await page.getByTestId('enf-photo').setInputFiles(photo);
    await page.getByTestId('enf-photo-done').waitFor();
    await page.getByTestId('enf-open-submit').click();
    await eventually(() => page.getByTestId('enf-stage').textContent()).toContain('已立案待检查');

    // The order: photo, education, deadline tomorrow (or the next working day), the second officer, the subject signs.
    await page.getByTestId('enf-step-photo').setInputFiles(photo);
    await page.getByTestId('enf-step-photo-done').waitFor();
    const tomorrow = new Date(workingDeadline(Date.now(), 26));
    const local = new Date(tomorrow.getTime() + 8 * 3600_000).toISOString().slice(0, 16);
    await page.getByTestId('enf-deadline').fill(local);
    // Another deadline than the category's suggestion needs its reason.
    await page.getByTestId('enf-deadline-reason').fill('与店主约定');
    await page.getByTestId('enf-findings').fill('门口未设置分类标识');
    await page.getByTestId('enf-co').selectOption({ index: 1 });
    await page.getByTestId('enf-ack').selectOption('refused');
    await page.getByTestId('enf-note').fill('店主外出，店员在场');
    await page.getByTestId('enf-submit').click();
    await eventually(() => page.getByTestId('enf-done').textContent()).toContain('责改字');
    await eventually(() => page.getByTestId('enf-stage').textContent()).toContain('已责令改正');
    // The next step starts from an empty form: nothing of the order's note or photo is carried over.
    expect(await page.getByTestId('enf-note').inputValue()).toBe('');
    expect(await page.getByTestId('enf-step-photo-done').count()).toBe(0);
    await ctx.close();

    // The console desk lists the ladder; its page offers the PDF, which is the issued order.
    const desk = await newContext(suite.browser, suite.server.url);
    const p2 = await desk.newPage();
    await signInThroughForm(p2, 'operator');
    await clickNav(p2, 'nav-enforcement');
    await p2.locator('[data-testid=ladder-table] a', { hasText: '经营者' }).first().click();
    await eventually(() => p2.getByTestId('ladder-stage').textContent()).toContain('已责令改正');
    const href = await p2.getByTestId('open-pdf').first().getAttribute('href');
    const res = await p2.request.get(href!);
    expect(res.headers()['content-type']).toBe('application/pdf');
    const text = await pdfText(await res.body());
    expect(text).toContain('责令改正通知书');
    expect(text).toContain('当事人拒绝签收');
    await p2.getByTestId('history-link').click();
    await p2.getByTestId('subject-history').waitFor();
    await desk.close();
  });

  it('records an order step taken offline in the outbox and issues it exactly once when the phone is back online', async () => {
    const shop = await suite.server.db.selectFrom('sites').select(['id', 'name', 'lat', 'lng']).where('kind', '=', 'shop').where('address', 'like', '古北路%').orderBy('id').executeTakeFirstOrThrow();
    const { ctx, page } = await officerAt(suite.browser, suite.server.url, shop, 'enforcer2');
    await fillNewLadder(page, shop, '未设置分类收集容器');
    await page.getByTestId('enf-open-submit').click();
    await eventually(() => page.getByTestId('enf-stage').textContent()).toContain('已立案待检查');
    const ladder = await suite.server.db.selectFrom('enforcement_cases').select('id').where('site_id', '=', shop.id).executeTakeFirstOrThrow();
    const orders = () => suite.server.db.selectFrom('enforcement_steps').select('id').where('enforcement_case_id', '=', ladder.id).where('kind', '=', 'order').execute();

    // In a basement: no signal. The order, with its photo, is kept on the phone.
    await ctx.setOffline(true);
    const photo = { name: 'IMG_2.jpg', mimeType: 'image/jpeg', buffer: await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 40, g: 90, b: 200 } } }).jpeg().toBuffer() };
    await page.getByTestId('enf-step-photo').setInputFiles(photo);
    await page.getByTestId('enf-step-photo-pending').waitFor();
    const local = new Date(Date.parse(workingDeadline(Date.now(), 26)) + 8 * 3600_000).toISOString().slice(0, 16);
    await page.getByTestId('enf-deadline').fill(local);
    await page.getByTestId('enf-deadline-reason').fill('与店主约定');
    await page.getByTestId('enf-co').selectOption({ index: 1 });
    await page.getByTestId('enf-ack').selectOption('signed');
    await page.getByTestId('enf-submit').click();
    await eventually(() => page.getByTestId('enf-done').textContent()).toContain('联网后自动发送');
    expect(await orders()).toHaveLength(0);

    // Back in the street: the outbox sends it, once.
    await ctx.setOffline(false);
    await eventually(() => orders().then((r) => r.length)).toBe(1);
    await eventually(() => page.getByTestId('outbox-count').count()).toBe(0);
    expect(await orders()).toHaveLength(1);
    const docs = await suite.server.db.selectFrom('enforcement_documents').select('number').where('enforcement_case_id', '=', ladder.id).execute();
    expect(docs).toHaveLength(1);
    await ctx.close();
  });

  it('an order the party was absent for is served later by post from the phone: what is missing and what the server refuses show next to the field', async () => {
    const db = suite.server.db;
    const shop = await db.selectFrom('sites').select(['id', 'name', 'lat', 'lng']).where('kind', '=', 'shop').where('status', '=', 'active').where('address', 'like', '安顺路%')
      .where('responsible_party_id', 'is not', null).where('id', 'not in', db.selectFrom('enforcement_cases').select('site_id').where('site_id', 'is not', null))
      .orderBy('id', 'desc').executeTakeFirstOrThrow();
    const { ctx, page } = await officerAt(suite.browser, suite.server.url, shop, 'enforcer1');
    await fillNewLadder(page, shop, '未设置任何生活垃圾分类标识');
    await page.getByTestId('enf-open-submit').click();
    await eventually(() => page.getByTestId('enf-stage').textContent()).toContain('已立案待检查');

    // The order, the shopkeeper away: not served.
    const photo = { name: 'IMG_3.jpg', mimeType: 'image/jpeg', buffer: await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 140, b: 60 } } }).jpeg().toBuffer() };
    await page.getByTestId('enf-step-photo').setInputFiles(photo);
    await page.getByTestId('enf-step-photo-done').waitFor();
    const local = new Date(Date.parse(workingDeadline(Date.now(), 26)) + 8 * 3600_000).toISOString().slice(0, 16);
    await page.getByTestId('enf-deadline').fill(local);
    await page.getByTestId('enf-deadline-reason').fill('与店主约定');
    await page.getByTestId('enf-co').selectOption({ index: 1 });
    await page.getByTestId('enf-ack').selectOption('absent');
    await page.getByTestId('enf-submit').click();
    await eventually(() => page.getByTestId('enf-stage').textContent()).toContain('已责令改正');
    await eventually(() => page.getByTestId('enf-doc-unserved').textContent()).toContain('未送达');

    // Nothing filled in: each missing field says so, in Chinese, next to it, and nothing is sent.
    await page.getByTestId('enf-serve').click();
    await page.getByTestId('svc-submit').click();
    expect(await page.getByTestId('svc-error-receivedOn').textContent()).toBe('请填写回执上的签收日期');
    expect(await page.getByTestId('svc-error-trackingNumber').textContent()).toBe('请填写邮件号');
    // The form's fields are set like the others on the page (the inherited Noto Sans SC stack).
    const fonts = await page.evaluate(() => [document.querySelector('[data-testid=svc-trackingNumber]'), document.querySelector('[data-testid=enf-note]')].map((el) => getComputedStyle(el!).fontFamily));
    expect(fonts[0]).toBe(fonts[1]);
    // A receipt dated before the order was issued: the server's refusal stands next to the date.
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
    await page.getByTestId('svc-receivedOn').fill(yesterday);
    await page.getByTestId('svc-trackingNumber').fill('XA123456789CN');
    await page.getByTestId('svc-submit').click();
    await eventually(() => page.getByTestId('svc-error-receivedOn').textContent()).toContain('早于文书出具日期');
    expect(await page.getByTestId('svc-error-trackingNumber').count()).toBe(0);
    await page.getByTestId('svc-receivedOn').fill(today);
    await page.getByTestId('svc-submit').click();
    await eventually(() => page.getByTestId('enf-done').textContent()).toContain('已登记送达');
    await eventually(() => page.getByTestId('enf-doc-unserved').count()).toBe(0);
    const ladder = await db.selectFrom('enforcement_cases').select(['unserved_step_id', 'reinspect_at']).where('site_id', '=', shop.id).executeTakeFirstOrThrow();
    expect(ladder.unserved_step_id).toBeNull();
    expect(ladder.reinspect_at).not.toBeNull();
    await ctx.close();
  });

  it('at the console desk the officer refers a case still open at a shop to enforcement, once; others see no such button', async () => {
    const db = suite.server.db;
    const sub = await subdistrictOf(suite.server, 'enforcer1');
    const shop = await db
      .selectFrom('sites as s')
      .select(['s.id', 's.lng', 's.lat'])
      .where('s.subdistrict_id', '=', sub)
      .where('s.kind', '=', 'shop')
      .where('s.responsible_party_id', 'is not', null)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('enforcement_cases as e').select('e.id').whereRef('e.site_id', '=', 's.id'))))
      .orderBy('s.id', 'desc')
      .executeTakeFirstOrThrow();
    const category = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', sub).where('code', '=', 'B0401').executeTakeFirstOrThrow();

    // The operations centre takes a citizen's call about the shop; it reads enforcement but opens no ladders.
    const op = await newContext(suite.browser, suite.server.url);
    const p2 = await op.newPage();
    await signInThroughForm(p2, 'operator');
    await p2.waitForURL((u) => !u.pathname.includes('sign-in'));
    const reported = await p2.request.post('/api/cases', {
      data: { source: 'citizen', categoryId: category.id, siteId: shop.id, lng: shop.lng, lat: shop.lat, description: '市民反映：店门口一直没有分类标识，劝了几次都不改' },
    });
    expect(reported.status(), await reported.text()).toBe(201);
    const c = await db.selectFrom('cases').select(['id', 'number', 'description']).where('id', '=', (await reported.json()).id).executeTakeFirstOrThrow();
    await p2.goto(`/cases/${c.id}`);
    await p2.getByTestId('case-detail').waitFor();
    expect(await p2.getByTestId('case-to-enforcement').count()).toBe(0);
    await p2.goto('/enforcement');
    await p2.getByTestId('ladder-table').waitFor();
    expect(await p2.getByTestId('enf-open-from-case').count()).toBe(0);
    await op.close();

    const ctx = await newContext(suite.browser, suite.server.url);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'enforcer1');
    await page.waitForURL((u) => !u.pathname.includes('sign-in'));
    await page.goto(`/cases/${c.id}`);
    await page.getByTestId('case-to-enforcement').click();
    await eventually(() => page.getByTestId('enf-case-number').textContent()).toContain(c.number);
    // The facts start from the case's description; the legal basis must be chosen.
    expect(await page.getByTestId('enf-facts').inputValue()).toBe(c.description);
    await page.getByTestId('enf-open-submit').click();
    await eventually(() => page.getByTestId('enf-error').textContent()).toContain('法律依据');
    await page.getByTestId('enf-facts').fill('多次督促仍未设置分类标识，拒不整改');
    await page.getByTestId('enf-basis').selectOption({ index: 1 });
    await page.getByTestId('enf-open-submit').click();
    await eventually(() => page.getByTestId('ladder-stage').textContent()).toContain('已立案待检查');
    const ladderUrl = new URL(page.url()).pathname;
    const ladder = await db.selectFrom('enforcement_cases').select(['id', 'origin', 'facts', 'opened_by']).where('case_id', '=', c.id).execute();
    expect(ladder).toHaveLength(1);
    expect(ladder[0]).toMatchObject({ origin: 'case', facts: '多次督促仍未设置分类标识，拒不整改' });
    expect(ladderUrl).toBe(`/enforcement/${ladder[0]!.id}`);

    // From the desk, the same case found by its number: refused, with the way to the ladder under way.
    await page.goto('/enforcement');
    await page.getByTestId('enf-open-from-case').click();
    await page.getByTestId('enf-case-search').fill(c.number);
    await page.locator('[data-testid=enf-case-hit]', { hasText: c.number }).click();
    await page.getByTestId('enf-basis').selectOption({ index: 1 });
    await page.getByTestId('enf-open-submit').click();
    await page.getByTestId('enf-existing').click();
    await eventually(() => new URL(page.url()).pathname).toBe(ladderUrl);
    expect(await db.selectFrom('enforcement_cases').select('id').where('case_id', '=', c.id).execute()).toHaveLength(1);
    await ctx.close();

  });
});

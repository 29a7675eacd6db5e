/// <reference lib="dom" />
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { pdfText } from '../helpers/pdf-text.js';
import { describeBrowser, eventually, newContext, PHONE, signInThroughForm, fieldHome } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';


describeBrowser('enforcement: the officer on the phone, the desk in the console', () => {
  const suite = browserSuite();


  it('opens a ladder at a shop, issues an order with photos and two officers, and the desk shows it with its PDF', async () => {
    const shop = await suite.server.db.selectFrom('sites').select(['id', 'name', 'lat', 'lng']).where('kind', '=', 'shop').where('address', 'like', '安顺路%').orderBy('id').executeTakeFirstOrThrow();
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: shop.lat, longitude: shop.lng, accuracy: 10 }, permissions: ['geolocation'] });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'enforcer1', '/m/sign-in');
    await fieldHome(page);
    await page.getByTestId('tile-enforcement').click();
    await page.getByTestId('enf-new').click();
    await page.getByTestId('enf-site-search').fill(shop.name.slice(0, 6));
    await page.locator('[data-testid=enf-site-hit]', { hasText: shop.name }).first().click();
    await page.getByTestId('enf-facts').fill('未设置任何生活垃圾分类标识');
    await page.getByTestId('enf-basis').selectOption({ index: 1 });
    const cat = await page.getByTestId('enf-category').locator('option', { hasText: 'B0401' }).getAttribute('value');
    await page.getByTestId('enf-category').selectOption(cat!);
    const photo = { name: 'IMG_1.jpg', mimeType: 'image/jpeg', buffer: await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 200, g: 60, b: 40 } } }).jpeg().toBuffer() };
    await page.getByTestId('enf-photo').setInputFiles(photo);
    await page.getByTestId('enf-photo-done').waitFor();
    await page.getByTestId('enf-open-submit').click();
    await eventually(() => page.getByTestId('enf-stage').textContent()).toContain('已立案待检查');

    // The order: photo, education, deadline tomorrow, the second officer, the subject signs.
    await page.getByTestId('enf-step-photo').setInputFiles(photo);
    await page.getByTestId('enf-step-photo-done').waitFor();
    const tomorrow = new Date(Date.now() + 26 * 3600_000);
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
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: shop.lat, longitude: shop.lng, accuracy: 10 }, permissions: ['geolocation'] });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'enforcer2', '/m/sign-in');
    await fieldHome(page);
    await page.getByTestId('tile-enforcement').click();
    await page.getByTestId('enf-new').click();
    await page.getByTestId('enf-site-search').fill(shop.name.slice(0, 6));
    await page.locator('[data-testid=enf-site-hit]', { hasText: shop.name }).first().click();
    await page.getByTestId('enf-facts').fill('未设置分类收集容器');
    await page.getByTestId('enf-basis').selectOption({ index: 1 });
    const cat = await page.getByTestId('enf-category').locator('option', { hasText: 'B0401' }).getAttribute('value');
    await page.getByTestId('enf-category').selectOption(cat!);
    await page.getByTestId('enf-open-submit').click();
    await eventually(() => page.getByTestId('enf-stage').textContent()).toContain('已立案待检查');
    const ladder = await suite.server.db.selectFrom('enforcement_cases').select('id').where('site_id', '=', shop.id).executeTakeFirstOrThrow();
    const orders = () => suite.server.db.selectFrom('enforcement_steps').select('id').where('enforcement_case_id', '=', ladder.id).where('kind', '=', 'order').execute();

    // In a basement: no signal. The order, with its photo, is kept on the phone.
    await ctx.setOffline(true);
    const photo = { name: 'IMG_2.jpg', mimeType: 'image/jpeg', buffer: await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 40, g: 90, b: 200 } } }).jpeg().toBuffer() };
    await page.getByTestId('enf-step-photo').setInputFiles(photo);
    await page.getByTestId('enf-step-photo-pending').waitFor();
    const local = new Date(Date.now() + 26 * 3600_000 + 8 * 3600_000).toISOString().slice(0, 16);
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
});

/// <reference lib="dom" />
import { beforeAll, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, pageProblems, PHONE } from './helpers/browser.js';
import { readSvgQr } from './helpers/qr.js';
import { ensureServicesDemo } from './helpers/services.js';
import { browserSuite } from './helpers/suite.js';

const ID = withCheckDigit('31010519851212003');

describeBrowser("一网通办 public pages on a phone: a point's page and the 好差评 page", () => {
  const suite = browserSuite();
  beforeAll(async () => {
    await ensureServicesDemo(suite.server);
  });

  it("a committee window's page: hours today and this week, items by category with a guide, a QR code that opens the page; nothing from outside", async () => {
    const db = suite.server.db;
    const point = await db.selectFrom('service_points').selectAll().where('code', '=', 'YW008-CW01').executeTakeFirstOrThrow();
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const outside: string[] = [];
    ctx.on('request', (r) => {
      const u = new URL(r.url());
      if (!['blob:', 'data:'].includes(u.protocol) && u.origin !== new URL(suite.server.url).origin) outside.push(r.url());
    });
    const page = await ctx.newPage();
    const problems = pageProblems(page);
    await page.goto('/point/YW008-CW01');
    await expect(page.getByTestId('point-name').textContent()).resolves.toBe(point.name);
    expect(await page.getByTestId('point-address').textContent()).toBe(point.address);
    await expect(page.title()).resolves.toContain(point.name);
    // Today and the week: seven days from today, today first.
    await eventually(() => page.locator('[data-testid=point-week] tr').count()).toBe(7);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect(await page.locator('[data-testid=point-week] tr').first().getAttribute('data-date')).toBe(today);
    await page.getByTestId('point-today').waitFor();
    // Items by category, in catalogue order; a guide opens on tap with its materials.
    const offered = await db.selectFrom('service_point_items').select('item_id').where('point_id', '=', point.id).execute();
    expect(await page.getByTestId('items-title').textContent()).toContain(String(offered.length));
    const first = page.getByTestId('point-category').first();
    expect(await first.getAttribute('data-code')).toBe('01');
    await first.locator('summary').tap();
    const item = first.getByTestId('point-item').first();
    await item.getByTestId('item-toggle').tap();
    const guide = item.getByTestId('item-guide');
    await guide.locator('.pp-materials, .p-facts').first().waitFor();
    const v = await db.selectFrom('service_item_versions').select(['materials']).where('item_id', '=', (await item.getAttribute('data-item-id'))!).orderBy('version', 'desc').executeTakeFirstOrThrow();
    for (const m of JSON.parse(v.materials) as { name: string }[]) expect(await guide.textContent()).toContain(m.name);
    // The page's own font on every element, inputs and buttons included.
    const fonts = await page.evaluate(() => ['h1', 'summary', 'button', '.pp-item-sum'].map((s) => getComputedStyle(document.querySelector(s)!).fontFamily));
    for (const f of fonts) expect(f).toContain('Noto Sans SC');
    // The share QR code reads back as this page's address.
    await page.getByTestId('share').tap();
    const qr = page.getByTestId('point-qr');
    await qr.waitFor();
    expect(await readSvgQr(qr)).toBe(`${suite.server.url}/point/YW008-CW01`);
    // English one tap away.
    await page.getByTestId('lang-switch').tap();
    await eventually(() => page.getByTestId('items-title').textContent()).toContain('Services offered');
    expect(problems, problems.join('\n')).toEqual([]);
    expect(outside, outside.join('\n')).toEqual([]);
    await ctx.close();
  });

  it('an unknown point says so; a planned self-service zone says when it opens and offers nothing', async () => {
    const zone = await suite.server.db.selectFrom('service_points').select(['code', 'target_on']).where('status', '=', 'planned').orderBy('code').executeTakeFirstOrThrow();
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const page = await ctx.newPage();
    await page.goto('/point/NO-SUCH');
    await expect(page.getByTestId('point-error').textContent()).resolves.toContain('没有找到');
    await page.goto(`/point/${zone.code}`);
    await expect(page.getByTestId('point-planned').textContent()).resolves.toContain(zone.target_on!);
    expect(await page.getByTestId('point-today').count()).toBe(0);
    await ctx.close();
  });

  it('after a service the applicant rates it from the QR link: five levels, the sub-scores, once', async () => {
    const db = suite.server.db;
    const point = await db.selectFrom('service_points').select('id').where('code', '=', 'YW008-CW01').executeTakeFirstOrThrow();
    const item = await db.selectFrom('service_items').innerJoin('service_item_versions as v', 'v.item_id', 'service_items.id')
      .select(['service_items.id', 'v.materials']).where('v.name_zh', '=', '居住证签注').executeTakeFirstOrThrow();
    const cadre = (await newContext(suite.browser, suite.server.url)).request;
    expect((await cadre.post('/api/auth/sign-in', { data: { username: 'cadre01', password: DEMO_PASSWORD } })).status()).toBe(200);
    const materials = (JSON.parse(item.materials) as unknown[]).map((_, index) => ({ index, received: true }));
    const created = await cadre.post('/api/services/records', { data: { pointId: point.id, itemId: item.id, applicant: { name: '陈静', idNumber: ID, phone: null }, materials } });
    expect(created.status(), await created.text()).toBe(201);
    const { record, ratingToken } = await created.json();
    expect((await cadre.post(`/api/services/records/${record.id}/steps`, { data: { version: record.version, action: 'complete', delivery: 'on_site' } })).status()).toBe(200);

    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const page = await ctx.newPage();
    const problems = pageProblems(page);
    await page.goto(`/rate/${ratingToken}`);
    await expect(page.getByTestId('rate-number').textContent()).resolves.toBe(record.number);
    expect(await page.getByTestId('rate-item').textContent()).toBe('居住证签注');
    expect(await page.locator('body').textContent()).not.toContain('陈静');
    expect(await page.getByTestId('rate-submit').isDisabled()).toBe(true);
    await page.getByTestId('level-4').tap();
    await page.getByTestId('efficiency-5').tap();
    await page.getByTestId('attitude-4').tap();
    await page.getByTestId('rate-comment').fill('材料一次讲清楚，很快');
    await page.getByTestId('rate-submit').tap();
    await page.getByTestId('rate-sent').waitFor();
    expect(await page.getByTestId('rate-sent').getAttribute('data-bad')).toBe('false');
    const rating = await db.selectFrom('service_ratings').selectAll().where('record_id', '=', record.id).executeTakeFirstOrThrow();
    expect(rating).toMatchObject({ level: 4, comment: '材料一次讲清楚，很快', channel: 'qr', named: 1, case_id: null });
    expect(JSON.parse(rating.scores)).toEqual({ efficiency: 5, attitude: 4 });
    // Once: the same link now says it was rated.
    await page.reload();
    await expect(page.getByTestId('rate-done').textContent()).resolves.toContain('满意');
    // The point's page now publishes its 好评率 with this rating among its count, and nothing of the rater.
    const ratings = await db.selectFrom('service_ratings').select(['level']).where('point_id', '=', point.id).where('voided_at', 'is', null).execute();
    await page.goto('/point/YW008-CW01');
    const good = ratings.filter((r) => r.level >= 3).length;
    await expect(page.getByTestId('point-good-rate').textContent()).resolves.toContain(`${Math.floor(Math.floor((good * 1000) / ratings.length) / 10)}.${Math.floor((good * 1000) / ratings.length) % 10}%`);
    expect(await page.getByTestId('point-good-rate').textContent()).toContain(`${ratings.length} 条评价`);
    expect(await page.locator('body').textContent()).not.toContain('材料一次讲清楚');
    expect(problems, problems.join('\n')).toEqual([]);
    await ctx.close();
  });

  it('a 差评 from the phone keeps its outcome-feedback link through a reload; the feedback page waits for the follow-up and says why; a bad link names "链接"', async () => {
    const db = suite.server.db;
    const point = await db.selectFrom('service_points').select('id').where('code', '=', 'YW008-CW01').executeTakeFirstOrThrow();
    const item = await db.selectFrom('service_items').innerJoin('service_item_versions as v', 'v.item_id', 'service_items.id')
      .select(['service_items.id', 'v.materials']).where('v.name_zh', '=', '居住证签注').executeTakeFirstOrThrow();
    const cadre = (await newContext(suite.browser, suite.server.url)).request;
    expect((await cadre.post('/api/auth/sign-in', { data: { username: 'cadre01', password: DEMO_PASSWORD } })).status()).toBe(200);
    const materials = (JSON.parse(item.materials) as unknown[]).map((_, index) => ({ index, received: true }));
    const created = await cadre.post('/api/services/records', { data: { pointId: point.id, itemId: item.id, applicant: { name: '陈静', idNumber: withCheckDigit('31010519870303004'), phone: null }, materials } });
    expect(created.status(), await created.text()).toBe(201);
    const { record, ratingToken } = await created.json();
    expect((await cadre.post(`/api/services/records/${record.id}/steps`, { data: { version: record.version, action: 'complete', delivery: 'on_site' } })).status()).toBe(200);

    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const page = await ctx.newPage();
    const problems = pageProblems(page);
    await page.goto(`/rate/${ratingToken}`);
    await page.getByTestId('level-1').tap();
    // A 差评 is sent with its reason: the page says so before sending, blanks are no reason.
    expect(await page.getByTestId('rate-submit').isDisabled()).toBe(true);
    expect(await page.getByTestId('rate-need-reason').textContent()).toBe('差评请先填写不满意的原因');
    expect(await page.getByTestId('rate-comment-hint').textContent()).toContain('差评须说明原因');
    await page.getByTestId('rate-comment').fill('   ');
    expect(await page.getByTestId('rate-submit').isDisabled()).toBe(true);
    await page.getByTestId('rate-comment').fill('排队太久');
    expect(await page.getByTestId('rate-submit').isDisabled()).toBe(false);
    expect(await page.getByTestId('rate-need-reason').count()).toBe(0);
    await page.getByTestId('rate-submit').tap();
    await page.getByTestId('rate-sent').waitFor();
    const link = (await page.getByTestId('feedback-link').getAttribute('href'))!;
    expect(link).toMatch(/^\/rate\/feedback\/[A-Za-z0-9_-]{16,}$/);
    // Reloaded (or opened again from the QR code): rated already, and the feedback link is still there.
    await page.reload();
    await page.getByTestId('rate-done').waitFor();
    expect(await page.getByTestId('feedback-link').getAttribute('href')).toBe(link);
    // The follow-up is still open: nothing to judge yet, and the page says so on load.
    await page.getByTestId('feedback-link').tap();
    await page.getByTestId('feedback-open').waitFor();
    expect(await page.getByTestId('feedback').getAttribute('data-state')).toBe('open');
    expect(await page.getByTestId('feedback-satisfied').count()).toBe(0);
    // A mistyped booking link names the link, not the API's field.
    await page.goto('/booking/badtoken123');
    const bad = page.getByTestId('booking-view-error');
    await bad.waitFor();
    expect(await bad.textContent()).toContain('链接');
    expect(await bad.textContent()).not.toContain('token');
    expect(problems.filter((p) => !/\b(404|400)\b/.test(p)), problems.join('\n')).toEqual([]);
    await ctx.close();
  });
});

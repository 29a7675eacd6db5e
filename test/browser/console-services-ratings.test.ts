import { beforeAll, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { clickNav } from './helpers/nav.js';
import { ensureServicesDemo, recordAtWindow } from './helpers/services.js';
import { browserSuite } from './helpers/suite.js';

const DESKTOP = { viewport: { width: 1400, height: 900 } };

describeBrowser('console: 一网通办 ratings', () => {
  const suite = browserSuite();
  beforeAll(async () => {
    await ensureServicesDemo(suite.server);
  });

  it('a named 差评 shows in the KPI as open and the desk records the 回访 from its follow-up', async () => {
    const db = suite.server.db;
    const rec = await recordAtWindow(suite.server, suite.browser, 'window1', { name: '陆建华', idNumber: withCheckDigit('31010519660202005'), phone: '13912340000' });
    const pub = await newContext(suite.browser, suite.server.url);
    const rated = await pub.request.post(`/api/public/rate/${rec.ratingToken}`, { data: { level: 1, comment: '等候时间太长', channel: 'qr' } });
    expect(rated.status(), await rated.text()).toBeLessThan(300);
    await pub.close();

    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await clickNav(page, 'nav-yw-ratings');
    // a period that holds the 差评's deadline (5 working days on)
    const later = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + 30 * 86_400_000));
    await page.getByTestId('yw-rat-to').fill(later);
    await eventually(() => page.getByTestId('yw-rat-open').textContent()).toMatch(/未结差评 [1-9]\d* 件/);
    const row = page.getByTestId(`yw-rating-${rec.record.id}`);
    await row.waitFor();
    expect(await row.getAttribute('data-bad')).toBe('true');
    expect(await row.textContent()).toContain('等候时间太长');
    await page.getByTestId(`yw-rating-open-${rec.record.id}`).click();
    const panel = page.getByTestId('yw-followup');
    await panel.waitFor();
    expect(await panel.getAttribute('data-case-status')).toBe('dispatched');
    // the desk is not the person rated: no appeal form; it records the call back
    expect(await page.getByTestId('fu-appeal-reason').count()).toBe(0);
    // whom to call: the named rater's name and number, whole for the desk
    expect(await page.getByTestId('fu-rater').getAttribute('data-masked')).toBe('false');
    expect(await page.getByTestId('fu-rater').textContent()).toMatch(/陆建华.*13912340000/);
    expect(await page.getByTestId('fu-callback-submit').isDisabled()).toBe(true);
    await page.getByTestId('fu-callback-note').fill('已致电评价人，了解到午间排队过久');
    await page.getByTestId('fu-callback-submit').click();
    await page.getByTestId('fu-callback-done').waitFor();
    expect(await page.getByTestId('fu-callback-done').textContent()).toContain('午间排队过久');
    const f = await db
      .selectFrom('service_rating_followups as f')
      .innerJoin('service_ratings as r', 'r.id', 'f.rating_id')
      .select(['f.callback_note', 'f.callback_at'])
      .where('r.record_id', '=', rec.record.id)
      .executeTakeFirstOrThrow();
    expect(f.callback_note).toBe('已致电评价人，了解到午间排队过久');
    // A second contact is added to the history, in order; the first stays the 回访 the KPI counts.
    await page.getByTestId('fu-callback-channel').selectOption('sms');
    await page.getByTestId('fu-callback-outcome').selectOption('unreachable');
    await page.getByTestId('fu-callback-note').fill('短信告知整改安排，未回复');
    await page.getByTestId('fu-callback-submit').click();
    await eventually(() => page.getByTestId('fu-contact').count()).toBe(2);
    expect(await page.getByTestId('fu-contact').nth(0).textContent()).toContain('午间排队过久');
    expect(await page.getByTestId('fu-contact').nth(1).getAttribute('data-channel')).toBe('sms');
    expect(await page.getByTestId('fu-contact').nth(1).textContent()).toMatch(/短信.*未联系上.*未回复/);
    expect(await page.getByTestId('fu-callback-done').textContent()).toContain('午间排队过久');
    await eventually(() => page.getByTestId(`yw-rating-open-${rec.record.id}`).textContent()).toBe('待整改');
    await ctx.close();
  });
});

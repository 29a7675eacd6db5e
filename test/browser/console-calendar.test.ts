import { expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';
import { newId } from '../../src/domain/shared/ids.js';

const DESKTOP = { viewport: { width: 1366, height: 900 } };

describeBrowser('console: the working-day calendar', () => {
  const suite = browserSuite();

  it("the administrator previews a year's schedule, imports it only after the preview, and sets and removes a single day", async () => {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'admin');
    await clickNav(page, 'nav-calendar');
    await page.getByTestId('calendar-year').fill('2031');
    await page.getByTestId('calendar-schedule').fill('# 2031年部分节假日安排\n2031-01-01 休 元旦\n2031-01-22..2031-01-28 休 春节\n2031-01-26 班 春节调休');
    // A day both a holiday and a workday: refused on the field, naming the line, in Chinese.
    await page.getByTestId('calendar-preview').click();
    await eventually(() => page.getByTestId('error-schedule').textContent()).toContain('第 4 行');
    await page.getByTestId('calendar-schedule').fill('# 2031年部分节假日安排\n2031-01-01 休 元旦\n2031-01-22..2031-01-28 休 春节\n2031-02-08 班 春节调休');
    expect(await page.getByTestId('calendar-apply').isDisabled()).toBe(true);
    await page.getByTestId('calendar-preview').click();
    await eventually(() => page.getByTestId('calendar-previewed').textContent()).toContain('列出 9 天（休 8 天、调休上班 1 天）');
    // The bookings the import would cancel are counted too (none booked in 2031).
    expect(await page.getByTestId('calendar-bookings').textContent()).toContain('预约：0 个预约');
    expect(await suite.server.db.selectFrom('calendar_overrides').select('id').where('date', '>=', '2031-01-01').execute()).toHaveLength(0);
    // Editing the text after the preview asks for a new preview.
    await page.getByTestId('calendar-schedule').press('End');
    await page.getByTestId('calendar-schedule').type(' ');
    expect(await page.getByTestId('calendar-apply').isDisabled()).toBe(true);
    await page.getByTestId('calendar-preview').click();
    await eventually(() => page.getByTestId('calendar-apply').isEnabled()).toBe(true);
    await page.getByTestId('calendar-apply').click();
    await eventually(() => page.getByTestId('calendar-imported').textContent()).toContain('已导入：2031 年');
    await eventually(() => page.locator('[data-testid=calendar-override][data-date="2031-02-08"]').getAttribute('data-kind')).toBe('workday');

    await page.getByTestId('calendar-day-date').fill('2031-03-05');
    await page.getByTestId('calendar-day-note').fill('台风停工');
    await page.getByTestId('calendar-day-save').click();
    await eventually(() => page.getByTestId('calendar-day-result').textContent()).toContain('已保存');
    const row = page.locator('[data-testid=calendar-override][data-date="2031-03-05"]');
    await eventually(() => row.getAttribute('data-kind')).toBe('holiday');
    await row.getByTestId('calendar-override-remove').click();
    await eventually(() => page.getByTestId('calendar-day-result').textContent()).toContain('已恢复法定安排');
    await eventually(() => row.count()).toBe(0);
    await ctx.close();
  });
  it('offers a district administrator of a city deployment "all my subdistricts", never "everywhere", and writes one day per subdistrict of theirs', async () => {
    const db = suite.server.db;
    const districtA = (await db.selectFrom('subdistricts').select('district_id').where('code', '=', '008').executeTakeFirstOrThrow()).district_id;
    const aSubs = (await db.selectFrom('subdistricts').select('id').where('district_id', '=', districtA).execute()).map((r) => r.id).sort();
    // A second district in the same instance: district A's administrator no longer covers all of it.
    const districtB = newId();
    const b1 = newId();
    const now = new Date().toISOString();
    await db.insertInto('districts').values({ id: districtB, code: '310104', name: '徐汇区', name_en: 'Xuhui', created_at: now }).execute();
    await db.insertInto('subdistricts').values({ id: b1, district_id: districtB, code: '901', name: '天平路街道', name_en: 'Tianping Road', created_at: now }).execute();
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'district-admin');
    await clickNav(page, 'nav-calendar');
    const scope = page.getByTestId('calendar-scope');
    await eventually(() => scope.locator('option').count()).toBe(aSubs.length + 1);
    expect(await scope.locator('option[value="*"]').count()).toBe(0);
    expect(await scope.inputValue()).toBe('mine');
    expect(await scope.locator('option[value="mine"]').textContent()).toContain('我负责的全部街道');
    await page.getByTestId('calendar-year').fill('2031');
    await page.getByTestId('calendar-day-date').fill('2031-04-15');
    await page.getByTestId('calendar-day-note').fill('区级停工');
    await page.getByTestId('calendar-day-save').click();
    await eventually(() => page.getByTestId('calendar-day-result').textContent()).toContain('已保存');
    const rows = await db.selectFrom('calendar_overrides').select('subdistrict_id').where('date', '=', '2031-04-15').execute();
    expect(rows.map((r) => r.subdistrict_id).sort()).toEqual(aSubs);
    await ctx.close();
  });
});

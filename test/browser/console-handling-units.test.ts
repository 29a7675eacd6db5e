import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, pageProblems, PHONE, signInThroughForm } from './helpers/browser.js';
import { expectAccessible } from './helpers/axe.js';
import { clickNav } from './helpers/nav.js';
import { saveShot } from './helpers/shots.js';
import { browserSuite } from './helpers/suite.js';

const DESKTOP = { viewport: { width: 1366, height: 768 } };

/** How far the page is wider than the window (0: no horizontal scroll). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describeBrowser('console: the administrator keeps the handling units', () => {
  const suite = browserSuite();

  it('adds a unit, is told which field is wrong, edits and retires it; audited, without horizontal scroll', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    const problems = pageProblems(page);
    await signInThroughForm(page, 'admin');
    await page.getByTestId('who').waitFor();
    await clickNav(page, 'nav-handling-units');
    await page.waitForURL(/\/handling-units$/);
    await eventually(() => page.getByTestId('unit-row').count()).toBeGreaterThan(10);
    expect(await overflow(page)).toBeLessThanOrEqual(0);

    await page.getByTestId('units-add').click();
    await page.waitForURL(/\/handling-units\/new$/);
    // Nothing named and a phone that is not one: both fields say why, in Chinese.
    await page.getByTestId('unit-contactPhone').fill('找王经理');
    await page.getByTestId('unit-save').click();
    await eventually(() => page.getByTestId('error-name').count()).toBe(1);
    expect(await page.getByTestId('error-contactPhone').count()).toBe(1);
    expect(await page.getByTestId('error-contactPhone').textContent()).not.toMatch(/[a-z]{4}/);
    await saveShot(page, 'handling-units-form-errors-1366');
    await expectAccessible(page, 'handling-unit form with errors');

    await page.getByTestId('unit-name').fill('界面测试物业有限公司');
    await page.getByTestId('unit-nameEn').fill('UI Test Property Co.');
    await page.getByTestId('unit-contactName').fill('王经理');
    await page.getByTestId('unit-contactPhone').fill('021-62340001');
    await page.getByTestId('unit-save').click();
    await page.waitForURL(/\/handling-units$/);
    const row = page.locator('[data-testid=unit-row][data-name="界面测试物业有限公司"]');
    await eventually(() => row.count()).toBe(1);
    await saveShot(page, 'handling-units-list-1366');
    await expectAccessible(page, 'handling-units list');
    expect(await row.textContent()).toContain('021-62340001');
    const db = suite.server.db;
    const created = await db.selectFrom('handling_units').selectAll().where('name', '=', '界面测试物业有限公司').executeTakeFirstOrThrow();
    expect(created).toMatchObject({ kind: 'property_company', name_en: 'UI Test Property Co.', contact_name: '王经理', contact_phone: '021-62340001', status: 'active' });

    await row.getByTestId('unit-edit').click();
    await page.waitForURL(new RegExp(`/handling-units/${created.id}/edit$`));
    await eventually(() => page.getByTestId('unit-name').inputValue()).toBe('界面测试物业有限公司');
    expect(await page.getByTestId('unit-contactPhone').inputValue()).toBe('021-62340001');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.getByTestId('unit-name').fill('界面测试物业（改名）');
    await page.getByTestId('unit-contactPhone').fill('021-62340002');
    await page.getByTestId('unit-status-select').selectOption('retired');
    await page.getByTestId('unit-save').click();
    await page.waitForURL(/\/handling-units$/);
    const edited = page.locator('[data-testid=unit-row][data-name="界面测试物业（改名）"]');
    await eventually(() => edited.count()).toBe(1);
    expect(await edited.getByTestId('unit-status').textContent()).toBe('已停用');
    expect(await db.selectFrom('handling_units').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow()).toMatchObject({
      name: '界面测试物业（改名）', contact_phone: '021-62340002', status: 'retired',
    });
    const audit = await db.selectFrom('audit_log').select(['action', 'before_json', 'after_json']).where('entity_id', '=', created.id).orderBy('seq').execute();
    expect(audit.map((e) => e.action)).toEqual(['handling_unit.create', 'handling_unit.update']);
    expect(JSON.parse(audit[1]!.before_json as string)).toMatchObject({ name: '界面测试物业有限公司', status: 'active' });
    expect(JSON.parse(audit[1]!.after_json as string)).toMatchObject({ name: '界面测试物业（改名）', status: 'retired' });

    // The retired filter, and the page in English.
    await page.getByTestId('units-status').selectOption('retired');
    await eventually(() => page.getByTestId('unit-row').count()).toBe(1);
    await page.evaluate(() => localStorage.setItem('closeloop.lang', 'en'));
    await page.reload();
    await eventually(() => page.locator('h1').textContent()).toBe('Handling units');
    expect(await page.getByTestId('unit-row').first().textContent()).toContain('UI Test Property Co.');
    expect(await page.getByTestId('unit-status').first().textContent()).toBe('Retired');

    expect(problems.filter((p) => p !== '400 POST /api/handling-units')).toEqual([]);
    await ctx.close();
  });

  it('fits a phone: list and form without horizontal scroll', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const page = await ctx.newPage();
    const problems = pageProblems(page);
    await signInThroughForm(page, 'admin');
    await page.getByTestId('who').waitFor();
    await page.goto('/handling-units');
    await eventually(() => page.getByTestId('unit-row').count()).toBeGreaterThan(10);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await saveShot(page, 'handling-units-list-phone');
    await page.getByTestId('unit-edit').first().click();
    await eventually(() => page.getByTestId('unit-name').inputValue()).not.toBe('');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await saveShot(page, 'handling-units-form-phone', true);
    expect(problems).toEqual([]);
    await ctx.close();
  });
});

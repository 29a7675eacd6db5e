import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, openPopup, signInThroughForm } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';

describeBrowser('console: language, finding sites on the list and the map, add and edit', () => {
  const suite = browserSuite();
  let admin: BrowserContext;

  beforeAll(async () => {
    admin = await newContext(suite.browser, suite.server.url, { viewport: { width: 1400, height: 900 } });
    const page = await admin.newPage();
    await signInThroughForm(page, 'admin');
    await page.getByTestId('who').waitFor();
    await page.goto('/sites');
    await page.getByTestId('site-table').waitFor();
    await page.close();
  });

  const totalText = (page: Page) => page.getByTestId('site-total').textContent();

  it('switches zh → en and back; the choice survives a reload', async () => {
    const ctx = await newContext(suite.browser, suite.server.url);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await page.getByTestId('who').waitFor();
    await page.goto('/sites');
    await page.getByTestId('site-table').waitFor();
    expect(await page.getByTestId('nav-sites').textContent()).toBe('点位');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('h1').first().textContent()).toBe('点位管理');

    await page.getByTestId('lang-switch').click();
    await eventually(() => page.getByTestId('nav-sites').textContent()).toBe('Sites');
    expect(await page.locator('h1').first().textContent()).toBe('Sites');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    const kinds = await page.locator('[data-testid=site-table] tbody tr td:nth-child(2)').allTextContents();
    expect(kinds.every((k) => ['Bin room', 'Community unit', 'Street shop'].includes(k))).toBe(true);

    await page.reload();
    await page.getByTestId('site-table').waitFor();
    expect(await page.getByTestId('nav-sites').textContent()).toBe('Sites');

    await page.getByTestId('lang-switch').click();
    await eventually(() => page.getByTestId('nav-sites').textContent()).toBe('点位');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await ctx.close();
  });

  it('finds a site by search on the list, and on the map: its marker is there and opens its popup', async () => {
    const target = await suite.server.db.selectFrom('sites').select(['id', 'name', 'address', 'qr_code']).where('qr_code', '=', 'HQ-BR-0042').executeTakeFirstOrThrow();
    const page = await admin.newPage();
    await page.goto('/sites');
    await page.getByTestId('site-table').waitFor();
    await eventually(() => totalText(page)).toBe('共 1007 条');

    await page.getByTestId('site-search').fill('HQ-BR-0042');
    await page.getByTestId('site-search-submit').click();
    await eventually(() => totalText(page)).toBe('共 1 条');
    expect(await page.locator('[data-testid=site-table] tbody tr').count()).toBe(1);
    expect(await page.locator(`[data-testid=site-table] tr[data-site-id="${target.id}"]`).textContent()).toContain(target.name);
    expect(page.url()).toContain('q=HQ-BR-0042');

    await page.locator('[data-testid=site-map][data-state=ready]').waitFor();
    await eventually(() => page.locator('path.site-marker').count()).toBe(1);
    const marker = page.locator(`path.site-marker[data-site-id="${target.id}"]`);
    await marker.click();
    const popup = await openPopup(page, target.name);
    await eventually(() => popup.locator('.popup-address').textContent()).toBe(target.address);
    // "Locate" on the list row also opens the marker's popup.
    await page.locator('.leaflet-popup-close-button').click();
    await eventually(() => page.locator('.leaflet-popup').count()).toBe(0);
    await page.locator(`tr[data-site-id="${target.id}"]`).getByRole('button', { name: '定位' }).click();
    await openPopup(page, target.name);
    await popup.locator('.popup-link').click();
    await page.waitForURL(new RegExp(`/sites/${target.id}$`));
    expect(await page.getByTestId('site-name').textContent()).toBe(target.name);
    expect(await page.getByTestId('site-facts').textContent()).toContain('HQ-BR-0042');
    await page.close();
  });

  it('a name search lists exactly the matching sites; kind and committee filters narrow list and map alike', async () => {
    // The Hongqiao administrator sees Hongqiao only (Xianxia has hair salons too).
    const hongqiao = await suite.server.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
    const like = await suite.server.db.selectFrom('sites').select('id').where('name', 'like', '%理发店%').where('status', '=', 'active').where('subdistrict_id', '=', hongqiao.id).execute();
    const page = await admin.newPage();
    await page.goto('/sites?q=理发店');
    await eventually(() => totalText(page)).toBe(`共 ${like.length} 条`);
    const names = await page.locator('[data-testid=site-table] tbody tr td:first-child').allTextContents();
    expect(names.every((n) => n.includes('理发店'))).toBe(true);
    await page.locator('[data-testid=site-map][data-state=ready]').waitFor();
    await eventually(() => page.locator('path.site-marker').count()).toBe(like.length);

    const committee = await suite.server.db.selectFrom('committees').select(['id', 'name']).where('code', '=', '001').where('subdistrict_id', '=', hongqiao.id).executeTakeFirstOrThrow();
    const units = await suite.server.db.selectFrom('sites').select('id').where('kind', '=', 'institution').where('committee_id', '=', committee.id).where('status', '=', 'active').execute();
    await page.goto('/sites');
    await page.getByTestId('filter-kind').selectOption('institution');
    await page.getByTestId('filter-committee').selectOption(committee.id);
    await eventually(() => page.url()).toContain(`committeeId=${committee.id}`);
    await eventually(() => totalText(page)).toBe(`共 ${units.length} 条`);
    const kinds = await page.locator('[data-testid=site-table] tbody tr td:nth-child(2)').allTextContents();
    expect(new Set(kinds)).toEqual(new Set(['社区单位']));
    await eventually(() => page.locator('path.site-marker').count()).toBe(units.length);
    expect(await page.getByTestId('site-export').getAttribute('href')).toBe(`/api/export/sites.xlsx?committeeId=${committee.id}&kind=institution&status=active`);
    await page.close();
  });

  it('an administrator adds a site (field errors shown by field), edits it, retires and restores it', async () => {
    const committee = await suite.server.db.selectFrom('committees').select(['id', 'name']).where('name', '=', '古北居民区').executeTakeFirstOrThrow();
    const page = await admin.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto('/sites');
    await page.getByTestId('site-add').click();
    await page.locator('input[name=name]').fill('测试新增箱房');
    await page.locator('input[name=address]').fill('古北路1号');
    await page.locator('select[name=committeeId]').selectOption(committee.id);
    await page.locator('input[name=lng]').fill('200');
    await page.locator('input[name=lat]').fill('31.2');
    await page.locator('input[name=qrCode]').fill('HQ-BR-0001'); // already on another plate
    await page.getByTestId('site-save').click();
    await page.getByTestId('error-lng').waitFor();
    expect(await page.getByTestId('error-lng').textContent()).toBe('不能大于 135.1');

    await page.locator('input[name=lng]').fill('121.4033');
    await page.getByTestId('site-save').click();
    await page.getByTestId('error-qrCode').waitFor();
    await page.locator('input[name=qrCode]').fill('HQ-BR-9001');
    await page.getByTestId('site-save').click();
    await page.waitForURL(/\/sites\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId('site-name').textContent()).toBe('测试新增箱房');
    const id = page.url().split('/').pop()!;
    const row = await suite.server.db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: '测试新增箱房', committee_id: committee.id, lng: 121.4033, lat: 31.2, qr_code: 'HQ-BR-9001', version: 1 });
    expect(JSON.parse(row.disposal_hours!)).toEqual([['07:00', '09:00'], ['18:00', '20:00']]);

    await page.getByTestId('site-edit').click();
    await eventually(() => page.locator('input[name=name]').inputValue()).toBe('测试新增箱房');
    await page.locator('input[name=name]').fill('测试新增箱房（改）');
    await page.getByTestId('site-save').click();
    await page.waitForURL(new RegExp(`/sites/${id}$`));
    await eventually(() => page.getByTestId('site-name').textContent()).toBe('测试新增箱房（改）');

    await page.getByTestId('site-retire').click();
    await page.getByTestId('site-restore').waitFor();
    expect((await suite.server.db.selectFrom('sites').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('retired');
    await page.getByTestId('site-restore').click();
    await page.getByTestId('site-retire').waitFor();
    expect((await suite.server.db.selectFrom('sites').select(['status', 'version']).where('id', '=', id).executeTakeFirstOrThrow())).toEqual({ status: 'active', version: 4 });
    await page.close();
  });

  it('an administrator adds a staff member; a bad field is named next to it', async () => {
    const page = await admin.newPage();
    await page.goto('/staff');
    await page.getByTestId('staff-add').click();
    await page.locator('input[name=username]').fill('new.patrol');
    await page.locator('input[name=displayName]').fill('新巡查员');
    await page.locator('input[name=phone]').fill('13911112222');
    await page.locator('select[name=role]').selectOption('patrol');
    await page.locator('input[name=password]').fill('short');
    await page.getByTestId('staff-save').click();
    await page.getByTestId('error-password').waitFor();
    expect(await suite.server.db.selectFrom('users').select('id').where('username', '=', 'new.patrol').execute()).toEqual([]);

    await page.locator('input[name=password]').fill('a-long-enough-password');
    await page.getByTestId('staff-save').click();
    await page.waitForURL(/\/staff$/);
    await page.getByTestId('staff-search').fill('new.patrol');
    await page.getByTestId('staff-search').press('Enter');
    await eventually(() => page.locator('[data-testid=staff-table] tbody tr').count()).toBe(1);
    expect(await page.locator('tr[data-username="new.patrol"]').textContent()).toContain('市容辅助力量');
    const user = await suite.server.db.selectFrom('users').select(['role', 'display_name']).where('username', '=', 'new.patrol').executeTakeFirstOrThrow();
    expect(user).toEqual({ role: 'patrol', display_name: '新巡查员' });

    // Edit: disable the account; the scope is left as it was.
    const scopesBefore = await suite.server.db.selectFrom('user_scopes as us').innerJoin('users as u', 'u.id', 'us.user_id').select(['us.subdistrict_id', 'us.committee_id']).where('u.username', '=', 'new.patrol').execute();
    await page.locator('tr[data-username="new.patrol"] a').click();
    await eventually(() => page.locator('input[name=displayName]').inputValue()).toBe('新巡查员');
    await page.locator('select[name=status]').selectOption('disabled');
    await page.getByTestId('staff-save').click();
    await page.waitForURL(/\/staff$/);
    const after = await suite.server.db.selectFrom('users').select('status').where('username', '=', 'new.patrol').executeTakeFirstOrThrow();
    expect(after.status).toBe('disabled');
    const scopesAfter = await suite.server.db.selectFrom('user_scopes as us').innerJoin('users as u', 'u.id', 'us.user_id').select(['us.subdistrict_id', 'us.committee_id']).where('u.username', '=', 'new.patrol').execute();
    expect(scopesAfter).toEqual(scopesBefore);
    await page.close();
  });
});

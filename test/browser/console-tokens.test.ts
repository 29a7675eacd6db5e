import { request as pwRequest } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';

const DESKTOP = { viewport: { width: 1400, height: 900 } };

describeBrowser('console: API tokens for integrations (camera / IoT)', () => {
  const suite = browserSuite();


  it('the operator creates a token (shown once), a camera posts an alert with it, and once revoked it no longer works', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await clickNav(page, 'nav-tokens');
    await page.getByTestId('token-name').fill('虹桥路口摄像头 #3');
    await page.getByTestId('token-ttl').fill('60');
    // a camera reports cases: the integration scope besides read (a read-only token could not post the alert)
    await page.getByTestId('token-scope-integration').check();
    await page.getByTestId('token-create').click();
    const secret = (await page.getByTestId('token-secret').textContent())!;
    expect(secret).toMatch(/^clt_[A-Za-z0-9_-]{40,}$/);
    const row = page.locator('[data-testid=token-row]', { hasText: '虹桥路口摄像头 #3' });
    await row.waitFor();
    expect(await row.locator('[data-col=last-used]').textContent()).toBe('从未');
    expect(await row.locator('[data-col=scopes]').textContent()).toBe('只读、系统对接');
    // only administrators see the longest-lifetime setting
    expect(await page.getByTestId('token-max-form').count()).toBe(0);
    const stored = await suite.server.db.selectFrom('api_tokens').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(secret); // only its hash is kept

    // the camera platform calls the API with the bearer token: a camera alert enters the loop as the operator
    const op = await suite.server.db.selectFrom('users').select(['id', 'subdistrict_id']).where('username', '=', 'operator').executeTakeFirstOrThrow();
    const site = await suite.server.db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', op.subdistrict_id!).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    const cat = await suite.server.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', op.subdistrict_id!).where('code', '=', 'A0101').executeTakeFirstOrThrow();
    const camera = await pwRequest.newContext({ baseURL: suite.server.url, extraHTTPHeaders: { authorization: `Bearer ${secret}` } });
    const alert = { source: 'camera', categoryId: cat.id, siteId: site.id, lng: site.lng, lat: site.lat, description: 'AI 识别：湿垃圾桶满溢' };
    const res = await camera.post('/api/cases', { data: alert, headers: { 'idempotency-key': 'cam3-20261126-0001' } });
    expect(res.status(), await res.text()).toBe(201);
    const made = await res.json();
    expect(await suite.server.db.selectFrom('cases').select(['source', 'reporter_id']).where('id', '=', made.id).executeTakeFirstOrThrow()).toEqual({ source: 'camera', reporter_id: op.id });

    // the page shows it used; the secret is not shown again after a reload
    await page.reload();
    await eventually(() => row.locator('[data-col=last-used]').textContent()).not.toBe('从未');
    expect(await page.getByTestId('token-secret-box').count()).toBe(0);
    expect(await (await page.request.get('/api/me/tokens')).text()).not.toContain(secret);

    await row.getByTestId('token-revoke').click();
    await eventually(() => row.getAttribute('data-revoked')).toBe('true');
    const refused = await camera.post('/api/cases', { data: { ...alert, description: '再次告警' }, headers: { 'idempotency-key': 'cam3-20261126-0002' } });
    expect(refused.status()).toBe(401);
    await camera.dispose();

    // tokens are personal: another person does not see them
    const other = await newContext(suite.browser, suite.server.url, DESKTOP);
    const op2 = await other.newPage();
    await signInThroughForm(op2, 'patrol1');
    await clickNav(op2, 'nav-tokens');
    await op2.getByTestId('token-table').waitFor();
    await eventually(() => op2.locator('.muted', { hasText: '还没有令牌' }).count()).toBe(1);
    expect(await op2.getByTestId('token-row').count()).toBe(0);
    await Promise.all([ctx.close(), other.close()]);
  });

  it('the district-level administrator sets the longest token lifetime; a longer token is then refused naming the field', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    // A subdistrict's administrator is not offered the setting: it applies to every subdistrict.
    const sub = await ctx.newPage();
    await signInThroughForm(sub, 'admin');
    await clickNav(sub, 'nav-tokens');
    await sub.getByTestId('token-table').waitFor();
    expect(await sub.getByTestId('token-max-form').count()).toBe(0);
    await sub.close();
    await ctx.clearCookies();
    const page = await ctx.newPage();
    await signInThroughForm(page, 'district-admin');
    await clickNav(page, 'nav-tokens');
    await eventually(() => page.getByTestId('token-max-days').inputValue()).toBe('90');
    await page.getByTestId('token-max-days').fill('30');
    await page.getByTestId('token-max-save').click();
    await page.locator('.alert-ok', { hasText: '30' }).waitFor();
    const audit = await suite.server.db.selectFrom('audit_log').select(['before_json', 'after_json']).where('action', '=', 'settings.token_lifetime').executeTakeFirstOrThrow();
    expect([JSON.parse(audit.before_json!), JSON.parse(audit.after_json!)]).toEqual([{ maxDays: 90 }, { maxDays: 30 }]);
    await page.getByTestId('token-name').fill('长期令牌');
    await page.getByTestId('token-ttl').fill('31');
    await page.getByTestId('token-create').click();
    await page.locator('.field-error, [role=alert]', { hasText: '30' }).first().waitFor();
    expect(await page.getByTestId('token-secret-box').count()).toBe(0);
    await ctx.close();
  });
});

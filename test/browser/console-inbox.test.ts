import { randomUUID } from 'node:crypto';
import type { APIRequestContext } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';

const DESKTOP = { viewport: { width: 1400, height: 900 } };

describeBrowser('console: inbox badge and list; robot webhook and delivery log', () => {
  const suite = browserSuite();
  let hq: string;

  beforeAll(async () => {
    hq = await subdistrictOf(suite.server, 'admin');
  });

  async function post(req: APIRequestContext, path: string, data: unknown) {
    const res = await req.post(path, { data, headers: { 'idempotency-key': randomUUID() } });
    expect(res.status(), await res.text()).toBeLessThan(300);
    return res.json();
  }

  /** The operator takes in a citizen report and dispatches it to handler1's unit: handler1 gets a "新派单" notice. */
  async function dispatchToHandler(description: string) {
    const handler = await suite.server.db.selectFrom('users').select(['handling_unit_id']).where('username', '=', 'handler1').executeTakeFirstOrThrow();
    const site = await suite.server.db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    const cat = await suite.server.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'A0402').executeTakeFirstOrThrow();
    const op = await newContext(suite.browser, suite.server.url);
    await post(op.request, '/api/auth/sign-in', { username: 'operator', password: DEMO_PASSWORD });
    let c = await post(op.request, '/api/cases', { source: 'citizen', categoryId: cat.id, siteId: site.id, lng: site.lng, lat: site.lat, description });
    c = await post(op.request, `/api/cases/${c.id}/transitions`, { action: 'file', version: c.version });
    c = await post(op.request, `/api/cases/${c.id}/transitions`, { action: 'dispatch', version: c.version, unitId: handler.handling_unit_id });
    await op.close();
    return c as { id: string; number: string };
  }

  it('a dispatched case shows as an unread badge for the handler; reading it in the inbox clears the badge', async () => {
    const a = await dispatchToHandler('市民反映：垃圾桶破损无法使用');
    const b = await dispatchToHandler('市民反映：箱房门锁损坏');
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'handler1');
    await eventually(() => page.getByTestId('inbox-badge').textContent()).toBe('2');
    await page.getByTestId('nav-inbox').click();
    await eventually(() => page.getByTestId('inbox-item').count()).toBe(2);
    // newest first: b then a
    const titles = await page.locator('[data-testid=inbox-item] strong').allTextContents();
    expect(titles).toEqual([`新派单 ${b.number}`, `新派单 ${a.number}`]);

    // mark one read: the badge follows without a reload, and the row is read in the database
    const first = page.getByTestId('inbox-item').nth(0);
    const id = (await first.getAttribute('data-id'))!;
    await first.getByTestId('inbox-mark-read').click();
    await eventually(() => first.getAttribute('data-read')).toBe('true');
    await eventually(() => page.getByTestId('inbox-badge').textContent()).toBe('1');
    expect((await suite.server.db.selectFrom('inbox_items').select('read_at').where('id', '=', id).executeTakeFirstOrThrow()).read_at).not.toBeNull();

    // unread only shows the other one; opening its case marks it read and the badge goes away
    await page.getByTestId('inbox-unread-only').check();
    await eventually(() => page.locator('[data-testid=inbox-item] strong').allTextContents()).toEqual([`新派单 ${a.number}`]);
    await page.getByTestId('inbox-open-case').click();
    await eventually(() => page.getByTestId('case-number').textContent()).toBe(a.number);
    await eventually(() => page.getByTestId('inbox-badge').count()).toBe(0);
    const handlerId = (await suite.server.db.selectFrom('users').select('id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).id;
    expect(await suite.server.db.selectFrom('inbox_items').select('id').where('user_id', '=', handlerId).where('read_at', 'is', null).execute()).toEqual([]);

    // another handler's inbox holds none of these
    const other = await newContext(suite.browser, suite.server.url, DESKTOP);
    const op = await other.newPage();
    await signInThroughForm(op, 'handler2');
    await op.getByTestId('nav-inbox').click();
    await op.getByTestId('inbox-empty').waitFor();
    await Promise.all([ctx.close(), other.close()]);
  });

  it('a patrol\'s report waiting to be filed reaches the operator on duty as an inbox message that opens the case', async () => {
    const site = await suite.server.db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    const cat = await suite.server.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const admin = await newContext(suite.browser, suite.server.url);
    // Jobs act on every subdistrict: a district-level administrator runs one by hand.
    await post(admin.request, '/api/auth/sign-in', { username: 'district-admin', password: DEMO_PASSWORD });
    // A first round announces whatever the demo left waiting (its look-back) and sets the cursor,
    // so the next message holds only the report made below.
    await post(admin.request, '/api/jobs/new-reports/run', {});

    const patrol = await newContext(suite.browser, suite.server.url);
    await post(patrol.request, '/api/auth/sign-in', { username: 'patrol1', password: DEMO_PASSWORD });
    const c = (await post(patrol.request, '/api/cases', { source: 'patrol', categoryId: cat.id, siteId: site.id, lng: site.lng, lat: site.lat, description: '巡查发现：湿垃圾桶内混有塑料袋' })) as { id: string; number: string };
    await patrol.close();

    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    // The job announces reports a few seconds old (so it never misses one still committing): run rounds until it has.
    const operatorId = (await suite.server.db.selectFrom('users').select('id').where('username', '=', 'operator').executeTakeFirstOrThrow()).id;
    const announced = async () => {
      await post(admin.request, '/api/jobs/new-reports/run', {});
      return (await suite.server.db.selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id')
        .select('n.id').where('i.user_id', '=', operatorId).where('n.case_id', '=', c.id).where('n.kind', '=', 'cases_reported').execute()).length;
    };
    await expect.poll(announced, { timeout: 30_000, interval: 1000 }).toBe(1);
    await admin.close();

    await page.getByTestId('nav-inbox').click();
    const item = page.getByTestId('inbox-item').filter({ hasText: `新上报待立案 ${c.number}` });
    await item.waitFor();
    expect(await item.textContent()).toContain('湿垃圾桶内混有塑料袋');
    await item.getByTestId('inbox-open-case').click();
    await eventually(() => page.getByTestId('case-number').textContent()).toBe(c.number);
    await ctx.close();
  });

  it('"mark all read" empties the unread list', async () => {
    await dispatchToHandler('市民反映：可回收物箱满溢');
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'handler1');
    await eventually(() => page.getByTestId('inbox-badge').textContent()).toBe('1');
    await page.getByTestId('nav-inbox').click();
    await page.getByTestId('inbox-unread-only').check();
    await eventually(() => page.getByTestId('inbox-item').count()).toBe(1);
    await page.getByTestId('inbox-read-all').click();
    await page.getByTestId('inbox-empty').waitFor();
    await eventually(() => page.getByTestId('inbox-badge').count()).toBe(0);
    await ctx.close();
  });

  it('the administrator sets the subdistrict robot URL (shown masked) and sends a failed delivery again', async () => {
    await dispatchToHandler('市民反映：分类桶缺失');
    // the robot was down: the delivery job gave up on this message after its last attempt
    const row = await suite.server.db
      .selectFrom('webhook_deliveries as d').innerJoin('notifications as n', 'n.id', 'd.notification_id')
      .select(['d.id']).where('n.body', 'like', '市民反映：分类桶缺失%').executeTakeFirstOrThrow();
    await suite.server.db.updateTable('webhook_deliveries').set({ status: 'failed', attempts: 8, last_error: 'HTTP 502 from robot' }).where('id', '=', row.id).execute();

    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'admin');
    await clickNav(page, 'nav-notifications');
    await eventually(() => page.getByTestId('robot-current').textContent()).toContain('未单独设置');

    // a URL that is not http(s) is refused, naming the field
    await page.getByTestId('robot-url').fill('ftp://qyapi.weixin.qq.com/x');
    await page.getByTestId('robot-save').click();
    await page.getByTestId('error-url').waitFor();
    expect(await suite.server.db.selectFrom('notification_webhooks').select('id').execute()).toEqual([]);

    const url = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
    await page.getByTestId('robot-url').fill(url);
    await page.getByTestId('robot-save').click();
    await eventually(() => page.getByTestId('robot-current').textContent()).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…5aaa');
    expect(await suite.server.db.selectFrom('notification_webhooks').select(['subdistrict_id', 'url', 'enabled']).execute()).toEqual([{ subdistrict_id: hq, url, enabled: 1 }]);

    // the delivery log opens on failed deliveries, with the error; "send again" queues it
    const failed = page.locator(`[data-testid=delivery-row][data-id="${row.id}"]`);
    await failed.waitFor();
    expect(await failed.locator('.error-cell').textContent()).toBe('HTTP 502 from robot');
    expect(await page.locator('[data-testid=delivery-row]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-status')))).toEqual(['failed']);
    await failed.getByTestId('delivery-retry').click();
    await page.getByTestId('delivery-info').waitFor();
    await eventually(() => failed.count()).toBe(0);
    expect(await suite.server.db.selectFrom('webhook_deliveries').select(['status', 'attempts']).where('id', '=', row.id).executeTakeFirstOrThrow()).toEqual({ status: 'pending', attempts: 0 });
    await page.getByTestId('delivery-status').selectOption('pending');
    await failed.waitFor();

    await page.getByTestId('robot-remove').click();
    await eventually(() => page.getByTestId('robot-current').textContent()).toContain('未单独设置');
    expect(await suite.server.db.selectFrom('notification_webhooks').select('id').execute()).toEqual([]);
    await ctx.close();
  });

  it('an operator has no notifications admin page', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await page.getByTestId('nav-inbox').waitFor();
    expect(await page.getByTestId('nav-notifications').count()).toBe(0);
    await page.goto('/notifications');
    await page.getByTestId('not-found').waitFor();
    await ctx.close();
  });
});

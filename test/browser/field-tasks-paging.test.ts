import type { APIRequestContext } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { DEMO_PASSWORD, describeBrowser, eventually, fieldHome, newContext, PHONE, signInThroughForm } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';

const PAGE = 100;

describeBrowser('field app: a handler with more tasks than a page', () => {
  const suite = browserSuite();

  async function post(req: APIRequestContext, path: string, data: unknown) {
    const res = await req.post(path, { data, headers: { 'idempotency-key': randomUUID() } });
    expect(res.status(), await res.text()).toBeLessThan(300);
    return res.json();
  }

  it('sees the first 100 of its unit\'s tasks, then every one after "load more"', async () => {
    const db = suite.server.db;
    const handler = await db.selectFrom('users').select(['handling_unit_id', 'subdistrict_id']).where('username', '=', 'handler1').executeTakeFirstOrThrow();
    const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', handler.subdistrict_id!).where('kind', '=', 'bin_room').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
    const cat = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', handler.subdistrict_id!).where('level', '=', 'standard').where('active', '=', 1).orderBy('code').executeTakeFirstOrThrow();

    const hand = await newContext(suite.browser, suite.server.url);
    await post(hand.request, '/api/auth/sign-in', { username: 'handler1', password: DEMO_PASSWORD });
    const countTasks = async () => {
      let n = 0;
      let after: string | null = null;
      do {
        const page = await (await hand.request.get(`/api/me/tasks?limit=200${after ? `&after=${encodeURIComponent(after)}` : ''}`)).json();
        n += page.items.length;
        after = page.nextCursor;
      } while (after);
      return n;
    };
    const op = await newContext(suite.browser, suite.server.url);
    await post(op.request, '/api/auth/sign-in', { username: 'operator', password: DEMO_PASSWORD });
    for (let have = await countTasks(); have <= PAGE + 3; have++) {
      let c = await post(op.request, '/api/cases', { source: 'patrol', categoryId: cat.id, siteId: site.id, lng: site.lng, lat: site.lat, description: `箱房外堆放垃圾 ${have}` });
      c = await post(op.request, `/api/cases/${c.id}/transitions`, { action: 'file', version: c.version });
      await post(op.request, `/api/cases/${c.id}/transitions`, { action: 'dispatch', version: c.version, unitId: handler.handling_unit_id });
    }
    const total = await countTasks();
    expect(total).toBeGreaterThan(PAGE);
    await op.close();
    await hand.close();

    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const phone = await ctx.newPage();
    await signInThroughForm(phone, 'handler1', '/m/sign-in');
    await fieldHome(phone);
    await phone.getByTestId('tile-tasks').click();
    const links = phone.locator('[data-testid^="tasks-to"] a[data-case-id]');
    await eventually(() => links.count()).toBe(PAGE);
    await phone.getByTestId('tasks-more').click();
    await eventually(() => links.count()).toBe(total);
    const ids = await links.evaluateAll((as) => as.map((a) => a.getAttribute('data-case-id')));
    expect(new Set(ids).size).toBe(total);
    expect(await phone.getByTestId('tasks-more').count()).toBe(0);
    await ctx.close();
  });
});

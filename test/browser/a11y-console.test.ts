/// <reference lib="dom" />
import { afterAll, beforeAll, it } from 'vitest';
import { expectAccessible } from './helpers/axe.js';
import { describeBrowser, newContext } from './helpers/browser.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { caseInLoop, ladderAtShop } from './helpers/demo-cases.js';
import { ensureServicesDemo, recordAtWindow } from './helpers/services.js';
import { LANGS, roleSessions } from './helpers/sessions.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';

describeBrowser('accessibility of the console: the main pages of each role have no serious axe violations, in Chinese and English', () => {
  const suite = browserSuite();
  const sessions = roleSessions(suite, { context: { viewport: { width: 1366, height: 900 } } });
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await ensureServicesDemo(suite.server);
    const sd = await subdistrictOf(suite.server, 'operator');
    ids.case = await caseInLoop(suite, sd, 'handled');
    Object.assign(ids, await ladderAtShop(suite, sd));
    // A service recorded at a committee window and rated by its applicant: records, ratings, a record.
    const rec = await recordAtWindow(suite.server, suite.browser, 'cadre01', { name: '陈静', idNumber: withCheckDigit('31010519851212003'), phone: null });
    ids.record = rec.record.id;
    const citizen = await newContext(suite.browser, suite.server.url);
    const rated = await citizen.request.post(`/api/public/rate/${rec.ratingToken}`, { data: { level: 2, comment: '等候时间太长', channel: 'qr' } });
    if (rated.status() >= 300) throw new Error(`rating: ${rated.status()} ${await rated.text()}`);
    await citizen.close();
  });
  afterAll(async () => {
    await sessions.close();
  });

  for (const lang of LANGS) {
    it(`sign-in (${lang})`, async () => {
      const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1366, height: 900 } });
      await ctx.addInitScript((l) => localStorage.setItem('closeloop.lang', l), lang);
      const page = await ctx.newPage();
      await page.goto('/sign-in');
      await page.locator('form.sign-in-form').waitFor();
      await expectAccessible(page, `sign-in ${lang}`);
      // A failed sign-in shows its error; that state too.
      await page.locator('input[name=username]').fill('operator');
      await page.locator('input[name=password]').fill('wrong-password');
      await page.locator('form.sign-in-form button[type=submit]').click();
      await page.locator('form.sign-in-form [role=alert], form.sign-in-form .alert').first().waitFor();
      await expectAccessible(page, `sign-in error ${lang}`);
      await ctx.close();
    });

    const PAGES: { name: string; user: string; path: () => string; ready?: string }[] = [
      { name: 'dashboard', user: 'operator', path: () => '/dashboard' },
      { name: 'dashboard wall mode', user: 'leader', path: () => '/dashboard/wall' },
      { name: 'cases desk', user: 'operator', path: () => '/cases' },
      { name: 'case detail', user: 'operator', path: () => `/cases/${ids.case}` },
      { name: 'new case', user: 'operator', path: () => '/cases/new' },
      { name: 'sites (map and list)', user: 'operator', path: () => '/sites' },
      { name: 'site detail with its history', user: 'operator', path: () => `/sites/${ids.shopId}` },
      { name: 'enforcement desk', user: 'enforcer1', path: () => '/enforcement' },
      { name: 'enforcement: open from a case', user: 'enforcer1', path: () => `/enforcement/new?caseId=${ids.case}` },
      { name: 'enforcement ladder', user: 'enforcer1', path: () => `/enforcement/${ids.ladderId}` },
      { name: 'inbox', user: 'operator', path: () => '/inbox' },
      { name: 'staff', user: 'admin', path: () => '/staff' },
      { name: 'calendar', user: 'admin', path: () => '/calendar' },
      { name: 'setup checklist', user: 'admin', path: () => '/setup' },
      { name: 'open311 keys', user: 'admin', path: () => '/open311' },
      { name: 'cadre home', user: 'cadre01', path: () => '/today' },
      { name: 'services catalogue', user: 'operator', path: () => '/services/catalogue' },
      { name: 'service network', user: 'operator', path: () => '/services/network' },
      { name: 'service records', user: 'operator', path: () => '/services/records' },
      { name: 'a service record', user: 'operator', path: () => `/services/records/${ids.record}` },
      { name: 'ratings', user: 'operator', path: () => '/services/ratings' },
      { name: 'ratings ranking', user: 'leader', path: () => '/services/ranking' },
      { name: 'queue and service times', user: 'operator', path: () => '/services/figures' },
      { name: 'appointments', user: 'operator', path: () => '/services/appointments' },
      { name: 'self-service terminals', user: 'admin', path: () => '/services/terminals' },
      { name: 'window screen', user: 'cadre01', path: () => '/services/window' },
      { name: 'handler tasks', user: 'handler1', path: () => '/cases?queue=mine' },
      // Editable: every cell of the items table is an input, named by its column and row.
      { name: 'checklists', user: 'admin', path: () => '/checklists', ready: '[data-testid=checklist-items] tbody input' },
    ];
    for (const p of PAGES) {
      it(`${p.name} as ${p.user} (${lang})`, async () => {
        const page = await sessions.visit(p.user, lang, p.path());
        if (p.ready) await page.locator(p.ready).first().waitFor();
        await expectAccessible(page, `${p.name} ${lang}`);
      });
    }
  }
});

/// <reference lib="dom" />
import { afterAll, beforeAll, it } from 'vitest';
import { expectAccessible } from './helpers/axe.js';
import { describeBrowser, newContext, PHONE } from './helpers/browser.js';
import { caseInLoop, ladderAtShop } from './helpers/demo-cases.js';
import { LANGS, roleSessions } from './helpers/sessions.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';
import { scopeOf } from './helpers/scope.js';

describeBrowser('accessibility of the field app on a phone: the main pages have no serious axe violations, in Chinese and English', () => {
  const suite = browserSuite();
  const ids: Record<string, string> = {};
  const where: Record<string, { lat: number; lng: number }> = {};

  /** Each user stands where their work is: the patrol at a shop of their beat, the cadre at their first bin room. */
  const sessions = roleSessions(suite, {
    context: (username) => {
      const at = where[username];
      return at ? { ...PHONE, geolocation: { latitude: at.lat, longitude: at.lng, accuracy: 10 }, permissions: ['geolocation'] } : PHONE;
    },
  });

  beforeAll(async () => {
    const db = suite.server.db;
    const scope = (username: string) => scopeOf(db, username);
    const patrol = await scope('patrol1');
    where.patrol1 = await db.selectFrom('sites').select(['lat', 'lng']).where('subdistrict_id', '=', patrol.subdistrict_id!).where('kind', '=', 'shop').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
    const cadre = await scope('cadre01');
    const room = await db.selectFrom('sites').select(['id', 'lat', 'lng']).where('committee_id', '=', cadre.committee_id!).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    where.cadre01 = room;
    ids.room = room.id;
    // A case waiting for handler1's unit: the task page with its rectification form, and an inbox message.
    ids.task = await caseInLoop(suite, await subdistrictOf(suite.server, 'handler1'), 'dispatched', '市民反映：箱房破损，门关不上');
    // A ladder at a shop with its first order: the officer's step page.
    ids.ladder = (await ladderAtShop(suite, patrol.subdistrict_id!)).ladderId;
  });
  afterAll(async () => {
    await sessions.close();
  });

  for (const lang of LANGS) {
    it(`sign-in (${lang})`, async () => {
      const ctx = await newContext(suite.browser, suite.server.url, PHONE);
      await ctx.addInitScript((l) => localStorage.setItem('closeloop.lang', l), lang);
      const page = await ctx.newPage();
      await page.goto('/m/sign-in');
      await page.locator('form.sign-in-form').waitFor();
      await expectAccessible(page, `field sign-in ${lang}`);
      await ctx.close();
    });

    const PAGES: { name: string; user: string; path: () => string }[] = [
      { name: 'home', user: 'patrol1', path: () => '/m/' },
      { name: "today's route", user: 'patrol1', path: () => '/m/today' },
      { name: 'map', user: 'patrol1', path: () => '/m/map' },
      { name: 'nearby', user: 'patrol1', path: () => '/m/nearby' },
      { name: 'report', user: 'patrol1', path: () => '/m/report' },
      { name: 'inbox', user: 'handler1', path: () => '/m/inbox' },
      { name: 'my tasks', user: 'handler1', path: () => '/m/tasks' },
      { name: 'a task', user: 'handler1', path: () => `/m/cases/${ids.task}` },
      { name: 'check-in', user: 'cadre01', path: () => `/m/checkin/${ids.room}` },
      { name: 'enforcement home', user: 'enforcer1', path: () => '/m/enforcement' },
      { name: 'an enforcement step', user: 'enforcer1', path: () => `/m/enforcement/${ids.ladder}` },
    ];
    for (const p of PAGES) {
      it(`${p.name} as ${p.user} (${lang})`, async () => {
        const page = await sessions.visit(p.user, lang, p.path());
        await expectAccessible(page, `field ${p.name} ${lang}`);
      });
    }
  }
});

import { expect, it } from 'vitest';
import { newId } from '../../src/domain/shared/ids.js';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

describeBrowser('console coverage page with more missed check-ins and flagged check-ins than a page', () => {
  const suite = browserSuite();

  it('shows the first page of each list, then every row after "load more"; the per-cadre table counts the whole day', async () => {
    const db = suite.server.db;
    const sub = await subdistrictOf(suite.server, 'operator');
    const rooms = await db.selectFrom('sites').select(['id', 'committee_id']).where('subdistrict_id', '=', sub).where('kind', '=', 'bin_room').orderBy('id').execute();
    const cadres = await db.selectFrom('users as u').innerJoin('user_scopes as s', 's.user_id', 'u.id').select(['u.id', 's.committee_id'])
      .where('u.role', '=', 'cadre').where('s.subdistrict_id', '=', sub).execute();
    const staff = await db.selectFrom('users').select('id').where('username', '=', 'cadre01').executeTakeFirstOrThrow();
    const date = today();
    const at = new Date().toISOString();
    // Two missed windows a bin room today, each for the room and for every cadre of its committee.
    const misses = [];
    for (const window of ['05:00-05:30', '05:30-06:00']) {
      for (const room of rooms) {
        const end = `${date}T${window.slice(6)}:00+08:00`;
        misses.push({ id: newId(), subdistrict_id: sub, committee_id: room.committee_id, site_id: room.id, subject: 'site', user_id: null, local_date: date, window_key: `${date}@${window}`, window_end_at: new Date(end).toISOString(), created_at: at });
        for (const c of cadres.filter((x) => x.committee_id === room.committee_id)) {
          misses.push({ id: newId(), subdistrict_id: sub, committee_id: room.committee_id, site_id: room.id, subject: `cadre:${c.id}`, user_id: c.id, local_date: date, window_key: `${date}@${window}`, window_end_at: new Date(end).toISOString(), created_at: at });
        }
      }
    }
    for (let i = 0; i < misses.length; i += 200) await db.insertInto('checkin_misses').values(misses.slice(i, i + 200) as never).execute();
    const dayMisses = await db.selectFrom('checkin_misses').select(['subject', 'user_id']).where('subdistrict_id', '=', sub).where('local_date', '=', date).execute();
    const siteMisses = dayMisses.filter((m) => m.subject === 'site').length;
    expect(siteMisses).toBeGreaterThan(200);
    // Manual-position check-ins, flagged for review: more than the page of 100.
    const photo = (await db.selectFrom('photos').select('id').executeTakeFirst())?.id ?? newId();
    const checkins = rooms.slice(0, 130).map((room, i) => ({
      id: newId(), subdistrict_id: sub, committee_id: room.committee_id, site_id: room.id, user_id: staff.id, local_date: date, window_key: `${date}@07:00-09:00`,
      in_window: 1, method: 'manual', status: 'on_site', photo_id: photo, manual_reason: 'weak_signal', first_at: new Date(Date.now() - i * 1000).toISOString(),
      last_at: at, repeat_count: 0, evidence_flags: '[]',
    }));
    await db.insertInto('checkins').values(checkins as never).execute();
    const flagged = (await db.selectFrom('checkins').select('id').where('subdistrict_id', '=', sub)
      .where((eb) => eb.or([eb('evidence_flags', '!=', '[]'), eb('method', '=', 'manual')])).execute()).length;
    expect(flagged).toBeGreaterThan(100);

    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await page.waitForURL((u) => !u.pathname.includes('sign-in'));
    await page.goto('/coverage');
    const missRows = page.getByTestId('miss-row');
    await eventually(() => missRows.count()).toBe(200);
    await page.getByTestId('misses-more').click();
    await eventually(() => missRows.count()).toBe(siteMisses);
    expect(await page.getByTestId('misses-more').count()).toBe(0);

    const flaggedRows = page.getByTestId('flagged-row');
    await eventually(() => flaggedRows.count()).toBe(100);
    await page.getByTestId('flagged-more').click();
    await eventually(() => flaggedRows.count()).toBe(flagged);

    // The per-cadre table reads the whole day: each cadre's count is every window missed in their committee.
    const byCadre = new Map<string, number>();
    for (const m of dayMisses) if (m.subject !== 'site') byCadre.set(m.user_id ?? '', (byCadre.get(m.user_id ?? '') ?? 0) + 1);
    const shown = await page.locator('[data-testid=cadre-miss]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-user-id'), Number(tr.getAttribute('data-count'))] as const));
    expect(byCadre.size).toBeGreaterThan(1);
    expect(new Map(shown)).toEqual(byCadre);
    await ctx.close();
  });
});

import { beforeAll, expect, it } from 'vitest';
import { shanghaiMidnight } from '../../src/domain/calendar/office-hours.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { newId } from '../../src/domain/shared/ids.js';
import { noticeRankingTalks, RANKING_NOTICES_CURSOR } from '../../src/domain/service-ratings/ranking-notices.js';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { clickNav } from './helpers/nav.js';
import { ensureServicesDemo, recordAtWindow } from './helpers/services.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';

const DESKTOP = { viewport: { width: 1400, height: 900 } };

/** 'YYYY-MM' of the Shanghai month `back` months before the current one. */
function monthBefore(back: number): string {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date()).split('-').map(Number) as [number, number];
  const k = y * 12 + (m - 1) - back;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

describeBrowser('console: 一网通办 monthly ranking by ratings', () => {
  const suite = browserSuite();
  beforeAll(async () => {
    await ensureServicesDemo(suite.server);
  });

  it('ranks the points of a month, marks the one last two months running for a talk, and ranks staff too', async () => {
    const db = suite.server.db;
    const hongqiao = await subdistrictOf(suite.server, 'operator');
    const rec = await recordAtWindow(suite.server, suite.browser, 'window1', { name: '陆建华', idNumber: withCheckDigit('31010519660202005'), phone: null });
    // Two other built Hongqiao points, each rated 10 × ★5 in each of the two months; the window's own point
    // gets 8 × ★5 and 2 差评 each month: last twice running.
    const others = await db.selectFrom('service_points').select(['id', 'name', 'committee_id']).where('subdistrict_id', '=', hongqiao).where('id', '<>', rec.point.id)
      .where('status', '=', 'built').where('kind', '=', 'committee_window').orderBy('code').limit(2).execute();
    const own = await db.selectFrom('service_points').select(['id', 'name', 'committee_id']).where('id', '=', rec.point.id).executeTakeFirstOrThrow();
    const record = await db.selectFrom('service_records').selectAll().where('id', '=', rec.record.id).executeTakeFirstOrThrow();
    const [earlier, shown] = [monthBefore(2), monthBefore(1)];
    const ratings = [];
    for (const month of [earlier, shown]) {
      const start = shanghaiMidnight(`${month}-01`);
      for (const [p, point] of [own, ...others].entries()) {
        for (let i = 0; i < 10; i++) {
          const id = newId();
          await db.insertInto('service_records').values({ ...record, id, number: `${record.number}-${month}-${p}-${i}`, rating_token_hash: newId() }).execute();
          ratings.push({
            id: newId(), record_id: id, subdistrict_id: hongqiao, committee_id: point.committee_id, point_id: point.id, item_id: record.item_id, staff_id: record.staff_id,
            level: point.id === own.id && i < 2 ? 2 : 5, scores: JSON.stringify({ attitude: 4 }), comment: null, named: 1, channel: 'qr' as const,
            rated_at: new Date(start + (i + 1) * 3600_000 * 24).toISOString(), voided_at: null, case_id: null,
          });
        }
      }
    }
    await db.insertInto('service_ratings').values(ratings).execute();

    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'leader');
    await clickNav(page, 'nav-yw-ranking');
    await page.getByTestId('yw-ranking-page').waitFor();
    await page.getByTestId('yw-rank-month').selectOption(shown);
    const ownRow = page.getByTestId(`yw-rank-${own.id}`);
    await eventually(() => ownRow.getAttribute('data-talk')).toBe('true');
    expect(await ownRow.getAttribute('data-bottom')).toBe('true');
    expect(await ownRow.textContent()).toContain('80.0%');
    expect(await ownRow.textContent()).toContain('连续两月末位');
    expect(await page.getByTestId('yw-rank-talks').textContent()).toContain(own.name);
    for (const o of others) {
      const row = page.getByTestId(`yw-rank-${o.id}`);
      expect(await row.getAttribute('data-bottom')).toBe('false');
      expect(Number(await row.getAttribute('data-rank'))).toBeLessThan(Number(await ownRow.getAttribute('data-rank')));
    }
    // The people who served: window1 took every one of these ratings.
    await page.getByTestId('yw-rank-by-staff').click();
    const staffRow = page.getByTestId(`yw-rank-${record.staff_id}`);
    await eventually(() => staffRow.isVisible()).toBe(true);
    expect(Number(await staffRow.locator('td').nth(2).textContent())).toBeGreaterThanOrEqual(30);
    expect(new URL(page.url()).searchParams.get('by')).toBe('staff');

    // The month's notice (the job's round; its cursor cleared, as the server's first round found no ratings yet)
    // reaches the leader's inbox and opens the month's ranking.
    await db.deleteFrom('patrol_job_cursors').where('name', '=', RANKING_NOTICES_CURSOR).execute();
    expect(await noticeRankingTalks(db, suite.server.clock)).toBeGreaterThanOrEqual(1);
    await page.goto('/inbox');
    const notice = page.getByTestId('inbox-item').filter({ hasText: `${shown} 好差评排名` });
    await notice.waitFor();
    expect(await notice.textContent()).toContain(own.name);
    await notice.getByTestId('inbox-open-ranking').click();
    await page.getByTestId('yw-ranking-page').waitFor();
    expect(await page.getByTestId('yw-rank-month').inputValue()).toBe(shown);
    await eventually(() => page.getByTestId(`yw-rank-${own.id}`).getAttribute('data-talk')).toBe('true');
    await ctx.close();
  });
});

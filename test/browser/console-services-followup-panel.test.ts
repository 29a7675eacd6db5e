import { expect, it } from 'vitest';
import { shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { describeBrowser, newContext, pageProblems, signInThroughForm } from './helpers/browser.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';

const DESKTOP = { viewport: { width: 1366, height: 768 } };
/** yyyy-MM-dd HH:mm in Shanghai, as the console shows an instant. */
const shanghaiStamp = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

describeBrowser('console: the 差评 follow-up panel on the ratings page', () => {
  // The seeded month of activity holds 差评 followed up, rectified, checked and closed.
  const suite = browserSuite({}, { services: true });

  it('keeps each rating\'s date whole in the narrow list; says how to open a 差评 until one is chosen; for a closed case it says the rectification was checked and closed, not that it waits for the check', async () => {
    const db = suite.server.db;
    const subdistrict = await subdistrictOf(suite.server, 'operator');
    const closed = await db
      .selectFrom('service_rating_followups as f')
      .innerJoin('cases as c', 'c.id', 'f.case_id')
      .innerJoin('service_ratings as r', 'r.id', 'f.rating_id')
      .select(['r.record_id', 'r.point_id', 'r.rated_at'])
      .where('r.subdistrict_id', '=', subdistrict)
      .where('c.status', '=', 'closed')
      .where('f.resolution', 'is not', null)
      .where('r.voided_at', 'is', null)
      .orderBy('r.rated_at', 'desc')
      .executeTakeFirstOrThrow();
    const day = shanghaiDate(new Date(closed.rated_at));

    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    const problems = pageProblems(page);
    await signInThroughForm(page, 'operator');
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await page.goto(`/services/ratings?from=${day}&to=${day}&point=${closed.point_id}&bad=1`);
    // In the narrow list beside the panel, a rating's date stays whole on its line ("2026-12-" / "03 12:44" was cut).
    const at = page.getByTestId(`yw-rating-${closed.record_id}`).getByTestId('yw-rating-at');
    const shown = (await at.textContent())!;
    expect(shown).toBe(shanghaiStamp(closed.rated_at));
    const dateLine = await at.evaluate((td) => {
      const text = td.firstChild!.nodeType === Node.TEXT_NODE ? td.firstChild! : td.firstChild!.firstChild!;
      const range = document.createRange();
      range.setStart(text, 0);
      range.setEnd(text, 10);
      return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    });
    expect(dateLine, `the date of ${shown} on one line`).toBe(1);

    // Nothing chosen yet: the panel's place says how to open one.
    await page.getByTestId('yw-followup-none').waitFor();
    expect(await page.getByTestId('yw-followup-none').textContent()).toContain('进度');
    await page.getByTestId(`yw-rating-open-${closed.record_id}`).click();
    const panel = page.getByTestId('yw-followup');
    await panel.waitFor();
    expect(await panel.getAttribute('data-case-status')).toBe('closed');
    expect(await page.getByTestId('yw-followup-none').count()).toBe(0);
    const resolved = (await page.getByTestId('fu-resolved').textContent())!;
    expect(resolved).toContain('已核查结案');
    expect(resolved).not.toContain('待核查');
    expect(problems, problems.join('\n')).toEqual([]);
    await ctx.close();
  });
});

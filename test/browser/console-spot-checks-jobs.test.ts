import { expect, it } from 'vitest';
import { loadActor } from '../../src/domain/auth/actor.js';
import { reportCase } from '../../src/domain/cases/report-case.js';
import { setSpotCheckPercent } from '../../src/domain/cases/spot-checks.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { newId } from '../../src/domain/shared/ids.js';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';

const DESKTOP = { viewport: { width: 1366, height: 900 } };

describeBrowser('console: spot checks of self-resolved cases, and background jobs', () => {
  const suite = browserSuite();

  it('the operator spot-checks a sampled self-resolved case from the queue, with a note, and the KPI follows', async () => {
    const db = suite.server.db;
    const userId = async (u: string) => (await db.selectFrom('users').select('id').where('username', '=', u).executeTakeFirstOrThrow()).id;
    const admin = (await loadActor(db, await userId('admin')))!;
    const patrol = (await loadActor(db, await userId('patrol1')))!;
    await db.transaction().execute((trx) => setSpotCheckPercent(trx, systemClock, admin, admin.subdistrictId!, { spotCheckPercent: 100 }));
    const photo = async () => {
      const id = newId();
      await db.insertInto('photos').values({
        id, subdistrict_id: patrol.subdistrictId, uploaded_by: patrol.userId, sha256: id.replace(/-/g, '').padEnd(64, '0'), mime: 'image/jpeg', bytes: 1000,
        width: 10, height: 10, storage_key: `test/${id}`, thumb_key: null, exif_taken_at: null, exif_lat: null, exif_lng: null, created_at: new Date().toISOString(),
      } as never).execute();
      return id;
    };
    const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', patrol.subdistrictId!).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    const cat = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', patrol.subdistrictId!).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const [before, after] = [await photo(), await photo()];
    const made = await db.transaction().execute((trx) =>
      reportCase(trx, systemClock, patrol, {
        source: 'self_resolved', categoryId: cat.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat),
        description: '湿垃圾桶内混有塑料袋，已现场分拣', photoIds: [before], afterPhotoIds: [after],
      }),
    );

    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await clickNav(page, 'nav-spot-checks');
    await eventually(() => page.getByTestId('spot-check-kpi').textContent()).toContain('待查 1 件');
    const row = page.locator(`[data-testid=spot-check-row][data-id="${made.id}"]`);
    expect(await row.textContent()).toContain('湿垃圾桶内混有塑料袋');
    // Failing without a note is refused, in Chinese.
    await row.getByTestId('spot-check-fail').click();
    await eventually(() => page.getByTestId('spot-check-error').textContent()).toBe('说明：必填');
    await row.getByTestId('spot-check-note').fill('现场复核，分拣到位');
    await row.getByTestId('spot-check-pass').click();
    await eventually(() => page.getByTestId('spot-check-result').textContent()).toContain(`${made.number} 合格`);
    await eventually(() => row.count()).toBe(0);
    await eventually(() => page.getByTestId('spot-check-kpi').textContent()).toContain('合格 1 件');
    await page.getByTestId('spot-check-state').selectOption('passed');
    await eventually(() => page.locator(`[data-testid=spot-check-row][data-id="${made.id}"]`).count()).toBe(1);
    const ev = await db.selectFrom('case_events').select(['action', 'note']).where('case_id', '=', made.id).where('action', '=', 'spot_check').execute();
    expect(ev).toEqual([{ action: 'spot_check', note: '现场复核，分拣到位' }]);
    await ctx.close();
  });

  it('a subdistrict administrator sees every job but no run control; the district administrator runs one now, in the audit log', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'admin');
    await clickNav(page, 'nav-jobs');
    const row = page.locator('[data-testid=job-row][data-name=case-deadlines]');
    await eventually(() => row.textContent()).toContain('案件时限');
    await eventually(() => page.getByTestId('jobs-district-only').textContent()).toContain('仅区级管理员可立即运行');
    expect(await page.getByTestId('job-run').count()).toBe(0);
    await ctx.close();

    const dctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const dpage = await dctx.newPage();
    await signInThroughForm(dpage, 'district-admin');
    await clickNav(dpage, 'nav-jobs');
    const drow = dpage.locator('[data-testid=job-row][data-name=case-deadlines]');
    await eventually(() => drow.textContent()).toContain('案件时限');
    expect(await dpage.getByTestId('jobs-district-only').count()).toBe(0);
    await drow.getByTestId('job-run').click();
    await eventually(() => dpage.getByTestId('job-result').textContent()).toMatch(/已运行 案件时限（提醒与超期）：处理 \d+ 项/);
    const audit = await suite.server.db.selectFrom('audit_log').select(['action', 'entity_id', 'actor_username']).where('action', '=', 'job.run').execute();
    expect(audit).toEqual([{ action: 'job.run', entity_id: 'case-deadlines', actor_username: 'district-admin' }]);
    await dctx.close();
  });
});

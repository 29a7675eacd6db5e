/// <reference lib="dom" />
import { expect, it } from 'vitest';
import { loadActor } from '../../src/domain/auth/actor.js';
import { reportCase } from '../../src/domain/cases/report-case.js';
import { setSpotCheckPercent } from '../../src/domain/cases/spot-checks.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { expectAccessible } from './helpers/axe.js';
import { describeBrowser, eventually, newContext, signInThroughForm, solidJpeg } from './helpers/browser.js';
import { apiAs } from './helpers/demo-cases.js';
import { browserSuite } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';
import { saveShot } from './helpers/shots.js';

const DESKTOP = { viewport: { width: 1366, height: 900 } };

describeBrowser('console: spot checks of self-resolved cases, and background jobs', () => {
  const suite = browserSuite();

  it('the operator compares the before and after photos in the queue, spot-checks the case with a note, and the KPI follows', async () => {
    const db = suite.server.db;
    const userId = async (u: string) => (await db.selectFrom('users').select('id').where('username', '=', u).executeTakeFirstOrThrow()).id;
    const admin = (await loadActor(db, await userId('admin')))!;
    const patrol = (await loadActor(db, await userId('patrol1')))!;
    await db.transaction().execute((trx) => setSpotCheckPercent(trx, systemClock, admin, admin.subdistrictId!, { spotCheckPercent: 100 }));
    // Real uploads by the finder (the thumbnails must load), a different picture before and after.
    const patrolApi = await apiAs(suite, 'patrol1');
    const photo = async (r: number, g: number, b: number) => {
      const res = await patrolApi.post('/api/photos', { multipart: { file: await solidJpeg(r, g, b, 640, 480) } });
      expect(res.status()).toBeLessThan(300);
      return ((await res.json()) as { id: string }).id;
    };
    const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', patrol.subdistrictId!).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    const cat = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', patrol.subdistrictId!).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const [before, after] = [await photo(120, 90, 40), await photo(60, 170, 70)];
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
    // The before and after photos sit in the row, side by side, each a loaded ~64 px thumbnail linking to the full photo.
    const shot = (purpose: 'before' | 'after') => row.locator(`[data-testid=spot-check-photos-${purpose}] [data-testid=spot-check-photo]`);
    expect(await row.getByTestId('spot-check-photos-before').locator('figcaption').textContent()).toBe('整改前');
    expect(await row.getByTestId('spot-check-photos-after').locator('figcaption').textContent()).toBe('整改后');
    for (const [purpose, id] of [['before', before], ['after', after]] as const) {
      expect(await shot(purpose).count()).toBe(1);
      const link = shot(purpose).first();
      expect(await link.getAttribute('href')).toBe(`/api/photos/${id}`);
      expect(await link.getAttribute('aria-label')).toBe(`案件 ${made.number} ${purpose === 'before' ? '整改前' : '整改后'}照片 1（新窗口打开原图）`);
      expect(await link.locator('img').getAttribute('src')).toBe(`/api/photos/${id}/thumb`);
      await link.scrollIntoViewIfNeeded();
      await eventually(() => link.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      const box = (await link.locator('img').boundingBox())!;
      expect(Math.abs(box.height - 64)).toBeLessThanOrEqual(2);
      const full = await ctx.request.get(`${suite.server.url}/api/photos/${id}`);
      expect(full.status()).toBe(200);
      expect(full.headers()['content-type']).toContain('image/jpeg');
    }
    const [b, a] = [(await shot('before').boundingBox())!, (await shot('after').boundingBox())!];
    expect(b.x + b.width).toBeLessThanOrEqual(a.x);
    expect(Math.abs(b.y - a.y)).toBeLessThan(4);
    // The verdict: 合格 and 不合格 side by side under the note, never one under the other.
    const [pass, fail] = [(await row.getByTestId('spot-check-pass').boundingBox())!, (await row.getByTestId('spot-check-fail').boundingBox())!];
    expect(Math.abs(pass.y - fail.y)).toBeLessThan(2);
    expect(pass.x + pass.width).toBeLessThanOrEqual(fail.x);
    // The row stays within a 1366 px screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    await expectAccessible(page, 'spot-check table', { include: '[data-testid=spot-check-table]' });
    await saveShot(page, 'console-spot-checks-photos');
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

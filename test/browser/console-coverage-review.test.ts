import { randomUUID } from 'node:crypto';
import type { APIRequestContext, Locator } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { detectMissedCheckins } from '../../src/domain/checkins/missed.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { expectAccessible } from './helpers/axe.js';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, signInThroughForm, solidJpeg } from './helpers/browser.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';

const DESKTOP = { viewport: { width: 1400, height: 1000 } };
/** `s` matched literally inside a regular expression. */
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Shanghai calendar date `days` from now. */
const shanghaiDate = (days = 0) => new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

describeBrowser('console coverage: flagged inspections, missed check-ins per cadre, inspection intervals', () => {
  const suite = browserSuite();
  let hq: string;

  beforeAll(async () => {
    hq = await subdistrictOf(suite.server, 'operator');
  });

  async function as(username: string): Promise<APIRequestContext> {
    const ctx = await newContext(suite.browser, suite.server.url);
    expect((await ctx.request.post('/api/auth/sign-in', { data: { username, password: DEMO_PASSWORD } })).status()).toBe(200);
    return ctx.request;
  }
  async function inspectWithFailure(req: APIRequestContext, site: { id: string; lat: unknown; lng: unknown }, shade: number) {
    const siteId = site.id;
    const cl = (await (await req.get('/api/checklists?siteKind=shop')).json()).items[0];
    const items = (await (await req.get(`/api/checklists/${cl.id}`)).json()).items as { id: string; photoRequiredOnFail: boolean }[];
    const up = await req.post('/api/photos', { multipart: { file: await solidJpeg(shade, shade, 40) } });
    expect(up.status()).toBe(201);
    const failing = items.findIndex((i) => i.photoRequiredOnFail);
    const answers: object[] = items.map((i) => ({ itemId: i.id, result: 'pass' }));
    answers[failing] = { itemId: items[failing]!.id, result: 'fail', resolution: 'reported', photoIds: [(await up.json()).id] };
    const position = { lat: Number(site.lat), lng: Number(site.lng), accuracyM: 8 }; // on site: only the photo is in question
    const res = await req.post('/api/inspections', { data: { siteId, checklistId: cl.id, answers, position }, headers: { 'idempotency-key': randomUUID() } });
    expect(res.status(), await res.text()).toBe(201);
    return res.json() as Promise<{ id: string }>;
  }

  it('lists an inspection whose photo was used before for review, and each cadre’s missed check-ins of a day', async () => {
    const shops = await suite.server.db.selectFrom('sites').select(['id', 'name', 'lat', 'lng']).where('subdistrict_id', '=', hq).where('kind', '=', 'shop').where('status', '=', 'active').orderBy('id').limit(2).execute();
    const patrol = await as('patrol1');
    const first = await inspectWithFailure(patrol, shops[0]!, 200);
    // the same picture again, at another shop: flagged as a reused photo
    const second = await inspectWithFailure(patrol, shops[1]!, 200);

    // the missed-check-in job runs at the end of tomorrow's evening window (20:00 Shanghai)
    const day = shanghaiDate(1);
    await detectMissedCheckins(suite.server.db, new ManualClock(`${day}T12:00:00Z`));
    const cadre = await suite.server.db.selectFrom('users').select(['id', 'display_name']).where('username', '=', 'cadre01').executeTakeFirstOrThrow();
    const cadreMisses = await suite.server.db.selectFrom('checkin_misses').select('id').where('user_id', '=', cadre.id).where('local_date', '=', day).where('subject', '!=', 'site').execute();
    expect(cadreMisses.length).toBeGreaterThan(0);

    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await clickNav(page, 'nav-coverage');
    const row = page.locator(`[data-testid=flagged-inspection][data-id="${second.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('照片重复使用');
    expect(await row.textContent()).toContain(shops[1]!.name);
    expect(await page.locator(`[data-testid=flagged-inspection][data-id="${first.id}"]`).count()).toBe(0);

    await page.getByTestId('board-to').fill(day);
    const mine = page.locator(`[data-testid=cadre-miss][data-user-id="${cadre.id}"]`);
    await eventually(() => mine.getAttribute('data-count')).toBe(String(cadreMisses.length));
    expect(await mine.locator('td').first().textContent()).toBe(cadre.display_name);
    await ctx.close();
  });

  it('an administrator shortens the red-grade interval for shops; red shops are rescheduled; an operator only reads it', async () => {
    const red = await suite.server.db.selectFrom('site_compliance as sc').innerJoin('sites as s', 's.id', 'sc.site_id')
      .select(['sc.site_id', 'sc.next_due_at', 'sc.last_inspected_at']).where('s.subdistrict_id', '=', hq).where('s.kind', '=', 'shop').where('sc.grade', '=', 'red').execute();
    expect(red.length).toBeGreaterThan(0);

    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'admin');
    await clickNav(page, 'nav-coverage');
    await eventually(() => page.getByTestId('interval-shop-red').inputValue()).toBe('7');
    await page.getByTestId('interval-shop-red').fill('5');
    const put = page.waitForResponse((r) => r.url().endsWith('/api/coverage/intervals') && r.request().method() === 'PUT');
    await page.getByTestId('intervals-save').click();
    expect((await put).status()).toBe(200);
    await eventually(() => page.getByTestId('intervals-msg').textContent()).toContain(`重排 ${red.length} 个点位`);
    expect(await suite.server.db.selectFrom('inspection_intervals').select(['site_kind', 'grade', 'days']).where('subdistrict_id', '=', hq).execute())
      .toEqual([{ site_kind: 'shop', grade: 'red', days: 5 }]);
    for (const r of red) {
      const now = await suite.server.db.selectFrom('site_compliance').select('next_due_at').where('site_id', '=', r.site_id).executeTakeFirstOrThrow();
      expect(new Date(now.next_due_at!).getTime()).toBe(new Date(r.last_inspected_at!).getTime() + 5 * 86_400_000);
    }
    // a value out of range is refused by the server and nothing changes
    await page.getByTestId('interval-institution-green').fill('400');
    await page.getByTestId('intervals-form').evaluate((f: HTMLFormElement) => f.setAttribute('novalidate', ''));
    await page.getByTestId('intervals-save').click();
    await eventually(() => page.getByTestId('intervals-msg').textContent()).toMatch(/366/);
    expect(await suite.server.db.selectFrom('inspection_intervals').select('days').where('site_kind', '=', 'institution').execute()).toEqual([]);
    await ctx.close();

    const op = await newContext(suite.browser, suite.server.url, DESKTOP);
    const opPage = await op.newPage();
    await signInThroughForm(opPage, 'operator');
    await clickNav(opPage, 'nav-coverage');
    await eventually(() => opPage.getByTestId('interval-shop-red').inputValue()).toBe('5');
    expect(await opPage.getByTestId('interval-shop-red').isDisabled()).toBe(true);
    expect(await opPage.getByTestId('intervals-save').count()).toBe(0);
    await op.close();
  });
  async function upload(req: APIRequestContext, r: number, g: number, b: number): Promise<string> {
    const up = await req.post('/api/photos', { multipart: { file: await solidJpeg(r, g, b, 320, 240) } });
    expect(up.status()).toBe(201);
    return ((await up.json()) as { id: string }).id;
  }
  /** A loaded ~64 px thumbnail of `photoId` linking to the full photo, labelled as `label` says. */
  async function expectThumb(link: Locator, photoId: string, label: RegExp) {
    expect(await link.getAttribute('href')).toBe(`/api/photos/${photoId}`);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('aria-label')).toMatch(label);
    const img = link.locator('img');
    expect(await img.getAttribute('src')).toBe(`/api/photos/${photoId}/thumb`);
    await link.scrollIntoViewIfNeeded();
    await eventually(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
    expect(Math.abs((await img.boundingBox())!.height - 64)).toBeLessThanOrEqual(2);
  }

  it('flagged check-ins and inspections show their photos, which the operator and the leader open; a photo first used on a case links to it', async () => {
    const db = suite.server.db;
    const patrol = await as('patrol1');
    // Two bin rooms nobody checked in at today: the same picture at both flags the second check-in.
    const today = shanghaiDate();
    const rooms = await db.selectFrom('sites').select(['id', 'name', 'lat', 'lng']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room').where('status', '=', 'active')
      .where('id', 'not in', db.selectFrom('checkins').select('site_id').where('local_date', '=', today)).orderBy('id').limit(2).execute();
    expect(rooms).toHaveLength(2);
    const checkinPhoto = await upload(patrol, 90, 30, 160);
    const checkins: string[] = [];
    for (const room of rooms) {
      const res = await patrol.post('/api/checkins', {
        data: { siteId: room.id, photoId: checkinPhoto, position: { lat: Number(room.lat), lng: Number(room.lng), accuracyM: 5 } }, headers: { 'idempotency-key': randomUUID() },
      });
      expect(res.status(), await res.text()).toBe(201);
      checkins.push(((await res.json()) as { id: string }).id);
    }
    // A self-resolved case, then an inspection whose problem photo is the case's before picture again.
    const cat = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const shops = await db.selectFrom('sites').select(['id', 'name', 'lat', 'lng']).where('subdistrict_id', '=', hq).where('kind', '=', 'shop').where('status', '=', 'active').orderBy('id').offset(2).limit(1).execute();
    const made = await patrol.post('/api/cases', {
      data: {
        source: 'self_resolved', categoryId: cat.id, siteId: rooms[0]!.id, lng: Number(rooms[0]!.lng), lat: Number(rooms[0]!.lat), description: '箱房地面散落垃圾，已清扫',
        photoIds: [await upload(patrol, 150, 150, 40)], afterPhotoIds: [await upload(patrol, 60, 170, 70)],
      },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(made.status(), await made.text()).toBe(201);
    const theCase = (await made.json()) as { id: string; number: string };
    const inspection = await inspectWithFailure(patrol, shops[0]!, 150);
    const inspectionPhotos = (await db.selectFrom('inspection_answers').select('photo_ids').where('inspection_id', '=', inspection.id).execute())
      .flatMap((a) => JSON.parse(a.photo_ids) as string[]);
    expect(inspectionPhotos).toHaveLength(1);

    for (const who of ['operator', 'leader']) {
      const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
      const page = await ctx.newPage();
      await signInThroughForm(page, who);
      await clickNav(page, 'nav-coverage');
      const row = page.locator(`[data-testid=flagged-row][data-id="${checkins[1]}"]`);
      await row.waitFor();
      expect(await row.textContent()).toContain('照片重复使用');
      // A check-in used first by another check-in: no case to link to.
      expect(await row.getByTestId('reused-case-link').count()).toBe(0);
      expect(await row.getByTestId('flagged-photo').count()).toBe(1);
      await expectThumb(row.getByTestId('flagged-photo').first(), checkinPhoto, new RegExp(`^${escapeRe(rooms[1]!.name)} .+ 打卡照片 1（新窗口打开原图）$`));
      expect(await page.locator(`[data-testid=flagged-row][data-id="${checkins[0]}"]`).count()).toBe(0);

      const irow = page.locator(`[data-testid=flagged-inspection][data-id="${inspection.id}"]`);
      await irow.waitFor();
      expect(await irow.textContent()).toContain('照片重复使用');
      expect(await irow.getByTestId('flagged-photo').count()).toBe(1);
      await expectThumb(irow.getByTestId('flagged-photo').first(), inspectionPhotos[0]!, new RegExp(`^${escapeRe(shops[0]!.name)} .+ 检查照片 1（新窗口打开原图）$`));
      const full = await ctx.request.get(`${suite.server.url}/api/photos/${inspectionPhotos[0]}`);
      expect(full.status()).toBe(200);
      expect(full.headers()['content-type']).toContain('image/jpeg');
      const caseLink = irow.getByTestId('reused-case-link');
      expect(await caseLink.textContent()).toBe('查看先用此照片的案件');
      expect(await caseLink.getAttribute('href')).toBe(`/cases/${theCase.id}`);
      if (who === 'operator') {
        await expectAccessible(page, 'flagged check-ins and inspections', { include: '[data-testid=flagged-table], [data-testid=flagged-inspections]' });
        await caseLink.click();
        await eventually(() => page.getByTestId('case-number').textContent()).toBe(theCase.number);
      }
      await ctx.close();
    }
  });
});

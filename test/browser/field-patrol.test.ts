/// <reference lib="dom" />
import { expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { describeBrowser, eventually, newContext, PHONE, signInThroughForm, solidJpeg, fieldHome } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { binRoomsOpenAllDay } from './helpers/field-phone.js';
import { scopeOf } from './helpers/scope.js';


const jpeg = (r: number, g: number, b: number) => solidJpeg(r, g, b, 320, 240);

describeBrowser('field app: check-in and a failed inspection on the phone layout', () => {
  const suite = browserSuite();


  async function cadreCommittee() {
    const r = await scopeOf(suite.server.db, 'cadre01');
    return r.committee_id!;
  }

  it("checks in at a bin room from today's route with GPS (accuracy shown) and a camera photo", async () => {
    const room = (await binRoomsOpenAllDay(suite.server.db, await cadreCommittee()))[0]!;
    const here = offsetMetres({ lat: room.lat, lng: room.lng }, 15, 90);
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: here.lat, longitude: here.lng, accuracy: 12 }, permissions: ['geolocation'] });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'cadre01', '/m/sign-in');
    await fieldHome(page);
    await page.getByTestId('tile-today').click();
    const item = page.locator(`[data-testid=today-list] a[data-site-id="${room.id}"]`);
    await item.waitFor();
    // nearest first: the bin room we stand beside heads the list
    expect(await page.locator('[data-testid=today-list] a').first().getAttribute('data-site-id')).toBe(room.id);
    await item.click();
    await eventually(() => page.getByTestId('gps-accuracy').textContent()).toContain('12');
    await page.getByTestId('checkin-photo').setInputFiles(await jpeg(40, 120, 60));
    await page.getByTestId('checkin-photo-done').waitFor();
    await page.getByTestId('checkin-submit').click();
    await eventually(() => page.getByTestId('checkin-done').getAttribute('data-status')).toBe('on_site');
    const rows = await suite.server.db.selectFrom('checkins').select(['status', 'method', 'accuracy_m']).where('site_id', '=', room.id).execute();
    expect(rows).toEqual([{ status: 'on_site', method: 'gps', accuracy_m: 12 }]);
    await ctx.close();
  });

  it('asks for a reason when the phone is far from the bin room, then records it off-site', async () => {
    const committee = await cadreCommittee();
    const room = (await suite.server.db.selectFrom('sites').select(['id', 'lat', 'lng']).where('committee_id', '=', committee).where('kind', '=', 'bin_room').orderBy('id').execute())[1]!;
    const far = offsetMetres({ lat: room.lat, lng: room.lng }, 400, 0);
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: far.lat, longitude: far.lng, accuracy: 20 }, permissions: ['geolocation'] });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'cadre01', '/m/sign-in');
    await fieldHome(page);
    await page.getByTestId('tile-today').waitFor();
    await page.goto(`/m/checkin/${room.id}`);
    await eventually(() => page.getByTestId('gps-accuracy').textContent()).toContain('20');
    await page.getByTestId('checkin-photo').setInputFiles(await jpeg(10, 10, 200));
    await page.getByTestId('checkin-photo-done').waitFor();
    await page.getByTestId('checkin-submit').click();
    await page.getByTestId('off-site').waitFor();
    expect(await suite.server.db.selectFrom('checkins').select('id').where('site_id', '=', room.id).execute()).toHaveLength(0);
    await page.getByTestId('checkin-reason').fill('箱房铁门上锁，在小区门口打卡');
    await page.getByTestId('checkin-submit').click();
    await eventually(() => page.getByTestId('checkin-done').getAttribute('data-status')).toBe('off_site');
    await ctx.close();
  });

  it('fills the shop checklist with one item fixed on the spot and one reported; both cases are created and linked', async () => {
    const committee = await cadreCommittee();
    const shop = await suite.server.db.selectFrom('sites').select(['id', 'lat', 'lng']).where('committee_id', '=', committee).where('kind', '=', 'shop').orderBy('id').executeTakeFirstOrThrow();
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: shop.lat, longitude: shop.lng, accuracy: 8 }, permissions: ['geolocation'] });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'patrol1', '/m/sign-in');
    await fieldHome(page);
    await page.getByTestId('tile-today').waitFor();
    await page.goto(`/m/inspect/${shop.id}`);
    const containers = page.getByTestId('item-SH-CONTAINERS');
    await containers.locator('input[value=fail]').check();
    await page.getByTestId('before-SH-CONTAINERS').setInputFiles(await jpeg(200, 30, 30));
    await page.getByTestId('before-SH-CONTAINERS-done').waitFor();
    await containers.locator('input[value=fixed]').check();
    await page.getByTestId('after-SH-CONTAINERS').setInputFiles(await jpeg(30, 200, 30));
    await page.getByTestId('after-SH-CONTAINERS-done').waitFor();
    const frontage = page.getByTestId('item-SH-FRONTAGE');
    await frontage.locator('input[value=fail]').check();
    await page.getByTestId('before-SH-FRONTAGE').setInputFiles(await jpeg(120, 90, 20));
    await page.getByTestId('before-SH-FRONTAGE-done').waitFor();
    await frontage.locator('input[value=reported]').check();
    await page.getByTestId('inspect-submit').click();
    await eventually(() => page.getByTestId('inspect-done').getAttribute('data-outcome')).toBe('fail');
    expect(await page.locator('[data-testid=inspect-cases] [data-resolution]').evaluateAll((els) => els.map((e) => e.getAttribute('data-resolution')).sort())).toEqual(['fixed', 'reported']);
    const links = await suite.server.db
      .selectFrom('inspection_cases as ic')
      .innerJoin('cases as c', 'c.id', 'ic.case_id')
      .innerJoin('inspections as i', 'i.id', 'ic.inspection_id')
      .select(['ic.resolution', 'c.status', 'c.source', 'i.site_id'])
      .where('i.site_id', '=', shop.id)
      .execute();
    expect(links.map((l) => `${l.resolution}:${l.status}:${l.source}`).sort()).toEqual(['fixed:closed:self_resolved', 'reported:reported:patrol']);
    await ctx.close();
  });
});

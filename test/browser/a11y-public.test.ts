/// <reference lib="dom" />
import { beforeAll, it } from 'vitest';
import { solveChallenge } from '../../src/domain/public-reports/proof-of-work.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { expectAccessible } from './helpers/axe.js';
import { describeBrowser, eventually, newContext, PHONE, solidJpeg } from './helpers/browser.js';
import { recordAtWindow, ensureServicesDemo } from './helpers/services.js';
import { settle, trackRequests } from './helpers/requests.js';
import { LANGS } from './helpers/sessions.js';
import { browserSuite } from './helpers/suite.js';

describeBrowser("accessibility of the public pages on a phone: report, tracking, a point's page, rating; no serious axe violations in Chinese and English", () => {
  const suite = browserSuite();
  const paths: Record<string, string> = {};
  let site: { lat: number; lng: number };

  beforeAll(async () => {
    const db = suite.server.db;
    await ensureServicesDemo(suite.server);
    site = await db.selectFrom('sites as s').innerJoin('subdistricts as sd', 'sd.id', 's.subdistrict_id')
      .select(['s.lng', 's.lat']).where('sd.code', '=', '008').where('s.kind', '=', 'bin_room').where('s.status', '=', 'active').orderBy('s.id').executeTakeFirstOrThrow();
    // A citizen's report filed through the public API, as the page files it: its tracking page.
    const client = (await newContext(suite.browser, suite.server.url)).request;
    const near = await (await client.get(`/api/public/reports/categories?lat=${site.lat}&lng=${site.lng}`)).json();
    const ch = await (await client.get('/api/public/reports/challenge')).json();
    const filed = await client.post('/api/public/reports', {
      headers: { 'x-pow-challenge': ch.challenge, 'x-pow-nonce': solveChallenge(ch.challenge, ch.bits) },
      multipart: {
        jurisdiction_id: near.jurisdictionId, service_code: near.categories[0].code, lat: String(site.lat), lng: String(site.lng), site_kind: near.siteKind,
        description: '箱房外堆放大件垃圾', photo: await solidJpeg(90, 90, 200, 640, 480),
      },
    });
    if (filed.status() !== 201) throw new Error(`public report: ${filed.status()} ${await filed.text()}`);
    paths.track = ((await filed.json()) as { trackPath: string }).trackPath;
    // A service recorded at a committee window: its rating link.
    const rec = await recordAtWindow(suite.server, suite.browser, 'cadre01', { name: '陈静', idNumber: withCheckDigit('31010519851212003'), phone: null });
    paths.rate = `/rate/${rec.ratingToken}`;
  });

  for (const lang of LANGS) {
    async function phonePage(geolocated = false) {
      const ctx = await newContext(suite.browser, suite.server.url, geolocated ? { ...PHONE, geolocation: { latitude: site.lat, longitude: site.lng, accuracy: 12 }, permissions: ['geolocation'] } : PHONE);
      await ctx.addInitScript((l) => localStorage.setItem('closeloop.lang', l), lang);
      const page = await ctx.newPage();
      trackRequests(page);
      return { ctx, page };
    }
    const htmlLang = lang === 'zh' ? 'zh-CN' : 'en';

    it(`the report page, before and after locating (${lang})`, async () => {
      const { ctx, page } = await phonePage(true);
      await page.goto('/report');
      await settle(page);
      await eventually(() => page.evaluate(() => document.documentElement.lang)).toBe(htmlLang);
      await expectAccessible(page, `report ${lang}`);
      await page.getByTestId('use-location').tap();
      await page.getByTestId('near').waitFor();
      await eventually(() => page.locator('[data-testid=site-map]').getAttribute('data-state')).toBe('ready');
      await expectAccessible(page, `report located ${lang}`);
      await ctx.close();
    });

    it(`the tracking page (${lang})`, async () => {
      const { ctx, page } = await phonePage();
      await page.goto(paths.track!);
      await page.getByTestId('track').waitFor();
      await settle(page);
      await expectAccessible(page, `tracking ${lang}`);
      await ctx.close();
    });

    it(`a point's page with a guide open (${lang})`, async () => {
      const { ctx, page } = await phonePage();
      await page.goto('/point/YW008-CW01');
      await page.getByTestId('point-name').waitFor();
      await settle(page);
      await eventually(() => page.evaluate(() => document.documentElement.lang)).toBe(htmlLang);
      await expectAccessible(page, `point ${lang}`);
      const first = page.getByTestId('point-category').first();
      await first.locator('summary').tap();
      await first.getByTestId('point-item').first().getByTestId('item-toggle').tap();
      await first.getByTestId('item-guide').first().waitFor();
      await expectAccessible(page, `point guide ${lang}`);
      await ctx.close();
    });

    it(`the rating page (${lang})`, async () => {
      const { ctx, page } = await phonePage();
      await page.goto(paths.rate!);
      await page.getByTestId('rate-number').waitFor();
      await settle(page);
      await expectAccessible(page, `rating ${lang}`);
      await page.getByTestId('level-2').tap();
      await expectAccessible(page, `rating chosen ${lang}`);
      await ctx.close();
    });
  }
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { jpegWithExif } from '../helpers/images.js';
import { submitReport } from '../public-reports/helpers.js';
import { FORM, form, HQ, newKey } from './helpers.js';

/**
 * Residents and callers often write their number into the description ("请联系 139…"). Open311 and
 * the tracking link publish the description to anyone: the numbers and e-mail addresses in it are
 * masked there (as the console masks a phone), while the operations centre keeps the full text.
 */
for (const dialect of DIALECTS) {
  describe(`contacts written into a description stay out of public output [${dialect}]`, () => {
    let ctx: TestContext;
    let key: string;
    let point: { lat: string; lng: string };
    let code: string;
    const CONTACTS = ['13912345678', '139 1234 5678', '139-8765-4321', '021-62345678', 'wang.li@example.cn'];
    const DIGITS = ['13912345678', '13987654321', '62345678'];
    const text = `箱房门口垃圾满溢，请联系我 ${CONTACTS.join('、')}，2 桶满溢，3 号楼`;
    const leaks = (s: string) => [...CONTACTS, ...DIGITS].filter((c) => s.replace(/[\s-]/g, '').includes(c.replace(/[\s-]/g, '')) || s.includes(c));

    beforeAll(async () => {
      ctx = await demoContext(dialect, { LOG_LEVEL: 'warn' });
      key = (await newKey(ctx)).key;
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const site = await db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      point = { lat: String(Number(site.lat)), lng: String(Number(site.lng)) };
      code = (await ctx.app.inject({ method: 'GET', url: `/api/public/reports/categories?lat=${point.lat}&lng=${point.lng}` })).json().categories[0].code;
    });
    afterAll(async () => ctx?.close());

    it('a report from the page: the tracking view and every Open311 read mask the numbers and addresses; the case keeps them', async () => {
      const res = await submitReport(ctx.app, { jurisdiction_id: HQ, service_code: code, lat: point.lat, lng: point.lng, site_kind: 'bin_room', description: text }, await jpegWithExif({ seed: 1 }), { ip: `10.${dialect === 'sqlite' ? 81 : 82}.0.1` });
      expect(res.statusCode, res.body).toBe(201);
      const { number, token } = res.json();
      const view = (await ctx.app.inject({ method: 'GET', url: `/api/public/reports/${token}`, remoteAddress: '10.80.0.9' })).json();
      expect(leaks(view.description)).toEqual([]);
      expect(view.description).toContain('139****5678');
      expect(view.description).toContain('2 桶满溢，3 号楼');
      for (const url of [`/open311/v2/requests/${number}.json?jurisdiction_id=${HQ}`, `/open311/v2/requests/${number}.xml?jurisdiction_id=${HQ}`, `/open311/v2/requests.json?jurisdiction_id=${HQ}`]) {
        const r = await ctx.app.inject({ method: 'GET', url });
        expect(r.statusCode, r.body).toBe(200);
        expect(leaks(r.body), url).toEqual([]);
      }
      const c = await ctx.handle.db.selectFrom('cases').select('description').where('number', '=', number).executeTakeFirstOrThrow();
      expect(c.description).toBe(text);
    });

    it('a request filed over Open311 with contacts in its description is read back masked', async () => {
      const res = await ctx.app.inject({
        method: 'POST', url: '/open311/v2/requests.json', headers: FORM,
        payload: form([['api_key', key], ['jurisdiction_id', HQ], ['service_code', 'A0301'], ['lat', point.lat], ['long', point.lng], ['attribute[site_kind]', 'bin_room'], ['description', text]]),
      });
      expect(res.statusCode, res.body).toBe(200);
      const number = res.json()[0].service_request_id;
      const one = await ctx.app.inject({ method: 'GET', url: `/open311/v2/requests/${number}.json?jurisdiction_id=${HQ}` });
      expect(leaks(one.body)).toEqual([]);
      expect(one.json()[0].description).toContain('wa***@example.cn');
    });
  });
}

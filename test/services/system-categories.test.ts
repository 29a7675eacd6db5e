import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ONLY_CATEGORY_CODES } from '../../src/domain/catalogue/system-only.js';
import { serviceCaseCategory } from '../../src/domain/service-ratings/system-case.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { FORM, form, HQ, newKey } from '../open311/helpers.js';

type Node = { code: string; children: Node[] };
const codes = (nodes: Node[]): string[] => nodes.flatMap((n) => [n.code, ...codes(n.children)]);

/** 差评整改 and 自助终端故障维修: the system opens those cases; nobody reports under them, yet they stay where cases are read. */
describe.each(DIALECTS)('system-only categories (%s)', (kind) => {
  let ctx: TestContext;
  let cookie: string;
  let site: { id: string; lng: number; lat: number };
  let ids: Record<string, string>;
  beforeAll(async () => {
    ctx = await demoContext(kind);
    const db = ctx.handle.db;
    const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
    await db.transaction().execute(async (trx) => {
      await serviceCaseCategory(trx, ctx.clock, hq.id, 'bad_rating');
      await serviceCaseCategory(trx, ctx.clock, hq.id, 'terminal_fault');
    });
    const s = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    site = { id: s.id, lng: Number(s.lng), lat: Number(s.lat) };
    ids = Object.fromEntries((await db.selectFrom('case_categories').select(['id', 'code']).where('subdistrict_id', '=', hq.id).execute()).map((c) => [c.code, c.id]));
    cookie = await signInAs(ctx.app, 'patrol1');
  }, 60_000);
  afterAll(async () => ctx?.close());

  it('are left out of the report pickers, the public report page and the Open311 services, but stay in the catalogue', async () => {
    expect(SYSTEM_ONLY_CATEGORY_CODES).toEqual(['YW0101', 'YW0201']);
    const tree = async (q: string) => codes((await ctx.app.inject({ url: `/api/catalogue${q}`, headers: { cookie } })).json().items);
    const whole = await tree('');
    expect(whole).toEqual(expect.arrayContaining(['YW', 'YW01', 'YW0101', 'YW02', 'YW0201', 'A0301']));
    const picker = await tree('?filing=true');
    expect(picker).toContain('A0301');
    for (const c of ['YW', 'YW01', 'YW0101', 'YW02', 'YW0201']) expect(picker).not.toContain(c);
    const near = (await ctx.app.inject({ url: `/api/public/reports/categories?lat=${site.lat}&lng=${site.lng}` })).json();
    expect(near.categories.length).toBeGreaterThan(0);
    expect(near.categories.map((c: { code: string }) => c.code)).not.toEqual(expect.arrayContaining(['YW0101']));
    expect(near.categories.map((c: { code: string }) => c.code)).not.toEqual(expect.arrayContaining(['YW0201']));
    const services = (await ctx.app.inject({ url: `/open311/v2/services.json?jurisdiction_id=${HQ}` })).json() as { service_code: string }[];
    expect(services.map((s) => s.service_code)).toContain('A0301');
    for (const c of SYSTEM_ONLY_CATEGORY_CODES) expect(services.map((s) => s.service_code)).not.toContain(c);
  });

  it('are refused, 400 naming the category field, when a case is filed under them', async () => {
    const n = async () => (await ctx.handle.db.selectFrom('cases').select('id').execute()).length;
    const before = await n();
    for (const code of SYSTEM_ONLY_CATEGORY_CODES) {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/cases', headers: { cookie }, payload: {
        source: 'patrol', categoryId: ids[code], siteId: site.id, lng: site.lng, lat: site.lat, description: '终端黑屏' } });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.fields[0].field).toBe('categoryId');
    }
    const key = (await newKey(ctx)).key;
    for (const code of SYSTEM_ONLY_CATEGORY_CODES) {
      const res = await ctx.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: FORM, payload: form([
        ['api_key', key], ['jurisdiction_id', HQ], ['service_code', code], ['lat', String(site.lat)], ['long', String(site.lng)], ['attribute[site_kind]', 'bin_room'], ['description', '差评要整改'],
      ]) });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()[0].description).toMatch(/service_code/);
    }
    expect(await n()).toBe(before);
  });
});

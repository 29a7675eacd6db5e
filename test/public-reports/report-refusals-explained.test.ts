import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { jpegWithExif } from '../helpers/images.js';
import { HQ, XX } from '../open311/helpers.js';
import { reasonZh } from '../../web/src/shared/field-reasons.js';
import { submitReport } from './helpers.js';

/**
 * A report the page cannot file tells the resident which of the page's own fields to correct and
 * why — in the API's shape (details.fields[{ field, reason }]) with a Chinese sentence for every
 * reason — not only "please check what you entered".
 */
for (const dialect of DIALECTS) {
  describe(`public report refusals name the page's field [${dialect}]`, () => {
    let ctx: TestContext;
    let point: { lat: string; lng: string };
    let code: string;
    let shopOnly: string;
    let seed = 0;
    let ipSeq = 0;
    const newIp = () => `10.${dialect === 'sqlite' ? 61 : 62}.0.${++ipSeq}`;
    const count = async () => Number((await ctx.handle.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    beforeAll(async () => {
      ctx = await demoContext(dialect, { LOG_LEVEL: 'warn' });
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const site = await db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      point = { lat: String(Number(site.lat)), lng: String(Number(site.lng)) };
      code = (await ctx.app.inject({ method: 'GET', url: `/api/public/reports/categories?lat=${point.lat}&lng=${point.lng}` })).json().categories[0].code;
      const cats = await db.selectFrom('case_categories').select(['code', 'site_kinds']).where('subdistrict_id', '=', hq.id).where('level', '=', 'standard').where('active', '=', 1).execute();
      shopOnly = cats.find((c) => { const k = JSON.parse(c.site_kinds) as string[]; return k.length > 0 && !k.includes('bin_room'); })!.code;
    });
    afterAll(async () => ctx?.close());

    it.each([
      ['a phone that is not one', { phone: '138 1234 5678 转 2' }, 400, 'phone'],
      ['a category that does not apply to the site type', () => ({ service_code: shopOnly }), 400, 'site_kind'],
      ['an unknown category', { service_code: 'Z9999' }, 404, 'service_code'],
      ['a point outside the jurisdiction sent', { jurisdiction_id: XX }, 400, 'lat'],
      ['an unknown jurisdiction', { jurisdiction_id: '310105999' }, 404, 'jurisdiction_id'],
      ['a longitude that is not a number', { lng: '121.4.1' }, 400, 'lng'],
      ['a description with markup', { description: '门口<script>很脏' }, 400, 'description'],
      ['a description that is too long', { description: '脏'.repeat(4001) }, 400, 'description'],
    ] as const)('%s: the status, the page\'s field, and a Chinese reason', async (_what, over, status, field) => {
      const before = await count();
      const fields = { jurisdiction_id: HQ, service_code: code, lat: point.lat, lng: point.lng, site_kind: 'bin_room', description: '箱房门口垃圾满溢', ...(typeof over === 'function' ? over() : over) };
      const res = await submitReport(ctx.app, fields, await jpegWithExif({ seed: ++seed }), { ip: newIp() });
      expect(res.statusCode, res.body).toBe(status);
      const named = res.json().error.details.fields as { field: string; reason: string }[];
      expect(named, res.body).toHaveLength(1);
      expect(named[0]!.field).toBe(field);
      expect(reasonZh(named[0]!.reason), named[0]!.reason).toBeTruthy();
      expect(await count()).toBe(before);
    });
  });
}

describe('every refusal of the shared intake has a Chinese reason', () => {
  it('each reason written with refused(field, reason, …) in src/domain/open311 reads in Chinese', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const dir = path.resolve(import.meta.dirname, '../../src/domain/open311');
    const reasons = fs.readdirSync(dir).flatMap((f) =>
      [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/refused\(\s*[^,]+,\s*('[^']*'|`[^`]*`)/g)].map((m) => m[1]!.slice(1, -1).replace(/\$\{[^}]*\}/g, '1')),
    );
    expect(reasons.length).toBeGreaterThan(15);
    for (const r of reasons) expect(reasonZh(r), r).toBeTruthy();
  });
});

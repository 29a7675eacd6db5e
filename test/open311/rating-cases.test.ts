import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedServicesDemo } from '../../src/domain/demo/seed-services.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord, stepRecord } from '../../src/domain/service-records/records.js';
import { DEMO_PASSWORD, actorOf, demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { FORM, form, HQ, newKey } from './helpers.js';

const COMMENT = '窗口人员态度生硬，让我跑了三趟';

/** A 差评 opens a case carrying the rater's words; rater data is protected, so no Open311 read or webhook shows that case. */
for (const dialect of DIALECTS) {
  describe(`Open311 leaves out the cases born from a 差评 [${dialect}]`, () => {
    let ctx: TestContext;
    let rated: { caseId: string; number: string; recordNumber: string };
    let publicNumber: string;
    let readable: { id: string; key: string };

    beforeAll(async () => {
      ctx = await demoContext(dialect, { OUTBOUND_ALLOW_HOSTS: '127.0.0.1', OUTBOUND_ALLOW_HTTP: 'true' });
      await seedServicesDemo(ctx.handle.db, ctx.clock, { password: DEMO_PASSWORD });
      const db = ctx.handle.db;
      readable = await newKey(ctx, { webhookUrl: 'http://127.0.0.1:9/r', webhookScope: 'readable' });
      const filer = await newKey(ctx);
      // A citizen's report over Open311: public, as every other request.
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const site = await db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      const filed = await ctx.app.inject({
        method: 'POST', url: '/open311/v2/requests.json', headers: FORM,
        payload: form([['api_key', filer.key], ['jurisdiction_id', HQ], ['service_code', 'A0301'], ['lat', String(Number(site.lat))], ['long', String(Number(site.lng))], ['attribute[site_kind]', 'bin_room']]),
      });
      expect(filed.statusCode, filed.body).toBe(200);
      publicNumber = filed.json()[0].service_request_id;
      // A service served and rated one star with a comment.
      const cadre = await actorOf(ctx, 'cadre01');
      const point = await db.selectFrom('service_points').select('id').where('code', '=', 'YW008-CW01').executeTakeFirstOrThrow();
      const item = await db.selectFrom('service_item_versions').select('item_id').where('name_zh', '=', '居住证签注').executeTakeFirstOrThrow();
      const served = await db.transaction().execute(async (trx) => {
        const out = await createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.item_id, applicant: { name: '吴娟', idNumber: withCheckDigit('31010519900101005'), phone: '13700000000' }, materials: [] });
        await stepRecord(trx, ctx.clock, cadre, out.record.id, { version: 1, action: 'complete', delivery: 'on_site' });
        return out;
      });
      const bad = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${served.ratingToken}`, payload: { level: 1, comment: COMMENT, channel: 'qr' } });
      expect(bad.statusCode, bad.body).toBe(201);
      const c = await db.selectFrom('cases').select(['id', 'number', 'description']).where('id', '=', bad.json().caseId).executeTakeFirstOrThrow();
      expect(c.description).toContain(COMMENT);
      rated = { caseId: c.id, number: c.number, recordNumber: served.record.number };
    }, 120_000);
    afterAll(async () => ctx?.close());

    const get = (url: string) => ctx.app.inject({ method: 'GET', url });
    const hidden = (body: string) => {
      expect(body).not.toContain(COMMENT);
      expect(body).not.toContain(rated.number);
      expect(body).not.toContain(rated.recordNumber);
    };

    it('an anonymous list (JSON and XML) and a list by service_request_id show the citizen report, never the 差评 case', async () => {
      for (const format of ['json', 'xml']) {
        const list = await get(`/open311/v2/requests.${format}?jurisdiction_id=${HQ}`);
        expect(list.statusCode).toBe(200);
        expect(list.body).toContain(publicNumber);
        hidden(list.body);
      }
      const byId = await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&service_request_id=${publicNumber},${rated.number}`);
      expect(byId.json().map((r: { service_request_id: string }) => r.service_request_id)).toEqual([publicNumber]);
    });

    it('an anonymous single read of the 差评 case is 404, as for a number that does not exist', async () => {
      for (const format of ['json', 'xml']) {
        const one = await get(`/open311/v2/requests/${rated.number}.${format}?jurisdiction_id=${HQ}`);
        const none = await get(`/open311/v2/requests/HQ-20260526-9999.${format}?jurisdiction_id=${HQ}`);
        expect(one.statusCode).toBe(404);
        expect(one.body).toBe(none.body.replace('HQ-20260526-9999', rated.number));
        expect(one.body).not.toContain(COMMENT);
      }
      expect((await get(`/open311/v2/requests/${publicNumber}.json?jurisdiction_id=${HQ}`)).statusCode).toBe(200);
    });

    it('servicerequestupdates and readable webhooks carry the citizen report, nothing of the 差评 case', async () => {
      const updates = await get(`/open311/v2/servicerequestupdates.json?jurisdiction_id=${HQ}&api_key=${readable.key}`);
      expect(updates.statusCode).toBe(200);
      expect(updates.body).toContain(publicNumber);
      hidden(updates.body);
      const deliveries = await ctx.handle.db.selectFrom('open311_deliveries').select(['case_id', 'payload']).where('key_id', '=', readable.id).execute();
      expect(deliveries.length).toBeGreaterThan(0);
      expect(deliveries.filter((d) => d.case_id === rated.caseId)).toEqual([]);
      for (const d of deliveries) hidden(d.payload);
    });

    it('stays out when its standard is given another code: the follow-up marks it', async () => {
      const db = ctx.handle.db;
      const c = await db.selectFrom('cases').select('category_id').where('id', '=', rated.caseId).executeTakeFirstOrThrow();
      await db.updateTable('case_categories').set({ code: 'YW0199' }).where('id', '=', c.category_id).execute();
      try {
        const list = await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&service_request_id=${rated.number}`);
        expect(list.json()).toEqual([]);
        expect((await get(`/open311/v2/requests/${rated.number}.json?jurisdiction_id=${HQ}`)).statusCode).toBe(404);
      } finally {
        await db.updateTable('case_categories').set({ code: 'YW0101' }).where('id', '=', c.category_id).execute();
      }
    });

    it('a report merged into the 差评 case does not name it', async () => {
      const db = ctx.handle.db;
      const c = await db.selectFrom('cases').select(['id', 'version']).where('number', '=', publicNumber).executeTakeFirstOrThrow();
      const cookie = await signInAs(ctx.app, 'operator');
      const merged = await ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/transitions`, headers: { cookie }, payload: { action: 'merge', version: c.version, targetCaseId: rated.caseId } });
      expect(merged.statusCode, merged.body).toBe(200);
      const one = await get(`/open311/v2/requests/${publicNumber}.json?jurisdiction_id=${HQ}`);
      expect(one.json()[0]).toMatchObject({ status: 'closed', status_notes: '与另一案件为同一问题，已合并办理' });
      hidden(one.body);
    });
  });
}

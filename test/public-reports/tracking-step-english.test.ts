import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadPhoto } from '../api/cases-helpers.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { jpegWithExif } from '../helpers/images.js';
import { HQ } from '../open311/helpers.js';
import { PUBLIC_REPORT_STRINGS } from '../../web/src/shared/i18n/public-report.js';
import { submitReport } from './helpers.js';

/**
 * The tracking page in English says the stage the Chinese says: a case on hold (挂账) is "on hold",
 * not "being fixed"; a failed check is rework; a contested fix is reopened. The view carries the
 * step, and the page has a sentence for every step in both languages.
 */
for (const dialect of DIALECTS) {
  describe(`the tracking page's step in both languages [${dialect}]`, () => {
    let ctx: TestContext;
    const cookies: Record<string, string> = {};
    let point: { lat: string; lng: string };
    let code: string;
    let unit1: string;
    let seed = 0;
    let ipSeq = 0;
    const caseOf = (number: string) => ctx.handle.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    const act = async (who: string, number: string, body: Record<string, unknown>) => {
      const c = await caseOf(number);
      const res = await ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/transitions`, headers: { cookie: cookies[who]! }, payload: { version: c.version, ...body } });
      expect(res.statusCode, res.body).toBe(200);
    };
    const view = async (token: string) => (await ctx.app.inject({ method: 'GET', url: `/api/public/reports/${token}`, remoteAddress: `10.${dialect === 'sqlite' ? 71 : 72}.1.${++ipSeq}` })).json();
    const report = async () => {
      const res = await submitReport(ctx.app, { jurisdiction_id: HQ, service_code: code, lat: point.lat, lng: point.lng, site_kind: 'bin_room', description: '箱房门口垃圾满溢' }, await jpegWithExif({ seed: ++seed }), { ip: `10.${dialect === 'sqlite' ? 71 : 72}.0.${++ipSeq}` });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { number: string; token: string };
    };
    const english = (step: string) => (PUBLIC_REPORT_STRINGS.en as unknown as { step: Record<string, string> }).step[step];

    beforeAll(async () => {
      ctx = await demoContext(dialect, { LOG_LEVEL: 'warn' });
      for (const u of ['operator', 'patrol1', 'handler1']) cookies[u] = await signInAs(ctx.app, u);
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const site = await db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      point = { lat: String(Number(site.lat)), lng: String(Number(site.lng)) };
      code = (await ctx.app.inject({ method: 'GET', url: `/api/public/reports/categories?lat=${point.lat}&lng=${point.lng}` })).json().categories[0].code;
      unit1 = (await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
    });
    afterAll(async () => ctx?.close());

    it('a case on hold reads "on hold" in English as in Chinese; a failed check reads as rework', async () => {
      const held = await report();
      await act('operator', held.number, { action: 'file' });
      await act('operator', held.number, { action: 'dispatch', unitId: unit1 });
      expect((await view(held.token)).step).toBe('dispatched');
      await act('handler1', held.number, { action: 'request_hold', reason: '箱房改建，暂无法处置' });
      await act('operator', held.number, { action: 'approve_hold' });
      const v = await view(held.token);
      expect(v.statusNotes).toContain('挂账');
      expect(v.step).toBe('on_hold');
      expect(english(v.step)).toMatch(/on hold/i);

      const rework = await report();
      await act('operator', rework.number, { action: 'file' });
      await act('operator', rework.number, { action: 'dispatch', unitId: unit1 });
      const after = await uploadPhoto(ctx.app, cookies.handler1!);
      await act('handler1', rework.number, { action: 'handle', note: '已清运', photoIds: [after.id] });
      await act('patrol1', rework.number, { action: 'check_fail', note: '仍有散落垃圾' });
      const r = await view(rework.token);
      expect(r.statusNotes).toContain('返工');
      expect(r.step).toBe('rework');
      expect(english(r.step)).toMatch(/again|rework/i);
    });

    it('reads as rework only while the unit a failed check sent it back to is at it again: not after 改派 elsewhere', async () => {
      const db = ctx.handle.db;
      const unit2 = (await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler2').executeTakeFirstOrThrow()).handling_unit_id!;
      const r = await report();
      await act('operator', r.number, { action: 'file' });
      await act('operator', r.number, { action: 'dispatch', unitId: unit1 });
      await act('handler1', r.number, { action: 'handle', note: '已清运', photoIds: [(await uploadPhoto(ctx.app, cookies.handler1!)).id] });
      await act('patrol1', r.number, { action: 'check_fail', note: '仍有散落垃圾' });
      // Handled again by the same unit: rework, counted once.
      await act('handler1', r.number, { action: 'handle', note: '再次清运', photoIds: [(await uploadPhoto(ctx.app, cookies.handler1!)).id] });
      expect((await caseOf(r.number)).rework_count).toBe(1);
      await act('patrol1', r.number, { action: 'check_fail', note: '仍未清理干净' });
      expect((await view(r.token)).step).toBe('rework');
      // The desk re-dispatches it to another unit (改派): that unit is handling it, not reworking it.
      await act('operator', r.number, { action: 'redispatch', unitId: unit2, reason: '属二号物业' });
      const v = await view(r.token);
      expect(v.step).toBe('dispatched');
      expect(v.statusNotes).not.toContain('返工');
    });

    it('every step has a sentence in Chinese and in English', () => {
      const { zh, en } = PUBLIC_REPORT_STRINGS as unknown as { zh: { step?: Record<string, string> }; en: { step?: Record<string, string> } };
      for (const step of ['reported', 'filed', 'reopened', 'dispatched', 'rework', 'on_hold', 'handled', 'closed', 'cancelled', 'merged']) {
        expect(zh.step?.[step], step).toBeTruthy();
        expect(en.step?.[step], step).toBeTruthy();
      }
    });
  });
}

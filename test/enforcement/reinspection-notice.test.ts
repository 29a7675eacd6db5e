import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchDueReinspections } from '../../src/domain/enforcement/clocks.js';
import { newId } from '../../src/domain/shared/ids.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { HQ_GPS, hongqiao, shopOn, uploadPhoto } from './helpers.js';

/**
 * The re-inspection dispatch tells the officers of the case's committee (and the whole
 * subdistrict's), never another committee's; each reads it in their own language.
 */
for (const dialect of DIALECTS) {
  describe(`the re-inspection notice [${dialect}]`, { timeout: 120_000 }, () => {
    let ctx: TestContext;
    let photoDir: string;
    let hq: Awaited<ReturnType<typeof hongqiao>>;

    beforeAll(async () => {
      photoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-enf-notice-'));
      ctx = await demoContext(dialect, { PHOTO_DIR: photoDir });
      ctx.clock.set('2026-08-03T09:00:00+08:00');
      hq = await hongqiao(ctx);
    });
    afterAll(async () => {
      await ctx.close();
      fs.rmSync(photoDir, { recursive: true, force: true });
    });
    const post = (cookie: string, url: string, payload: unknown) => ctx.app.inject({ method: 'POST', url, headers: { cookie }, payload: payload as object });

    it("reaches the case's committee officers, not another committee's, in the reader's language", async () => {
      const db = ctx.handle.db;
      const e1 = await signInAs(ctx.app, 'enforcer1');
      const e2Id = await hq.userId('enforcer2');
      const site = await shopOn(ctx, hq.subdistrictId, '', '', 200);
      const list = (await ctx.app.inject({ method: 'GET', url: '/api/checklists?siteKind=shop', headers: { cookie: e1 } })).json().items;
      const checklist = (await ctx.app.inject({ method: 'GET', url: `/api/checklists/${list[0].id}`, headers: { cookie: e1 } })).json();
      const photo = await uploadPhoto(ctx, e1);
      const answers = checklist.items.map((it: { id: string }, i: number) =>
        i === 0 ? { itemId: it.id, result: 'fail', resolution: 'reported', photoIds: [photo] } : { itemId: it.id, result: 'pass' });
      const insp = await post(e1, '/api/inspections', { siteId: site.id, checklistId: checklist.id, answers });
      expect(insp.statusCode, insp.body).toBe(201);
      const opened = await post(e1, '/api/enforcement/cases', { inspectionId: insp.json().id, legalBasisId: hq.art26, facts: '检查不合格' });
      expect(opened.statusCode, opened.body).toBe(201);
      const ec = opened.json();
      const o = await post(e1, `/api/enforcement/cases/${ec.id}/steps`, { kind: 'order', version: 1, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [photo], deadlineAt: '2026-08-04T12:00:00+08:00', deadlineReason: '约定次日中午前' });
      expect(o.statusCode, o.body).toBe(201);

      // Two officers scoped to one committee each: the case's, and another.
      const linked = await db.selectFrom('cases').select(['committee_id', 'number']).where('id', '=', ec.caseId).executeTakeFirstOrThrow();
      expect(linked.committee_id).not.toBeNull();
      const other = await db.selectFrom('committees').select('id').where('subdistrict_id', '=', hq.subdistrictId).where('id', '!=', linked.committee_id as string).orderBy('code').executeTakeFirstOrThrow();
      const template = await db.selectFrom('users').selectAll().where('username', '=', 'enforcer1').executeTakeFirstOrThrow();
      const at = ctx.clock.now().toISOString();
      const officer: Record<string, string> = {};
      for (const [k, committeeId] of [['own', linked.committee_id as string], ['other', other.id]] as const) {
        const id = newId();
        await db.insertInto('users').values({ ...template, id, username: `enf-${k}`, phone: null, created_at: at, updated_at: at } as never).execute();
        await db.insertInto('user_scopes').values({ id: newId(), user_id: id, subdistrict_id: hq.subdistrictId, committee_id: committeeId } as never).execute();
        officer[k] = id;
      }

      ctx.clock.set('2026-08-04T12:30:00+08:00');
      expect(await dispatchDueReinspections(db, ctx.clock)).toBe(1);
      const heard = async (userId: string) =>
        (await db.selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id').select('n.kind').where('i.user_id', '=', userId).where('n.case_id', '=', ec.caseId).execute()).map((x) => x.kind);
      expect(await heard(template.id)).toContain('enforcement_reinspection');
      expect(await heard(officer.own!)).toContain('enforcement_reinspection');
      expect(await heard(officer.other!)).not.toContain('enforcement_reinspection');

      const read = async (lang: string) =>
        ((await ctx.app.inject({ method: 'GET', url: `/api/inbox?lang=${lang}`, headers: { cookie: await signInAs(ctx.app, 'enforcer1') } })).json().items as { kind: string; title: string; body: string; caseId: string }[])
          .find((i) => i.kind === 'enforcement_reinspection' && i.caseId === ec.caseId)!;
      expect(await read('en')).toMatchObject({ title: `Re-inspection: ${site.name}`, body: `The period to comply ended 2026-08-04 12:00; re-inspect by ${(await read('en')).body.match(/by (\S+ \S+) \(/)![1]} (case ${linked.number}).` });
      expect((await read('zh')).title).toBe(`复查派单：${site.name}`);
      expect((await read('zh')).body).toMatch(/^整改期限2026年8月4日12时00分已到，请于.+前复查（案件.+）。$/);
    });
  });
}

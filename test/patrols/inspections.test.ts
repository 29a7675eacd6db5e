import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { committeeOf, count, insertPhoto } from './factories.js';

const EVENING = '2026-05-26T10:35:00Z';

for (const dialect of DIALECTS) {
  describe(`inspections [${dialect}]`, () => {
    let ctx: TestContext;
    let patrol: string;
    let cadre: string;
    let xxPatrol: string;
    let shopId: string;
    let otherCommitteeShop: string;
    let checklist: { id: string; items: { id: string; code: string; photoRequiredOnFail: boolean }[] };

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      ctx.clock.set(EVENING);
      patrol = await signInAs(ctx.app, 'patrol1');
      cadre = await signInAs(ctx.app, 'cadre01');
      xxPatrol = await signInAs(ctx.app, 'xx-patrol1');
      const db = ctx.handle.db;
      const com = await committeeOf(db, 'cadre01');
      shopId = (await db.selectFrom('sites').select('id').where('committee_id', '=', com).where('kind', '=', 'shop').orderBy('id').executeTakeFirstOrThrow()).id;
      otherCommitteeShop = (await db.selectFrom('sites').select('id').where('committee_id', '!=', com).where('kind', '=', 'shop').orderBy('id').executeTakeFirstOrThrow()).id;
      const list = (await ctx.app.inject({ method: 'GET', url: '/api/checklists?siteKind=shop', headers: { cookie: patrol } })).json().items;
      checklist = (await ctx.app.inject({ method: 'GET', url: `/api/checklists/${list[0].id}`, headers: { cookie: patrol } })).json();
    });
    afterAll(async () => ctx.close());

    const post = (cookie: string, payload: unknown) => ctx.app.inject({ method: 'POST', url: '/api/inspections', headers: { cookie }, payload: payload as object });
    const allPass = () => checklist.items.map((it) => ({ itemId: it.id, result: 'pass' }));
    const written = async () => ({
      inspections: await count(ctx.handle.db, 'inspections'),
      answers: await count(ctx.handle.db, 'inspection_answers'),
      cases: await count(ctx.handle.db, 'cases'),
    });

    it('rejects an answer for an item not in that version, a failed item without its photo, and gaps; nothing is written', async () => {
      const before = await written();
      const bin = (await ctx.app.inject({ method: 'GET', url: '/api/checklists?siteKind=bin_room', headers: { cookie: patrol } })).json().items[0];
      const binItems = (await ctx.app.inject({ method: 'GET', url: `/api/checklists/${bin.id}`, headers: { cookie: patrol } })).json().items;
      const foreign = allPass();
      foreign[2] = { itemId: binItems[0].id, result: 'pass' };
      const r1 = await post(patrol, { siteId: shopId, checklistId: checklist.id, answers: foreign });
      expect(r1.statusCode).toBe(400);
      expect(r1.json().error.details.fields[0].field).toBe('answers.2.itemId');

      const needsPhoto = checklist.items.findIndex((it) => it.photoRequiredOnFail);
      const noPhoto = allPass();
      noPhoto[needsPhoto] = { itemId: checklist.items[needsPhoto]!.id, result: 'fail', resolution: 'reported' } as never;
      const r2 = await post(patrol, { siteId: shopId, checklistId: checklist.id, answers: noPhoto });
      expect(r2.json().error.details.fields[0].field).toBe(`answers.${needsPhoto}.photoIds`);

      const fixedNoAfter = allPass();
      fixedNoAfter[needsPhoto] = { itemId: checklist.items[needsPhoto]!.id, result: 'fail', resolution: 'fixed', photoIds: [await insertPhoto(ctx.handle.db, 'patrol1')] } as never;
      const r3 = await post(patrol, { siteId: shopId, checklistId: checklist.id, answers: fixedNoAfter });
      expect(r3.json().error.details.fields[0].field).toBe(`answers.${needsPhoto}.afterPhotoIds`);

      // A fix on the spot is not proved by the same picture before and after.
      const samePicture = allPass();
      const shot = await insertPhoto(ctx.handle.db, 'patrol1');
      samePicture[needsPhoto] = { itemId: checklist.items[needsPhoto]!.id, result: 'fail', resolution: 'fixed', photoIds: [shot], afterPhotoIds: [shot] } as never;
      const r3b = await post(patrol, { siteId: shopId, checklistId: checklist.id, answers: samePicture });
      expect(r3b.statusCode).toBe(400);
      expect(r3b.json().error.details.fields[0]).toMatchObject({ field: `answers.${needsPhoto}.afterPhotoIds.0`, reason: 'the same picture as a before photo' });

      const r4 = await post(patrol, { siteId: shopId, checklistId: checklist.id, answers: allPass().slice(1) });
      expect(r4.json().error.details.fields[0].field).toBe('answers');
      const r5 = await post(patrol, { siteId: shopId, checklistId: bin.id, answers: allPass() });
      expect(r5.json().error.details.fields[0].field).toBe('checklistId');
      expect(await written()).toEqual(before);
    });

    it("answers 404 for a site outside the inspector's scope", async () => {
      const before = await written();
      expect((await post(cadre, { siteId: otherCommitteeShop, checklistId: checklist.id, answers: allPass() })).statusCode).toBe(404);
      expect((await post(xxPatrol, { siteId: shopId, checklistId: checklist.id, answers: allPass() })).statusCode).toBe(404);
      expect((await post(await signInAs(ctx.app, 'operator'), { siteId: shopId, checklistId: checklist.id, answers: allPass() })).statusCode).toBe(403);
      expect(await written()).toEqual(before);
    });

    it('records an all-pass visit; the site turns green and its next inspection is due by the green interval', async () => {
      const res = await post(patrol, { siteId: shopId, checklistId: checklist.id, answers: allPass() });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ outcome: 'pass', cases: [], grade: 'green', gradeChanged: true, checklistVersion: 1 });
      expect(res.json().nextDueAt).toBe('2026-06-25T10:35:00.000Z'); // + 30 days
    });

    it('turns a failed visit into a self-resolved case (fixed) and a reported case, linked both ways; the grade turns red', async () => {
      const db = ctx.handle.db;
      const [a, b] = checklist.items.filter((it) => it.photoRequiredOnFail);
      const answers = allPass();
      const ia = checklist.items.indexOf(a!);
      const ib = checklist.items.indexOf(b!);
      const before = await insertPhoto(db, 'patrol1');
      const after = await insertPhoto(db, 'patrol1');
      const found = await insertPhoto(db, 'patrol1');
      answers[ia] = { itemId: a!.id, result: 'fail', resolution: 'fixed', photoIds: [before], afterPhotoIds: [after] } as never;
      answers[ib] = { itemId: b!.id, result: 'fail', resolution: 'reported', photoIds: [found], note: '门口堆放纸箱' } as never;
      const res = await post(patrol, { siteId: shopId, checklistId: checklist.id, answers, position: { lat: 31.2, lng: 121.41, accuracyM: 8 } });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({ outcome: 'fail', failedCount: 2, grade: 'red', gradeChanged: true });
      expect(body.nextDueAt).toBe('2026-06-02T10:35:00.000Z'); // red: + 7 days
      const fixed = body.cases.find((c: { resolution: string }) => c.resolution === 'fixed');
      const reported = body.cases.find((c: { resolution: string }) => c.resolution === 'reported');
      const rows = await db.selectFrom('cases').select(['id', 'status', 'source', 'site_id']).where('id', 'in', [fixed.caseId, reported.caseId]).execute();
      expect(rows.find((r) => r.id === fixed.caseId)).toMatchObject({ status: 'closed', source: 'self_resolved', site_id: shopId });
      expect(rows.find((r) => r.id === reported.caseId)).toMatchObject({ status: 'reported', source: 'patrol' });
      const photos = await db.selectFrom('case_photos').select(['photo_id', 'purpose']).where('case_id', '=', fixed.caseId).execute();
      expect(photos.map((p) => `${p.purpose}:${p.photo_id}`).sort()).toEqual([`after:${after}`, `before:${before}`].sort());
      // inspection → cases
      const detail = (await ctx.app.inject({ method: 'GET', url: `/api/inspections/${body.id}`, headers: { cookie: patrol } })).json();
      expect(detail.answers.filter((x: { caseId: string | null }) => x.caseId).map((x: { caseId: string }) => x.caseId).sort()).toEqual([fixed.caseId, reported.caseId].sort());
      // case → inspection
      const back = (await ctx.app.inject({ method: 'GET', url: `/api/inspections?caseId=${reported.caseId}`, headers: { cookie: cadre } })).json().items;
      expect(back.map((i: { id: string }) => i.id)).toEqual([body.id]);
    });

    it('lets an administrator change the red interval, moving the schedule; a closed case later lifts red to yellow', async () => {
      const admin = await signInAs(ctx.app, 'admin');
      const sub = (await ctx.handle.db.selectFrom('sites').select('subdistrict_id').where('id', '=', shopId).executeTakeFirstOrThrow()).subdistrict_id;
      const put = await ctx.app.inject({ method: 'PUT', url: '/api/coverage/intervals', headers: { cookie: admin }, payload: { subdistrictId: sub, siteKind: 'shop', grade: 'red', days: 3 } });
      expect(put.statusCode).toBe(200);
      expect(put.json().intervals.shop.red).toBe(3);
      const sc = () => ctx.handle.db.selectFrom('site_compliance').selectAll().where('site_id', '=', shopId).executeTakeFirstOrThrow();
      expect((await sc()).next_due_at).toMatch(/^2026-05-29T10:35:00/);
      expect((await ctx.app.inject({ method: 'PUT', url: '/api/coverage/intervals', headers: { cookie: patrol }, payload: { subdistrictId: sub, siteKind: 'shop', grade: 'red', days: 1 } })).statusCode).toBe(403);

      // The reported case gets closed in the case loop; the grade job follows.
      const { regradeSitesWithCaseChanges } = await import('../../src/domain/compliance/regrade-changed.js');
      await regradeSitesWithCaseChanges(ctx.handle.db, ctx.clock); // sets the cursor
      ctx.clock.set('2026-05-27T02:00:00Z');
      const at = ctx.clock.now().toISOString();
      await ctx.handle.db.updateTable('cases').set({ status: 'closed', closed_at: at, updated_at: at }).where('site_id', '=', shopId).where('status', '=', 'reported').execute();
      expect(await regradeSitesWithCaseChanges(ctx.handle.db, ctx.clock)).toBe(1);
      expect(await sc()).toMatchObject({ grade: 'yellow' });
      expect((await sc()).next_due_at).toMatch(/^2026-06-09T10:35:00/); // yellow: 14 days after the last inspection
      cadre = await signInAs(ctx.app, 'cadre01'); // the clock moved past the session lifetime
      xxPatrol = await signInAs(ctx.app, 'xx-patrol1');
      const history = (await ctx.app.inject({ method: 'GET', url: `/api/sites/${shopId}/history`, headers: { cookie: cadre } })).json();
      expect(history.items.filter((e: { type: string }) => e.type === 'grade_change').map((e: { to: string }) => e.to)).toEqual(['yellow', 'red', 'green']);
      expect(history.items.filter((e: { type: string }) => e.type === 'inspection')).toHaveLength(2);
      expect(history.items.filter((e: { type: string }) => e.type === 'case')).toHaveLength(2);
      expect((await ctx.app.inject({ method: 'GET', url: `/api/sites/${shopId}/history`, headers: { cookie: xxPatrol } })).statusCode).toBe(404);
    });

    it('flags for review a visit with no position, or with one outside the check-ins\' geofence (it counts as coverage)', async () => {
      const db = ctx.handle.db;
      const com = await committeeOf(db, 'cadre01');
      const shops = await db.selectFrom('sites').select(['id', 'lat', 'lng']).where('committee_id', '=', com).where('kind', '=', 'shop').where('id', '!=', shopId).orderBy('id').limit(3).execute();
      const me = await signInAs(ctx.app, 'patrol1');
      const visit = async (site: (typeof shops)[number], metres: number | null) => {
        const position = metres === null ? undefined : { ...offsetMetres({ lat: Number(site.lat), lng: Number(site.lng) }, metres, 90), accuracyM: 8 };
        const res = await post(me, { siteId: site.id, checklistId: checklist.id, answers: allPass(), ...(position && { position }) });
        expect(res.statusCode, res.body).toBe(201);
        return res.json() as { id: string; evidenceFlags: { code: string; detail: { metres?: number; accuracyM?: number } }[] };
      };
      const none = await visit(shops[0]!, null);
      const far = await visit(shops[1]!, 500);
      const near = await visit(shops[2]!, 5);
      expect(none.evidenceFlags.map((f) => f.code)).toEqual(['no_position']);
      expect(far.evidenceFlags.map((f) => [f.code, f.detail.accuracyM])).toEqual([['outside_site', 8]]);
      expect(far.evidenceFlags[0]!.detail.metres).toBeGreaterThanOrEqual(499);
      expect(near.evidenceFlags).toEqual([]);
      const flagged = (await ctx.app.inject({ method: 'GET', url: '/api/inspections?flagged=true', headers: { cookie: await signInAs(ctx.app, 'operator') } })).json().items.map((i: { id: string }) => i.id);
      expect(flagged).toEqual(expect.arrayContaining([none.id, far.id]));
      expect(flagged).not.toContain(near.id);
    });

    it('refuses an after photo that is another item\'s before photo; nothing is written', async () => {
      const db = ctx.handle.db;
      const me = await signInAs(ctx.app, 'patrol1');
      const [a, b] = checklist.items.filter((it) => it.photoRequiredOnFail);
      const [ia, ib] = [checklist.items.indexOf(a!), checklist.items.indexOf(b!)];
      const [A, B] = [await insertPhoto(db, 'patrol1'), await insertPhoto(db, 'patrol1')];
      const answers = (after2: string) => {
        const list = allPass();
        list[ia] = { itemId: a!.id, result: 'fail', resolution: 'fixed', photoIds: [A], afterPhotoIds: [B] } as never;
        list[ib] = { itemId: b!.id, result: 'fail', resolution: 'fixed', photoIds: [B], afterPhotoIds: [after2] } as never;
        return list;
      };
      const before = await written();
      const res = await post(me, { siteId: shopId, checklistId: checklist.id, answers: answers(A) });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.fields[0].field).toBe(`answers.${Math.min(ia, ib)}.afterPhotoIds.0`);
      expect(await written()).toEqual(before);
      // A passing item's photo shows no problem: the same picture may prove a failed item fixed.
      const pass = checklist.items.findIndex((_, i) => i !== ia);
      const C = await insertPhoto(db, 'patrol1');
      const [D, E] = [await insertPhoto(db, 'patrol1'), await insertPhoto(db, 'patrol1')];
      const list = allPass();
      list[pass] = { ...(list[pass] as object), photoIds: [E] } as never;
      list[ia] = { itemId: a!.id, result: 'fail', resolution: 'fixed', photoIds: [C, D], afterPhotoIds: [E] } as never;
      const ok = await post(me, { siteId: shopId, checklistId: checklist.id, answers: list });
      expect(ok.statusCode, ok.body).toBe(201);
    });
  });
}

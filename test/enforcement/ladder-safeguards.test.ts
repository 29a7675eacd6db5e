import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { enforcementContext, HQ_GPS, shopOn, type hongqiao, uploadPhoto, workingDeadline } from './helpers.js';

const HOUR = 3600_000;

// The ladder's safeguards: one ladder per violation (行政处罚法 art. 29), the suggested deadline the
// officer was shown, deadlines that follow the calendar (DOMAIN.md §4), the independent check of a
// ladder's own case, and the figures' period.
for (const dialect of DIALECTS) {
  describe(`enforcement ladder safeguards [${dialect}]`, { timeout: 180_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    let ctx: TestContext;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    let e2Id: string;
    let shop = 600;
    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-enf-safe-');
      ({ ctx, hq, e2Id } = env);
    });
    afterAll(async () => env?.close());

    const send = async (user: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      ctx.app.inject({ method, url, headers: { cookie: await signInAs(ctx.app, user) }, ...(payload && { payload }) });
    const post = (user: string, url: string, payload: object) => send(user, 'POST', url, payload);
    const get = (user: string, url: string) => send(user, 'GET', url);
    const later = (ms: number) => ctx.clock.set(new Date(ctx.clock.now().getTime() + ms));
    const openAt = (siteId: string, legalBasisId = hq.art26, user = 'enforcer1') =>
      post(user, '/api/enforcement/cases', { siteId, categoryId: hq.categoryId, gps: HQ_GPS, legalBasisId, facts: '未设置分类标识' });
    const photo = async (user = 'enforcer1') => uploadPhoto(ctx, await signInAs(ctx.app, user));
    const order = async (ecId: string, extra: object) =>
      post('enforcer1', `/api/enforcement/cases/${ecId}/steps`, { kind: 'order', version: 1, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [await photo()], educationGiven: true, acknowledgement: 'signed', ...extra });

    it('runs one ladder per party and legal basis until it is decided; another basis or a closed ladder does not block', async () => {
      ctx.clock.set('2026-07-01T10:00:00+08:00');
      const site = await shopOn(ctx, hq.subdistrictId, '', '', shop++);
      const first = await openAt(site.id);
      expect(first.statusCode, first.body).toBe(201);
      // The same party and provision, by another officer, at the same shop or from anywhere else: refused, naming the open ladder.
      const events = await ctx.handle.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      for (const user of ['enforcer1', 'enforcer2']) {
        const again = await openAt(site.id, hq.art26, user);
        expect(again.statusCode, again.body).toBe(409);
        expect(again.json().error).toMatchObject({ code: 'duplicate', details: { enforcementCaseId: first.json().id, fields: [{ field: 'legalBasisId' }] } });
      }
      // Nothing was reported into the loop by the refused openings.
      expect(Number((await ctx.handle.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(Number(events.n));
      // Another provision is another violation.
      const other = await openAt(site.id, hq.art57);
      expect(other.statusCode, other.body).toBe(201);
      // Once the first ladder is closed (rectified), a new breach opens a new ladder.
      const o = await order(first.json().id, { deadlineAt: workingDeadline(ctx.clock.now()), deadlineReason: '当日整改' });
      expect(o.statusCode, o.body).toBe(201);
      const fixed = await post('enforcer2', `/api/enforcement/cases/${first.json().id}/steps`, { kind: 'reinspection', version: o.json().case.version, gps: HQ_GPS, result: 'rectified', photoIds: [await photo('enforcer2')] });
      expect(fixed.statusCode, fixed.body).toBe(201);
      expect((await openAt(site.id)).statusCode).toBe(201);
    });

    it('opens no ladder from an inspection whose reported case is already ended', async () => {
      ctx.clock.set('2026-07-01T10:00:00+08:00');
      const site = await shopOn(ctx, hq.subdistrictId, '', '', shop++);
      const checklist = (await get('enforcer1', `/api/checklists/${(await get('enforcer1', '/api/checklists?siteKind=shop')).json().items[0].id}`)).json();
      const p = await photo();
      const answers = checklist.items.map((it: { id: string }, n: number) => (n === 0 ? { itemId: it.id, result: 'fail', resolution: 'reported', photoIds: [p] } : { itemId: it.id, result: 'pass' }));
      const insp = await post('enforcer1', '/api/inspections', { siteId: site.id, checklistId: checklist.id, answers });
      expect(insp.statusCode, insp.body).toBe(201);
      const link = await ctx.handle.db.selectFrom('inspection_cases').select('case_id').where('inspection_id', '=', insp.json().id).where('resolution', '=', 'reported').executeTakeFirstOrThrow();
      const c = (await get('operator', `/api/cases/${link.case_id}`)).json();
      const cancelled = await post('operator', `/api/cases/${link.case_id}/transitions`, { action: 'cancel', version: c.version, reason: '重复上报' });
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      const refused = await post('enforcer1', '/api/enforcement/cases', { inspectionId: insp.json().id, legalBasisId: hq.art26, facts: '检查不合格' });
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json().error.details.fields[0].field).toBe('inspectionId');
    });

    it('accepts the suggested deadline the form showed, sent minutes or hours later, without a reason; not a made-up or day-old one', async () => {
      ctx.clock.set('2026-07-01T10:00:27+08:00');
      const ec = (await openAt((await shopOn(ctx, hq.subdistrictId, '', '', shop++)).id)).json();
      const shown = (await get('enforcer1', `/api/enforcement/cases/${ec.id}`)).json();
      expect(shown.suggestedDeadlineFrom).toBe(ctx.clock.now().toISOString());
      const asShown = { deadlineAt: shown.suggestedDeadlineAt, suggestedDeadlineAt: shown.suggestedDeadlineAt, suggestedDeadlineFrom: shown.suggestedDeadlineFrom };
      // A made-up suggestion (the chosen deadline itself) is not honoured: the reason is asked for.
      later(3 * 60_000);
      const fake = await order(ec.id, { deadlineAt: new Date(ctx.clock.now().getTime() + 2 * HOUR).toISOString(), suggestedDeadlineAt: new Date(ctx.clock.now().getTime() + 2 * HOUR).toISOString(), suggestedDeadlineFrom: ctx.clock.now().toISOString() });
      expect(fake.statusCode, fake.body).toBe(400);
      expect(fake.json().error.details.fields[0].field).toBe('deadlineReason');
      // Shown more than a day ago (the outbox held it): measured against the suggestion of now.
      const saved = ctx.clock.now();
      later(25 * HOUR);
      const stale = await order(ec.id, { ...asShown, deadlineAt: new Date(Math.max(Date.parse(shown.suggestedDeadlineAt), ctx.clock.now().getTime() + HOUR)).toISOString() });
      expect(stale.statusCode, stale.body).toBe(400);
      expect(stale.json().error.details.fields[0].field).toBe('deadlineReason');
      ctx.clock.set(saved);
      // The one shown, three minutes later (in working hours the suggestion of now has moved on): accepted.
      const ok = await order(ec.id, asShown);
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json().step.details.deadlineSuggestedAt).toBe(shown.suggestedDeadlineAt);
      expect(ok.json().step.details.deadlineReason).toBeUndefined();
    });

    it('re-times a running rectification deadline when holidays are entered, never earlier than served', async () => {
      ctx.clock.set('2026-07-08T10:00:00+08:00'); // a Wednesday
      const ec = (await openAt((await shopOn(ctx, hq.subdistrictId, '', '', shop++)).id)).json();
      const shown = (await get('enforcer1', `/api/enforcement/cases/${ec.id}`)).json();
      const o = await order(ec.id, { deadlineAt: shown.suggestedDeadlineAt, suggestedDeadlineAt: shown.suggestedDeadlineAt, suggestedDeadlineFrom: shown.suggestedDeadlineFrom });
      expect(o.statusCode, o.body).toBe(201);
      const served = o.json().case.deadlineAt as string;
      // Two of its working days become holidays: it has them again after.
      for (const date of ['2026-07-09', '2026-07-10']) {
        const r = await send('district-admin', 'PUT', '/api/calendar/overrides', { date, kind: 'holiday', note: '临时假日' });
        expect(r.statusCode, r.body).toBeLessThan(300);
      }
      const moved = (await get('enforcer1', `/api/enforcement/cases/${ec.id}`)).json();
      expect(Date.parse(moved.deadlineAt)).toBeGreaterThan(Date.parse(served));
      // As many working days as served, from the order: the holidays are skipped, not counted.
      const fresh = (await get('enforcer1', `/api/enforcement/cases/${(await openAt((await shopOn(ctx, hq.subdistrictId, '', '', shop++)).id)).json().id}`)).json();
      expect(moved.deadlineAt).toBe(fresh.suggestedDeadlineAt);
      expect(moved.reinspectAt).toBe(moved.deadlineAt);
      // One event a calendar change, each with the deadline before and after.
      const ev = await ctx.handle.db.selectFrom('case_events').select(['changes']).where('case_id', '=', ec.caseId).where('action', '=', 'enforcement_retime').orderBy('seq').execute();
      const moves = ev.map((e) => (typeof e.changes === 'string' ? JSON.parse(e.changes) : e.changes).deadlineAt as [string, string]);
      expect(moves).toHaveLength(2);
      expect(moves[0]![0]).toBe(served);
      expect(moves[1]).toEqual([moves[0]![1], moved.deadlineAt]);
      // A make-up workday entered before it does not take time back from the party.
      const r = await send('district-admin', 'PUT', '/api/calendar/overrides', { date: '2026-07-11', kind: 'workday', note: '调休上班' });
      expect(r.statusCode, r.body).toBeLessThan(300);
      expect((await get('enforcer1', `/api/enforcement/cases/${ec.id}`)).json().deadlineAt).toBe(moved.deadlineAt);
      // Not rectified cannot be found on the old deadline any more.
      ctx.clock.set(new Date(Date.parse(served) + HOUR));
      const early = await post('enforcer1', `/api/enforcement/cases/${ec.id}/steps`, { kind: 'reinspection', version: moved.version + 0, gps: HQ_GPS, photoIds: [await photo()], result: 'not_rectified', findings: ['仍未整改'] });
      expect(early.statusCode, early.body).toBe(400);
      expect(early.json().error.details.fields[0].field).toBe('result');
    });

    it("hands a ladder's own case to an independent 核查 on a rectified re-inspection, shown by a photo", async () => {
      ctx.clock.set('2026-08-03T10:00:00+08:00');
      const ec = (await openAt((await shopOn(ctx, hq.subdistrictId, '', '', shop++)).id)).json();
      const o = await order(ec.id, { deadlineAt: workingDeadline(ctx.clock.now()), deadlineReason: '当日整改' });
      expect(o.statusCode, o.body).toBe(201);
      later(HOUR);
      const url = `/api/enforcement/cases/${ec.id}/steps`;
      const bare = await post('enforcer1', url, { kind: 'reinspection', version: o.json().case.version, gps: HQ_GPS, result: 'rectified' });
      expect(bare.statusCode, bare.body).toBe(400);
      expect(bare.json().error.details.fields[0].field).toBe('photoIds');
      const fixed = await post('enforcer1', url, { kind: 'reinspection', version: o.json().case.version, gps: HQ_GPS, result: 'rectified', photoIds: [await photo()] });
      expect(fixed.statusCode, fixed.body).toBe(201);
      expect(fixed.json().case).toMatchObject({ stage: 'closed', outcome: 'rectified' });
      // The team's re-inspection is its handling: the case waits for a check by someone outside the team.
      const c = (await get('operator', `/api/cases/${ec.caseId}`)).json();
      expect(c.status).toBe('handled');
      for (const officer of ['enforcer1', 'enforcer2']) {
        const self = await post(officer, `/api/cases/${ec.caseId}/transitions`, { action: 'check_pass', version: c.version });
        expect(self.statusCode, self.body).toBeGreaterThanOrEqual(400);
      }
      const checked = await post('operator', `/api/cases/${ec.caseId}/transitions`, { action: 'check_pass', version: c.version });
      expect(checked.statusCode, checked.body).toBe(200);
      expect(checked.json().status).toBe('closed');
    });

    it('refuses figures for a period that ends before it starts, naming from', async () => {
      const r = await get('enforcer1', '/api/enforcement/counts?from=2026-08-01T00:00:00%2B08:00&to=2026-07-01T00:00:00%2B08:00');
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().error.details.fields[0].field).toBe('from');
      expect((await get('enforcer1', '/api/enforcement/counts?from=2026-07-01T00:00:00%2B08:00&to=2026-07-01T00:00:00%2B08:00')).statusCode).toBe(200);
    });
  });
}

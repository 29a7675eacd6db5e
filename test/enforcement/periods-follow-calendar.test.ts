import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { importYearSchedule } from '../../src/domain/calendar/overrides.js';
import { actorOf, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { enforcementContext, type hongqiao, walkToPriorNotice } from './helpers.js';

const HOUR = 3600_000;

// The penalty procedure's periods follow the calendar (DOMAIN.md §4): entering a holiday re-times
// the periods already running into it, so no decision comes before the party's statement window
// closes on the calendar in force; a period already over stays over.
for (const dialect of DIALECTS) {
  describe(`enforcement periods follow calendar changes [${dialect}]`, { timeout: 180_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    let ctx: TestContext;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    let e2Id: string;
    let shopIndex = 500;

    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-enf-cal-');
      ({ ctx, hq, e2Id } = env);
    });
    afterAll(async () => env?.close());

    const db = () => ctx.handle.db;
    const as = async (username: string) => signInAs(ctx.app, username);
    const post = async (username: string, url: string, payload: object) => ctx.app.inject({ method: 'POST', url, headers: { cookie: await as(username) }, payload });
    const step = (ecId: string, body: object) => post('enforcer1', `/api/enforcement/cases/${ecId}/steps`, body);
    const later = (h: number) => ctx.clock.set(new Date(ctx.clock.now().getTime() + h * HOUR));
    const deadline = () => new Date(ctx.clock.now().getTime() + 24 * HOUR).toISOString();
    const row = (id: string) => db().selectFrom('enforcement_cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const retimeEvents = async (ecId: string) => {
      const ec = await row(ecId);
      return db().selectFrom('case_events').selectAll().where('case_id', '=', ec.case_id).where('action', '=', 'enforcement_retime').orderBy('seq').execute();
    };
    const holiday = async (date: string, kind: 'holiday' | 'workday' = 'holiday') => {
      const res = await ctx.app.inject({ method: 'PUT', url: '/api/calendar/overrides', headers: { cookie: await as('admin') }, payload: { date, kind, note: '测试', subdistrictId: hq.subdistrictId } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };

    /** Opens a ladder at a fresh shop at `start` and walks it to the prior notice (served 50 hours later). */
    async function toPriorNotice(start: string, fineAmount = 500) {
      ctx.clock.set(start);
      return walkToPriorNotice(ctx, hq, e2Id, shopIndex++, { fineAmount });
    }

    let served: { id: string; version: number };
    let over: { id: string; endsAt: string };

    it('a holiday entered inside a running statement period moves its end, and a decision before the new end is refused', async () => {
      // A ladder whose statement period is already over when the holiday is entered (used below).
      const b = await toPriorNotice('2026-05-27T08:00:00+08:00'); // prior notice Fri 05-29 10:00
      expect(b.r.case.statementEndsAt).toBe('2026-06-03T15:59:59.999Z');
      over = { id: b.id, endsAt: b.r.case.statementEndsAt };

      // Prior notice served Friday 2026-06-05 10:00: three working days, Mon 8, Tue 9, Wed 10 → Wed 24:00.
      const a = await toPriorNotice('2026-06-03T08:00:00+08:00');
      expect(ctx.clock.now().toISOString()).toBe('2026-06-05T02:00:00.000Z');
      expect(a.r.case.statementEndsAt).toBe('2026-06-10T15:59:59.999Z');
      expect(a.r.case.hearingEligible).toBe(false);

      // Monday: Tuesday becomes a holiday (a local closure). The period now ends Thursday 24:00.
      ctx.clock.set('2026-06-08T09:00:00+08:00');
      const put = await holiday('2026-06-09');

      // Thursday 00:00:59 Shanghai, one minute after the old end: the party may still be heard.
      ctx.clock.set('2026-06-11T00:00:59+08:00');
      const version = Number((await row(a.id)).version);
      const early = await step(a.id, { kind: 'decision', version, coOfficerId: e2Id, fineAmount: 500, fineReason: '依裁量基准' });
      expect(early.statusCode, early.body).toBe(409);
      expect(early.json().error).toMatchObject({ code: 'procedure_period_open', details: { period: 'statement', endsAt: '2026-06-11T15:59:59.999Z' } });

      const after = await row(a.id);
      expect(after.statement_ends_at).toBe('2026-06-11T15:59:59.999Z');
      expect(after.hearing_request_ends_at).toBeNull();
      expect(put.retimed.enforcement).toBe(1);
      // The move is evidence: a system event on the linked case's chain with before, after and the reason.
      const [ev, ...more] = await retimeEvents(a.id);
      expect(more).toHaveLength(0);
      expect(ev).toMatchObject({ actor_role: 'system', actor_user_id: null });
      expect(JSON.parse(ev!.changes)).toEqual({ statementEndsAt: ['2026-06-10T15:59:59.999Z', '2026-06-11T15:59:59.999Z'] });
      expect(ev!.note).toContain('2026-06-09');
      expect((await verifyChain(db(), hq.subdistrictId)).ok).toBe(true);
      served = { id: a.id, version: Number(after.version) };

      // After the new end, the decision goes through.
      ctx.clock.set('2026-06-12T09:00:00+08:00');
      const decided = await step(a.id, { kind: 'decision', version: served.version, coOfficerId: e2Id, fineAmount: 500, fineReason: '依裁量基准' });
      expect(decided.statusCode, decided.body).toBe(201);
    });

    it('does not move a period that is already over', async () => {
      // Tuesday 2026-06-02 lay inside the other ladder's statement period, which ended Wednesday 06-03.
      ctx.clock.set('2026-06-08T10:00:00+08:00');
      const put = await holiday('2026-06-02');
      expect(put.retimed.enforcement).toBe(0);
      expect((await row(over.id)).statement_ends_at).toBe(over.endsAt);
      expect(await retimeEvents(over.id)).toHaveLength(0);
    });

    it('moves a payment period (calendar days) only when its last day stops being a working day', async () => {
      const c = await toPriorNotice('2026-06-15T08:00:00+08:00'); // prior notice Wed 06-17
      ctx.clock.set(new Date(new Date(c.r.case.statementEndsAt).getTime() + HOUR));
      const decided = await step(c.id, { kind: 'decision', version: c.r.case.version, coOfficerId: e2Id, fineAmount: 500, fineReason: '依裁量基准' });
      expect(decided.statusCode, decided.body).toBe(201);
      const due = decided.json().case.paymentDueAt as string;
      expect(due).toBe('2026-07-09T15:59:59.999Z'); // fifteen days after Wed 06-24: Thu 07-09

      ctx.clock.set('2026-06-25T10:00:00+08:00');
      const inside = await holiday('2026-07-01'); // inside the fifteen days, not the last: no change
      expect(inside.retimed.enforcement).toBe(0);
      expect((await row(c.id)).payment_due_at).toBe(due);

      const last = await holiday('2026-07-09'); // the last day: the period runs to Friday
      expect(last.retimed.enforcement).toBe(1);
      expect((await row(c.id)).payment_due_at).toBe('2026-07-10T15:59:59.999Z');
      const events = await retimeEvents(c.id);
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0]!.changes)).toEqual({ paymentDueAt: [due, '2026-07-10T15:59:59.999Z'] });
      expect((await verifyChain(db(), hq.subdistrictId)).ok).toBe(true);
    });

    it('previews the move without writing it, gives the served end back when the holiday is removed, and never ends a period before its prior notice says', async () => {
      const d = await toPriorNotice('2026-07-13T08:00:00+08:00'); // prior notice Wed 07-15: Thu 16, Fri 17, Mon 20
      expect(d.r.case.statementEndsAt).toBe('2026-07-20T15:59:59.999Z');
      ctx.clock.set('2026-07-16T09:00:00+08:00');

      // A year import's preview runs the same re-timing and rolls it back.
      const admin = await actorOf(ctx, 'admin');
      const preview = await importYearSchedule(db(), ctx.clock, admin, { year: 2026, schedule: '2026-07-17 休 台风停工', subdistrictId: hq.subdistrictId, preview: true });
      expect(preview.retimed.enforcement).toBe(1);
      expect((await row(d.id)).statement_ends_at).toBe('2026-07-20T15:59:59.999Z');
      expect(await retimeEvents(d.id)).toHaveLength(0);

      const put = await holiday('2026-07-17');
      expect(put.retimed.enforcement).toBe(1);
      expect((await row(d.id)).statement_ends_at).toBe('2026-07-21T15:59:59.999Z');
      const removed = await ctx.app.inject({ method: 'DELETE', url: `/api/calendar/overrides/${put.id}`, headers: { cookie: await as('admin') } });
      expect(removed.statusCode, removed.body).toBe(200);
      expect(removed.json().retimed.enforcement).toBe(1);
      expect((await row(d.id)).statement_ends_at).toBe('2026-07-20T15:59:59.999Z');

      // A make-up workday on Saturday 07-18 would end three working days on Saturday; the prior
      // notice told the party Monday, and the period is not cut short of it.
      const makeUp = await holiday('2026-07-18', 'workday');
      expect(makeUp.retimed.enforcement).toBe(0);
      expect((await row(d.id)).statement_ends_at).toBe('2026-07-20T15:59:59.999Z');
      expect((await retimeEvents(d.id)).map((e) => JSON.parse(e.changes).statementEndsAt)).toEqual([
        ['2026-07-20T15:59:59.999Z', '2026-07-21T15:59:59.999Z'],
        ['2026-07-21T15:59:59.999Z', '2026-07-20T15:59:59.999Z'],
      ]);
      expect((await verifyChain(db(), hq.subdistrictId)).ok).toBe(true);
    });

    it('moves the hearing-request period on its own when only it runs over the new holiday', async () => {
      // The hearing threshold is data on the legal basis: 1,000 RMB for units from here on.
      const admin = await as('admin');
      const basis = (await ctx.app.inject({ method: 'GET', url: '/api/enforcement/legal-bases', headers: { cookie: admin } })).json().items.find((b: { id: string }) => b.id === hq.art26);
      const { id: _i, code: _c, subdistrictId: _s, active: _a, versionId: _v, version, createdAt: _t, ...rest } = basis;
      const edit = await ctx.app.inject({ method: 'PATCH', url: `/api/enforcement/legal-bases/${hq.art26}`, headers: { cookie: admin }, payload: { ...rest, version, hearingThresholds: { unit: 1000, individual: 500 } } });
      expect(edit.statusCode, edit.body).toBe(200);

      // Prior notice Wed 08-12: statement Thu 13, Fri 14, Mon 17; hearing request five days to Wed 19.
      const h = await toPriorNotice('2026-08-10T08:00:00+08:00', 1000);
      expect(h.r.case).toMatchObject({ hearingEligible: true, statementEndsAt: '2026-08-17T15:59:59.999Z', hearingRequestEndsAt: '2026-08-19T15:59:59.999Z' });
      ctx.clock.set('2026-08-13T09:00:00+08:00');
      const put = await holiday('2026-08-18');
      expect(put.retimed.enforcement).toBe(1);
      expect(await row(h.id)).toMatchObject({ statement_ends_at: '2026-08-17T15:59:59.999Z', hearing_request_ends_at: '2026-08-20T15:59:59.999Z' });
      const [ev] = await retimeEvents(h.id);
      expect(JSON.parse(ev!.changes)).toEqual({ hearingRequestEndsAt: ['2026-08-19T15:59:59.999Z', '2026-08-20T15:59:59.999Z'] });

      // Thursday 00:30: the party may still ask for a hearing, so no decision yet.
      ctx.clock.set('2026-08-20T00:30:00+08:00');
      const early = await step(h.id, { kind: 'decision', version: Number((await row(h.id)).version), coOfficerId: e2Id, fineAmount: 1000, fineReason: '依裁量基准' });
      expect(early.statusCode, early.body).toBe(409);
      expect(early.json().error).toMatchObject({ code: 'procedure_period_open', details: { period: 'hearing_request', endsAt: '2026-08-20T15:59:59.999Z' } });
    });
  });
}

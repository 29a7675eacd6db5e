import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate, shanghaiMidnight } from '../../src/domain/calendar/office-hours.js';
import { isWorkingDay, loadOverrides } from '../../src/domain/calendar/working-days.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { enforcementContext, type hongqiao, walkToPriorNotice } from './helpers.js';

const SEED = Number(process.env.FC_SEED ?? 20261207);
const HOUR = 3600_000;
/** 行政处罚法 art. 61: seven days, written out here rather than taken from the code under test. */
const LIMIT_DAYS = 7;

/**
 * A penalty decision not handed over on the spot (the party absent) is served within seven
 * calendar days counted from the day after it was issued; a last day on a rest day of the
 * subdistrict's calendar moves to the next working day. Past that day and still unserved, the
 * ladder is overdue for service: its DTO says so and the desk's overdue_service view lists it,
 * until the service is recorded.
 */
for (const dialect of DIALECTS) {
  describe(`an unserved penalty decision is overdue after its seven days [${dialect}]`, { timeout: 600_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    let ctx: TestContext;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    let e2Id: string;
    let shop = 700;

    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-service-limit-');
      ({ ctx, hq, e2Id } = env);
      ctx.clock.set('2026-09-01T10:00:00+08:00');
    });
    afterAll(async () => env?.close());

    const inject = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, user = 'enforcer1') =>
      ctx.app.inject({ method, url, headers: { cookie: await signInAs(ctx.app, user) }, ...(payload && { payload }) });
    const ladder = async (id: string) => (await inject('GET', `/api/enforcement/cases/${id}`)).json();
    const overdueView = async () => {
      const res = await inject('GET', '/api/enforcement/cases?view=overdue_service&limit=200');
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items as { id: string; serviceOverdue: boolean; serviceDueAt: string | null }[];
    };

    /** A ladder walked to its penalty decision, issued with the party absent (or signed for) `ack`. */
    async function decided(ack: 'absent' | 'signed') {
      ctx.clock.set('2026-09-01T10:00:00+08:00');
      const { id, r } = await walkToPriorNotice(ctx, hq, e2Id, shop++, { fineAmount: 500 });
      ctx.clock.set(new Date(Date.parse(r.case.hearingRequestEndsAt ?? r.case.statementEndsAt) + HOUR));
      const res = await inject('POST', `/api/enforcement/cases/${id}/steps`, { kind: 'decision', version: r.case.version, coOfficerId: e2Id, fineAmount: 500, fineReason: '依裁量基准', acknowledgement: ack });
      expect(res.statusCode, res.body).toBe(201);
      return { id, decision: res.json() };
    }

    /** The oracle: the last day to serve a decision issued on `issueDay`, on the subdistrict's calendar as it is now. */
    async function lastServiceDay(issueDay: string) {
      const overrides = await loadOverrides(ctx.handle.db, issueDay, addDays(issueDay, 60), hq.subdistrictId);
      let d = addDays(issueDay, LIMIT_DAYS);
      while (!isWorkingDay(d, overrides)) d = addDays(d, 1);
      return d;
    }

    it('is overdue exactly after the last day, moved past holidays, on the DTO and in the desk view alike (property over issue dates)', async () => {
      // A local closure on a Monday just before National Day, on top of the State Council holidays.
      const closure = await inject('PUT', '/api/calendar/overrides', { date: '2026-09-28', kind: 'holiday', note: '测试', subdistrictId: hq.subdistrictId }, 'admin');
      expect(closure.statusCode, closure.body).toBe(200);
      const { id, decision } = await decided('absent');
      expect(decision.case.unservedStepId).toBe(decision.step.id);
      const start = Date.parse('2026-09-15T00:00:00+08:00');
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: 0, max: 24 * 60 - 1 }),
          // Days after the issue day, or (half the time) a day around the last one: the day before, on it, the day after.
          fc.oneof(fc.record({ after: fc.integer({ min: 0, max: 24 }) }), fc.record({ aroundLast: fc.integer({ min: -1, max: 1 }) })),
          fc.integer({ min: 0, max: 24 * 60 - 1 }),
          async (issueOffset, issueMinute, when, nowMinute) => {
            const issuedAt = new Date(start + issueOffset * 24 * HOUR + issueMinute * 60_000);
            const issueDay = shanghaiDate(issuedAt);
            const last = await lastServiceDay(issueDay);
            const nowDay = 'after' in when ? addDays(issueDay, when.after) : addDays(last, when.aroundLast);
            const now = new Date(Math.max(issuedAt.getTime(), shanghaiMidnight(nowDay) + nowMinute * 60_000));
            await ctx.handle.db.updateTable('enforcement_steps').set({ at: issuedAt.toISOString() }).where('id', '=', decision.step.id).execute();
            ctx.clock.set(now);
            const overdue = shanghaiDate(now) > last;
            const ec = await ladder(id);
            expect(ec.serviceDueAt).toBe(new Date(shanghaiMidnight(addDays(last, 1)) - 1).toISOString());
            expect(ec.serviceOverdue).toBe(overdue);
            const listed = (await overdueView()).find((l) => l.id === id);
            expect(!!listed).toBe(overdue);
            if (listed) expect(listed).toMatchObject({ serviceOverdue: true, serviceDueAt: ec.serviceDueAt });
          },
        ),
        { seed: SEED, numRuns: 60 },
      );
    });

    it('a decision signed for on the spot has no service limit, and a recorded service clears the flag', async () => {
      const signed = await decided('signed');
      const absent = await decided('absent');
      ctx.clock.set(new Date(Date.parse(absent.decision.step.at) + 30 * 24 * HOUR));
      expect(await ladder(signed.id)).toMatchObject({ serviceDueAt: null, serviceOverdue: false });
      expect(await ladder(absent.id)).toMatchObject({ serviceOverdue: true });
      const ids = (await overdueView()).map((l) => l.id);
      expect(ids).toContain(absent.id);
      expect(ids).not.toContain(signed.id);
      const served = await inject('POST', `/api/enforcement/documents/${absent.decision.document.id}/service`, {
        method: 'post', version: (await ladder(absent.id)).version, receivedOn: shanghaiDate(ctx.clock.now()), trackingNumber: 'XA123456789CN',
      });
      expect(served.statusCode, served.body).toBe(201);
      expect(await ladder(absent.id)).toMatchObject({ serviceDueAt: null, serviceOverdue: false, unservedStepId: null });
      expect((await overdueView()).map((l) => l.id)).not.toContain(absent.id);
    });
  });
}

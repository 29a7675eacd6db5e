import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate, shanghaiMidnight } from '../../src/domain/calendar/office-hours.js';
import { noticeUnservedDecisions } from '../../src/domain/enforcement/service-notices.js';
import { enforcementReinspectionsPoller } from '../../src/jobs/enforcement-reinspections.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { usersScopedToCommittees } from '../helpers/committee-scoped-users.js';
import { DIALECTS } from '../helpers/db.js';
import { enforcementContext, type hongqiao, walkToPriorNotice } from './helpers.js';

const HOUR = 3600_000;
const MINUTE = 60_000;
const OVERDUE = 'enforcement_service_overdue';
const DUE_SOON = 'enforcement_service_due_soon';

/**
 * A penalty decision the party was absent for must be served within seven days (行政处罚法 art.
 * 61). The enforcement job tells the subdistrict's enforcement team and the decision's two
 * officers once on the limit's last day and once when it has passed unserved: never before,
 * never twice (two instances, a restart, a calendar change), never after the service is
 * recorded, never another committee's or subdistrict's officers. The desk's count of decisions
 * overdue for service is its overdue_service list, counted.
 */
for (const dialect of DIALECTS) {
  describe(`the team hears of an unserved penalty decision once [${dialect}]`, { timeout: 600_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    let ctx: TestContext;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    let e2Id: string;
    let shop = 760;

    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-service-notices-');
      ({ ctx, hq, e2Id } = env);
    });
    afterAll(async () => env?.close());

    const inject = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, user = 'enforcer1') =>
      ctx.app.inject({ method, url, headers: { cookie: await signInAs(ctx.app, user) }, ...(payload && { payload }) });
    const ladder = async (id: string) => (await inject('GET', `/api/enforcement/cases/${id}`)).json();

    /** A ladder walked to its penalty decision with the party absent (each walk from the same start: the same issue time). */
    async function decidedAbsent() {
      ctx.clock.set('2026-09-01T10:00:00+08:00');
      const { id, r } = await walkToPriorNotice(ctx, hq, e2Id, shop++, { fineAmount: 500 });
      ctx.clock.set(new Date(Date.parse(r.case.hearingRequestEndsAt ?? r.case.statementEndsAt) + HOUR));
      const res = await inject('POST', `/api/enforcement/cases/${id}/steps`, { kind: 'decision', version: r.case.version, coOfficerId: e2Id, fineAmount: 500, fineReason: '依裁量基准', acknowledgement: 'absent' });
      expect(res.statusCode, res.body).toBe(201);
      const d = res.json();
      const ec = await ladder(id);
      return { id, caseId: ec.caseId as string, stepId: d.step.id as string, documentId: d.document.id as string, documentNumber: d.document.number as string };
    }

    /** The notices of `kind` written about a decision, each with who got it. */
    async function notices(kind: string, stepId: string) {
      const db = ctx.handle.db;
      const rows = await db.selectFrom('notifications').select(['id', 'subdistrict_id']).where('kind', '=', kind).where('dedupe_key', '=', `${kind}:${stepId}`).execute();
      return Promise.all(rows.map(async (n) => ({
        ...n, users: (await db.selectFrom('inbox_items').select('user_id').where('notification_id', '=', n.id).execute()).map((i) => i.user_id),
      })));
    }

    /**
     * The desk's overdue_service list and the count beside it (the counts route; with `dashboard`,
     * the operations centre's summary too: officers do not read the dashboard), for one user.
     */
    async function countAndList(user: string, dashboard = false) {
      const list = await inject('GET', '/api/enforcement/cases?view=overdue_service&limit=200', undefined, user);
      expect(list.statusCode, list.body).toBe(200);
      const counts = await inject('GET', `/api/enforcement/counts?from=${encodeURIComponent('2026-09-01T00:00:00+08:00')}&to=${encodeURIComponent('2026-12-01T00:00:00+08:00')}`, undefined, user);
      expect(counts.statusCode, counts.body).toBe(200);
      const out: { listed: number; counted: number; dashboard?: number } = { listed: (list.json().items as unknown[]).length, counted: counts.json().overdueService };
      if (dashboard) {
        const dash = await inject('GET', '/api/dashboard/summary?window=30d', undefined, user);
        expect(dash.statusCode, dash.body).toBe(200);
        out.dashboard = dash.json().enforcement.overdueService;
      }
      return out;
    }

    it('reminds on the last day, tells once when the limit passes, not after a service, and follows the calendar without repeating', async () => {
      const db = ctx.handle.db;
      const [a, b, c] = [await decidedAbsent(), await decidedAbsent(), await decidedAbsent()];
      const due = (await ladder(a.id)).serviceDueAt as string;
      for (const x of [b, c]) expect((await ladder(x.id)).serviceDueAt).toBe(due);
      const lastDay = shanghaiDate(new Date(due));
      const lastDayStarts = shanghaiMidnight(lastDay);

      // Who should hear: the subdistrict's officers (enforcer1 signed, enforcer2 co-signed) and an
      // officer scoped to the case's committee; not one scoped to another committee, nor another
      // subdistrict's officers.
      const enforcer1 = await hq.userId('enforcer1');
      const committeeOf = async (x: { caseId: string }) => (await db.selectFrom('cases').select('committee_id').where('id', '=', x.caseId).executeTakeFirstOrThrow()).committee_id as string;
      const officer = await usersScopedToCommittees(db, { userId: enforcer1, subdistrictId: hq.subdistrictId, committeeId: await committeeOf(a), at: ctx.clock.now() }, 'svc');
      const otherCommittee = (await db.selectFrom('user_scopes').select('committee_id').where('user_id', '=', officer.other).executeTakeFirstOrThrow()).committee_id;
      /** Who hears of a decision: both officers who signed it, and a committee-scoped officer of its case's committee only. */
      const hearers = async (x: { caseId: string }) => {
        const committee = await committeeOf(x);
        return new Set([enforcer1, e2Id, ...(committee === (await committeeOf(a)) ? [officer.own] : []), ...(committee === otherCommittee ? [officer.other] : [])]);
      };
      expect(await hearers(a)).toEqual(new Set([enforcer1, e2Id, officer.own]));
      const elsewhere = await db.selectFrom('users').select(['id', 'username']).where('role', '=', 'enforcement').where('subdistrict_id', '!=', hq.subdistrictId).where('status', '=', 'active').orderBy('username').executeTakeFirstOrThrow();

      // The day before the last day, to its last minute: nothing yet.
      ctx.clock.set(new Date(lastDayStarts - MINUTE));
      expect(await noticeUnservedDecisions(db, ctx.clock)).toBe(0);
      for (const x of [a, b, c]) expect(await notices(DUE_SOON, x.stepId)).toEqual([]);

      // The last day: one reminder per decision, once.
      ctx.clock.set(new Date(lastDayStarts + MINUTE));
      expect(await noticeUnservedDecisions(db, ctx.clock)).toBe(3);
      expect(await noticeUnservedDecisions(db, ctx.clock)).toBe(0);
      for (const x of [a, b, c]) {
        const [reminder, ...more] = await notices(DUE_SOON, x.stepId);
        expect(more).toEqual([]);
        expect(reminder!.subdistrict_id).toBe(hq.subdistrictId);
        expect(new Set(reminder!.users)).toEqual(await hearers(x));
        expect(reminder!.users).toHaveLength((await hearers(x)).size);
      }
      expect(await countAndList('operator', true)).toEqual({ listed: 0, counted: 0, dashboard: 0 });

      // B is served by post that day: no more notices for it.
      const served = await inject('POST', `/api/enforcement/documents/${b.documentId}/service`, {
        method: 'post', version: (await ladder(b.id)).version, receivedOn: lastDay, trackingNumber: 'XA123456789CN',
      });
      expect(served.statusCode, served.body).toBe(201);

      // At the limit's last instant nothing is overdue.
      ctx.clock.set(new Date(due));
      expect(await noticeUnservedDecisions(db, ctx.clock)).toBe(0);

      // A holiday entered on the last day moves the limit to the next working day: a minute past
      // the old limit nothing is overdue yet, and nothing is said.
      const holiday = await inject('PUT', '/api/calendar/overrides', { date: lastDay, kind: 'holiday', note: '测试：临时休息日', subdistrictId: hq.subdistrictId }, 'admin');
      expect(holiday.statusCode, holiday.body).toBe(200);
      const movedDue = (await ladder(a.id)).serviceDueAt as string;
      expect(Date.parse(movedDue)).toBeGreaterThan(Date.parse(due));
      ctx.clock.set(new Date(Date.parse(due) + MINUTE));
      expect(await noticeUnservedDecisions(db, ctx.clock)).toBe(0);
      for (const x of [a, b, c]) expect(await notices(OVERDUE, x.stepId)).toEqual([]);
      expect(await countAndList('operator', true)).toEqual({ listed: 0, counted: 0, dashboard: 0 });

      // Past the moved limit: two instances at once, then a restarted one, then a round that got
      // past the lease: A and C are told of once each, B (served) never.
      ctx.clock.set(new Date(Date.parse(movedDue) + MINUTE));
      const deps = { db, config: ctx.deps.config, clock: ctx.clock };
      await Promise.all([enforcementReinspectionsPoller({ ...deps, holder: 'one' }).runOnce(), enforcementReinspectionsPoller({ ...deps, holder: 'two' }).runOnce()]);
      await enforcementReinspectionsPoller(deps).runOnce();
      expect(await noticeUnservedDecisions(db, ctx.clock)).toBe(0);
      for (const x of [a, c]) {
        const [told, ...more] = await notices(OVERDUE, x.stepId);
        expect(more).toEqual([]);
        expect(new Set(told!.users)).toEqual(await hearers(x));
        expect(told!.users).toHaveLength((await hearers(x)).size);
      }
      expect(await notices(OVERDUE, b.stepId)).toEqual([]);
      const heard = async (u: string, x: { caseId: string }) =>
        db.selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id').select('n.kind').where('i.user_id', '=', u).where('n.case_id', '=', x.caseId).where('n.kind', 'in', [OVERDUE, DUE_SOON]).execute();
      expect(await heard(officer.other, a)).toEqual([]);
      for (const x of [a, b, c]) expect(await heard(elsewhere.id, x)).toEqual([]);

      // Each reads it in their own language.
      const inbox = async (lang: string) =>
        ((await inject('GET', `/api/inbox?lang=${lang}`)).json().items as { kind: string; title: string; body: string; caseId: string }[]).find((i) => i.kind === OVERDUE && i.caseId === a.caseId)!;
      expect((await inbox('zh')).title).toBe(`处罚决定书逾期未送达：${a.documentNumber}`);
      expect((await inbox('zh')).body).toContain('行政处罚法第六十一条');
      expect((await inbox('en')).title).toBe(`Penalty decision not served in time: ${a.documentNumber}`);

      // The count is the list, for each viewer's scope.
      expect(await countAndList('enforcer1')).toEqual({ listed: 2, counted: 2 });
      expect(await countAndList('operator', true)).toEqual({ listed: 2, counted: 2, dashboard: 2 });
      expect(await countAndList('svc-other')).toEqual({ listed: 0, counted: 0 });
      expect(await countAndList(elsewhere.username)).toEqual({ listed: 0, counted: 0 });

      // The holiday taken back: the limit is the old one again, long past. Still no second notice.
      const removed = await inject('DELETE', `/api/calendar/overrides/${holiday.json().id}`, undefined, 'admin');
      expect(removed.statusCode, removed.body).toBeLessThan(300);
      expect((await ladder(a.id)).serviceDueAt).toBe(due);
      expect(await noticeUnservedDecisions(db, ctx.clock)).toBe(0);
      ctx.clock.set(new Date(Date.parse(movedDue) + 10 * 24 * HOUR));
      expect(await noticeUnservedDecisions(db, ctx.clock)).toBe(0);
      for (const x of [a, c]) expect(await notices(OVERDUE, x.stepId)).toHaveLength(1);

      // C served late: it leaves the list and the count alike.
      const late = await inject('POST', `/api/enforcement/documents/${c.documentId}/service`, {
        method: 'post', version: (await ladder(c.id)).version, receivedOn: shanghaiDate(ctx.clock.now()), trackingNumber: 'XA987654321CN',
      });
      expect(late.statusCode, late.body).toBe(201);
      expect(await countAndList('operator', true)).toEqual({ listed: 1, counted: 1, dashboard: 1 });
      expect(await noticeUnservedDecisions(db, ctx.clock)).toBe(0);
    });
  });
}

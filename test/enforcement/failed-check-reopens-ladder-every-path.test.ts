import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { transitionCase } from '../../src/domain/cases/transition-case.js';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { dispatchDueReinspections } from '../../src/domain/enforcement/clocks.js';
import { actorOf, signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { enforcementContext, HQ_GPS, shopOn, uploadPhoto } from './helpers.js';

const HOUR = 3600_000;
const iso = (at: string | Date) => new Date(at).toISOString();

/**
 * A failed 核查 of the enforcement team's rectification reopens the ladder whichever way the check
 * is failed — the desk's HTTP route (with or without an Idempotency-Key) or a domain caller (a
 * job, the CLI, another service) calling transitionCase on the database or in its own transaction —
 * and the reopened rung's clock runs again: the deadline job dispatches its re-inspection to the
 * team, due on the working-day calendar, in the officers' work and overdue like any other.
 */
for (const dialect of DIALECTS) {
  describe(`a failed 核查 reopens the ladder on every path [${dialect}]`, { timeout: 180_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-enf-paths-');
    });
    afterAll(async () => env.close());

    const inject = async (username: string, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
      env.ctx.app.inject({ method, url, headers: { cookie: await signInAs(env.ctx.app, username), ...headers }, ...(payload && { payload }) });
    const at = (local: string) => env.ctx.clock.set(`${local}+08:00`);
    const db = (): Db => env.ctx.handle.db;
    const tasksOf = (id: string) => db().selectFrom('enforcement_tasks').selectAll().where('enforcement_case_id', '=', id).execute();

    /**
     * Opens a ladder at a fresh shop on the Wednesday `wed`, orders rectification by `deadline`,
     * optionally lets the deadline job dispatch the re-inspection at `dispatchAt`, and has enforcer2
     * find it rectified at `fixedAt`: the team's own case now waits for its 核查.
     */
    async function closedByTeam(shop: number, wed: string, deadline: string, fixedAt: string, dispatchAt?: string) {
      const { ctx, hq, e2Id } = env;
      at(`${wed}T10:00:00`);
      const site = await shopOn(ctx, hq.subdistrictId, '', '', shop);
      const opened = await inject('enforcer1', 'POST', '/api/enforcement/cases', { siteId: site.id, categoryId: hq.categoryId, gps: HQ_GPS, legalBasisId: hq.art26, facts: '未设置分类标识' });
      expect(opened.statusCode, opened.body).toBe(201);
      const { id, caseId } = opened.json() as { id: string; caseId: string };
      const order = await inject('enforcer1', 'POST', `/api/enforcement/cases/${id}/steps`, {
        kind: 'order', version: 1, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [await uploadPhoto(ctx, await signInAs(ctx.app, 'enforcer1'))], educationGiven: true,
        deadlineAt: iso(`${deadline}+08:00`), deadlineReason: '与当事人约定',
      });
      expect(order.statusCode, order.body).toBe(201);
      if (dispatchAt) {
        at(dispatchAt);
        await dispatchDueReinspections(db(), ctx.clock);
        expect((await tasksOf(id)).map((t) => t.status)).toEqual(['open']);
      }
      at(fixedAt);
      const fixed = await inject('enforcer2', 'POST', `/api/enforcement/cases/${id}/steps`, {
        kind: 'reinspection', version: order.json().case.version, gps: HQ_GPS, result: 'rectified', note: '已张贴分类标识', photoIds: [await uploadPhoto(ctx, await signInAs(ctx.app, 'enforcer2'))],
      });
      expect(fixed.statusCode, fixed.body).toBe(201);
      expect(fixed.json().case.stage).toBe('closed');
      const c = await db().selectFrom('cases').select(['status', 'version']).where('id', '=', caseId).executeTakeFirstOrThrow();
      expect(c.status).toBe('handled');
      return { id, caseId, version: c.version };
    }

    type FailCheck = (caseId: string, version: number) => Promise<{ status: string }>;
    const note = '现场核查：分类标识仍未张贴';
    const viaRoute = (headers: Record<string, string> = {}): FailCheck => async (caseId, version) => {
      const res = await inject('operator', 'POST', `/api/cases/${caseId}/transitions`, { action: 'check_fail', version, note }, headers);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const viaDomain: FailCheck = async (caseId, version) => transitionCase(db(), env.ctx.clock, await actorOf(env.ctx, 'operator'), caseId, { action: 'check_fail', version, note });
    const viaJobTransaction: FailCheck = async (caseId, version) => {
      const operator = await actorOf(env.ctx, 'operator');
      return db().transaction().execute((trx) => transitionCase(trx, env.ctx.clock, operator, caseId, { action: 'check_fail', version, note }));
    };

    async function expectReopened(id: string, caseId: string, reinspectAt: string) {
      const ladder = (await inject('enforcer1', 'GET', `/api/enforcement/cases/${id}`)).json();
      expect(ladder).toMatchObject({ stage: 'ordered', outcome: null, closedAt: null, reinspectAt: iso(reinspectAt) });
      expect(ladder.nextSteps.map((s: { kind: string }) => s.kind)).toContain('reinspection');
      const events = await db().selectFrom('case_events').select('action').where('case_id', '=', caseId).orderBy('seq').execute();
      expect(events.slice(-2).map((e) => e.action)).toEqual(['check_fail', 'enforcement_reopen']);
      const c = await db().selectFrom('cases').select(['status', 'rework_pending']).where('id', '=', caseId).executeTakeFirstOrThrow();
      expect(c).toMatchObject({ status: 'dispatched', rework_pending: 1 });
    }

    async function dueToday(id: string) {
      const res = await inject('enforcer1', 'GET', '/api/enforcement/reinspections/due-today');
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as { enforcementCaseId: string; dueAt: string; overdue: boolean }[]).filter((t) => t.enforcementCaseId === id);
    }

    // The deadline passed and the job had dispatched the rung's re-inspection before the team found it
    // rectified: the reopened rung's task is dispatched again, from the failed check, over the weekend.
    const afterDeadline = (label: string, failCheck: FailCheck, shop: number, [wed, thu, fri, mon]: [string, string, string, string]) =>
      it(`${label}: after the deadline, the re-inspection is dispatched again from the failed check on working days`, async () => {
        const { id, caseId, version } = await closedByTeam(shop, wed, `${thu}T10:00:00`, `${thu}T12:00:00`, `${thu}T10:30:00`);
        expect((await tasksOf(id)).map((t) => t.status)).toEqual(['done']);

        at(`${fri}T16:00:00`);
        const failed = await failCheck(caseId, version);
        expect(failed.status).toBe('dispatched');
        await expectReopened(id, caseId, `${fri}T16:00:00+08:00`);

        await dispatchDueReinspections(db(), env.ctx.clock);
        const [task, ...more] = await tasksOf(id);
        expect(more).toHaveLength(0);
        // 8 working hours from Friday 16:00: 1.5 h on Friday, 6.5 h on Monday.
        expect(task).toMatchObject({ stage: 'ordered', status: 'open', done_at: null, done_step_id: null });
        expect(iso(task!.due_at)).toBe(iso(`${mon}T16:00:00+08:00`));
        expect(iso(task!.dispatched_at)).toBe(iso(`${fri}T16:00:00+08:00`));
        expect(task!.assigned_unit_id).toEqual(expect.any(String));
        const notices = await db().selectFrom('notifications').select('id').where('kind', '=', 'enforcement_reinspection').where('case_id', '=', caseId).execute();
        expect(notices).toHaveLength(2);
        expect(await dispatchDueReinspections(db(), env.ctx.clock)).toBe(0);

        at(`${mon}T15:00:00`);
        expect(await dueToday(id)).toEqual([expect.objectContaining({ dueAt: iso(task!.due_at), overdue: false })]);
        at(`${mon}T16:30:00`);
        expect(await dueToday(id)).toEqual([expect.objectContaining({ overdue: true })]);

        // The team re-inspects on the ladder: still not rectified, the ladder goes on, the task is done.
        const ladder = (await inject('enforcer1', 'GET', `/api/enforcement/cases/${id}`)).json();
        const again = await inject('enforcer1', 'POST', `/api/enforcement/cases/${id}/steps`, {
          kind: 'reinspection', version: ladder.version, gps: HQ_GPS, result: 'not_rectified', findings: ['仍未张贴分类标识'],
          photoIds: [await uploadPhoto(env.ctx, await signInAs(env.ctx.app, 'enforcer1'))],
        });
        expect(again.statusCode, again.body).toBe(201);
        expect(again.json().case.stage).toBe('order_failed');
        expect(await dueToday(id)).toEqual([]);
        expect((await verifyChain(db(), env.hq.subdistrictId)).ok).toBe(true);
      });

    afterDeadline('the desk (HTTP route)', viaRoute(), 171, ['2026-07-01', '2026-07-02', '2026-07-03', '2026-07-06']);
    afterDeadline('the desk with an Idempotency-Key', viaRoute({ 'idempotency-key': 'check-fail-ladder-1' }), 172, ['2026-07-08', '2026-07-09', '2026-07-10', '2026-07-13']);
    afterDeadline('a domain caller (transitionCase on the database)', viaDomain, 173, ['2026-07-15', '2026-07-16', '2026-07-17', '2026-07-20']);

    it("a job in its own transaction, before the deadline: the rung's clock runs on to the deadline", async () => {
      // Rectified early (Wednesday), the check fails on Thursday, the order runs to Friday 10:00.
      const { id, caseId, version } = await closedByTeam(174, '2026-07-22', '2026-07-24T10:00:00', '2026-07-22T14:00:00');
      expect(await tasksOf(id)).toEqual([]);
      at('2026-07-23T10:00:00');
      const failed = await viaJobTransaction(caseId, version);
      expect(failed.status).toBe('dispatched');
      await expectReopened(id, caseId, '2026-07-24T10:00:00+08:00');

      at('2026-07-24T09:59:00');
      await dispatchDueReinspections(db(), env.ctx.clock);
      expect(await tasksOf(id)).toEqual([]);
      at('2026-07-24T10:30:00');
      await dispatchDueReinspections(db(), env.ctx.clock);
      const [task] = await tasksOf(id);
      // 8 working hours from Friday 10:00: 6.5 h on Friday, 1.5 h on Monday.
      expect(task).toMatchObject({ stage: 'ordered', status: 'open' });
      expect(iso(task!.deadline_at)).toBe(iso('2026-07-24T10:00:00+08:00'));
      expect(iso(task!.due_at)).toBe(iso('2026-07-27T10:00:00+08:00'));
      at('2026-07-27T10:30:00');
      expect(await dueToday(id)).toEqual([expect.objectContaining({ overdue: true })]);
      expect((await verifyChain(db(), env.hq.subdistrictId)).ok).toBe(true);
    });
  });
}

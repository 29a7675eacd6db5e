import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/auth/actor.js';
import { getCase } from '../../src/domain/cases/get-case.js';
import { CASE_ACTIONS, TRANSITIONS, actionsFrom } from '../../src/domain/cases/lifecycle.js';
import { sweepCaseDeadlines } from '../../src/domain/cases/deadline-sweep.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

// A refused transition (409 transition_not_allowed) names in details.allowed exactly the actions
// GET /api/cases/:id offers the same person at the same instant (allowedActions): the client is
// never told to try what the server just refused, nor kept from what it would accept. Random walks
// through the real transitions (dispatched to units, to a cadre named alone, to the enforcement
// team; handled, checked, held, extended, reopened), at random instants around the due time, and
// every person of the subdistrict asks for every action the case does not offer them.

type Target = 'handler1' | 'handler2' | 'cadreByName' | 'enforcement';
type Checker = 'patrol1' | 'cadre01' | 'operator' | 'admin';

interface Step {
  choice: number;
  target: Target;
  checker: Checker;
  /** minutes the clock moves before the step */
  minutes: number;
  sweep: boolean;
}

const step: fc.Arbitrary<Step> = fc.record({
  choice: fc.nat(),
  target: fc.constantFrom<Target>('handler1', 'handler2', 'cadreByName', 'enforcement'),
  checker: fc.constantFrom<Checker>('patrol1', 'cadre01', 'operator', 'admin'),
  minutes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 600 }), fc.integer({ min: 600, max: 3 * 24 * 60 })),
  sweep: fc.boolean(),
});

/** When the case is asked about: some minutes on, or seconds from its running due time (either side). */
const probe = fc.record({ atDue: fc.boolean(), seconds: fc.integer({ min: -90, max: 90 }), minutes: fc.integer({ min: 0, max: 120 }), sweep: fc.boolean() });

const PEOPLE = ['operator', 'admin', 'leader', 'patrol1', 'cadre01', 'cadre02', 'handler1', 'handler2', 'enforcer1'] as const;

for (const dialect of DIALECTS) {
  describe(`a refusal names what the case offers the same person at the same instant [${dialect}]`, () => {
    let f: CaseFixture;
    let other: string;
    beforeAll(async () => {
      f = await caseFixture(dialect);
      // A second open case, for merge's target.
      other = (await f.report(f.actors.patrol1)).id;
    }, 120_000);
    afterAll(async () => f.ctx.close());

    /** Every input any action requires, so a refusal is the rule's, never a missing field's. */
    const fullInput = async (actor: Actor, action: string, version: number) => ({
      action, version, reason: '原因', note: '说明', unitId: f.units.handler2,
      dueAt: new Date(f.ctx.clock.now().getTime() + 5 * 86400_000).toISOString(), photoIds: [await f.photo(actor)], targetCaseId: other,
    });

    /** One step of the walk: the drawn action open from the case's state, by whoever its rule says acts. */
    async function walkStep(caseId: string, s: Step, only?: string) {
      const db = f.ctx.handle.db;
      const c = await db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
      const rules = TRANSITIONS.filter((t) => t.from.includes(c.status) && (t.pending === undefined || t.pending === c.pending_request) && (!only || t.action === only)
        // A merge ends the walk: drawn now and then only.
        && (t.action !== 'merge' || s.choice % 4 === 0));
      if (!rules.length) return;
      const rule = rules[s.choice % rules.length]!;
      const a = f.actors;
      const assignee = c.assigned_user_id === a.cadre01.userId ? a.cadre01
        : c.assigned_unit_id === f.units.enforcement ? a.enforcer1
          : c.assigned_unit_id === f.units.handler2 ? a.handler2 : a.handler1;
      const who = rule.who === 'assignee' ? assignee : rule.independent ? a[s.checker] : a.operator;
      const input: Record<string, unknown> = { action: rule.action, version: c.version };
      if (rule.requires.includes('reason')) input.reason = '原因';
      if (rule.requires.includes('note')) input.note = '说明';
      if (rule.requires.includes('assignee')) {
        Object.assign(input, s.target === 'cadreByName' ? { userId: a.cadre01.userId } : { unitId: f.units[s.target] });
      }
      if (rule.requires.includes('dueAt')) input.dueAt = new Date(f.ctx.clock.now().getTime() + 3 * 86400_000).toISOString();
      if (rule.requires.includes('photoIds')) input.photoIds = [await f.photo(who)];
      if (rule.requires.includes('targetCaseId')) input.targetCaseId = other;
      try {
        await f.act(who, caseId, input as never);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
      }
    }

    it('property: for every person and every action not offered, 409 with allowed == allowedActions', async () => {
      const db = f.ctx.handle.db;
      const clock = f.ctx.clock;
      // What the draws reached: refusals the raw table would have named wrongly.
      const reached = { lateExtension: 0, notIndependent: 0, notAssignee: 0 };
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.constantFrom<Target>('handler1', 'cadreByName', 'enforcement'), fc.array(step, { maxLength: 5 }), probe, async (ahead, target, steps, at) => {
          clock.set('2026-06-01T01:00:00Z');
          const { id } = await f.report(f.actors.patrol1);
          // Straight down the loop first (filed, dispatched, handled), so the walks reach every stage.
          for (const action of ['file', 'dispatch', 'handle'].slice(0, ahead)) {
            await walkStep(id, { choice: TRANSITIONS.findIndex((t) => t.action === action), target, checker: 'patrol1', minutes: 5, sweep: false }, action);
          }
          for (const s of steps) {
            clock.advance(s.minutes * 60_000);
            if (s.sweep) await sweepCaseDeadlines(db, clock);
            await walkStep(id, s);
          }
          const row = await db.selectFrom('cases').select('stage_due_at').where('id', '=', id).executeTakeFirstOrThrow();
          const due = row.stage_due_at ? Date.parse(row.stage_due_at) + at.seconds * 1000 : null;
          if (at.atDue && due !== null && due > clock.now().getTime()) clock.set(new Date(due));
          else clock.advance(at.minutes * 60_000);
          if (at.sweep) await sweepCaseDeadlines(db, clock);
          for (const name of PEOPLE) {
            const actor = f.actors[name];
            let offered: string[];
            try {
              offered = (await getCase(db, clock, actor, id)).allowedActions.map((x) => x.action);
            } catch (e) {
              if (e instanceof DomainError && e.code === 'not_found') continue; // a handler of another unit
              throw e;
            }
            const c = await db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
            const table = actionsFrom(c.status, c.pending_request, actor.role).map((t) => t.action);
            for (const action of CASE_ACTIONS.filter((x) => !offered.includes(x))) {
              const err = await f.act(actor, id, (await fullInput(actor, action, c.version)) as never).then(() => null, (e: unknown) => e);
              expect(err, `${name} ${action} on ${c.status}/${c.pending_request} was accepted though not offered`).toBeInstanceOf(DomainError);
              const d = err as DomainError;
              expect({ name, action, code: d.code }).toEqual({ name, action, code: 'transition_not_allowed' });
              expect({ name, action, allowed: (d.details as { allowed: string[] }).allowed }).toEqual({ name, action, allowed: offered });
              if (table.includes(action)) {
                if (action === 'request_extension' && c.pending_request === null) reached.lateExtension++;
                else if (action === 'check_pass' || action === 'check_fail') reached.notIndependent++;
                else reached.notAssignee++;
              }
            }
          }
        }),
        { seed: Number(process.env.FC_SEED ?? 20261208), numRuns: dialect === 'sqlite' ? 40 : 8 },
      );
      // The walks reached the refusals the lifecycle table alone does not explain.
      if (dialect === 'sqlite') expect(Object.values(reached).every((n) => n > 0), JSON.stringify(reached)).toBe(true);
    }, 300_000);

    it('an extension asked for after the due time: the 409 names what GET offers, without request_extension', async () => {
      const a = f.actors;
      f.ctx.clock.set('2026-07-01T01:00:00Z');
      let c = await f.report(a.patrol1);
      c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
      f.ctx.clock.set(new Date(Date.parse(c.stageDueAt as string) + 1000));
      const cookie = await signInAs(f.ctx.app, 'handler1');
      const page = await f.ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie } });
      expect(page.statusCode, page.body).toBe(200);
      const offered = (page.json().allowedActions as { action: string }[]).map((x) => x.action);
      expect(offered).toEqual(['handle', 'request_hold']);
      const asked = await f.ctx.app.inject({
        method: 'POST', url: `/api/cases/${c.id}/transitions`, headers: { cookie },
        payload: { action: 'request_extension', version: c.version, reason: '缺配件', dueAt: new Date(f.ctx.clock.now().getTime() + 3 * 86400_000).toISOString() },
      });
      expect(asked.statusCode, asked.body).toBe(409);
      expect(asked.json().error).toMatchObject({ code: 'transition_not_allowed', details: { action: 'request_extension', allowed: offered } });
    });

    it('a check by the cadre who handled a case named to them alone: the 409 names what GET offers, without the check', async () => {
      const a = f.actors;
      f.ctx.clock.set('2026-07-02T01:00:00Z');
      let c = await f.report(a.patrol1);
      c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, userId: a.cadre01.userId });
      c = await f.act(a.cadre01, c.id, { action: 'handle', version: c.version, note: '已清理', photoIds: [await f.photo(a.cadre01)] });
      const cookie = await signInAs(f.ctx.app, 'cadre01');
      const page = await f.ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie } });
      expect(page.statusCode, page.body).toBe(200);
      const offered = (page.json().allowedActions as { action: string }[]).map((x) => x.action);
      expect(offered).toEqual([]);
      const asked = await f.ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/transitions`, headers: { cookie }, payload: { action: 'check_pass', version: c.version } });
      expect(asked.statusCode, asked.body).toBe(409);
      expect(asked.json().error).toMatchObject({ code: 'transition_not_allowed', details: { action: 'check_pass', allowed: offered } });
    });
  });
}

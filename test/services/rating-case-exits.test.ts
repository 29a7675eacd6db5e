import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCase } from '../../src/domain/cases/get-case.js';
import { transitionCase } from '../../src/domain/cases/transition-case.js';
import { servicesBoard } from '../../src/domain/dashboard/services-board.js';
import { appealRating, badRatingKpi, decideAppeal } from '../../src/domain/service-ratings/followups.js';
import type { TransitionInput } from '../../src/domain/cases/case-input.js';
import type { Actor } from '../../src/domain/auth/actor.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { actorOf, badRatingOf, servicesContext } from './helpers.js';

/**
 * A 差评 leaves the follow-up loop by its handling (checked and closed) or by an appeal upheld on a
 * second person's review — never by the desk alone cancelling or merging its case away, which the
 * services board would stop counting while the KPI still counts it as a missed follow-up.
 */
describe.each(DIALECTS)('a 差评 case leaves the loop only by handling or an upheld appeal (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  const window = { from: '2026-05-01T00:00:00Z', to: '2026-08-01T00:00:00Z' };

  async function badRating(username: string, item = '居住登记') {
    return badRatingOf(ctx, username, item);
  }
  const caseOf = (id: string) => ctx.handle.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  async function step(actor: Actor, caseId: string, t: Omit<TransitionInput, 'version'>) {
    const { version } = await caseOf(caseId);
    return ctx.handle.db.transaction().execute((trx) => transitionCase(trx, ctx.clock, actor, caseId, { ...t, version } as TransitionInput));
  }
  const offered = async (actor: Actor, caseId: string) => (await getCase(ctx.handle.db, ctx.clock, actor, caseId)).allowedActions.map((a) => a.action);
  async function counts(operator: Actor) {
    const board = (await servicesBoard(ctx.handle.db, ctx.clock, operator, {})).totals!.badRatings;
    const kpi = await badRatingKpi(ctx.handle.db, ctx.clock, operator, window);
    return { boardOpen: board.open, kpiOpen: kpi.open, kpiDue: kpi.due };
  }

  it('the desk cannot cancel a 差评 case it has yet to dispatch: the board and the KPI keep counting it alike', async () => {
    const operator = await actorOf(ctx, 'operator');
    const before = await counts(operator);
    // Served by an operator: the case waits on the desk, reported (cancel is a desk step from there).
    const bad = await badRating('operator');
    expect((await caseOf(bad.caseId)).status).toBe('reported');
    const opened = await counts(operator);
    expect(opened).toMatchObject({ boardOpen: before.boardOpen + 1, kpiOpen: before.kpiOpen + 1 });
    // Neither offered on the case page nor taken.
    expect(await offered(operator, bad.caseId)).toEqual(expect.arrayContaining(['file']));
    expect(await offered(operator, bad.caseId)).not.toContain('cancel');
    // The refusal names what the case page offers, without cancel.
    {
      const allowed = await offered(operator, bad.caseId);
      await expect(step(operator, bad.caseId, { action: 'cancel', reason: '重复' })).rejects.toMatchObject({ code: 'transition_not_allowed', details: { allowed } });
    }
    await step(operator, bad.caseId, { action: 'file' });
    {
      const allowed = await offered(operator, bad.caseId);
      await expect(step(operator, bad.caseId, { action: 'cancel', reason: '重复' })).rejects.toMatchObject({ code: 'transition_not_allowed', details: { allowed } });
    }
    expect((await caseOf(bad.caseId)).status).toBe('filed');
    expect(await counts(operator)).toEqual(opened);
  });

  it('the desk cannot merge a 差评 case away (another case may be merged into it)', async () => {
    const operator = await actorOf(ctx, 'operator');
    const first = await badRating('cadre01');
    const second = await badRating('cadre01', '居住证签注');
    expect((await caseOf(first.caseId)).status).toBe('dispatched');
    const opened = await counts(operator);
    expect(await offered(operator, first.caseId)).toEqual(expect.arrayContaining(['redispatch']));
    expect(await offered(operator, first.caseId)).not.toContain('merge');
    await expect(step(operator, first.caseId, { action: 'merge', targetCaseId: second.caseId })).rejects.toMatchObject({ code: 'transition_not_allowed' });
    expect((await caseOf(first.caseId)).status).toBe('dispatched');
    expect(await counts(operator)).toEqual(opened);
  });

  it('a 差评 voided on appeal stays voided: its cancelled case is not reopened behind the board\'s back', async () => {
    const [cadre, operator] = [await actorOf(ctx, 'cadre01'), await actorOf(ctx, 'operator')];
    const bad = await badRating('cadre01');
    await ctx.handle.db.transaction().execute((trx) => appealRating(trx, ctx.clock, cadre, bad.id, { reason: '评价人当日并未到窗口办理，疑为误评' }));
    await ctx.handle.db.transaction().execute((trx) => decideAppeal(trx, ctx.clock, operator, bad.id, { upheld: true, note: '核实监控，申诉成立' }));
    expect((await caseOf(bad.caseId)).status).toBe('cancelled');
    const voided = await counts(operator);
    expect(await offered(operator, bad.caseId)).not.toContain('reopen');
    await expect(step(operator, bad.caseId, { action: 'reopen', reason: '再看看' })).rejects.toMatchObject({ code: 'transition_not_allowed' });
    expect((await caseOf(bad.caseId)).status).toBe('cancelled');
    expect(await counts(operator)).toEqual(voided);
  });
});

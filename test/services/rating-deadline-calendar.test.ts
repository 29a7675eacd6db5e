import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransitionInput } from '../../src/domain/cases/case-input.js';
import { transitionCase } from '../../src/domain/cases/transition-case.js';
import type { Actor } from '../../src/domain/auth/actor.js';
import { deleteOverride, putOverride } from '../../src/domain/calendar/overrides.js';
import { followupOf } from '../../src/domain/service-ratings/followups.js';
import { serviceSettings } from '../../src/domain/service-ratings/settings.js';
import { dueAfterWorkingDays } from '../../src/domain/service-records/due-dates.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { actorOf, badRatingOf, servicesContext } from './helpers.js';

/**
 * A 差评's follow-up deadline (badRatingDays working days from the rating) follows the calendar
 * (DOMAIN.md §4) while its case still waits on the desk: a holiday entered inside the period gives
 * it its day before the desk dispatches, and removing the holiday takes it back. A dispatched case
 * carries the deadline itself, and the follow-up shows the case's.
 */
describe.each(DIALECTS)('a 差评 waiting on the desk is re-timed by the calendar (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  const caseOf = (id: string) => ctx.handle.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const followupDue = async (ratingId: string) =>
    (await ctx.handle.db.selectFrom('service_rating_followups').select('due_at').where('rating_id', '=', ratingId).executeTakeFirstOrThrow()).due_at;
  async function step(actor: Actor, caseId: string, t: Omit<TransitionInput, 'version'>) {
    const { version } = await caseOf(caseId);
    return ctx.handle.db.transaction().execute((trx) => transitionCase(trx, ctx.clock, actor, caseId, { ...t, version } as TransitionInput));
  }
  /** A 差评, rated now, of a service `username` gave; with the deadline it gets and the one a working day later, on today's calendar. */
  async function badRating(username: string, item: string) {
    const staff = await actorOf(ctx, username);
    const ratedAt = ctx.clock.now();
    const { id, caseId } = await badRatingOf(ctx, username, item);
    const sub = staff.subdistrictId!;
    const { badRatingDays } = await serviceSettings(ctx.handle.db, sub);
    expect(badRatingDays).toBeGreaterThan(0);
    const due = (await dueAfterWorkingDays(ctx.handle.db, ratedAt, badRatingDays, sub)).toISOString();
    const dayLater = (await dueAfterWorkingDays(ctx.handle.db, ratedAt, badRatingDays + 1, sub)).toISOString();
    expect(await followupDue(id)).toBe(due);
    return { id, caseId, sub, due, dayLater };
  }
  const holiday = async (admin: Actor, date: string, sub: string) =>
    ctx.handle.db.transaction().execute((trx) => putOverride(trx, ctx.clock, admin, { date, kind: 'holiday', note: '临时停工', subdistrictId: sub }));

  it('a holiday entered after a Friday 差评 moves the deadline the desk dispatches with by one working day; removed, it moves back', async () => {
    const [operator, cadre, admin] = [await actorOf(ctx, 'operator'), await actorOf(ctx, 'cadre01'), await actorOf(ctx, 'admin')];
    ctx.clock.set('2026-05-29T02:30:00Z'); // Friday 10:30 Shanghai
    // Served by an operator, who handles no cases: the case waits on the desk.
    const bad = await badRating('operator', '居住登记');
    expect(await caseOf(bad.caseId)).toMatchObject({ status: 'reported', handle_due_at: null });
    ctx.clock.advance(3600_000);
    // Monday, the first working day of the period, becomes a holiday.
    const put = await holiday(admin, '2026-06-01', bad.sub);
    expect(put.retimed.ratingFollowups).toBeGreaterThanOrEqual(1);
    expect(await followupDue(bad.id)).toBe(bad.dayLater);
    const events = await ctx.handle.db.selectFrom('case_events').selectAll().where('case_id', '=', bad.caseId).where('action', '=', 'retime').execute();
    expect(events.map((e) => JSON.parse(e.changes).rating_due_at)).toContainEqual([bad.due, bad.dayLater]);
    // Removed again: back to the rating's own deadline.
    await ctx.handle.db.transaction().execute((trx) => deleteOverride(trx, ctx.clock, admin, put.id));
    expect(await followupDue(bad.id)).toBe(bad.due);
    // Entered once more, then the desk files and dispatches: the case runs to the later deadline.
    const again = await holiday(admin, '2026-06-01', bad.sub);
    await step(operator, bad.caseId, { action: 'file' });
    await step(operator, bad.caseId, { action: 'dispatch', userId: cadre.userId });
    expect(await caseOf(bad.caseId)).toMatchObject({ status: 'dispatched', handle_due_at: bad.dayLater, stage_due_at: bad.dayLater });
    expect((await followupOf(ctx.handle.db, operator, bad.id)).dueAt).toBe(bad.dayLater);
    await ctx.handle.db.transaction().execute((trx) => deleteOverride(trx, ctx.clock, admin, again.id));
  });

  it('a dispatched 差评\'s case is re-timed and the follow-up shows its deadline', async () => {
    const [operator, admin] = [await actorOf(ctx, 'operator'), await actorOf(ctx, 'admin')];
    ctx.clock.set('2026-06-05T02:30:00Z'); // Friday 10:30 Shanghai
    const bad = await badRating('cadre01', '居住证签注');
    expect(await caseOf(bad.caseId)).toMatchObject({ status: 'dispatched', handle_due_at: bad.due });
    ctx.clock.advance(3600_000);
    const put = await holiday(admin, '2026-06-08', bad.sub);
    const c = await caseOf(bad.caseId);
    expect(c.handle_due_at).toBe(bad.dayLater);
    expect((await followupOf(ctx.handle.db, operator, bad.id)).dueAt).toBe(c.handle_due_at);
    await ctx.handle.db.transaction().execute((trx) => deleteOverride(trx, ctx.clock, admin, put.id));
    expect((await caseOf(bad.caseId)).handle_due_at).toBe(bad.due);
    expect((await followupOf(ctx.handle.db, operator, bad.id)).dueAt).toBe(bad.due);
  });
});

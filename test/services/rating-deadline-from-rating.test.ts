import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransitionInput } from '../../src/domain/cases/case-input.js';
import { transitionCase } from '../../src/domain/cases/transition-case.js';
import type { Actor } from '../../src/domain/auth/actor.js';
import { badRatingKpi, recordCallback, resolveBadRating } from '../../src/domain/service-ratings/followups.js';
import { serviceSettings } from '../../src/domain/service-ratings/settings.js';
import { dueAfterWorkingDays } from '../../src/domain/service-records/due-dates.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { actorOf, badRatingOf, servicesContext } from './helpers.js';

const START = '2026-05-26T02:30:00Z';
const HOUR = 3600_000;

/**
 * The 差评's follow-up deadline runs from the rating (badRatingDays working days from when it was
 * given) on every path: dispatched at once to whoever served, or filed and dispatched by the desk
 * later; and it does not start again on 改派, a failed check or a dispatch after a reopen. Only a
 * hold (the clock stops, DOMAIN.md §4) or an approved extension moves it. The KPI of named 差评
 * followed up on time is measured against it.
 */
describe.each(DIALECTS)('a 差评\'s deadline counts from the rating (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  const caseOf = (id: string) => ctx.handle.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  async function step(actor: Actor, caseId: string, t: Omit<TransitionInput, 'version'>) {
    const { version } = await caseOf(caseId);
    return ctx.handle.db.transaction().execute((trx) => transitionCase(trx, ctx.clock, actor, caseId, { ...t, version } as TransitionInput));
  }
  async function photo(actor: Actor) {
    const id = newId();
    await ctx.handle.db.insertInto('photos').values({
      id, subdistrict_id: actor.subdistrictId, uploaded_by: actor.userId, sha256: id.replace(/-/g, '').padEnd(64, '0'), mime: 'image/jpeg', bytes: 1000,
      width: 10, height: 10, storage_key: `test/${id}`, thumb_key: null, exif_taken_at: null, exif_lat: null, exif_lng: null, created_at: ctx.clock.now().toISOString(),
    } as never).execute();
    return id;
  }
  /** A 差评 of a service `username` gave, rated now. */
  async function badRating(username: string, item = '居住登记') {
    const staff = await actorOf(ctx, username);
    const ratedAt = ctx.clock.now();
    const { id, caseId } = await badRatingOf(ctx, username, item);
    const { badRatingDays } = await serviceSettings(ctx.handle.db, staff.subdistrictId!);
    const due = (await dueAfterWorkingDays(ctx.handle.db, ratedAt, badRatingDays, staff.subdistrictId!)).toISOString();
    const f = await ctx.handle.db.selectFrom('service_rating_followups').select('due_at').where('rating_id', '=', id).executeTakeFirstOrThrow();
    expect(f.due_at).toBe(due);
    return { id, caseId, due };
  }

  it('property: however late the desk dispatches a 差评 it had to file, the deadline is the rating\'s, and the KPI judges the follow-up by it', async () => {
    const [operator, cadre] = [await actorOf(ctx, 'operator'), await actorOf(ctx, 'cadre01')];
    const window = { from: '2026-05-01T00:00:00Z', to: '2026-09-01T00:00:00Z' };
    try {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 12 * 24 }), fc.integer({ min: 0, max: 3 * 24 }), async (delayHours, handleHours) => {
          ctx.clock.set(START);
          const kpi0 = await badRatingKpi(ctx.handle.db, ctx.clock, operator, window);
          // Served by an operator, who handles no cases: the case waits on the desk.
          const bad = await badRating('operator');
          expect(await caseOf(bad.caseId)).toMatchObject({ status: 'reported', handle_due_at: null });
          ctx.clock.advance(delayHours * HOUR);
          await step(operator, bad.caseId, { action: 'file' });
          await step(operator, bad.caseId, { action: 'dispatch', userId: cadre.userId });
          const dispatched = await caseOf(bad.caseId);
          expect({ handle: dispatched.handle_due_at, stage: dispatched.stage_due_at }).toEqual({ handle: bad.due, stage: bad.due });
          // Past its deadline already: no "due soon" reminder for it.
          if (Date.parse(bad.due) <= ctx.clock.now().getTime()) expect(dispatched.remind_at).toBeNull();
          else expect(Date.parse(dispatched.remind_at!)).toBeLessThanOrEqual(Date.parse(bad.due));
          // Called back and put right some hours later: on time exactly when by the rating's deadline.
          ctx.clock.advance(handleHours * HOUR);
          await ctx.handle.db.transaction().execute((trx) => recordCallback(trx, ctx.clock, cadre, bad.id, { note: '已电话回访致歉' }));
          const p = await photo(cadre);
          const { version } = await caseOf(bad.caseId);
          const res = await ctx.handle.db.transaction().execute((trx) =>
            resolveBadRating(trx, ctx.clock, cadre, bad.id, { version, resolution: 'rectify', note: '已整改', photoIds: [p] }),
          );
          const onTime = ctx.clock.now().getTime() <= Date.parse(bad.due);
          expect(res.followup).toMatchObject({ dueAt: bad.due, onTime });
          const kpi1 = await badRatingKpi(ctx.handle.db, ctx.clock, operator, window);
          expect({ due: kpi1.due - kpi0.due, onTime: kpi1.onTime - kpi0.onTime }).toEqual({ due: 1, onTime: onTime ? 1 : 0 });
        }),
        { numRuns: 8, examples: [[3 * 24, 0], [8 * 24, 1]] },
      );
    } finally {
      ctx.clock.set(START);
    }
  });

  it('改派, a failed check and a dispatch after a reopen keep the deadline; a hold moves it by the time held', async () => {
    const [operator, cadre, other] = [await actorOf(ctx, 'operator'), await actorOf(ctx, 'cadre01'), await actorOf(ctx, 'handler1')];
    ctx.clock.set(START);
    try {
      const bad = await badRating('cadre01', '居住证签注');
      expect(await caseOf(bad.caseId)).toMatchObject({ status: 'dispatched', handle_due_at: bad.due, stage_due_at: bad.due });
      ctx.clock.advance(24 * HOUR);
      await step(operator, bad.caseId, { action: 'redispatch', userId: other.userId, reason: '改派' });
      expect(await caseOf(bad.caseId)).toMatchObject({ handle_due_at: bad.due, stage_due_at: bad.due });
      // On hold for two days: released, the deadline moves on by the time it was held, not a fresh limit.
      await step(other, bad.caseId, { action: 'request_hold', reason: '等待后台系统升级' });
      await step(operator, bad.caseId, { action: 'approve_hold' });
      ctx.clock.advance(48 * HOUR);
      await step(operator, bad.caseId, { action: 'release_hold' });
      const released = (await caseOf(bad.caseId)).handle_due_at!;
      expect(released > bad.due).toBe(true);
      const { badRatingDays } = await serviceSettings(ctx.handle.db, cadre.subdistrictId!);
      expect(released < (await dueAfterWorkingDays(ctx.handle.db, ctx.clock.now(), badRatingDays, cadre.subdistrictId!)).toISOString()).toBe(true);
      // 改派 back a day later: the deadline as it stands.
      ctx.clock.advance(24 * HOUR);
      await step(operator, bad.caseId, { action: 'redispatch', userId: cadre.userId, reason: '改回原经办人' });
      expect(await caseOf(bad.caseId)).toMatchObject({ handle_due_at: released, stage_due_at: released });
      // Handled, the check fails: back with the same deadline.
      await ctx.handle.db.transaction().execute((trx) => recordCallback(trx, ctx.clock, cadre, bad.id, { note: '已回访' }));
      await step(cadre, bad.caseId, { action: 'handle', note: '已整改', photoIds: [await photo(cadre)] });
      ctx.clock.advance(24 * HOUR);
      await step(operator, bad.caseId, { action: 'check_fail', note: '整改不到位' });
      expect(await caseOf(bad.caseId)).toMatchObject({ status: 'dispatched', handle_due_at: released, stage_due_at: released });
      // Handled again and closed, then reopened and dispatched: still the same deadline.
      await step(cadre, bad.caseId, { action: 'handle', note: '再次整改', photoIds: [await photo(cadre)] });
      await step(operator, bad.caseId, { action: 'check_pass' });
      ctx.clock.advance(24 * HOUR);
      await step(operator, bad.caseId, { action: 'reopen', reason: '评价人反映整改未落实' });
      await step(operator, bad.caseId, { action: 'dispatch', userId: cadre.userId });
      expect(await caseOf(bad.caseId)).toMatchObject({ status: 'dispatched', handle_due_at: released, stage_due_at: released });
    } finally {
      ctx.clock.set(START);
    }
  });
});

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ratingTarget, submitRating } from '../../src/domain/service-ratings/ratings.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { actorOf, completedService, servicesContext } from './helpers.js';

const START = '2026-05-26T02:30:00Z';
const HOUR = 3600_000;
const SHANGHAI = 8 * HOUR;

/** The end of the `days`-th Shanghai day after the day of `at` (its last millisecond), worked out by hand. */
function endOfLastDay(at: number, days: number): number {
  const local = new Date(at + SHANGHAI);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days + 1) - SHANGHAI - 1;
}

/** Thrown to roll a run's transaction back: every run rates the same service afresh. */
class RolledBack extends Error {}

/**
 * A rating window of N days is N whole days (Asia/Shanghai): the service can be rated until the
 * end of the N-th day after the day it ended — at 23:00 on that day too — not only until the hour
 * it ended. The public page's closing time and whether it is open say the same.
 */
describe.each(DIALECTS)('the rating window ends with its last day (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  async function served() {
    ctx.clock.set(START);
    return completedService(ctx);
  }

  it('a service ended at 10:30 on 26 May, window 7 days: rated at 23:00 on 2 June (Shanghai) it counts; from midnight it is closed', async () => {
    try {
      const { ratingToken } = await served();
      const settings = await ctx.handle.db.selectFrom('service_settings').select('rating_window_days').executeTakeFirst();
      expect(settings?.rating_window_days ?? 7).toBe(7);
      ctx.clock.set('2026-06-02T15:00:00Z'); // 23:00 on 2 June in Shanghai
      const page = (await ctx.app.inject({ method: 'GET', url: `/api/public/rate/${ratingToken}` })).json();
      expect(page).toMatchObject({ open: true, closesAt: '2026-06-02T15:59:59.999Z' });
      const late = await served();
      ctx.clock.set('2026-06-02T16:00:00Z'); // 00:00 on 3 June
      const closedPage = (await ctx.app.inject({ method: 'GET', url: `/api/public/rate/${late.ratingToken}` })).json();
      expect(closedPage).toMatchObject({ open: false, closesAt: '2026-06-02T15:59:59.999Z' });
      const refused = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${late.ratingToken}`, payload: { level: 4 } });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.details.fields[0]).toEqual({ field: 'token', reason: 'rating window closed' });
      ctx.clock.set('2026-06-02T15:00:00Z');
      const taken = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 4 } });
      expect(taken.statusCode).toBe(201);
    } finally {
      ctx.clock.set(START);
    }
  });

  it('property: a service ended at any hour, any window length, rated at instants around the window\'s end — taken exactly until the end of its last day, as the page says', async () => {
    const db = ctx.handle.db;
    const { record, ratingToken } = await served();
    const sub = (await actorOf(ctx, 'cadre01')).subdistrictId!;
    const DAY = 24 * HOUR;
    // Service ends over a year, at any minute of the day (the Shanghai day differs from the UTC day from 16:00 UTC).
    const ended = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z') / 60_000, max: Date.parse('2027-01-01T00:00:00Z') / 60_000 }).map((m) => m * 60_000);
    // Offsets from the end of the window: at it, a millisecond either side, within hours, or a day off.
    const offset = fc.oneof(
      fc.constantFrom(-1, 0, 1),
      fc.integer({ min: -DAY, max: DAY }),
      fc.integer({ min: -12 * HOUR, max: 12 * HOUR }),
    );
    try {
      await fc.assert(
        fc.asyncProperty(ended, fc.integer({ min: 1, max: 90 }), offset, async (end, days, off) => {
          const closes = endOfLastDay(end, days);
          const at = closes + off;
          fc.pre(at >= end);
          ctx.clock.set(new Date(at));
          let outcome: { page: Awaited<ReturnType<typeof ratingTarget>>; error: unknown } | null = null;
          try {
            await db.transaction().execute(async (trx) => {
              await trx.updateTable('service_records').set({ accepted_at: new Date(end - HOUR).toISOString(), decided_at: new Date(end).toISOString() }).where('id', '=', record.id).execute();
              await trx.insertInto('service_settings')
                .values({ subdistrict_id: sub, bad_rating_days: 5, rating_window_days: days, no_show_grace_minutes: 15, updated_at: new Date(at).toISOString() })
                .onConflict((oc) => oc.column('subdistrict_id').doUpdateSet({ rating_window_days: days }))
                .execute();
              const page = await ratingTarget(trx, ctx.clock, ratingToken);
              let error: unknown = null;
              try {
                await submitRating(trx, ctx.clock, ratingToken, { level: 4 });
              } catch (e) {
                error = e;
              }
              outcome = { page, error };
              throw new RolledBack();
            });
          } catch (e) {
            if (!(e instanceof RolledBack)) throw e;
          }
          const { page, error } = outcome!;
          const open = at <= closes;
          expect(page.closesAt).toBe(new Date(closes).toISOString());
          expect(page.open).toBe(open);
          if (open) expect(error).toBeNull();
          else expect(error).toMatchObject({ code: 'conflict', details: { fields: [{ field: 'token', reason: 'rating window closed' }] } });
        }),
        { numRuns: 80 },
      );
    } finally {
      ctx.clock.set(START);
    }
  });
});

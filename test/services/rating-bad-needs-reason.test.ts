import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitRating } from '../../src/domain/service-ratings/ratings.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { completedService, servicesContext } from './helpers.js';

/** Thrown to roll a run's transaction back: every run rates the same service afresh. */
class RolledBack extends Error {}

/**
 * A 差评 (★1–2) says what went wrong (国办发〔2019〕51号; 德州 [S3]): without a comment that is more
 * than blanks it is refused naming `comment`, and nothing is written — no rating, no case, no
 * follow-up, no notice. A good rating needs no comment.
 */
describe.each(DIALECTS)('a 差评 carries its reason (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  async function served() {
    return completedService(ctx);
  }

  const counts = async () => {
    const db = ctx.handle.db;
    const n = async (table: 'service_ratings' | 'cases' | 'service_rating_followups' | 'notifications') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    return { ratings: await n('service_ratings'), cases: await n('cases'), followups: await n('service_rating_followups'), notices: await n('notifications') };
  };

  it('through the API: a 差评 without a reason, or with blanks only, is a 400 naming comment and writes nothing; with one it is taken', async () => {
    const { ratingToken } = await served();
    const before = await counts();
    for (const payload of [{ level: 2 }, { level: 1, comment: null }, { level: 2, comment: '' }, { level: 1, comment: ' \n\t\u3000 ' }]) {
      const res = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'comment', reason: 'required for a 差评: say what went wrong' }] } });
    }
    expect(await counts()).toEqual(before);
    // The service can still be rated, with its reason.
    const ok = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 2, comment: '  等候时间过长  ' } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().caseId).not.toBeNull();
    const row = await ctx.handle.db.selectFrom('service_ratings').select('comment').where('id', '=', ok.json().id).executeTakeFirstOrThrow();
    expect(row.comment).toBe('等候时间过长');
  });

  it('property: any level with any comment — refused exactly when a 差评 has no comment but blanks, and then nothing is written', async () => {
    const { ratingToken } = await served();
    const db = ctx.handle.db;
    const blank = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', '\u3000', '\u00a0'), maxLength: 6 });
    const text = fc.tuple(blank, fc.string({ unit: fc.constantFrom('态', '度', '差', 'x', '1', '。'), minLength: 1, maxLength: 8 }), blank).map(([a, b, c]) => a + b + c);
    const comment = fc.oneof(fc.constant(undefined), fc.constant(null), blank, text);
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), comment, fc.boolean(), async (level, c, anonymous) => {
        const hasReason = typeof c === 'string' && c.trim() !== '';
        let refused: unknown = null;
        try {
          await db.transaction().execute(async (trx) => {
            try {
              const out = await submitRating(trx, ctx.clock, ratingToken, { level, anonymous, ...(c === undefined ? {} : { comment: c }) });
              expect(out.bad).toBe(level <= 2);
              expect(out.caseId !== null).toBe(level <= 2);
            } catch (e) {
              refused = e;
            }
            throw new RolledBack();
          });
        } catch (e) {
          if (!(e instanceof RolledBack)) throw e;
        }
        if (level <= 2 && !hasReason) {
          expect(refused).toBeInstanceOf(DomainError);
          expect(refused).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'comment' }] } });
        } else {
          expect(refused).toBeNull();
        }
      }),
      { numRuns: 60 },
    );
    expect(await counts()).toEqual(before);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ratingContacts from '../../src/db/migrations/2026-12-10T0110-rating-contacts.js';
import { badRatingKpi } from '../../src/domain/service-ratings/followups.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord, stepRecord } from '../../src/domain/service-records/records.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

/**
 * 回访 of a 差评: every contact with the rater is kept (who, when, channel, outcome, note) and shown
 * in order; a second contact no longer overwrites the first, and "followed up on time" is the
 * first contact's, made within the deadline.
 */
describe.each(DIALECTS)('回访 contacts are kept as history (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  async function badRating() {
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '居住证签注');
    const served = await ctx.handle.db.transaction().execute(async (trx) => {
      const out = await createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '吴娟', idNumber: withCheckDigit('31010519900101005'), phone: '13712345678' }, materials: [] });
      await stepRecord(trx, ctx.clock, cadre, out.record.id, { version: 1, action: 'complete', delivery: 'on_site' });
      return out;
    });
    const res = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${served.ratingToken}`, payload: { level: 1, comment: '等了很久' } });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  }

  it('two contacts are both kept in order with who, when, channel, outcome and note; the first stays the 回访 the KPI counts', async () => {
    ctx.clock.set('2026-05-26T02:30:00Z');
    const ratingId = await badRating();
    const cadre = await actorOf(ctx, 'cadre01');
    // Signed in afresh at each step: the test's clock moves by days, past a session's idle limit.
    const contact = async (payload: Record<string, unknown>) =>
      ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${ratingId}/callback`, headers: { cookie: await signInAs(ctx.app, 'cadre01') }, payload });
    ctx.clock.set('2026-05-26T03:00:00Z');
    expect((await contact({ note: '电话未接通', channel: 'phone', outcome: 'unreachable' })).statusCode).toBe(200);
    ctx.clock.set('2026-05-27T01:00:00Z');
    const second = await contact({ note: '短信联系后回电，已致歉并说明高峰时段安排', channel: 'sms', outcome: 'reached' });
    expect(second.statusCode).toBe(200);
    const f = second.json();
    expect(f.callbackAt).toBe('2026-05-26T03:00:00.000Z');
    expect(f.callbackNote).toBe('电话未接通');
    expect(f.contacts).toEqual([
      { id: expect.any(String), at: '2026-05-26T03:00:00.000Z', by: cadre.userId, byName: expect.any(String), channel: 'phone', outcome: 'unreachable', note: '电话未接通' },
      { id: expect.any(String), at: '2026-05-27T01:00:00.000Z', by: cadre.userId, byName: expect.any(String), channel: 'sms', outcome: 'reached', note: '短信联系后回电，已致歉并说明高峰时段安排' },
    ]);
    // A contact names its channel and outcome from the lists; a bad one is refused naming the field.
    const bad = await contact({ note: '上门回访', channel: 'fax' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields[0].field).toBe('channel');
    const badOutcome = await contact({ note: '上门回访', outcome: 'maybe' });
    expect(badOutcome.json().error.details.fields[0].field).toBe('outcome');
    // Older clients (a note only): a call that reached the rater.
    ctx.clock.set('2026-05-27T02:00:00Z');
    const third = (await contact({ note: '再次电话回访' })).json();
    expect(third.contacts.map((c: { channel: string; outcome: string }) => [c.channel, c.outcome])).toEqual([['phone', 'unreachable'], ['sms', 'reached'], ['phone', 'reached']]);

    // On time by the first contact within the deadline: the case handled by a deadline that falls
    // between the first contact and the later ones (as a calendar change can set it).
    const db = ctx.handle.db;
    const followup = await db.selectFrom('service_rating_followups').select(['case_id']).where('rating_id', '=', ratingId).executeTakeFirstOrThrow();
    await db.updateTable('cases').set({ handle_due_at: '2026-05-26T09:00:00.000Z', handled_on_time: 1 }).where('id', '=', followup.case_id).execute();
    const read = (await ctx.app.inject({ url: `/api/services/ratings/${ratingId}/followup`, headers: { cookie: await signInAs(ctx.app, 'cadre01') } })).json();
    expect(read.onTime).toBe(true);
    const operator = await actorOf(ctx, 'operator');
    const kpi = await badRatingKpi(db, ctx.clock, operator, { from: '2026-05-26T00:00:00Z', to: '2026-05-27T00:00:00Z' });
    expect(kpi).toMatchObject({ due: 1, onTime: 1, rate: 1 });
  });

  it('a first contact after the deadline is late, whatever follows', async () => {
    ctx.clock.set('2026-05-26T02:30:00Z');
    const ratingId = await badRating();
    ctx.clock.set('2026-05-28T03:00:00Z');
    const cookie = await signInAs(ctx.app, 'cadre01');
    expect((await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${ratingId}/callback`, headers: { cookie }, payload: { note: '电话回访，已致歉', channel: 'phone', outcome: 'reached' } })).statusCode).toBe(200);
    const db = ctx.handle.db;
    const followup = await db.selectFrom('service_rating_followups').select(['case_id']).where('rating_id', '=', ratingId).executeTakeFirstOrThrow();
    await db.updateTable('cases').set({ handle_due_at: '2026-05-28T01:00:00.000Z', handled_on_time: 1 }).where('id', '=', followup.case_id).execute();
    expect((await ctx.app.inject({ url: `/api/services/ratings/${ratingId}/followup`, headers: { cookie } })).json().onTime).toBe(false);
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('the migration keeps the callbacks recorded before it as each follow-up\'s first contact', async () => {
    ctx.clock.set('2026-05-26T02:30:00Z');
    const ratingId = await badRating();
    const db = ctx.handle.db;
    // Back to the schema before the migration: one callback on the follow-up row.
    await ratingContacts.down(db as never);
    const cadre = await actorOf(ctx, 'cadre01');
    await db.updateTable('service_rating_followups').set({ callback_at: '2026-05-26T04:00:00.000Z', callback_by: cadre.userId, callback_note: '已电话回访' }).where('rating_id', '=', ratingId).execute();
    await ratingContacts.up(db as never);
    const rows = await db.selectFrom('service_rating_contacts').select(['rating_id', 'contacted_at', 'contacted_by', 'channel', 'outcome', 'note']).where('rating_id', '=', ratingId).execute();
    expect(rows.map((r) => ({ ...r, contacted_at: new Date(r.contacted_at).toISOString() }))).toEqual([
      { rating_id: ratingId, contacted_at: '2026-05-26T04:00:00.000Z', contacted_by: cadre.userId, channel: 'phone', outcome: 'reached', note: '已电话回访' },
    ]);
    const cookie = await signInAs(ctx.app, 'cadre01');
    const f = (await ctx.app.inject({ url: `/api/services/ratings/${ratingId}/followup`, headers: { cookie } })).json();
    expect(f.contacts.map((c: { note: string }) => c.note)).toEqual(['已电话回访']);
  });
});

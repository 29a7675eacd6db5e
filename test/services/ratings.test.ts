import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transitionCase } from '../../src/domain/cases/transition-case.js';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { servicesBoard } from '../../src/domain/dashboard/services-board.js';
import { badRatingKpi } from '../../src/domain/service-ratings/followups.js';
import { ratingRanking } from '../../src/domain/service-ratings/ranking.js';
import { putServiceSettings } from '../../src/domain/service-ratings/settings.js';
import { dueAfterWorkingDays } from '../../src/domain/service-records/due-dates.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord, stepRecord } from '../../src/domain/service-records/records.js';
import { newId } from '../../src/domain/shared/ids.js';
import type { Actor } from '../../src/domain/auth/actor.js';
import { DIALECTS } from '../helpers/db.js';
import { englishRobot, expectEnglish, seeNotice } from '../notifications/notice-reading.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

const ID = withCheckDigit('31010519900101005');

describe.each(DIALECTS)('好差评 closing the loop (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  async function servedRecord(name = '居住证签注', username = 'cadre01') {
    const cadre = await actorOf(ctx, username);
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, name);
    return ctx.handle.db.transaction().execute(async (trx) => {
      const out = await createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '吴娟', idNumber: ID, phone: '13700000000' }, materials: [] });
      await stepRecord(trx, ctx.clock, cadre, out.record.id, { version: 1, action: 'complete', delivery: 'on_site' });
      return out;
    });
  }
  async function photo(actor: Actor) {
    const id = newId();
    await ctx.handle.db.insertInto('photos').values({
      id, subdistrict_id: actor.subdistrictId, uploaded_by: actor.userId, sha256: id.replace(/-/g, '').padEnd(64, '0'), mime: 'image/jpeg', bytes: 1000,
      width: 10, height: 10, storage_key: `test/${id}`, thumb_key: null, exif_taken_at: null, exif_lat: null, exif_lng: null, created_at: ctx.clock.now().toISOString(),
    } as never).execute();
    return id;
  }

  it('差评 → case assigned to whoever served → 回访 → rectification → independent check → the rater judges it', async () => {
    const { ratingToken } = await servedRecord();
    const page = await ctx.app.inject({ method: 'GET', url: `/api/public/rate/${ratingToken}` });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ itemName: '居住证签注', open: true, rated: null });
    expect(page.body).not.toContain(ID);
    const point = await pointByCode(ctx, 'YW008-CW01');
    const robot = await englishRobot(ctx.handle.db, point.subdistrict_id);
    const bad = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 2, scores: { attitude: 1 }, comment: '等候时间过长，态度生硬', channel: 'qr' } });
    await robot.remove();
    expect(bad.statusCode).toBe(201);
    const { id: ratingId, caseId, feedbackToken } = bad.json();
    expect(caseId).toBeTruthy();
    // One rating per record.
    expect((await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 5 } })).statusCode).toBe(409);

    const cadre = await actorOf(ctx, 'cadre01');
    const operator = await actorOf(ctx, 'operator');
    const c = await ctx.handle.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ status: 'dispatched', assigned_user_id: cadre.userId, source: 'citizen' });
    // Due after the subdistrict's 5 working days (default): 2026-05-26 → 2026-06-02 17:30.
    expect(c.stage_due_at).toBe('2026-06-02T09:30:00.000Z');
    const events = await ctx.handle.db.selectFrom('case_events').select('action').where('case_id', '=', caseId).orderBy('seq').execute();
    expect(events.map((e) => e.action)).toEqual(['report', 'file', 'dispatch']);
    const inbox = await ctx.handle.db.selectFrom('inbox_items').select('id').where('user_id', '=', cadre.userId).execute();
    expect(inbox.length).toBeGreaterThan(0);

    const cookie = await signInAs(ctx.app, 'cadre01');
    // The notice in the reader's language: the inbox in English or Chinese, the English robot in English.
    const seen = await seeNotice(ctx.app, ctx.handle.db, cookie, 'service_bad_rating', caseId);
    const cat = await ctx.handle.db.selectFrom('case_categories').select(['name_zh', 'name_en']).where('id', '=', c.category_id).executeTakeFirstOrThrow();
    const item = await ctx.handle.db.selectFrom('service_records as r').innerJoin('service_item_versions as v', 'v.id', 'r.item_version_id')
      .select(['r.number', 'v.name_zh', 'v.name_en']).where('r.id', '=', (await ctx.handle.db.selectFrom('service_ratings').select('record_id').where('id', '=', ratingId).executeTakeFirstOrThrow()).record_id).executeTakeFirstOrThrow();
    expect(seen.zh).toEqual({ title: `${cat.name_zh} ${c.number}`, body: `差评（2星）：${point.name}·居住证签注·办件${item.number}。评价内容：等候时间过长，态度生硬` });
    expect(seen.en).toEqual({ title: `${cat.name_en} ${c.number}`, body: `Bad rating (2 of 5 stars): ${point.name} · ${item.name_en} · service record ${item.number}. Comment: 等候时间过长，态度生硬` });
    expectEnglish(seen.en.title + seen.en.body, [point.name, '等候时间过长，态度生硬']);
    expect(seen.robot).toBe(`[CloseLoop] ${seen.en.title}\n${seen.en.body}`);
    const p = await photo(cadre);
    const early = await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${ratingId}/resolve`, headers: { cookie }, payload: { version: c.version, resolution: 'rectify', note: '已整改', photoIds: [p] } });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.details.fields[0].field).toBe('resolution');
    ctx.clock.advance(3600_000);
    expect((await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${ratingId}/callback`, headers: { cookie }, payload: { note: '已电话回访，致歉并说明高峰时段安排' } })).statusCode).toBe(200);
    const resolved = await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${ratingId}/resolve`, headers: { cookie }, payload: { version: c.version, resolution: 'rectify', note: '增设午间预约号源，窗口人员服务规范培训', photoIds: [p] } });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json().case.status).toBe('handled');
    // Not closed yet: the rater cannot judge it yet.
    expect((await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${feedbackToken}/feedback`, payload: { feedback: 'satisfied' } })).statusCode).toBe(409);
    // The feedback page reads as much on load, without an account.
    const stateOf = async (token: string) => (await ctx.app.inject({ method: 'GET', url: `/api/public/rate/${token}/feedback` })).json();
    expect(await stateOf(feedbackToken)).toEqual({ state: 'open', feedback: null });
    // The check is the case desk's, as for any case.
    const handled = await ctx.handle.db.selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirstOrThrow();
    await ctx.handle.db.transaction().execute((trx) => transitionCase(trx, ctx.clock, operator, caseId, { action: 'check_pass', version: handled.version }));
    expect(await stateOf(feedbackToken)).toEqual({ state: 'ready', feedback: null });
    const fb = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${feedbackToken}/feedback`, payload: { feedback: 'satisfied' } });
    expect(fb.statusCode).toBe(200);
    expect(await stateOf(feedbackToken)).toEqual({ state: 'given', feedback: 'satisfied' });
    expect((await ctx.app.inject({ method: 'GET', url: `/api/public/rate/${'x'.repeat(24)}/feedback` })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${feedbackToken}/feedback`, payload: { feedback: 'unsatisfied' } })).statusCode).toBe(409);
    const f = await ctx.app.inject({ method: 'GET', url: `/api/services/ratings/${ratingId}/followup`, headers: { cookie: await signInAs(ctx.app, 'operator') } });
    expect(f.json()).toMatchObject({ caseStatus: 'closed', resolution: 'rectify', onTime: true, feedback: 'satisfied', named: true });
    const kpi = await badRatingKpi(ctx.handle.db, ctx.clock, operator, { from: '2026-05-01T00:00:00Z', to: '2026-07-01T00:00:00Z' });
    expect(kpi).toMatchObject({ due: 1, onTime: 1, rate: 1 });
  });

  it('a malicious rating is voided only with a second person\'s approval, and leaves the KPI', async () => {
    const { ratingToken } = await servedRecord('居住登记');
    const bad = (await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 1, comment: '随便打的' } })).json();
    const cadre = await signInAs(ctx.app, 'cadre01');
    const appeal = await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${bad.id}/appeal`, headers: { cookie: cadre }, payload: { reason: '评价人当日并未到窗口办理，疑为误评' } });
    expect(appeal.statusCode).toBe(200);
    // The appellant cannot decide (and a cadre may not review at all).
    expect((await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${bad.id}/appeal-decision`, headers: { cookie: cadre }, payload: { upheld: true } })).statusCode).toBe(403);
    const operator = await signInAs(ctx.app, 'operator');
    const decided = await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${bad.id}/appeal-decision`, headers: { cookie: operator }, payload: { upheld: true, note: '核实监控，申诉成立' } });
    expect(decided.statusCode).toBe(200);
    expect(decided.json()).toMatchObject({ appealUpheld: true });
    const r = await ctx.handle.db.selectFrom('service_ratings').select('voided_at').where('id', '=', bad.id).executeTakeFirstOrThrow();
    expect(r.voided_at).not.toBeNull();
    // The voided 差评 leaves no case running overdue: it is cancelled (注销) by the reviewer, on the hash chain.
    const c = await ctx.handle.db.selectFrom('cases').select(['status', 'cancelled_at', 'handle_due_at', 'stage_due_at', 'subdistrict_id']).where('id', '=', bad.caseId).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ status: 'cancelled', cancelled_at: r.voided_at, stage_due_at: null });
    const last = await ctx.handle.db.selectFrom('case_events').select(['action', 'to_status', 'actor_role', 'note']).where('case_id', '=', bad.caseId).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(last).toMatchObject({ action: 'appeal_upheld', to_status: 'cancelled', actor_role: 'operator', note: '申诉复核成立，差评作废：核实监控，申诉成立' });
    expect((await verifyChain(ctx.handle.db, c.subdistrict_id)).ok).toBe(true);
    // Nothing is left for the rater to judge.
    const fb = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${bad.feedbackToken}/feedback`, payload: { feedback: 'unsatisfied' } });
    expect(fb.statusCode).toBe(409);
    expect(fb.json().error.details.fields[0]).toEqual({ field: 'token', reason: 'voided on appeal' });
    expect((await ctx.app.inject({ method: 'GET', url: `/api/public/rate/${bad.feedbackToken}/feedback` })).json()).toEqual({ state: 'voided', feedback: null });
    // Voiding changes public figures and the ranking: the decision is in the audit log, with its reason.
    const audit = await ctx.handle.db.selectFrom('audit_log').selectAll().where('action', '=', 'service_rating.appeal_decision').where('entity_id', '=', bad.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_username: 'operator', entity: 'service_rating' });
    expect(JSON.parse(audit[0]!.before_json!)).toMatchObject({ voided_at: null });
    expect(JSON.parse(audit[0]!.after_json!)).toMatchObject({ voided_at: r.voided_at, decision: { upheld: true, note: '核实监控，申诉成立' } });
    // Decided once: a second decision is a conflict and changes nothing.
    const again = await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${bad.id}/appeal-decision`, headers: { cookie: await signInAs(ctx.app, 'admin') }, payload: { upheld: false } });
    expect(again.statusCode).toBe(409);
    // Past its deadline, the voided rating is not counted as a missed follow-up.
    ctx.clock.set('2026-06-10T02:00:00Z');
    const kpi = await badRatingKpi(ctx.handle.db, ctx.clock, await actorOf(ctx, 'operator'), { from: '2026-05-01T00:00:00Z', to: '2026-07-01T00:00:00Z' });
    expect(kpi).toMatchObject({ due: 1, onTime: 1 });
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('the follow-up KPI reads the case: handled on the case desk counts, a failed check reopens it, an extension moves its deadline', async () => {
    const db = ctx.handle.db;
    const { ratingToken } = await servedRecord('居住证签注');
    const bad = (await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 2, comment: '排队太久' } })).json();
    const cadre = await actorOf(ctx, 'cadre01');
    const operator = await actorOf(ctx, 'operator');
    const caseRow = () => db.selectFrom('cases').select(['version', 'handle_due_at']).where('id', '=', bad.caseId).executeTakeFirstOrThrow();
    const window = { from: '2026-05-01T00:00:00Z', to: '2026-08-01T00:00:00Z' };
    const mine = () => badRatingKpi(db, ctx.clock, operator, window);
    const before = await mine();
    // The desk extends the case: the follow-up's deadline is the case's.
    const c0 = await caseRow();
    const later = new Date(Date.parse(c0.handle_due_at!) + 3 * 86_400_000).toISOString();
    await db.transaction().execute((trx) => transitionCase(trx, ctx.clock, cadre, bad.caseId, { action: 'request_extension', version: c0.version, dueAt: later, reason: '需协调后台' }));
    const v1 = (await caseRow()).version;
    await db.transaction().execute((trx) => transitionCase(trx, ctx.clock, operator, bad.caseId, { action: 'approve_extension', version: v1 }));
    const extended = await caseRow();
    expect(extended.handle_due_at).not.toBe(c0.handle_due_at);
    const f = await ctx.app.inject({ method: 'GET', url: `/api/services/ratings/${bad.id}/followup`, headers: { cookie: await signInAs(ctx.app, 'operator') } });
    expect(f.json().dueAt).toBe(extended.handle_due_at);
    // Called back, then handled on the case desk (not through the follow-up page): on time.
    ctx.clock.advance(3600_000);
    const cookie = await signInAs(ctx.app, 'cadre01');
    expect((await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${bad.id}/callback`, headers: { cookie }, payload: { note: '已回访致歉' } })).statusCode).toBe(200);
    const [v2, p2] = [(await caseRow()).version, await photo(cadre)];
    await db.transaction().execute((trx) => transitionCase(trx, ctx.clock, cadre, bad.caseId, { action: 'handle', version: v2, note: '已增设午间窗口', photoIds: [p2] }));
    const handled = await mine();
    expect(handled).toMatchObject({ due: before.due + 1, onTime: before.onTime + 1, open: before.open - 1 });
    // The check fails: open again, and no longer counted as followed up.
    const v3 = (await caseRow()).version;
    await db.transaction().execute((trx) => transitionCase(trx, ctx.clock, operator, bad.caseId, { action: 'check_fail', version: v3, note: '整改不到位' }));
    const reopened = await mine();
    expect(reopened.open).toBe(before.open);
    expect(reopened.onTime).toBe(before.onTime);
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('a 差评 of a service the desk gave goes to the desk undispatched, still naming who served', async () => {
    const db = ctx.handle.db;
    const operator = await actorOf(ctx, 'operator');
    const window = { from: '2026-05-01T00:00:00Z', to: '2026-08-01T00:00:00Z' };
    const ranked = async () => (await ratingRanking(db, operator, { month: '2026-05', by: 'staff' })).entries.find((e) => e.id === operator.userId);
    const [kpi0, staff0] = [await badRatingKpi(db, ctx.clock, operator, window), await ranked()];
    const { ratingToken } = await servedRecord('居住登记', 'operator');
    const bad = (await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 1, comment: '窗口态度差' } })).json();
    // Operators never handle cases: the case waits on the desk (reported, nobody named), the operators are told.
    const c = await db.selectFrom('cases').selectAll().where('id', '=', bad.caseId).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ status: 'reported', assigned_user_id: null, handle_due_at: null });
    const told = await db.selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id').select('i.user_id').where('n.case_id', '=', bad.caseId).execute();
    expect(told.map((t) => t.user_id)).toContain(operator.userId);
    // The rating names who served (谁办理谁负责): the staff ranking counts it, the KPI holds it at the rating's deadline.
    expect((await db.selectFrom('service_ratings').select('staff_id').where('id', '=', bad.id).executeTakeFirstOrThrow()).staff_id).toBe(operator.userId);
    expect((await ranked())!.bad).toBe((staff0?.bad ?? 0) + 1);
    expect((await badRatingKpi(db, ctx.clock, operator, window)).open).toBe(kpi0.open + 1);
    // The desk files and dispatches it to someone who handles cases, who can then handle it.
    const cadre = await actorOf(ctx, 'cadre01');
    await db.transaction().execute((trx) => transitionCase(trx, ctx.clock, operator, bad.caseId, { action: 'file', version: c.version }));
    await db.transaction().execute((trx) => transitionCase(trx, ctx.clock, operator, bad.caseId, { action: 'dispatch', version: c.version + 1, userId: cadre.userId }));
    const cookie = await signInAs(ctx.app, 'cadre01');
    expect((await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${bad.id}/callback`, headers: { cookie }, payload: { note: '已回访' } })).statusCode).toBe(200);
    const res = await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${bad.id}/resolve`, headers: { cookie }, payload: { version: c.version + 2, resolution: 'explain', note: '已说明', photoIds: [await photo(cadre)] } });
    expect(res.statusCode).toBe(200);
  });

  it('a 差评 case on hold is not late: the services board and the KPI stop its clock like the case desk', async () => {
    const db = ctx.handle.db;
    const { ratingToken } = await servedRecord('居住登记');
    const bad = (await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 2, comment: '材料反复退回' } })).json();
    const [cadre, operator] = [await actorOf(ctx, 'cadre01'), await actorOf(ctx, 'operator')];
    const version = async () => (await db.selectFrom('cases').select('version').where('id', '=', bad.caseId).executeTakeFirstOrThrow()).version;
    const window = { from: '2026-05-01T00:00:00Z', to: '2026-08-01T00:00:00Z' };
    const look = async () => [(await servicesBoard(db, ctx.clock, operator, {})).totals!.badRatings, await badRatingKpi(db, ctx.clock, operator, window)] as const;
    const step = async (who: Actor, t: Omit<Parameters<typeof transitionCase>[4], 'version'>) => {
      const v = await version();
      await db.transaction().execute((trx) => transitionCase(trx, ctx.clock, who, bad.caseId, { ...t, version: v } as Parameters<typeof transitionCase>[4]));
    };
    await step(cadre, { action: 'request_hold', reason: '等待后台系统升级' });
    await step(operator, { action: 'approve_hold' });
    ctx.clock.set('2026-06-20T02:30:00Z'); // long past the case's deadline, still on hold
    const [held, heldKpi] = await look();
    // Released, it resumes with the working time it had left: not late. Counted the same either way.
    await step(operator, { action: 'release_hold' });
    const [released, releasedKpi] = await look();
    expect(held).toEqual(released);
    expect(heldKpi).toEqual(releasedKpi);
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('a 差评 case keeps the deadline the rating set (the subdistrict\'s 差评 limit) when re-dispatched or sent back by a failed check', async () => {
    const db = ctx.handle.db;
    const [admin, operator] = [await actorOf(ctx, 'admin'), await actorOf(ctx, 'operator')];
    await db.transaction().execute((trx) => putServiceSettings(trx, ctx.clock, admin, admin.subdistrictId!, { badRatingDays: 15 }));
    try {
      const { ratingToken } = await servedRecord('居住证签注');
      const bad = (await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 1, comment: '窗口态度差' } })).json();
      const row = () => db.selectFrom('cases').select(['version', 'handle_due_at', 'stage_due_at']).where('id', '=', bad.caseId).executeTakeFirstOrThrow();
      const fifteenDays = (await dueAfterWorkingDays(db, ctx.clock.now(), 15, admin.subdistrictId!)).toISOString();
      expect((await row()).handle_due_at).toBe(fifteenDays);
      // 改派 a day later: still 15 working days from the rating, not from the 改派, nor the category's 40 working hours.
      ctx.clock.advance(86_400_000);
      const other = await actorOf(ctx, 'handler1');
      let v = (await row()).version;
      await db.transaction().execute((trx) => transitionCase(trx, ctx.clock, operator, bad.caseId, { action: 'redispatch', version: v, userId: other.userId, reason: '改派' }));
      expect(await row()).toMatchObject({ handle_due_at: fifteenDays, stage_due_at: fifteenDays });
      // Handled, the check fails: back with the same deadline (a rework buys no time).
      const p = await photo(other);
      v = (await row()).version;
      await db.transaction().execute((trx) => transitionCase(trx, ctx.clock, other, bad.caseId, { action: 'handle', version: v, note: '已整改', photoIds: [p] }));
      ctx.clock.advance(86_400_000);
      v = (await row()).version;
      await db.transaction().execute((trx) => transitionCase(trx, ctx.clock, operator, bad.caseId, { action: 'check_fail', version: v, note: '整改不到位' }));
      expect(await row()).toMatchObject({ handle_due_at: fifteenDays, stage_due_at: fifteenDays });
    } finally {
      await db.transaction().execute((trx) => putServiceSettings(trx, ctx.clock, admin, admin.subdistrictId!, { badRatingDays: 5 }));
      ctx.clock.set('2026-05-26T02:30:00Z');
    }
  });

  it('a reopened 差评 case is open again on the board, in the KPI and the ranking, until handled again', async () => {
    const db = ctx.handle.db;
    const [cadre, operator] = [await actorOf(ctx, 'cadre01'), await actorOf(ctx, 'operator')];
    const window = { from: '2026-05-01T00:00:00Z', to: '2026-08-01T00:00:00Z' };
    const point = await pointByCode(ctx, 'YW008-CW01');
    const look = async () => ({
      board: (await servicesBoard(db, ctx.clock, operator, {})).totals!.badRatings.open,
      kpi: await badRatingKpi(db, ctx.clock, operator, window),
      badOpen: (await ratingRanking(db, operator, { month: '2026-05', by: 'point' })).entries.find((e) => e.id === point.id)?.badOpen ?? 0,
    });
    const before = await look();
    const { ratingToken } = await servedRecord('居住证签注');
    const bad = (await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 1, comment: '窗口态度差' } })).json();
    const cookie = await signInAs(ctx.app, 'cadre01');
    await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${bad.id}/callback`, headers: { cookie }, payload: { note: '已回访' } });
    const v = async () => (await db.selectFrom('cases').select('version').where('id', '=', bad.caseId).executeTakeFirstOrThrow()).version;
    const res = await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${bad.id}/resolve`, headers: { cookie }, payload: { version: await v(), resolution: 'rectify', note: '已整改', photoIds: [await photo(cadre)] } });
    expect(res.statusCode).toBe(200);
    const v1 = await v();
    await db.transaction().execute((trx) => transitionCase(trx, ctx.clock, operator, bad.caseId, { action: 'check_pass', version: v1 }));
    const closed = await look();
    expect(closed).toMatchObject({ board: before.board, badOpen: before.badOpen, kpi: { open: before.kpi.open, onTime: before.kpi.onTime + 1 } });
    ctx.clock.advance(86_400_000);
    const v2 = await v();
    await db.transaction().execute((trx) => transitionCase(trx, ctx.clock, operator, bad.caseId, { action: 'reopen', version: v2, reason: '评价人反映整改未落实' }));
    const reopened = await look();
    expect(reopened).toMatchObject({ board: before.board + 1, badOpen: before.badOpen + 1, kpi: { open: before.kpi.open + 1, onTime: before.kpi.onTime } });
    expect((await db.selectFrom('cases').select('handled_on_time').where('id', '=', bad.caseId).executeTakeFirstOrThrow()).handled_on_time).toBeNull();
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('a property or sanitation company reads no rating, follow-up or KPI of a window it does not staff; the window\'s own staff and the desk do', async () => {
    const kpiOpen = async (username: string) => {
      const cookie = await signInAs(ctx.app, username);
      const kpi = await ctx.app.inject({ method: 'GET', url: '/api/services/ratings/kpi?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z', headers: { cookie } });
      expect(kpi.statusCode).toBe(200);
      return kpi.json().open as number;
    };
    const users = ['handler1', 'sanitation', 'cadre01', 'operator'];
    const before = Object.fromEntries(await Promise.all(users.map(async (u) => [u, await kpiOpen(u)] as const)));
    const { ratingToken } = await servedRecord('居住证申领');
    const bad = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 1, comment: '窗口无人' } });
    expect(bad.statusCode).toBe(201);
    const ratingId = bad.json().id as string;
    const seen = async (username: string) => {
      const cookie = await signInAs(ctx.app, username);
      const list = await ctx.app.inject({ method: 'GET', url: '/api/services/ratings?limit=500', headers: { cookie } });
      expect(list.statusCode).toBe(200);
      const followup = await ctx.app.inject({ method: 'GET', url: `/api/services/ratings/${ratingId}/followup`, headers: { cookie } });
      return { listed: (list.json().items as { id: string }[]).some((r) => r.id === ratingId), comment: list.body.includes('窗口无人'), followup: followup.statusCode, kpiCounts: (await kpiOpen(username)) - before[username]! };
    };
    for (const company of ['handler1', 'sanitation']) expect(await seen(company), company).toEqual({ listed: false, comment: false, followup: 404, kpiCounts: 0 });
    expect(await seen('cadre01')).toEqual({ listed: true, comment: true, followup: 200, kpiCounts: 1 });
    expect(await seen('operator')).toEqual({ listed: true, comment: true, followup: 200, kpiCounts: 1 });
  });

  it('one rating per service and one decision per appeal, even when two arrive at once', async () => {
    const { ratingToken } = await servedRecord('居住证申领');
    const rates = await Promise.all([1, 2, 1].map((level) => ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level, comment: '同时提交' } })));
    expect(rates.map((x) => x.statusCode).sort()).toEqual([201, 409, 409]);
    const won = rates.find((x) => x.statusCode === 201)!.json();
    for (const lost of rates.filter((x) => x.statusCode === 409)) expect(lost.json().error).toMatchObject({ code: 'duplicate', details: { fields: [{ field: 'token' }] } });
    // Only the one that got in opened a 差评 case.
    const cases = await ctx.handle.db.selectFrom('service_ratings').select('case_id').where('record_id', '=', (await ctx.handle.db.selectFrom('service_ratings').select('record_id').where('id', '=', won.id).executeTakeFirstOrThrow()).record_id).execute();
    expect(cases).toHaveLength(1);
    expect(await ctx.handle.db.selectFrom('cases').select('id').where('description', 'like', '%同时提交%').execute()).toHaveLength(1);

    const cadre = await signInAs(ctx.app, 'cadre01');
    expect((await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${won.id}/appeal`, headers: { cookie: cadre }, payload: { reason: '评价人并未到窗口办理' } })).statusCode).toBe(200);
    const [operator, admin] = [await signInAs(ctx.app, 'operator'), await signInAs(ctx.app, 'admin')];
    const decisions = await Promise.all([
      ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${won.id}/appeal-decision`, headers: { cookie: operator }, payload: { upheld: true } }),
      ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${won.id}/appeal-decision`, headers: { cookie: admin }, payload: { upheld: false } }),
    ]);
    expect(decisions.map((x) => x.statusCode).sort()).toEqual([200, 409]);
    // The rating is voided exactly when the decision that got in upheld the appeal.
    const upheld = decisions.find((x) => x.statusCode === 200)!.json().appealUpheld as boolean;
    const row = await ctx.handle.db.selectFrom('service_ratings').select('voided_at').where('id', '=', won.id).executeTakeFirstOrThrow();
    expect(row.voided_at !== null).toBe(upheld);
  });

  it('good ratings open no case; the rating window closes; bad input names the field', async () => {
    const { ratingToken } = await servedRecord('户籍证明开具');
    const bad = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 7 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields[0].field).toBe('level');
    const good = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 5, scores: { efficiency: 5, skill: 5, attitude: 5 } } });
    expect(good.statusCode).toBe(201);
    expect(good.json()).toMatchObject({ bad: false, caseId: null, feedbackToken: null });
    const late = await servedRecord('居住证申领');
    ctx.clock.advance(8 * 86_400_000);
    const closed = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${late.ratingToken}`, payload: { level: 1, comment: '评价期限后' } });
    expect(closed.statusCode).toBe(409);
    ctx.clock.set('2026-05-26T02:30:00Z');
    expect((await ctx.app.inject({ method: 'GET', url: '/api/public/rate/not-a-token' })).statusCode).toBe(400);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/public/rate/AAAAAAAAAAAAAAAAAAAAAAAA' })).statusCode).toBe(404);
  });
});

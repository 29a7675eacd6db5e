import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { ServiceRatingFollowupTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertSeesCommittee, scopeCondition } from '../auth/scope.js';
import { frontOfficeCondition, seesFrontOfficeRow } from '../service-network/window-points.js';
import { parseInput } from '../cases/case-input.js';
import { transitionCase } from '../cases/transition-case.js';
import { eventActor } from '../cases/events.js';
import { endCaseOutsideDesk } from '../cases/system-close.js';
import { hashToken } from '../service-records/records.js';
import { maskName, maskPhone } from '../service-records/masking.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { AppealDecisionInput, AppealInput, CallbackInput, FeedbackInput, ResolveInput } from './rating-input.js';
import type { z } from 'zod';
import { announceServiceChange } from '../dashboard/service-changes.js';

async function loadFollowup(db: Db, actor: Actor, ratingId: string) {
  const f = await db
    .selectFrom('service_rating_followups as f')
    .innerJoin('service_ratings as r', 'r.id', 'f.rating_id')
    .innerJoin('cases as c', 'c.id', 'f.case_id')
    .innerJoin('service_records as rec', 'rec.id', 'r.record_id')
    .selectAll('f')
    .select(['r.committee_id', 'r.point_id', 'r.staff_id', 'c.assigned_user_id', 'c.status as case_status', 'c.version as case_version', 'c.handle_due_at', 'c.handled_on_time'])
    .select(['rec.applicant_name', 'rec.applicant_phone'])
    .where('f.rating_id', '=', ratingId)
    .executeTakeFirst();
  if (!f) throw notFound('Bad rating', ratingId);
  assertSeesCommittee(actor, f.subdistrict_id, f.committee_id, 'Bad rating');
  // Window staff follow up the 差评 of the points they serve at; the case's assignee and whoever served theirs.
  const own = f.assigned_user_id === actor.userId || f.staff_id === actor.userId;
  if (!own && !(await seesFrontOfficeRow(db, actor, { subdistrictId: f.subdistrict_id, committeeId: f.committee_id, pointId: f.point_id }))) throw notFound('Bad rating', ratingId);
  return f;
}

const isDesk = (actor: Actor) => actor.role === 'operator' || actor.role === 'admin';

/** The board counts open and late 差评 and 好评率: a resolution or an upheld appeal changes them. */
async function announceRating(db: Db, ratingId: string) {
  const r = await db.selectFrom('service_ratings').select(['subdistrict_id', 'committee_id', 'point_id']).where('id', '=', ratingId).executeTakeFirstOrThrow();
  await announceServiceChange(db, { subdistrictId: r.subdistrict_id, committeeId: r.committee_id, pointId: r.point_id, kind: 'rating' });
}

async function update(db: Db, id: string, set: Partial<ServiceRatingFollowupTable>, at: string) {
  await db.updateTable('service_rating_followups').set({ ...set, updated_at: at }).where('id', '=', id).execute();
}

/**
 * A step that may happen once (the appeal, its decision, the rater's feedback), written only while
 * `column` is still empty: of two at once, one writes and the other is answered `error`, as if it
 * had come second — the check before it alone lets both through on PostgreSQL.
 */
async function updateOnce(db: Db, id: string, column: 'appeal_at' | 'appeal_decided_at' | 'feedback', set: Partial<ServiceRatingFollowupTable>, at: string, error: () => DomainError) {
  const res = await db.updateTable('service_rating_followups').set({ ...set, updated_at: at }).where('id', '=', id).where(column, 'is', null).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw error();
}

/**
 * 回访: whoever the case is assigned to (or the desk) contacts the rater and notes how, whether they
 * were reached and what was said. Every contact is kept, in order; the follow-up's callback_at/by/note
 * stay the FIRST contact's (written only while empty), which the on-time KPI reads — a later call
 * never moves it past the deadline, nor an earlier one's record away.
 */
export async function recordCallback(db: Db, clock: Clock, actor: Actor, ratingId: string, raw: z.input<typeof CallbackInput>) {
  const input = parseInput(CallbackInput, raw);
  const f = await loadFollowup(db, actor, ratingId);
  if (f.assigned_user_id !== actor.userId && !isDesk(actor)) throw new DomainError('forbidden', 'The follow-up is assigned to someone else');
  if (f.case_status !== 'dispatched') throw new DomainError('transition_not_allowed', `callback: the case is ${f.case_status}`);
  const at = clock.now().toISOString();
  await db
    .insertInto('service_rating_contacts')
    .values({ id: newId(), followup_id: f.id, rating_id: f.rating_id, subdistrict_id: f.subdistrict_id, contacted_at: at, contacted_by: actor.userId, channel: input.channel, outcome: input.outcome, note: input.note })
    .execute();
  await db
    .updateTable('service_rating_followups')
    .set({ callback_at: at, callback_by: actor.userId, callback_note: input.note, updated_at: at })
    .where('id', '=', f.id)
    .where('callback_at', 'is', null)
    .execute();
  return followupOf(db, actor, ratingId);
}

/** The follow-up's 回访 contacts, in order, with who made each. */
async function contactsOf(db: Db, followupId: string) {
  const rows = await db
    .selectFrom('service_rating_contacts as k')
    .leftJoin('users as u', 'u.id', 'k.contacted_by')
    .select(['k.id', 'k.contacted_at', 'k.contacted_by', 'u.display_name', 'k.channel', 'k.outcome', 'k.note'])
    .where('k.followup_id', '=', followupId)
    .orderBy('k.contacted_at')
    .orderBy('k.id')
    .execute();
  return rows.map((k) => ({ id: k.id, at: k.contacted_at, by: k.contacted_by, byName: k.display_name ?? null, channel: k.channel, outcome: k.outcome, note: k.note }));
}

/**
 * Rectification (立行立改 / 限期整改) or explanation (解释说明), with evidence: this is the case's
 * `handle` transition (same rules: assignee only, note and photos), after the 回访. The check
 * and close follow on the case desk, by someone other than the handler.
 */
export async function resolveBadRating(db: Db, clock: Clock, actor: Actor, ratingId: string, raw: z.input<typeof ResolveInput>) {
  const input = parseInput(ResolveInput, raw);
  const f = await loadFollowup(db, actor, ratingId);
  // 回访 is of a named rater (实名差评); an anonymous one is named to nobody, so there is no one to call.
  if (!f.callback_at && f.named === 1) throw invalidField('resolution', 'record the 回访 (callback) with the rater first');
  const prefix = input.resolution === 'rectify' ? '整改' : '解释说明';
  const c = await transitionCase(db, clock, actor, f.case_id, { action: 'handle', version: input.version, note: `${prefix}：${input.note}`, photoIds: input.photoIds });
  const at = clock.now().toISOString();
  // Whether it was on time is the case's (followedUpOnTime): extensions, holds and failed checks move it.
  await update(db, f.id, { resolution: input.resolution, resolved_at: at }, at);
  await announceRating(db, ratingId);
  return { case: c, followup: await followupOf(db, actor, ratingId) };
}

/** 申诉: the person rated asks to void a malicious or mistaken rating, with the reason. */
export async function appealRating(db: Db, clock: Clock, actor: Actor, ratingId: string, raw: z.input<typeof AppealInput>) {
  const input = parseInput(AppealInput, raw);
  const f = await loadFollowup(db, actor, ratingId);
  if (f.assigned_user_id !== actor.userId && f.staff_id !== actor.userId) throw new DomainError('forbidden', 'Only the person rated may appeal');
  const appealed = () => new DomainError('conflict', 'An appeal was already made', { fields: [{ field: 'reason', reason: 'already appealed' }] });
  if (f.appeal_at) throw appealed();
  const at = clock.now().toISOString();
  await updateOnce(db, f.id, 'appeal_at', { appeal_reason: input.reason, appeal_by: actor.userId, appeal_at: at }, at, appealed);
  return followupOf(db, actor, ratingId);
}

/** 复核: a second person (not the appellant, not the person rated) upholds or rejects the appeal; upheld voids the rating. */
export async function decideAppeal(db: Db, clock: Clock, actor: Actor, ratingId: string, raw: z.input<typeof AppealDecisionInput>) {
  const input = parseInput(AppealDecisionInput, raw);
  assertCan(actor, 'services.ratings.review');
  const f = await loadFollowup(db, actor, ratingId);
  if (!f.appeal_at) throw new DomainError('transition_not_allowed', 'There is no appeal to decide');
  const decided = () => new DomainError('conflict', 'The appeal was already decided');
  if (f.appeal_decided_at) throw decided();
  if (f.appeal_by === actor.userId || f.staff_id === actor.userId) {
    throw new DomainError('forbidden', 'An appeal is decided by a second person, not the appellant or the person rated', { fields: [{ field: 'upheld', reason: 'second person required' }] });
  }
  const at = clock.now().toISOString();
  await updateOnce(db, f.id, 'appeal_decided_at', { appeal_decided_by: actor.userId, appeal_decided_at: at, appeal_upheld: input.upheld ? 1 : 0 }, at, decided);
  if (input.upheld) {
    await db.updateTable('service_ratings').set({ voided_at: at }).where('id', '=', ratingId).execute();
    // The 差评 should never have been one: its case is cancelled (注销), not left to run overdue,
    // with the decision on the hash chain. A case already closed keeps its history.
    const reason = input.note ? `申诉复核成立，差评作废：${input.note}` : '申诉复核成立，差评作废';
    await endCaseOutsideDesk(db, clock, f.case_id, { actor: eventActor(actor), action: 'appeal_upheld', reason, to: 'cancelled' });
    await announceRating(db, ratingId);
  }
  return followupOf(db, actor, ratingId);
}

/** The rater judges the outcome once the case is closed: 满意 / 基本满意 / 不满意. */
export async function submitFeedback(db: Db, clock: Clock, token: string, raw: z.input<typeof FeedbackInput>) {
  const input = parseInput(FeedbackInput, raw);
  const f = await db
    .selectFrom('service_rating_followups as f')
    .innerJoin('cases as c', 'c.id', 'f.case_id')
    .innerJoin('service_ratings as r', 'r.id', 'f.rating_id')
    .select(['f.id', 'f.feedback', 'c.status', 'r.voided_at'])
    .where('f.feedback_token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!f) throw notFound('Feedback link');
  if (f.voided_at) throw new DomainError('conflict', 'The rating was voided on appeal; there is nothing to judge', { fields: [{ field: 'token', reason: 'voided on appeal' }] });
  if (f.status !== 'closed') throw new DomainError('transition_not_allowed', 'The follow-up is not finished yet; you will be able to judge it once it is', { fields: [{ field: 'token', reason: 'not closed yet' }] });
  const given = () => new DomainError('duplicate', 'Feedback was already given', { fields: [{ field: 'token', reason: 'already given' }] });
  if (f.feedback) throw given();
  const at = clock.now().toISOString();
  await updateOnce(db, f.id, 'feedback', { feedback: input.feedback, feedback_at: at }, at, given);
  return { feedback: input.feedback };
}

/**
 * Whom the 回访 calls: the applicant of the rated service. Whoever records the callback (the case's
 * assignee, the desk) reads a named rater's name and number whole while the follow-up is open —
 * calling them is the step; everyone else and a finished follow-up masked.
 */
function raterContact(actor: Actor, f: { named: number; assigned_user_id: string | null; case_status: string; applicant_name: string; applicant_phone: string | null }) {
  // An anonymous rater is not named to anyone (no coercion of raters, 国办发〔2019〕51号).
  if (f.named !== 1) return { named: false, name: null, phone: null, masked: true };
  const calls = (f.assigned_user_id === actor.userId || isDesk(actor)) && f.case_status !== 'closed' && f.case_status !== 'cancelled';
  return calls
    ? { named: true, name: f.applicant_name, phone: f.applicant_phone, masked: false }
    : { named: true, name: maskName(f.applicant_name), phone: maskPhone(f.applicant_phone), masked: true };
}

export async function followupOf(db: Db, actor: Actor, ratingId: string) {
  const f = await loadFollowup(db, actor, ratingId);
  return {
    rater: raterContact(actor, f),
    ratingId: f.rating_id, caseId: f.case_id, caseStatus: f.case_status, caseVersion: f.case_version, named: f.named === 1,
    // The case's own deadline and handling (extensions, holds, calendar changes and failed checks move them).
    dueAt: f.handle_due_at ?? f.due_at,
    // The first 回访 (the KPI's), and every contact in order.
    callbackAt: f.callback_at, callbackNote: f.callback_note, contacts: await contactsOf(db, f.id), resolution: f.resolution, resolvedAt: f.resolved_at,
    onTime: f.handled_on_time === null ? null : followedUpOnTime(f), appealReason: f.appeal_reason, appealAt: f.appeal_at,
    appealDecidedAt: f.appeal_decided_at, appealUpheld: f.appeal_upheld === null ? null : f.appeal_upheld === 1,
    feedback: f.feedback, feedbackAt: f.feedback_at,
  };
}

/**
 * A 差评 is followed up on time when its case was handled by the case's handling deadline (as it
 * stands: extended, held or re-timed by a calendar change) and the rater was called back by then:
 * `callback_at` is the FIRST 回访 contact, so later contacts never change the answer.
 */
export function followedUpOnTime(f: { handled_on_time: number | null; callback_at: string | null; handle_due_at: string | null; named?: number }): boolean {
  // An anonymous rater cannot be called back: handled on time is followed up on time.
  if (f.named === 0) return f.handled_on_time === 1;
  return f.handled_on_time === 1 && f.callback_at !== null && (f.handle_due_at === null || f.callback_at <= f.handle_due_at);
}

/**
 * KPI 实名差评回访(整改)率: of the named 差评 (not voided on appeal) whose case's handling deadline
 * (or, before its dispatch, the rating's) falls in [from, to), those due (handled, or past the
 * deadline and not on hold) and the share of them followed up on time. Read from the cases
 * themselves, so the KPI and the case desk always agree: a case handled on the desk counts, one
 * sent back by a failed check or reopened is open again. Target 100 %.
 */
export async function badRatingKpi(db: Db, clock: Clock, actor: Actor, opts: { from: string; to: string; subdistrictId?: string }) {
  assertCan(actor, 'services.records.read');
  const now = clock.now().toISOString();
  // A case the desk has yet to dispatch has no handling deadline: the rating's own counts.
  const dueAt = sql<string>`coalesce(c.handle_due_at, f.due_at)`;
  let q = db
    .selectFrom('service_rating_followups as f')
    .innerJoin('service_ratings as r', 'r.id', 'f.rating_id')
    .innerJoin('cases as c', 'c.id', 'f.case_id')
    .select([dueAt.as('handle_due_at'), 'c.handled_on_time', 'c.status', 'f.callback_at'])
    .where('f.named', '=', 1)
    .where('r.voided_at', 'is', null)
    // Stored as UTC ISO text: bounds given with another offset (+08:00) are compared as UTC too.
    .where(dueAt, '>=', new Date(opts.from).toISOString())
    .where(dueAt, '<', new Date(opts.to).toISOString())
    .where((eb) => eb.or([
      frontOfficeCondition(actor, { subdistrict: 'f.subdistrict_id', committee: 'r.committee_id', point: 'r.point_id' }),
      eb.and([scopeCondition(actor, 'f.subdistrict_id', 'r.committee_id'), eb('c.assigned_user_id', '=', actor.userId)]),
    ]));
  if (opts.subdistrictId) q = q.where('f.subdistrict_id', '=', opts.subdistrictId);
  const rows = await q.execute();
  // Due = handled already, or its deadline has passed (counted once, like 应结案): handled at the
  // deadline's instant is on time (transitionCase), so not before it is over — as the board's past
  // due. Not while on hold (挂账 stops the clock, as on the case desk: the release moves the deadline on).
  const due = rows.filter((r) => r.handled_on_time !== null || (r.status !== 'on_hold' && r.handle_due_at !== null && r.handle_due_at < now));
  const onTime = due.filter(followedUpOnTime).length;
  return { due: due.length, onTime, rate: due.length ? onTime / due.length : null, open: rows.filter((r) => r.handled_on_time === null).length, target: 1 };
}

/**
 * What the rater's outcome-feedback link shows on load: `open` while the 差评's case is still being
 * followed up (nothing to judge yet), `ready` once it is closed, `given` after the judgement,
 * `voided` when an appeal voided the rating. No personal data.
 */
export async function feedbackState(db: Db, token: string) {
  const f = await db
    .selectFrom('service_rating_followups as f')
    .innerJoin('cases as c', 'c.id', 'f.case_id')
    .innerJoin('service_ratings as r', 'r.id', 'f.rating_id')
    .select(['f.feedback', 'c.status', 'r.voided_at'])
    .where('f.feedback_token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!f) throw notFound('Feedback link');
  const state = f.voided_at ? 'voided' : f.feedback ? 'given' : f.status === 'closed' ? 'ready' : 'open';
  return { state, feedback: f.feedback };
}

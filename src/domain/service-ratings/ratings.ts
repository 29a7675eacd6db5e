import { type Db, isUniqueViolation } from '../../db/index.js';
import { followedUpOnTime } from './followups.js';
import type { ServiceRatingTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { frontOfficeCondition } from '../service-network/window-points.js';
import { resolveAssignee } from '../cases/assignees.js';
import { parseInput } from '../cases/case-input.js';
import { hashToken, newToken } from '../service-records/records.js';
import { dueAfterWorkingDays } from '../service-records/due-dates.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { addDays, shanghaiDate, shanghaiMidnight } from '../calendar/office-hours.js';
import { newId, newIdFor } from '../shared/ids.js';
import { pageLimit, readKeysetPage } from '../shared/keyset-page.js';
import { RatingInput, isBadRating } from './rating-input.js';
import { serviceSettings } from './settings.js';
import { fallbackCommittee, openSystemCase } from './system-case.js';
import { announceServiceChange } from '../dashboard/service-changes.js';

/**
 * When the rating window of a service ends: a window of `days` days is whole days (Asia/Shanghai)
 * — it runs to the end of the `days`-th day after the day the service ended (decided, else
 * accepted), not to the same hour. The last millisecond of that day, so a rating given then counts.
 */
export function ratingClosesAt(serviceEnded: string, days: number): Date {
  return new Date(shanghaiMidnight(addDays(shanghaiDate(new Date(serviceEnded)), days + 1)) - 1);
}

async function recordByToken(db: Db, token: string) {
  const r = await db.selectFrom('service_records').selectAll().where('rating_token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!r) throw notFound('Rating link');
  return r;
}

/** What the public rating page shows for a link: the service, not the person (no names, no IDs). */
export async function ratingTarget(db: Db, clock: Clock, token: string) {
  const r = await recordByToken(db, token);
  const [item, point, rating, settings] = await Promise.all([
    db.selectFrom('service_item_versions').select(['name_zh', 'name_en']).where('id', '=', r.item_version_id).executeTakeFirstOrThrow(),
    db.selectFrom('service_points').select(['name', 'address']).where('id', '=', r.point_id).executeTakeFirstOrThrow(),
    db.selectFrom('service_ratings').select(['level', 'rated_at']).where('record_id', '=', r.id).executeTakeFirst(),
    serviceSettings(db, r.subdistrict_id),
  ]);
  const closesAt = ratingClosesAt(r.decided_at ?? r.accepted_at, settings.ratingWindowDays).toISOString();
  return {
    number: r.number, itemName: item.name_zh, itemNameEn: item.name_en, pointName: point.name, pointAddress: point.address,
    acceptedAt: r.accepted_at, status: r.status, rated: rating ? { level: rating.level, ratedAt: rating.rated_at } : null,
    closesAt, open: !rating && clock.now().toISOString() <= closesAt,
  };
}

/**
 * Who served, when dispatch would take them as the case's assignee (resolveAssignee: an active
 * handler, enforcement officer or cadre of the subdistrict who sees the case's committee); else
 * null and the 差评 case goes to the desk to file and dispatch. The rating still names who served (staff_id) either way.
 */
async function assignableOrNull(db: Db, c: { subdistrict_id: string; committee_id: string }, userId: string): Promise<{ userId: string | null; unitId: string | null }> {
  try {
    return await resolveAssignee(db, c, undefined, userId);
  } catch (e) {
    if (e instanceof DomainError) return { userId: null, unitId: null };
    throw e;
  }
}

/**
 * The applicant rates a service once (一次一评), through the link or QR code of its record,
 * within the subdistrict's rating window (ratingClosesAt). A 差评 must say what went wrong (its
 * comment); it opens a case dispatched to whoever served (left to the desk when they do not handle
 * cases: an operator, an administrator), due after the subdistrict's rectification days counted
 * from the rating (case-rules.ts keeps that deadline); the rater gets a link to judge the outcome.
 */
export async function submitRating(db: Db, clock: Clock, token: string, raw: RatingInput) {
  const input = parseInput(RatingInput, raw);
  // A 差评 says what went wrong (国办发〔2019〕51号; 德州 [S3]): its comment, trimmed, not blank.
  if (isBadRating(input.level) && !input.comment) throw invalidField('comment', 'required for a 差评: say what went wrong');
  const r = await recordByToken(db, token);
  const settings = await serviceSettings(db, r.subdistrict_id);
  const now = clock.now();
  const closesAt = ratingClosesAt(r.decided_at ?? r.accepted_at, settings.ratingWindowDays).getTime();
  if (now.getTime() > closesAt) throw new DomainError('conflict', 'The rating window of this service has closed', { fields: [{ field: 'token', reason: 'rating window closed' }] });
  const alreadyRated = () => new DomainError('duplicate', 'This service has already been rated', { fields: [{ field: 'token', reason: 'already rated' }] });
  const existing = await db.selectFrom('service_ratings').select('id').where('record_id', '=', r.id).executeTakeFirst();
  if (existing) throw alreadyRated();
  // Two submissions at once both pass the check above; the unique record_id lets one in and the
  // other is told the service is rated (its transaction, case included, rolls back).
  const insertRating = async () => {
    try {
      await db.insertInto('service_ratings').values(rating).execute();
    } catch (e) {
      throw isUniqueViolation(e) ? alreadyRated() : e;
    }
  };
  const at = now.toISOString();
  const rating: ServiceRatingTable = {
    id: newIdFor(clock), record_id: r.id, subdistrict_id: r.subdistrict_id, committee_id: r.committee_id, point_id: r.point_id, item_id: r.item_id,
    staff_id: r.staff_id, level: input.level, scores: JSON.stringify(input.scores), comment: input.comment, named: input.anonymous ? 0 : 1,
    channel: input.channel, rated_at: at, voided_at: null, case_id: null,
  };
  let feedbackToken: string | null = null;
  if (isBadRating(input.level)) {
    const point = await db.selectFrom('service_points').select(['name', 'committee_id', 'lng', 'lat']).where('id', '=', r.point_id).executeTakeFirstOrThrow();
    const committeeId = point.committee_id ?? (await fallbackCommittee(db, r.subdistrict_id));
    const dueAt = await dueAfterWorkingDays(db, now, settings.badRatingDays, r.subdistrict_id);
    const item = await db.selectFrom('service_item_versions').select(['name_zh', 'name_en']).where('id', '=', r.item_version_id).executeTakeFirstOrThrow();
    const assignee = await assignableOrNull(db, { subdistrict_id: r.subdistrict_id, committee_id: committeeId }, r.staff_id);
    // The case and its notice go to the person rated: an anonymous rater's record is not named there
    // (its page names the applicant), only its day.
    const recordNumber = input.anonymous ? anonymousRecordNumber(r.number) : r.number;
    const c = await openSystemCase(db, clock, {
      subdistrictId: r.subdistrict_id, committeeId, kind: 'bad_rating', source: 'citizen',
      description: `差评（${input.level}星）：${point.name}·${item.name_zh}·办件${recordNumber}${input.comment ? `。评价内容：${input.comment}` : ''}`,
      notice: { level: input.level, point: point.name, itemZh: item.name_zh, itemEn: item.name_en, record: recordNumber, comment: input.comment ?? null },
      lng: point.lng, lat: point.lat, assignUserId: assignee.userId, assignUnitId: assignee.unitId, handleDueAt: dueAt, dedupeKey: `bad_rating:${rating.id}`,
    });
    rating.case_id = c.id;
    await insertRating();
    feedbackToken = newToken();
    await db
      .insertInto('service_rating_followups')
      .values({
        id: newId(), rating_id: rating.id, case_id: c.id, subdistrict_id: r.subdistrict_id, named: rating.named, due_at: dueAt.toISOString(),
        callback_at: null, callback_by: null, callback_note: null, resolution: null, resolved_at: null, on_time: null, appeal_reason: null,
        appeal_by: null, appeal_at: null, appeal_decided_by: null, appeal_decided_at: null, appeal_upheld: null,
        feedback_token_hash: hashToken(feedbackToken), feedback: null, feedback_at: null, updated_at: at,
      })
      .execute();
  } else {
    await insertRating();
  }
  await announceServiceChange(db, { subdistrictId: r.subdistrict_id, committeeId: r.committee_id, pointId: r.point_id, kind: 'rating' });
  return { id: rating.id, level: rating.level, bad: isBadRating(rating.level), caseId: rating.case_id, feedbackToken };
}

/** A record number with its running number of the day hidden (S-YW-20260526-****): what an anonymous 差评 says of its record. */
export const anonymousRecordNumber = (number: string) => number.replace(/\d+$/, (n) => '*'.repeat(n.length));

/**
 * Whether the ratings list shows which record an anonymous rating is of: to the desk only, who
 * reviews appeals (a mistaken rating is checked against the service); window staff and the 差评's
 * assignee — the person rated among them — would find the rater on the record's page.
 */
const seesAnonymousRecord = (actor: Actor) => actor.role === 'operator' || actor.role === 'admin';

export const RATINGS_PAGE_DEFAULT = 100;
export const RATINGS_PAGE_MAX = 500;

/** Ratings in scope with the follow-up of each 差评, newest first, in pages (`after` → `nextCursor`). */
export async function listRatings(
  db: Db, actor: Actor, f: { pointId?: string; bad?: boolean; from?: string; to?: string } = {}, page: { after?: string; limit?: number } = {},
) {
  assertCan(actor, 'services.records.read');
  const limit = pageLimit(page.limit, RATINGS_PAGE_DEFAULT, RATINGS_PAGE_MAX);
  let q = db
    .selectFrom('service_ratings')
    .leftJoin('service_rating_followups as f', 'f.rating_id', 'service_ratings.id')
    .leftJoin('cases', 'cases.id', 'service_ratings.case_id')
    .select([
      'service_ratings.id', 'service_ratings.record_id as recordId', 'service_ratings.point_id as pointId', 'service_ratings.item_id as itemId',
      'service_ratings.staff_id as staffId', 'service_ratings.level', 'service_ratings.scores', 'service_ratings.comment', 'service_ratings.named',
      'service_ratings.channel', 'service_ratings.rated_at as ratedAt', 'service_ratings.voided_at as voidedAt', 'service_ratings.case_id as caseId',
      'cases.number as caseNumber', 'cases.status as caseStatus', 'f.due_at', 'cases.handle_due_at', 'cases.handled_on_time', 'f.callback_at as callbackAt', 'f.resolution',
      'f.appeal_at as appealAt', 'f.appeal_upheld as appealUpheld', 'f.feedback',
    ])
    // Window staff read the ratings of the points they serve at; whoever a 差评's case is assigned to, its rating.
    .where((eb) => eb.or([
      frontOfficeCondition(actor, { subdistrict: 'service_ratings.subdistrict_id', committee: 'service_ratings.committee_id', point: 'service_ratings.point_id' }),
      eb.and([scopeCondition(actor, 'service_ratings.subdistrict_id', 'service_ratings.committee_id'), eb('cases.assigned_user_id', '=', actor.userId)]),
    ]));
  if (f.pointId) q = q.where('service_ratings.point_id', '=', f.pointId);
  if (f.bad !== undefined) q = q.where('service_ratings.level', f.bad ? '<=' : '>', 2);
  // Instants are stored as UTC ISO text: a bound given with another offset (+08:00) is compared as one too.
  if (f.from) q = q.where('service_ratings.rated_at', '>=', new Date(f.from).toISOString());
  if (f.to) q = q.where('service_ratings.rated_at', '<', new Date(f.to).toISOString());
  const { page: shown, nextCursor } = await readKeysetPage(
    q, { keys: ['service_ratings.rated_at', 'service_ratings.id'], kinds: ['string', 'string'], order: 'desc' }, { after: page.after, limit }, (r) => [r.ratedAt, r.id],
  );
  // Deadline and on-time are the case's, as on the follow-up (followupOf).
  const items = shown.map(({ due_at, handle_due_at, handled_on_time, ...r }) => ({
    ...r, recordId: r.named === 1 || seesAnonymousRecord(actor) ? r.recordId : null, dueAt: r.caseId ? (handle_due_at ?? due_at) : null, scores: JSON.parse(r.scores), named: r.named === 1,
    onTime: handled_on_time === null || due_at === null ? null : followedUpOnTime({ handled_on_time, callback_at: r.callbackAt, handle_due_at, named: r.named }),
    appealUpheld: r.appealUpheld === null ? null : r.appealUpheld === 1,
  }));
  return { items, nextCursor };
}

import type { RatingChannel, ServiceRatingTable, ServiceRecordTable } from '../../db/schema.js';
import { addDays, shanghaiDate } from '../calendar/office-hours.js';
import { isWorkingDay } from '../calendar/working-days.js';
import { shanghaiInstant } from '../checkins/local-time.js';
import { idAt } from '../dashboard/seed/synthetic-ids.js';
import { GIVEN, SURNAMES } from '../demo/hongqiao.js';
import { BAD_RATING_MAX_LEVEL } from '../service-ratings/rating-input.js';
import { dueWithOverrides } from '../service-records/due-dates.js';
import { withCheckDigit } from '../service-records/masking.js';
import { checkMaterials, hashToken, newToken } from '../service-records/records.js';
import type { Random } from '../shared/random.js';
import { type NetworkContext, type ServedPoint, guideOn } from './network-context.js';
import { type Session, sessionsOn as sessionsByRule } from '../service-queue/slots.js';
import { type QueueEnv, type QueueRows, type Visit, bookingCodes, emptyQueueRows, planBookingsAhead, planPointDay } from './plan-queue.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/**
 * Proportions of a front office's day (YIWANGTONGBAN.md; the newspaper's Hongqiao): most work at
 * the subdistrict's centre, a quarter at the committees' mobile windows, the rest at the building
 * windows. Of what is rated (about 60 %, mostly by QR code at the window), nearly all is 好评.
 */
export const ACTIVITY_RATES = {
  share: { centre: 0.58, branch: 0.58, committee_window: 0.26, building_window: 0.16 } as Record<string, number>,
  rated: 0.6,
  named: 0.85,
  proxy: 0.05,
  assist: { committee_window: 0.3, other: 0.08 },
  deferred: 0.08,
  notAccepted: 0.01,
  sentBack: 0.005,
  late: 0.03,
  /** 收受分离 files the back office has not returned (overdue once past due) */
  stalled: 0.015,
  levels: [[5, 0.9], [4, 0.07], [3, 0.027]] as [number, number][],
};

export interface ActivityPlanOptions {
  /** Days ending today (Asia/Shanghai) */
  days: number;
  /** Records a working day at the subdistrict's counters, on average */
  recordsPerDay: number;
  /** Share of ratings that are 差评 (★1–2) */
  badShare: number;
  ratingWindowDays: number;
  now: Date;
  /** The subdistrict's no-show grace (service_settings; 15 minutes by default) */
  noShowGraceMinutes?: number;
  /** The subdistrict's place in the run: keeps booking codes unique across subdistricts */
  ordinal?: number;
}

/** A 差评 to be given through submitRating, with the record's rating link. */
export interface BadRatingPlan {
  recordId: string;
  token: string;
  level: number;
  ratedAt: number;
  comment: string;
  named: boolean;
  channel: RatingChannel;
  staffId: string;
}

export interface SubdistrictPlan {
  records: ServiceRecordTable[];
  ratings: ServiceRatingTable[];
  bad: BadRatingPlan[];
  counters: { subdistrict_id: string; day: string; last: number }[];
  /** Appointments, queue tickets and their counters (plan-queue.ts) */
  queue: QueueRows;
}

const personName = (r: Random) => r.pick(SURNAMES) + r.pick(GIVEN);
const idNumber = (r: Random) =>
  withCheckDigit(`3101${r.pick(['05', '04', '12', '14'])}${r.int(1950, 2004)}${String(r.int(1, 12)).padStart(2, '0')}${String(r.int(1, 28)).padStart(2, '0')}${String(r.int(0, 999)).padStart(3, '0')}`);
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

const BAD_COMMENTS = ['等候时间过长，窗口只开一个', '工作人员态度生硬', '材料要求没有一次性告知，跑了两趟', '预约时段到了还要排队', '办理进度无人告知'];
const NOT_ACCEPTED = ['不符合受理条件：非本市户籍且无有效居住证', '不符合受理条件：已在其他街道受理', '申请事项不属于本窗口受理范围'];
const SENT_BACK = ['材料不全，申请人未在限期内补正', '后台审核不通过：收入核对不符合条件'];

/**
 * Sessions of a point on a day by the booking rule (slots.ts): a centre's Saturday morning, Monday's
 * on a make-up workday, none on a holiday; none before the point was built or once it has closed
 * (a year of the benchmark reaches back before this year's windows opened).
 */
const weekly = new WeakMap<ServedPoint, Session[]>();
function sessionsOn(ctx: NetworkContext, p: ServedPoint, date: string) {
  if (!p.builtOn || date < p.builtOn || (p.closedOn && date >= p.closedOn)) return [];
  let all = weekly.get(p);
  if (!all) {
    all = [...p.sessions].flatMap(([weekday, list]) => list.map((s) => ({ weekday, ...s })));
    weekly.set(p, all);
  }
  return sessionsByRule(date, all, ctx.overrides);
}

/**
 * A working-time instant between two instants (the office hours of working days), or null when
 * there is none before `end`: back-office steps and deliveries happen when offices are open.
 */
function workingInstant(r: Random, ctx: NetworkContext, from: number, end: number): number | null {
  for (let i = 0; i < 8; i++) {
    const t = from + r.next() * Math.max(0, end - from);
    const date = shanghaiDate(t);
    if (!isWorkingDay(date, ctx.overrides)) continue;
    const local = ((t + 8 * HOUR) % DAY) / MIN;
    if (local >= 9 * 60 && local < 17 * 60) return t;
    const clamp = shanghaiInstant(date, hhmm(local < 9 * 60 ? 9 * 60 + r.int(0, 59) : 16 * 60 + r.int(0, 29))).getTime();
    if (clamp > from && clamp <= end) return clamp;
  }
  return null;
}

/**
 * One subdistrict's `days` of front-office work: records (办件) at each counter in its sessions on
 * working days, with the guide version in effect, materials checked against it (容缺 where the
 * guide allows), due dates on the working-day calendar, 收受分离 hand-offs and returns, 帮办 and
 * 代办, a few refused, sent back, late or stalled; and their ratings. 差评 are returned apart, to
 * go through submitRating and their loop. Deterministic for a given Random.
 */
export function planSubdistrict(r: Random, ctx: NetworkContext, o: ActivityPlanOptions): SubdistrictPlan {
  const now = o.now.getTime();
  const today = shanghaiDate(o.now);
  const out: SubdistrictPlan = { records: [], ratings: [], bad: [], counters: [], queue: emptyQueueRows() };
  const isBad = badQuota(r.next(), o.badShare);
  const env: QueueEnv = {
    now, graceMs: (o.noShowGraceMinutes ?? 15) * MIN, pickItem: (p) => r.pick(itemsOf(ctx, p)), code: bookingCodes(o.ordinal ?? 0), rows: out.queue,
  };
  const counters = ctx.points.filter((p) => p.kind !== 'building_window' && p.kind !== 'committee_window');
  const windows = (kind: string) => ctx.points.filter((p) => p.kind === kind).length;
  const meanAt = (p: ServedPoint) => {
    const n = p.kind === 'committee_window' || p.kind === 'building_window' ? windows(p.kind) : counters.length;
    return (o.recordsPerDay * (ACTIVITY_RATES.share[p.kind] ?? 0.1)) / Math.max(1, n);
  };
  for (let d = o.days - 1; d >= 0; d--) {
    const date = addDays(today, -d);
    const day: ServiceRecordTable[] = [];
    // A weekend session (the centre's Saturday morning) is quieter than a working day.
    const quiet = isWorkingDay(date, ctx.overrides) ? 1 : 0.4;
    for (const p of ctx.points) {
      const sessions = sessionsOn(ctx, p, date);
      if (!sessions.length) continue;
      const n = Math.round(meanAt(p) * quiet * (0.6 + 0.8 * r.next()));
      // The records come from the queue: each is made while its ticket is served.
      for (const v of planPointDay(r, ctx, p, date, sessions, n, env)) {
        const rec = planRecord(r, ctx, p, v.acceptedAt, now, v);
        if (!rec) continue;
        rec.ticket_id = v.ticket.id;
        rec.appointment_id = v.ticket.appointment_id;
        if (v.ticket.status === 'done') v.ticket.record_id = rec.id;
        day.push(rec);
      }
    }
    day.sort((a, b) => a.accepted_at.localeCompare(b.accepted_at));
    const dayKey = date.replace(/-/g, '');
    day.forEach((rec, i) => {
      rec.number = `${ctx.recordPrefix}-YW-${dayKey}-${String(i + 1).padStart(4, '0')}`;
    });
    if (day.length) out.counters.push({ subdistrict_id: ctx.subdistrictId, day: dayKey, last: day.length });
    for (const rec of day) {
      out.records.push(rec);
      planRating(r, rec, o, now, out, isBad);
    }
  }
  for (const p of ctx.points) planBookingsAhead(r, ctx, p, today, (date) => sessionsOn(ctx, p, date), env);
  return out;
}

/** The high-frequency items are the 即办 ones (居住证, 网签备案, 证明打印…): four times as likely. */
const weightedItems = new WeakMap<ServedPoint, string[]>();
function itemsOf(ctx: NetworkContext, p: ServedPoint) {
  let list = weightedItems.get(p);
  if (!list) {
    list = p.itemIds.flatMap((id) => (ctx.items.get(id)!.versions[0]!.promised_limit_days === 0 ? [id, id, id, id] : [id]));
    weightedItems.set(p, list);
  }
  return list;
}

function planRecord(r: Random, ctx: NetworkContext, p: ServedPoint, t0: number, now: number, served: Pick<Visit, 'staffId' | 'doneBy'> & { ticket: { item_id: string } }): ServiceRecordTable | null {
  const itemId = served.ticket.item_id;
  const guide = ctx.items.get(itemId)!;
  const date = shanghaiDate(t0);
  const v = guideOn(guide, date);
  if (!v) return null;
  const proxy = v.proxy_allowed === 1 && r.chance(ACTIVITY_RATES.proxy);
  const assist = !proxy && v.assist_allowed === 1 && r.chance(p.kind === 'committee_window' ? ACTIVITY_RATES.assist.committee_window : ACTIVITY_RATES.assist.other);
  const receipts: { index: number; received: boolean; deferred: boolean }[] = [];
  v.materials.forEach((m, index) => {
    if (m.proxyOnly && !proxy) return;
    if (m.eLicenceExempt && r.chance(0.6)) return; // taken from the 电子证照 library
    const deferred = m.deferrable && r.chance(ACTIVITY_RATES.deferred);
    receipts.push({ index, received: !deferred, deferred });
  });
  // The same rule as a record made at the window.
  const deferredCount = checkMaterials(v.materials, receipts, { proxy });
  const due = dueWithOverrides(new Date(t0), v.promised_limit_days, ctx.overrides).getTime();
  const staff = served.staffId;
  const iso = (t: number) => new Date(t).toISOString();
  const applicantName = personName(r);
  const rec: ServiceRecordTable = {
    id: idAt(t0, r), number: '', subdistrict_id: ctx.subdistrictId, committee_id: p.committeeId, point_id: p.id, item_id: itemId, item_version_id: v.id,
    staff_id: staff, applicant_name: applicantName, applicant_id_number: idNumber(r), applicant_phone: r.chance(0.4) ? `1${r.pick(['3', '5', '8'])}${r.int(100000000, 999999999)}` : null,
    agent_name: proxy ? personName(r) : null, agent_id_number: proxy ? idNumber(r) : null, authorization_ref: proxy ? `委托书${date.replace(/-/g, '')}-${r.int(100, 999)}` : null,
    assist_role: proxy ? 'proxy' : assist ? 'assist' : 'none', materials: JSON.stringify(receipts), deferred_count: deferredCount, mode: v.mode, status: 'accepted',
    result_reason: null, accepted_at: iso(t0), due_at: iso(due), handed_off_at: null, returned_at: null, decided_at: null, decided_by: null, on_time: null,
    delivery: null, delivered_at: null, appointment_id: null, ticket_id: null, rating_token_hash: hashToken(newToken()), version: 1, updated_at: iso(t0),
  };
  let version = 1;
  const step = (at: number, set: Partial<ServiceRecordTable>) => {
    Object.assign(rec, set, { version: ++version, updated_at: iso(at) });
  };
  const decide = (at: number, status: ServiceRecordTable['status'], reason: string | null) => {
    const delivery = status === 'completed' ? (r.chance(0.7) ? 'on_site' : r.chance(0.66) ? 'electronic' : 'post') : null;
    step(at, {
      status, decided_at: iso(at), decided_by: staff, on_time: iso(at) <= rec.due_at ? 1 : 0, result_reason: reason, delivery,
      delivered_at: delivery && delivery !== 'post' ? iso(at) : null,
    });
  };
  const supplied = deferredCount > 0 ? '容缺材料已按期补交' : null;
  const roll = r.next();
  if (roll < ACTIVITY_RATES.notAccepted) {
    const at = Math.max(t0, served.doneBy);
    if (at <= now) decide(at, 'not_accepted', r.pick(NOT_ACCEPTED));
    return rec;
  }
  const late = roll > 1 - ACTIVITY_RATES.late;
  // When the work is done: before the due time, or (late) a few working days after it.
  const doneAt = (from: number) => (late ? workingInstant(r, ctx, due + HOUR, due + 3 * DAY) : workingInstant(r, ctx, from, Math.max(from + MIN, due - 30 * MIN)));
  if (v.mode === 'direct') {
    // 即办: the result is given at the window, just before the ticket finishes.
    const at = v.promised_limit_days === 0 && !late ? Math.min(due, Math.max(t0, served.doneBy)) : doneAt(t0 + HOUR);
    if (at === null || at > now) return rec;
    if (roll < ACTIVITY_RATES.notAccepted + ACTIVITY_RATES.sentBack) decide(at, 'sent_back', r.pick(SENT_BACK));
    else decide(at, 'completed', supplied);
    return rec;
  }
  // 收受分离: the window hands the file to the back office the same day, and gets it back.
  const handOff = Math.min(t0 + r.int(30, 240) * MIN, due);
  if (handOff > now) return rec;
  step(handOff, { status: 'handed_off', handed_off_at: iso(handOff) });
  if (r.chance(ACTIVITY_RATES.stalled)) return rec;
  const back = doneAt(handOff + HOUR);
  if (back === null || back > now) return rec;
  step(back, { status: 'returned', returned_at: iso(back) });
  if (roll < ACTIVITY_RATES.notAccepted + ACTIVITY_RATES.sentBack) {
    // The back office returns the file it refused; the window sends it back (stepRecord: return first).
    decide(back, 'sent_back', r.pick(SENT_BACK));
    return rec;
  }
  const at = Math.min(back + r.int(10, 90) * MIN, Math.max(back, due));
  if (at > now) return rec;
  decide(at, 'completed', supplied);
  return rec;
}

/**
 * Which ratings are 差评: by quota, not by chance. The first n ratings hold floor(offset + n × share)
 * of them, so any n ratings in a row hold floor(n × share) or one more (a chance of 0.4 % could give
 * a small office none at all); `offset`, in [0, 1), places the first at random. A share of 1 or
 * more makes every rating one: there floating point could round offset + n past n + 1.
 */
export function badQuota(offset: number, share: number): () => boolean {
  if (share >= 1) return () => true;
  let n = 0;
  let given = 0;
  return () => {
    n += 1;
    if (Math.floor(offset + n * share) <= given) return false;
    given += 1;
    return true;
  };
}

function planRating(r: Random, rec: ServiceRecordTable, o: ActivityPlanOptions, now: number, out: SubdistrictPlan, isBad: () => boolean) {
  if (!rec.decided_at || rec.status === 'not_accepted' || !r.chance(ACTIVITY_RATES.rated)) return;
  const decided = Date.parse(rec.decided_at);
  // Most rate at the window right away, the rest through the link within the rating window.
  const ratedAt = r.chance(0.7) ? decided + r.int(1, 10) * MIN : decided + r.next() * o.ratingWindowDays * DAY * 0.9;
  if (ratedAt > now) return;
  const channel: RatingChannel = ratedAt - decided < 15 * MIN ? 'qr' : r.chance(0.8) ? 'sms' : 'link';
  const named = r.chance(ACTIVITY_RATES.named);
  if (isBad()) {
    const token = newToken();
    rec.rating_token_hash = hashToken(token);
    out.bad.push({ recordId: rec.id, token, level: r.int(1, BAD_RATING_MAX_LEVEL), ratedAt, comment: r.pick(BAD_COMMENTS), named, channel, staffId: rec.staff_id });
    return;
  }
  let x = r.next() * ACTIVITY_RATES.levels.reduce((s, [, p]) => s + p, 0);
  let level = 3;
  for (const [l, p] of ACTIVITY_RATES.levels) {
    if (x < p) {
      level = l;
      break;
    }
    x -= p;
  }
  const sub = () => Math.max(3, Math.min(5, level + (r.chance(0.2) ? -1 : 0)));
  out.ratings.push({
    id: idAt(ratedAt, r), record_id: rec.id, subdistrict_id: rec.subdistrict_id, committee_id: rec.committee_id, point_id: rec.point_id, item_id: rec.item_id,
    staff_id: rec.staff_id, level, scores: JSON.stringify({ efficiency: sub(), skill: sub(), attitude: sub() }), comment: level === 5 && r.chance(0.1) ? r.pick(['办事效率高', '工作人员很耐心', '家门口就能办，方便']) : null,
    named: named ? 1 : 0, channel, rated_at: new Date(ratedAt).toISOString(), voided_at: null, case_id: null,
  });
}

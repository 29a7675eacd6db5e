import type { Db } from '../../src/db/index.js';
import type {
  ServiceAppointmentTable, ServiceItemVersionTable, ServiceRatingTable, ServiceRecordTable, ServiceTicketTable,
} from '../../src/db/schema.js';
import type { ServiceTerminalSessionTable } from '../../src/db/schema/services.js';
import { addDays, shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { type OverrideMap, loadOverrides } from '../../src/domain/calendar/working-days.js';
import { type Session, sessionsOn, slotInstant } from '../../src/domain/service-queue/slots.js';
import { dueWithOverrides } from '../../src/domain/service-records/due-dates.js';
import { checkMaterials } from '../../src/domain/service-records/records.js';
import { BAD_RATING_MAX_LEVEL, SUB_SCORES } from '../../src/domain/service-ratings/rating-input.js';
import { serviceSettings } from '../../src/domain/service-ratings/settings.js';
import { ratingClosesAt } from '../../src/domain/service-ratings/ratings.js';
import { SESSION_MAX_AGE_MS, SESSION_MAX_LENGTH_MS } from '../../src/domain/service-terminals/sessions.js';
import type { MaterialSpec } from '../../src/domain/services-catalogue/item-input.js';

/** A point as the live checks see it: built when, who is on its staff, what it offers, its weekly sessions. */
export interface AuditPoint {
  id: string;
  kind: string;
  subdistrict_id: string;
  committee_id: string | null;
  staffed: number;
  built_on: string | null;
  closed_on: string | null;
  staff: Set<string>;
  items: Set<string>;
  sessions: Session[];
}

type Version = Pick<ServiceItemVersionTable, 'id' | 'item_id' | 'effective_from' | 'version' | 'mode' | 'promised_limit_days' | 'proxy_allowed' | 'assist_allowed' | 'materials'>;

/** The network and rules the front office's rows are checked against, read from the database. */
export interface AuditNetwork {
  points: Map<string, AuditPoint>;
  /** item → its category's ticket prefix */
  prefixOf: Map<string, string>;
  /** item → its guide versions */
  versions: Map<string, Version[]>;
  /** subdistrict → its working-day calendar (the overrides over the audited span) */
  overrides: Map<string, OverrideMap>;
  settings: Map<string, { ratingWindowDays: number; noShowGraceMinutes: number; badRatingDays: number }>;
  /** subdistrict → record number prefix */
  recordPrefix: Map<string, string>;
}

export interface AuditRows {
  now: Date;
  records: ServiceRecordTable[];
  tickets: ServiceTicketTable[];
  appointments: ServiceAppointmentTable[];
  ratings: ServiceRatingTable[];
  terminalSessions: ServiceTerminalSessionTable[];
  recordCounters: { subdistrict_id: string; day: string; last: number }[];
}

export async function loadAuditNetwork(db: Db, from: string, to: string): Promise<AuditNetwork> {
  const [points, staff, offers, sessions, items, versions, subs] = await Promise.all([
    db.selectFrom('service_points').select(['id', 'kind', 'subdistrict_id', 'committee_id', 'staffed', 'built_on', 'closed_on']).execute(),
    db.selectFrom('service_point_staff').select(['point_id', 'user_id']).execute(),
    db.selectFrom('service_point_items').select(['point_id', 'item_id']).execute(),
    db.selectFrom('service_point_sessions').select(['point_id', 'weekday', 'starts', 'ends', 'capacity']).execute(),
    db.selectFrom('service_items').innerJoin('service_categories as c', 'c.id', 'service_items.category_id').select(['service_items.id', 'c.ticket_prefix']).execute(),
    db.selectFrom('service_item_versions').select(['id', 'item_id', 'effective_from', 'version', 'mode', 'promised_limit_days', 'proxy_allowed', 'assist_allowed', 'materials']).execute(),
    db.selectFrom('subdistricts').select(['id', 'code', 'case_prefix']).execute(),
  ]);
  const byId = new Map(points.map((p) => [p.id, { ...p, staffed: Number(p.staffed), staff: new Set<string>(), items: new Set<string>(), sessions: [] as Session[] }]));
  for (const s of staff) byId.get(s.point_id)?.staff.add(s.user_id);
  for (const o of offers) byId.get(o.point_id)?.items.add(o.item_id);
  for (const s of sessions) byId.get(s.point_id)?.sessions.push({ weekday: Number(s.weekday), starts: s.starts, ends: s.ends, capacity: Number(s.capacity) });
  const byItem = new Map<string, Version[]>();
  for (const v of versions) byItem.set(v.item_id, [...(byItem.get(v.item_id) ?? []), v]);
  const overrides = new Map<string, OverrideMap>();
  const settings: AuditNetwork['settings'] = new Map();
  for (const s of subs) {
    overrides.set(s.id, await loadOverrides(db, from, to, s.id));
    settings.set(s.id, await serviceSettings(db, s.id));
  }
  return {
    points: byId, prefixOf: new Map(items.map((i) => [i.id, i.ticket_prefix])), versions: byItem, overrides, settings,
    recordPrefix: new Map(subs.map((s) => [s.id, s.case_prefix ?? `S${s.code}`])),
  };
}

/** versionInEffect's rule: the latest effective_from on or before the date, the highest version among equals. */
function versionOn(vs: readonly Version[], date: string) {
  let best: Version | undefined;
  for (const v of vs) if (v.effective_from <= date && (!best || v.effective_from > best.effective_from || (v.effective_from === best.effective_from && v.version > best.version))) best = v;
  return best;
}

const MIN = 60_000;
/** How early a citizen who booked may be checked in before the session (the live check-in allows the whole day; the desk opens a little before). */
const EARLY_MS = 30 * MIN;
/**
 * The last instant a booking may be checked in, written apart from the live code (check-in-window.ts):
 * its session's end plus the grace, and never past its day's last instant.
 */
export const lastCheckIn = (a: { day: string; ends: string }, graceMs: number) =>
  Math.min(slotInstant(a.day, a.ends).getTime() + graceMs, slotInstant(a.day, '00:00').getTime() + 24 * 3600_000 - 1);

const hhmmAt = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(11, 16);

/**
 * Every rule the live front-office functions enforce, checked over all the rows given: answers
 * each rule's name with its first few breaches (an empty list: the rule held).
 */
export function frontOfficeBreaches(net: AuditNetwork, w: AuditRows): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const rule = (name: string) => {
    const list: string[] = [];
    out.set(name, list);
    return (ok: boolean, what: () => string) => {
      if (!ok && list.length < 5) list.push(what());
    };
  };
  const now = w.now.toISOString();
  const built = (p: AuditPoint, day: string) => p.built_on !== null && p.built_on <= day && (p.closed_on === null || day < p.closed_on);
  const openOn = (p: AuditPoint, day: string) => sessionsOn(day, p.sessions, net.overrides.get(p.subdistrict_id)!);
  const tickets = new Map(w.tickets.map((t) => [t.id, t]));
  const records = new Map(w.records.map((r) => [r.id, r]));

  // Tickets (issueTicket, issueWalkIn, checkIn, callNext, stepTicket).
  {
    const prefix = rule('ticket: prefix of its item\'s category');
    const place = rule('ticket: subdistrict and committee of its point; the point offers the item');
    const open = rule('ticket: issued while the point is built, on a day it opens, in its hours');
    const staff = rule('ticket: issued and called by the point\'s staff');
    for (const t of w.tickets) {
      const p = net.points.get(t.point_id)!;
      prefix(t.prefix === net.prefixOf.get(t.item_id), () => `${t.number} at ${t.point_id}: item prefix ${net.prefixOf.get(t.item_id)}`);
      place(t.subdistrict_id === p.subdistrict_id && t.committee_id === p.committee_id && p.items.has(t.item_id), () => `${t.number} ${t.day}`);
      const sessions = openOn(p, t.day);
      const first = sessions.length ? Math.min(...sessions.map((s) => slotInstant(t.day, s.starts).getTime())) : 0;
      const last = sessions.length ? Math.max(...sessions.map((s) => slotInstant(t.day, s.ends).getTime())) : 0;
      const at = Date.parse(t.issued_at);
      open(built(p, t.day) && sessions.length > 0 && at >= first - EARLY_MS && at <= last, () => `${t.number} ${p.kind} ${t.day} ${hhmmAt(t.issued_at)} (built ${p.built_on})`);
      staff((t.issued_by === null || p.staff.has(t.issued_by)) && (t.called_by === null || p.staff.has(t.called_by)), () => `${t.number} ${t.day}`);
    }
  }

  // Appointments (bookAppointment, cancelAppointment, checkIn, markNoShows).
  {
    const bookable = rule('appointment: at a built, staffed point offering the item, in a session of that day');
    const phone = rule('appointment: one active booking per phone, point and day');
    const grace = rule('appointment: checked in on its day by the session\'s end plus the grace, a no-show only after it');
    const groups = new Map<string, ServiceAppointmentTable[]>();
    for (const a of w.appointments) {
      const p = net.points.get(a.point_id)!;
      const bookedDay = shanghaiDate(new Date(a.booked_at));
      bookable(
        built(p, bookedDay) && p.staffed === 1 && p.items.has(a.item_id) && a.subdistrict_id === p.subdistrict_id && a.committee_id === p.committee_id &&
          openOn(p, a.day).some((s) => s.starts === a.starts && s.ends === a.ends && s.capacity > 0) && a.booked_at < a.slot_start_at,
        () => `${a.code} at ${p.kind} for ${a.day} ${a.starts}, booked ${a.booked_at} (built ${p.built_on})`,
      );
      // The booking is for the whole session: check-in until its end plus the grace (within its day).
      const closes = lastCheckIn(a, net.settings.get(a.subdistrict_id)!.noShowGraceMinutes * MIN);
      grace(
        (a.checked_in_at === null || (shanghaiDate(new Date(a.checked_in_at)) === a.day && Date.parse(a.checked_in_at) <= closes)) &&
          (a.no_show_at === null || Date.parse(a.no_show_at) > closes),
        () => `${a.code} ${a.status} ${a.starts}–${a.ends} checked in ${a.checked_in_at} no-show ${a.no_show_at}`,
      );
      const k = `${a.point_id}|${a.day}|${a.phone}`;
      groups.set(k, [...(groups.get(k) ?? []), a]);
    }
    for (const [k, list] of groups) {
      const byBooking = [...list].sort((x, y) => x.booked_at.localeCompare(y.booked_at));
      for (let i = 1; i < byBooking.length; i++) {
        const prev = byBooking[i - 1]!;
        const left = prev.cancelled_at ?? prev.checked_in_at ?? prev.no_show_at;
        phone(left !== null && left <= byBooking[i]!.booked_at, () => k);
      }
    }
  }

  // Records (createRecord, stepRecord).
  {
    const who = rule('record: made and decided by the point\'s staff');
    const place = rule('record: at a built point offering the item, on a day it opens');
    const version = rule('record: the guide version in force on its day, its mode');
    const due = rule('record: due at the promised limit on the working-day calendar');
    const materials = rule('record: materials against the checklist; 代办 and 帮办 as the guide allows');
    const order = rule('record: 收受分离 handed off, returned, then decided; a file at the back office is not decided');
    const status = rule('record: status, result and delivery fields consistent');
    const ticket = rule('record: made while its ticket was served, by who called it');
    for (const r of w.records) {
      const p = net.points.get(r.point_id)!;
      const day = shanghaiDate(new Date(r.accepted_at));
      who(p.staff.has(r.staff_id) && (r.decided_by === null || p.staff.has(r.decided_by)), () => r.number);
      place(
        built(p, day) && p.items.has(r.item_id) && openOn(p, day).length > 0 && r.subdistrict_id === p.subdistrict_id && r.committee_id === p.committee_id,
        () => `${r.number} at ${p.kind} (built ${p.built_on})`,
      );
      const v = versionOn(net.versions.get(r.item_id) ?? [], day);
      version(v !== undefined && r.item_version_id === v.id && r.mode === v.mode, () => r.number);
      if (v) {
        due(r.due_at === dueWithOverrides(new Date(r.accepted_at), v.promised_limit_days, net.overrides.get(r.subdistrict_id)!).toISOString(), () => `${r.number} due ${r.due_at}`);
        let deferred: number | string;
        try {
          deferred = checkMaterials(JSON.parse(v.materials) as MaterialSpec[], JSON.parse(r.materials), { proxy: r.assist_role === 'proxy' });
        } catch (e) {
          deferred = (e as Error).message;
        }
        materials(
          deferred === r.deferred_count &&
            (r.assist_role === 'proxy' ? v.proxy_allowed === 1 && !!r.agent_name && !!r.agent_id_number && !!r.authorization_ref : r.agent_name === null && r.agent_id_number === null) &&
            (r.assist_role !== 'assist' || v.assist_allowed === 1),
          () => `${r.number}: ${deferred}`,
        );
      }
      const steps = [r.accepted_at, r.handed_off_at, r.returned_at, r.decided_at].filter((x): x is string => x !== null);
      order(
        steps.every((s, i) => i === 0 || s >= steps[i - 1]!) &&
          (r.mode === 'separated' || (r.handed_off_at === null && r.returned_at === null)) &&
          (r.returned_at === null || r.handed_off_at !== null) &&
          // stepRecord: every decision on a file handed off comes after its return.
          (r.decided_at === null || r.handed_off_at === null || r.returned_at !== null) &&
          (r.mode !== 'separated' || r.status !== 'completed' || r.returned_at !== null),
        () => `${r.number} ${r.mode} ${r.status}: handed off ${r.handed_off_at}, returned ${r.returned_at}, decided ${r.decided_at}`,
      );
      const decided = r.status === 'completed' || r.status === 'not_accepted' || r.status === 'sent_back';
      const expected = decided ? r.status : r.returned_at ? 'returned' : r.handed_off_at ? 'handed_off' : 'accepted';
      status(
        r.status === expected && (decided ? r.decided_at !== null && r.decided_at <= now && r.on_time === (r.decided_at <= r.due_at ? 1 : 0) : r.decided_at === null && r.on_time === null) &&
          (r.status === 'completed'
            ? r.delivery !== null && r.delivered_at === (r.delivery === 'post' ? r.delivered_at : r.decided_at) && (r.deferred_count === 0 || !!r.result_reason)
            : r.delivery === null && r.delivered_at === null) &&
          (r.status === 'not_accepted' || r.status === 'sent_back' ? !!r.result_reason : true) &&
          r.updated_at === steps[steps.length - 1],
        () => `${r.number} ${r.status}`,
      );
      const t = r.ticket_id ? tickets.get(r.ticket_id) : undefined;
      ticket(
        t !== undefined && t.point_id === r.point_id && t.item_id === r.item_id && t.called_by === r.staff_id && t.started_at !== null && t.started_at <= r.accepted_at &&
          (t.finished_at === null || r.accepted_at <= t.finished_at) && (t.status !== 'done' || t.record_id === r.id),
        () => r.number,
      );
    }
    // Numbering: the subdistrict's running number of the day, its counter at the last.
    const numbers = rule('record: numbered by the day without gaps; the day\'s counter at the last');
    const byDay = new Map<string, ServiceRecordTable[]>();
    for (const r of w.records) {
      const k = `${r.subdistrict_id}|${shanghaiDate(new Date(r.accepted_at)).replace(/-/g, '')}`;
      byDay.set(k, [...(byDay.get(k) ?? []), r]);
    }
    for (const [k, list] of byDay) {
      const [sub, day] = k.split('|') as [string, string];
      const sorted = list.map((r) => r.number).sort();
      numbers(sorted.every((n, i) => n === `${net.recordPrefix.get(sub)}-YW-${day}-${String(i + 1).padStart(4, '0')}`), () => `${k}: ${sorted[0]}…`);
      numbers(w.recordCounters.find((c) => c.subdistrict_id === sub && c.day === day)?.last === list.length, () => `${k}: counter`);
    }
  }

  // Ratings (submitRating).
  {
    const once = rule('rating: once per record, of its record\'s point, item and staff');
    const window = rule('rating: within the rating window, not after now');
    const bad = rule('rating: 差评 (★1–2) and only 差评 open a case');
    const reason = rule('rating: every 差评 says what went wrong (a comment, not blank)');
    const subScores = rule('rating: sub-scores of the national scheme, ★1–5');
    const seen = new Set<string>();
    for (const g of w.ratings) {
      const r = records.get(g.record_id);
      once(
        !seen.has(g.record_id) && r !== undefined && g.subdistrict_id === r.subdistrict_id && g.committee_id === r.committee_id && g.point_id === r.point_id &&
          g.item_id === r.item_id && g.staff_id === r.staff_id,
        () => g.id,
      );
      seen.add(g.record_id);
      if (!r) continue;
      const closes = ratingClosesAt(r.decided_at ?? r.accepted_at, net.settings.get(r.subdistrict_id)!.ratingWindowDays).getTime();
      window(g.rated_at >= (r.decided_at ?? r.accepted_at) && Date.parse(g.rated_at) <= closes && g.rated_at <= now, () => `${r.number} rated ${g.rated_at}`);
      if (g.level <= BAD_RATING_MAX_LEVEL) reason((g.comment ?? '').trim() !== '', () => `${r.number} ★${g.level}`);
      bad(g.level >= 1 && g.level <= 5 && (g.case_id !== null) === (g.level <= BAD_RATING_MAX_LEVEL), () => `${r.number} ★${g.level}`);
      const scores = Object.entries(JSON.parse(g.scores) as Record<string, number>);
      subScores(scores.every(([k, v]) => (SUB_SCORES as readonly string[]).includes(k) && Number.isInteger(v) && v >= 1 && v <= 5), () => `${r.number} ${g.scores}`);
    }
  }

  // Terminal sessions (recordTerminalSession).
  {
    const at = rule('terminal session: at a built terminal offering the item');
    const times = rule('terminal session: its day, length and report as the terminal endpoint takes them');
    const ids = new Set<string>();
    for (const s of w.terminalSessions) {
      const p = net.points.get(s.point_id)!;
      at((p.kind === 'terminal' || p.kind === 'self_service_zone') && built(p, s.day) && p.items.has(s.item_id) && s.subdistrict_id === p.subdistrict_id && s.committee_id === p.committee_id, () => `${s.client_id} ${s.day}`);
      const start = Date.parse(s.started_at);
      const end = Date.parse(s.finished_at);
      const received = Date.parse(s.received_at);
      times(
        shanghaiDate(new Date(start)) === s.day && end >= start && end - start <= SESSION_MAX_LENGTH_MS && received >= end && start >= received - SESSION_MAX_AGE_MS &&
          s.received_at <= now && !ids.has(`${s.point_id}|${s.client_id}`),
        () => `${s.client_id} ${s.day}`,
      );
      ids.add(`${s.point_id}|${s.client_id}`);
    }
  }
  return out;
}

/** The rules that broke, with their examples (an empty object: every rule held). */
export const broken = (m: Map<string, string[]>) => Object.fromEntries([...m].filter(([, v]) => v.length));

/** The span of days an audit reads the calendar for: from before the first day to well after the last due date. */
export const auditSpan = (now: Date, days: number) => ({ from: addDays(shanghaiDate(now), -days - 1), to: addDays(shanghaiDate(now), 200) });

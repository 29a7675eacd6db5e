import type { ServiceAppointmentTable, ServiceRecordTable, ServiceSlotBookingTable, ServiceTicketCounterTable, ServiceTicketTable } from '../../src/db/schema.js';
import { addDays, shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { BOOKING_HORIZON_DAYS } from '../../src/domain/service-queue/slots.js';
import { compareQueue } from '../../src/domain/service-queue/tickets.js';
import { lastCheckIn } from './front-office-audit.js';

export interface QueueWorld {
  appointments: ServiceAppointmentTable[];
  tickets: ServiceTicketTable[];
  ticketCounters: ServiceTicketCounterTable[];
  slotBookings: ServiceSlotBookingTable[];
  records: Pick<ServiceRecordTable, 'id' | 'point_id' | 'item_id' | 'staff_id' | 'accepted_at' | 'ticket_id' | 'appointment_id'>[];
  /** capacity of a point's session: `${point_id}|${weekday-or-day}|${starts}` is resolved by the caller */
  capacity(pointId: string, day: string, starts: string): number | undefined;
  now: Date;
  graceMs: number;
}

const group = <T>(xs: T[], key: (x: T) => string) => {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const l = m.get(k);
    if (l) l.push(x);
    else m.set(k, [x]);
  }
  return m;
};

/**
 * Every rule the live queue code keeps, checked over a whole generated front office; returns the
 * first broken one (null: none). Plain checks rather than expect(), so property tests shrink.
 */
export function brokenQueueRule(w: QueueWorld): string | null {
  const now = w.now.toISOString();
  const nowMs = w.now.getTime();
  const appts = new Map(w.appointments.map((a) => [a.id, a]));
  const tickets = new Map(w.tickets.map((t) => [t.id, t]));
  const records = new Map(w.records.map((r) => [r.id, r]));
  if (appts.size !== w.appointments.length || tickets.size !== w.tickets.length) return 'duplicate ids';
  if (new Set(w.appointments.map((a) => a.code)).size !== w.appointments.length) return 'duplicate booking codes';

  // Appointments: capacity, the slot counter, each status reachable by the live steps.
  for (const [k, list] of group(w.appointments, (a) => `${a.point_id}|${a.day}|${a.starts}`)) {
    const a0 = list[0]!;
    const cap = w.capacity(a0.point_id, a0.day, a0.starts);
    if (cap === undefined) return `${k}: no such session that day`;
    if (list.length > cap) return `${k}: ${list.length} bookings over capacity ${cap}`;
    const counter = w.slotBookings.find((s) => s.point_id === a0.point_id && s.day === a0.day && s.starts === a0.starts);
    if (counter?.booked !== list.filter((a) => a.status !== 'cancelled').length) return `${k}: slot counter ${counter?.booked} ≠ active bookings`;
  }
  for (const a of w.appointments) {
    const slot = Date.parse(a.slot_start_at);
    if (a.booked_at > now) return `${a.code}: booked after now`;
    if (Date.parse(a.booked_at) >= slot) return `${a.code}: booked after the slot began`;
    if (a.day > addDays(shanghaiDate(new Date(a.booked_at)), BOOKING_HORIZON_DAYS - 1)) return `${a.code}: booked beyond the horizon`;
    if (shanghaiDate(new Date(slot)) !== a.day) return `${a.code}: slot not on its day`;
    const set = { cancelled: a.cancelled_at !== null, checked_in: a.checked_in_at !== null, no_show: a.no_show_at !== null };
    if (Object.entries(set).some(([s, has]) => has !== (a.status === s))) return `${a.code}: ${a.status} with the wrong instants`;
    // The booking is for the whole session: check-in until its end plus the grace, a no-show after.
    const closes = lastCheckIn(a, w.graceMs);
    if (a.status === 'booked' && nowMs > closes + 5 * 60_000) return `${a.code}: still booked long after the session's end and the grace`;
    if (a.cancelled_at && (a.cancelled_at < a.booked_at || Date.parse(a.cancelled_at) >= slot || a.cancelled_at > now)) return `${a.code}: cancelled at an impossible time`;
    if (a.no_show_at && (Date.parse(a.no_show_at) <= closes || a.no_show_at > now)) return `${a.code}: no-show before the session's end and the grace`;
    if (a.checked_in_at) {
      const t = tickets.get(a.ticket_id ?? '');
      if (!t || t.appointment_id !== a.id || t.issued_at !== a.checked_in_at || t.source !== 'appointment' || t.slot_start_at !== a.slot_start_at) return `${a.code}: check-in without its ticket`;
      if (shanghaiDate(new Date(a.checked_in_at)) !== a.day || Date.parse(a.checked_in_at) > closes || a.checked_in_at > now) return `${a.code}: checked in outside its day or after the session's end and the grace`;
      if (t.item_id !== a.item_id || t.point_id !== a.point_id || t.issued_by !== a.checked_in_by) return `${a.code}: ticket of another item, point or clerk`;
    } else if (a.ticket_id) return `${a.code}: a ticket without check-in`;
  }

  // Tickets: instants in order, status from the instants, numbering without gaps.
  for (const t of w.tickets) {
    const at = [t.issued_at, t.called_at, t.started_at ?? t.skipped_at, t.finished_at].filter((x): x is string => x !== null);
    for (let i = 1; i < at.length; i++) if (at[i]! < at[i - 1]!) return `${t.number}: instants out of order`;
    if (at[at.length - 1]! > now) return `${t.number}: an instant after now`;
    if (t.day !== shanghaiDate(new Date(t.issued_at))) return `${t.number}: day is not the day of issue`;
    const expect = t.finished_at ? 'done' : t.skipped_at ? 'skipped' : t.started_at ? 'serving' : t.called_at ? 'called' : 'waiting';
    if (t.status !== expect || (t.started_at && t.skipped_at) || (t.finished_at && !t.started_at) || (t.started_at && !t.called_at) || (t.skipped_at && !t.called_at)) return `${t.number}: ${t.status} with the wrong instants`;
    if ((t.called_at === null) !== (t.called_by === null)) return `${t.number}: called without a caller`;
    if (t.source === 'appointment' && appts.get(t.appointment_id ?? '')?.ticket_id !== t.id) return `${t.number}: appointment ticket without its appointment`;
    if (t.source === 'walk_in' && (t.appointment_id || t.slot_start_at)) return `${t.number}: walk-in naming an appointment`;
    if (t.number !== `${t.prefix}${String(Number(t.number.slice(t.prefix.length))).padStart(3, '0')}`) return `${t.number}: not prefix + number`;
    if (t.record_id) {
      const r = records.get(t.record_id);
      if (!r || t.status !== 'done') return `${t.number}: record link on a ticket not done or to no record`;
      if (r.ticket_id !== t.id) return `${t.number}: its record names another ticket`;
    }
  }
  for (const [k, list] of group(w.tickets, (t) => `${t.point_id}|${t.day}`)) {
    const bySeq = [...list].sort((a, b) => a.seq - b.seq);
    if (bySeq.some((t, i) => t.seq !== i + 1)) return `${k}: seq has gaps or duplicates`;
    if (bySeq.some((t, i) => i > 0 && t.issued_at < bySeq[i - 1]!.issued_at)) return `${k}: seq not in order of issue`;
    const counters = w.ticketCounters.filter((c) => `${c.point_id}|${c.day}` === k);
    if (counters.find((c) => c.prefix === '')?.last !== bySeq.length) return `${k}: running counter ≠ tickets`;
    for (const [prefix, ofPrefix] of group(bySeq, (t) => t.prefix)) {
      const numbers = ofPrefix.map((t) => Number(t.number.slice(prefix.length)));
      if (numbers.some((n, i) => n !== i + 1)) return `${k} ${prefix}: numbers have gaps, duplicates or are out of order`;
      if (counters.find((c) => c.prefix === prefix)?.last !== numbers.length) return `${k} ${prefix}: counter ≠ last number`;
    }
    if (counters.length !== new Set(bySeq.map((t) => t.prefix)).size + 1) return `${k}: counters for no ticket`;
    // The live order rule: whenever a ticket was called, nothing waiting then ranked before it.
    for (const t of bySeq) {
      if (!t.called_at) continue;
      const order = compareQueue(t.called_at);
      const jumped = bySeq.find((o) => o !== t && o.issued_at <= t.called_at! && (o.called_at === null || o.called_at > t.called_at!) && order(o, t) < 0);
      if (jumped) return `${k}: ${t.number} called at ${t.called_at} before ${jumped.number}`;
    }
    // One ticket at a time per window.
    for (const [win, served] of group(bySeq.filter((t) => t.window !== null), (t) => t.window!)) {
      const spans = served.map((t) => [t.called_at!, t.finished_at ?? t.skipped_at ?? now] as const).sort((a, b) => a[0].localeCompare(b[0]));
      if (spans.some((s, i) => i > 0 && s[0] < spans[i - 1]![1])) return `${k} ${win}: two tickets at once`;
    }
  }
  if (w.ticketCounters.some((c) => !w.tickets.some((t) => t.point_id === c.point_id && t.day === c.day))) return 'a counter for a day without tickets';

  // Records made at the window name their ticket, made while it was served, by who served it.
  for (const r of w.records) {
    const t = tickets.get(r.ticket_id ?? '');
    if (!t) return `record ${r.id}: no ticket`;
    if (t.point_id !== r.point_id || t.item_id !== r.item_id || t.called_by !== r.staff_id || r.appointment_id !== t.appointment_id) return `record ${r.id}: another ticket's point, item, clerk or appointment`;
    if (!t.started_at || r.accepted_at < t.started_at || (t.finished_at && r.accepted_at > t.finished_at)) return `record ${r.id}: made outside its ticket's service`;
    if (t.status === 'done' && t.record_id !== r.id) return `record ${r.id}: its finished ticket does not name it`;
  }
  return null;
}

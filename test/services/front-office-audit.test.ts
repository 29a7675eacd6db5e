import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselySink } from '../../src/db/bulk-sink.js';
import { addDays, shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { loadItemGuides, loadNetworkContext } from '../../src/domain/service-activity/network-context.js';
import { planSubdistrict } from '../../src/domain/service-activity/plan-records.js';
import { loadTerminalPoints, planTerminalSessions } from '../../src/domain/service-activity/plan-terminal-sessions.js';
import { DEMO_SERVICE_ACTIVITY, seedServiceActivity } from '../../src/domain/service-activity/seed-activity.js';
import { sessionsOn } from '../../src/domain/service-queue/slots.js';
import { dueAfterWorkingDays } from '../../src/domain/service-records/due-dates.js';
import { seededRandom } from '../../src/domain/shared/random.js';
import { filesFor } from '../../src/domain/storage/index.js';
import type { TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { type AuditNetwork, auditSpan, broken, frontOfficeBreaches, loadAuditNetwork } from './front-office-audit.js';
import { actorOf, servicesContext } from './helpers.js';
import { brokenQueueRule } from './queue-invariants.js';

/**
 * The front office the demo seeds (`npm start`: four weeks by the generator the benchmark's city
 * uses for a year) checked, row by row, against the rules the live functions enforce: tickets,
 * bookings, records, ratings and their 差评 cases, terminal sessions (front-office-audit.ts).
 */
describe.each(DIALECTS)('the seeded front office keeps the live rules (%s)', (kind) => {
  let ctx: TestContext;
  let net: AuditNetwork;
  const now = new Date('2026-05-26T02:30:00Z');
  beforeAll(async () => {
    ctx = await servicesContext(kind);
    const db = ctx.handle.db;
    await seedServiceActivity(db, kyselySink(db), filesFor(ctx.deps.config), { ...DEMO_SERVICE_ACTIVITY, seed: 2026, now });
    const span = auditSpan(now, DEMO_SERVICE_ACTIVITY.days);
    net = await loadAuditNetwork(db, span.from, span.to);
  }, 180_000);
  afterAll(async () => ctx?.close());

  it('every ticket, booking, record, rating and terminal session of the demo\'s four weeks', async () => {
    const db = ctx.handle.db;
    const [records, tickets, appointments, ratings, terminalSessions, recordCounters] = await Promise.all([
      db.selectFrom('service_records').selectAll().execute(),
      db.selectFrom('service_tickets').selectAll().execute(),
      db.selectFrom('service_appointments').selectAll().execute(),
      db.selectFrom('service_ratings').selectAll().execute(),
      db.selectFrom('service_terminal_sessions').selectAll().execute(),
      db.selectFrom('service_record_counters').selectAll().execute(),
    ]);
    // Enough of every kind that a broken rule shows.
    expect(records.length).toBeGreaterThan(2000);
    // A 收受分离 file decided once the back office returned it, and files sent back (with their reason).
    expect(records.some((r) => r.mode === 'separated' && r.returned_at !== null && r.decided_at !== null)).toBe(true);
    expect(records.some((r) => r.status === 'sent_back')).toBe(true);
    expect(appointments.length).toBeGreaterThan(200);
    expect(ratings.some((g) => g.case_id !== null)).toBe(true);
    expect(terminalSessions.length).toBeGreaterThan(100);
    const found = frontOfficeBreaches(net, {
      now, records, tickets, appointments, ratings, terminalSessions,
      recordCounters: recordCounters.map((c) => ({ ...c, last: Number(c.last) })),
    });
    expect(found.size).toBeGreaterThan(20);
    expect(broken(found)).toEqual({});
    // And the queue's own rules (capacity, slot counters, numbering, call order, one ticket a window) over every row.
    const capacity = (pointId: string, day: string, starts: string) => {
      const p = net.points.get(pointId)!;
      return sessionsOn(day, p.sessions, net.overrides.get(p.subdistrict_id)!).find((s) => s.starts === starts)?.capacity;
    };
    const [ticketCounters, slotBookings] = await Promise.all([
      db.selectFrom('service_ticket_counters').selectAll().execute(),
      db.selectFrom('service_slot_bookings').selectAll().execute(),
    ]);
    const queue = {
      appointments, tickets, records, capacity, now, graceMs: 15 * 60_000,
      ticketCounters: ticketCounters.map((c) => ({ ...c, last: Number(c.last) })), slotBookings: slotBookings.map((b) => ({ ...b, booked: Number(b.booked) })),
    };
    expect([...net.settings.values()].every((s) => s.noShowGraceMinutes === 15)).toBe(true);
    expect(brokenQueueRule(queue) ?? 'none').toBe('none');
  });

  it('every 差评\'s case goes to whoever served, due after the subdistrict\'s days on the working-day calendar', async () => {
    const db = ctx.handle.db;
    const bad = await db.selectFrom('service_ratings').innerJoin('service_rating_followups as f', 'f.rating_id', 'service_ratings.id').innerJoin('cases as c', 'c.id', 'service_ratings.case_id')
      .select(['service_ratings.id', 'service_ratings.subdistrict_id', 'service_ratings.staff_id', 'service_ratings.rated_at', 'f.due_at', 'f.case_id', 'c.assigned_user_id', 'c.handle_due_at'])
      .execute();
    expect(bad.length).toBeGreaterThan(0);
    const all = await db.selectFrom('service_ratings').select('id').where('level', '<=', 2).execute();
    expect(bad.length).toBe(all.length);
    for (const b of bad) {
      expect(b.assigned_user_id).toBe(b.staff_id);
      const due = (await dueAfterWorkingDays(db, new Date(b.rated_at), net.settings.get(b.subdistrict_id)!.badRatingDays, b.subdistrict_id)).toISOString();
      expect(b.due_at).toBe(due);
      expect(b.handle_due_at).toBe(due);
    }
  });

  // The committee and building windows opened on 2026-04-01; 清明 is 4–6 April; National Day's week has make-up workdays around it.
  it.each([['2026-04-14T06:00:00Z', 40], ['2026-10-12T06:00:00Z', 21]])('a plan at %s over %i days (back before the windows were built, over holidays: as a year of the benchmark) keeps them too', async (when, days) => {
    const db = ctx.handle.db;
    const at = new Date(when);
    const hq = (await actorOf(ctx, 'operator')).subdistrictId!;
    const today = shanghaiDate(at);
    const network = await loadNetworkContext(db, hq, await loadItemGuides(db), addDays(today, -days), today);
    const plan = planSubdistrict(seededRandom(5), network, { days, recordsPerDay: 120, badShare: 0.01, ratingWindowDays: 7, now: at, noShowGraceMinutes: 15 });
    const terminalSessions = planTerminalSessions(seededRandom(6), await loadTerminalPoints(db, hq), { from: addDays(today, -days), today, now: at });
    expect(plan.records.length).toBeGreaterThan(500);
    const span = auditSpan(at, days);
    const found = frontOfficeBreaches(await loadAuditNetwork(db, span.from, span.to), {
      now: at, records: plan.records, tickets: plan.queue.tickets, appointments: plan.queue.appointments, ratings: plan.ratings, terminalSessions, recordCounters: plan.counters,
    });
    expect(broken(found)).toEqual({});
  });

  it('the audit catches a row breaking each rule it checks', async () => {
    const db = ctx.handle.db;
    const at = new Date('2026-05-26T02:30:00Z');
    const days = 10;
    const hq = (await actorOf(ctx, 'operator')).subdistrictId!;
    const today = shanghaiDate(at);
    const network = await loadNetworkContext(db, hq, await loadItemGuides(db), addDays(today, -days), today);
    const plan = planSubdistrict(seededRandom(9), network, { days, recordsPerDay: 120, badShare: 0, ratingWindowDays: 7, now: at, noShowGraceMinutes: 15 });
    const terminalSessions = planTerminalSessions(seededRandom(6), await loadTerminalPoints(db, hq), { from: addDays(today, -days), today, now: at });
    type Rows = Parameters<typeof frontOfficeBreaches>[1];
    const base: Rows = { now: at, records: plan.records, tickets: plan.queue.tickets, appointments: plan.queue.appointments, ratings: plan.ratings, terminalSessions, recordCounters: plan.counters };
    expect(broken(frontOfficeBreaches(net, base))).toEqual({});
    const first = <T,>(xs: T[], f: (x: T) => boolean) => {
      const x = xs.find(f);
      if (!x) throw new Error('no row to break');
      return x;
    };
    const cases: [string, (w: Rows) => void][] = [
      ['ticket: prefix of its item\'s category', (w) => { first(w.tickets, () => true).prefix = 'Z'; }],
      ['ticket: subdistrict and committee of its point; the point offers the item', (w) => { first(w.tickets, () => true).committee_id = 'elsewhere'; }],
      ['ticket: issued while the point is built, on a day it opens, in its hours', (w) => { const t = first(w.tickets, () => true); t.issued_at = `${t.day}T19:00:00.000Z`; }],
      ['ticket: issued and called by the point\'s staff', (w) => { first(w.tickets, (t) => t.called_by !== null).called_by = 'nobody'; }],
      ['appointment: at a built, staffed point offering the item, in a session of that day', (w) => { first(w.appointments, () => true).starts = '05:00'; }],
      ['appointment: one active booking per phone, point and day', (w) => {
        const a = first(w.appointments, (x) => x.status === 'booked');
        w.appointments.push({ ...a, id: `${a.id}x`, code: 'ZZZZZZZZ', booked_at: new Date(Date.parse(a.booked_at) + 1000).toISOString() });
      }],
      // A no-show marked 20 minutes into its session: past the old start-based grace, inside the session the booking holds.
      ['appointment: checked in on its day by the session\'s end plus the grace, a no-show only after it', (w) => {
        const a = first(w.appointments, (x) => x.status === 'no_show');
        a.no_show_at = new Date(Date.parse(a.slot_start_at) + 20 * 60_000).toISOString();
      }],
      ['record: made and decided by the point\'s staff', (w) => { first(w.records, () => true).staff_id = 'nobody'; }],
      ['record: at a built point offering the item, on a day it opens', (w) => { first(w.records, () => true).committee_id = 'elsewhere'; }],
      ['record: the guide version in force on its day, its mode', (w) => { first(w.records, () => true).item_version_id = 'another'; }],
      ['record: due at the promised limit on the working-day calendar', (w) => { const r = first(w.records, () => true); r.due_at = new Date(Date.parse(r.due_at) + 86_400_000).toISOString(); }],
      ['record: materials against the checklist; 代办 and 帮办 as the guide allows', (w) => { first(w.records, () => true).deferred_count += 1; }],
      ['record: 收受分离 handed off, returned, then decided; a file at the back office is not decided', (w) => {
        Object.assign(first(w.records, (r) => r.status === 'completed' && r.mode === 'separated'), { returned_at: null });
      }],
      ['record: status, result and delivery fields consistent', (w) => { first(w.records, (r) => r.status === 'completed').delivery = null; }],
      ['record: made while its ticket was served, by who called it', (w) => { first(w.records, () => true).ticket_id = null; }],
      ['record: numbered by the day without gaps; the day\'s counter at the last', (w) => { const r = first(w.records, () => true); r.number = `${r.number}9`; }],
      ['rating: once per record, of its record\'s point, item and staff', (w) => { w.ratings.push({ ...first(w.ratings, () => true), id: 'again' }); }],
      ['rating: within the rating window, not after now', (w) => { const g = first(w.ratings, () => true); g.rated_at = new Date(Date.parse(g.rated_at) - 86_400_000).toISOString(); }],
      ['rating: 差评 (★1–2) and only 差评 open a case', (w) => { first(w.ratings, () => true).level = 1; }],
      ['rating: every 差评 says what went wrong (a comment, not blank)', (w) => { Object.assign(first(w.ratings, () => true), { level: 2, comment: '  ' }); }],
      ['rating: sub-scores of the national scheme, ★1–5', (w) => { first(w.ratings, () => true).scores = JSON.stringify({ speed: 5 }); }],
      ['terminal session: at a built terminal offering the item', (w) => { first(w.terminalSessions, () => true).item_id = 'not-offered'; }],
      ['terminal session: its day, length and report as the terminal endpoint takes them', (w) => { const s = first(w.terminalSessions, () => true); s.finished_at = new Date(Date.parse(s.started_at) - 1000).toISOString(); }],
    ];
    const rules = [...frontOfficeBreaches(net, base).keys()];
    expect(cases.map(([name]) => name).sort()).toEqual([...rules].sort());
    for (const [name, breakIt] of cases) {
      const w = structuredClone(base);
      breakIt(w);
      expect(frontOfficeBreaches(net, w).get(name), name).not.toEqual([]);
    }
  });
});

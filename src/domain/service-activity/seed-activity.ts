import type { BulkSink } from '../../db/bulk-sink.js';
import type { Db } from '../../db/index.js';
import { addDays, shanghaiDate } from '../calendar/office-hours.js';
import { foldPendingEvents } from '../dashboard/fold-events.js';
import { serviceSettings } from '../service-ratings/settings.js';
import { seededRandom } from '../shared/random.js';
import type { FileStore } from '../storage/file-store.js';
import { type LoopTotals, runBadRatingLoops } from './bad-rating-loops.js';
import { loadItemGuides, loadNetworkContext } from './network-context.js';
import { type BadRatingPlan, planSubdistrict } from './plan-records.js';
import { loadTerminalPoints, planTerminalSessions } from './plan-terminal-sessions.js';

/** The demo's four weeks: about 120 records a working day per subdistrict, a few 差评 among them. */
export const DEMO_SERVICE_ACTIVITY = { days: 28, recordsPerDay: 120, badShare: 0.004 };

export interface ActivityOptions {
  days: number;
  /** Records a working day per subdistrict, on average (Hongqiao: about 120) */
  recordsPerDay: number;
  /** Share of ratings that are 差评 */
  badShare: number;
  seed: number;
  now: Date;
  /** Only these subdistricts (default: every one with a built counter) */
  subdistrictIds?: string[];
  onProgress?(done: number, total: number): void;
}

export interface ActivityTotals extends LoopTotals {
  records: number;
  ratings: number;
  appointments: number;
  tickets: number;
  terminalSessions: number;
}

/** Tables the activity fills in bulk; their secondary indexes may be built once after the load. */
export const ACTIVITY_TABLES = ['service_records', 'service_ratings', 'service_appointments', 'service_tickets'];

/**
 * The front office's recent past (or a year of it, for the benchmark), for each subdistrict with a
 * service network: the queue (appointments booked ahead, walk-in tickets, the windows calling and
 * serving, today up to `now` and the coming days' bookings), the records made at the windows and
 * their ratings, planned by planSubdistrict and written through the sink,
 * one transaction per subdistrict; then every 差评 through the domain's own rating, case and
 * follow-up functions. Used by the demo (`npm start`) and by `closeloop seed --scale … --services`.
 * Run once, on a network without records.
 */
export async function seedServiceActivity(db: Db, sink: BulkSink, files: FileStore, o: ActivityOptions): Promise<ActivityTotals> {
  if (await db.selectFrom('service_records').select('id').limit(1).executeTakeFirst()) throw new Error('the network already has service records; seed a fresh database');
  const totals: ActivityTotals = { records: 0, ratings: 0, appointments: 0, tickets: 0, terminalSessions: 0, bad: 0, calledBack: 0, resolved: 0, closed: 0, feedback: 0, appealed: 0, late: 0 };
  const subs = o.subdistrictIds ?? (
    await db.selectFrom('service_points').select('subdistrict_id').distinct().where('kind', 'in', ['centre', 'committee_window', 'building_window']).execute()
  ).map((s) => s.subdistrict_id);
  const ordered = (await db.selectFrom('subdistricts').select(['id', 'code']).orderBy('code').execute()).filter((s) => subs.includes(s.id));
  const items = await loadItemGuides(db);
  const today = shanghaiDate(o.now);
  const from = addDays(today, -o.days);
  const loops: { bad: BadRatingPlan[]; operatorId: string | null; adminId: string | null; seed: number }[] = [];
  for (const [i, s] of ordered.entries()) {
    const ctx = await loadNetworkContext(db, s.id, items, from, today);
    const settings = await serviceSettings(db, s.id);
    const plan = planSubdistrict(seededRandom(o.seed * 31 + Number.parseInt(s.code, 10)), ctx, {
      days: o.days, recordsPerDay: o.recordsPerDay, badShare: o.badShare, ratingWindowDays: settings.ratingWindowDays, now: o.now,
      noShowGraceMinutes: settings.noShowGraceMinutes, ordinal: i,
    });
    const q = plan.queue;
    // The terminals' sessions from a stream of their own, so the windows' plan stays as it was.
    const sessions = planTerminalSessions(seededRandom(o.seed * 37 + Number.parseInt(s.code, 10)), await loadTerminalPoints(db, s.id), { from, today, now: o.now });
    await sink.transaction(async () => {
      await sink.insert('service_records', plan.records as unknown as Record<string, unknown>[]);
      await sink.insert('service_ratings', plan.ratings as unknown as Record<string, unknown>[]);
      await sink.insert('service_record_counters', plan.counters);
      // Tickets name their appointment and record: those first.
      await sink.insert('service_appointments', q.appointments as unknown as Record<string, unknown>[]);
      await sink.insert('service_tickets', q.tickets as unknown as Record<string, unknown>[]);
      await sink.insert('service_ticket_counters', q.ticketCounters as unknown as Record<string, unknown>[]);
      await sink.insert('service_slot_bookings', q.slotBookings as unknown as Record<string, unknown>[]);
      await sink.insert('service_terminal_sessions', sessions as unknown as Record<string, unknown>[]);
    });
    totals.terminalSessions += sessions.length;
    totals.appointments += q.appointments.length;
    totals.tickets += q.tickets.length;
    totals.records += plan.records.length;
    totals.ratings += plan.ratings.length;
    loops.push({ bad: plan.bad, operatorId: ctx.operatorId, adminId: ctx.adminId, seed: o.seed + i });
    o.onProgress?.(i + 1, ordered.length);
  }
  // The sink's transactions are committed: the domain functions see the records.
  for (const l of loops) {
    const t = await runBadRatingLoops(db, files, seededRandom(l.seed * 17 + 5), l.bad, { now: o.now, operatorId: l.operatorId, adminId: l.adminId });
    for (const k of Object.keys(t) as (keyof LoopTotals)[]) totals[k] += t[k];
  }
  // The dashboard's rollups take the 差评 cases' events, as the live job would.
  while ((await foldPendingEvents(db, { now: () => o.now })).length);
  return totals;
}

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselySink } from '../../src/db/bulk-sink.js';
import { addDays, shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { type NetworkContext, loadItemGuides, loadNetworkContext } from '../../src/domain/service-activity/network-context.js';
import { planSubdistrict } from '../../src/domain/service-activity/plan-records.js';
import { seedServiceActivity } from '../../src/domain/service-activity/seed-activity.js';
import { listAppointments } from '../../src/domain/service-queue/appointments.js';
import { markNoShows } from '../../src/domain/service-queue/no-shows.js';
import { sessionsOn } from '../../src/domain/service-queue/slots.js';
import { callNext, listTickets } from '../../src/domain/service-queue/tickets.js';
import { figuresInScope, waitingFigures } from '../../src/domain/service-queue/waiting-figures.js';
import { seededRandom } from '../../src/domain/shared/random.js';
import { filesFor } from '../../src/domain/storage/index.js';
import type { TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { actorOf, servicesContext } from './helpers.js';
import { lastCheckIn } from './front-office-audit.js';
import { brokenQueueRule } from './queue-invariants.js';

const GRACE = 15 * 60_000;
/** "now" anywhere from a May Day holiday week to after National Day, at any minute. */
const FROM = Date.parse('2026-04-28T00:00:00Z');
const TO = Date.parse('2026-10-12T00:00:00Z');

const capacityIn = (ctx: NetworkContext) => {
  const weekly = new Map(ctx.points.map((p) => [p.id, [...p.sessions].flatMap(([weekday, l]) => l.map((s) => ({ weekday, ...s })))]));
  return (pointId: string, day: string, starts: string) => sessionsOn(day, weekly.get(pointId) ?? [], ctx.overrides).find((s) => s.starts === starts)?.capacity;
};

/**
 * The queue the front-office generator writes (appointments, tickets, their counters, the records
 * they lead to) keeps every rule of the live queue code, for any seed and any "now"; the demo's
 * four weeks, written to the database, are the ones the live functions then carry on with.
 */
describe.each(DIALECTS)('front-office queue generator (%s)', (kind) => {
  let ctx: TestContext;
  let net: NetworkContext;
  const now = new Date('2026-05-26T02:30:00Z');
  beforeAll(async () => {
    ctx = await servicesContext(kind);
    const db = ctx.handle.db;
    const hq = (await actorOf(ctx, 'operator')).subdistrictId!;
    net = await loadNetworkContext(db, hq, await loadItemGuides(db), shanghaiDate(FROM - 10 * 86_400_000), shanghaiDate(TO));
    await seedServiceActivity(db, kyselySink(db), filesFor(ctx.deps.config), { days: 14, recordsPerDay: 120, badShare: 0, seed: 11, now });
    ctx.clock.set(now);
  }, 120_000);
  afterAll(async () => ctx?.close());

  it('property: for any seed and any now, bookings stay within capacity, ticket instants are ordered up to now, numbers have no gaps, links agree', () => {
    const capacity = capacityIn(net);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: FROM / 60_000, max: TO / 60_000 }), (seed, minute) => {
        const at = new Date(minute * 60_000);
        const plan = planSubdistrict(seededRandom(seed), net, { days: 5, recordsPerDay: 120, badShare: 0.01, ratingWindowDays: 7, now: at, noShowGraceMinutes: GRACE / 60_000 });
        expect(brokenQueueRule({ ...plan.queue, records: plan.records, capacity, now: at, graceMs: GRACE }) ?? 'none').toBe('none');
        // Every record came through the queue.
        expect(plan.records.every((r) => r.ticket_id !== null)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('property: a busy day seen at any minute of it (Hongqiao at three times its load) never shows an impossible queue', () => {
    const capacity = capacityIn(net);
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 24 * 60 - 1 }), (seed, minute) => {
        // Tuesday 2026-05-26, Shanghai time, at any minute from midnight to midnight.
        const at = new Date(Date.parse('2026-05-25T16:00:00Z') + minute * 60_000);
        const plan = planSubdistrict(seededRandom(seed), net, { days: 1, recordsPerDay: 360, badShare: 0, ratingWindowDays: 7, now: at, noShowGraceMinutes: GRACE / 60_000 });
        expect(brokenQueueRule({ ...plan.queue, records: plan.records, capacity, now: at, graceMs: GRACE }) ?? 'none').toBe('none');
        for (const t of plan.queue.tickets) seen.add(t.status);
        for (const a of plan.queue.appointments) seen.add(`appointment ${a.status}`);
      }),
      { numRuns: 25, examples: [[1, 10 * 60 + 20], [2, 12 * 60 + 5], [3, 15 * 60]] },
    );
    // A day in the middle: people waiting, called, being served, done; bookings of every kind.
    for (const s of ['waiting', 'called', 'serving', 'done', 'skipped', 'appointment booked', 'appointment checked_in', 'appointment no_show', 'appointment cancelled']) expect(seen).toContain(s);
  });

  it('is deterministic: the same seed and now plan the same queue', () => {
    const o = { days: 5, recordsPerDay: 120, badShare: 0, ratingWindowDays: 7, now };
    const strip = (p: ReturnType<typeof planSubdistrict>) => ({ ...p.queue, appointments: p.queue.appointments.map(({ token_hash: _, ...a }) => a) });
    expect(strip(planSubdistrict(seededRandom(5), net, o))).toEqual(strip(planSubdistrict(seededRandom(5), net, o)));
  });

  it('written to the database: the same rules hold, and the live queue carries on from it', async () => {
    const db = ctx.handle.db;
    const capacity = capacityIn(net);
    // Hongqiao's front office (the network context knows its sessions).
    const mine = new Set(net.points.map((p) => p.id));
    const world = {
      appointments: await db.selectFrom('service_appointments').selectAll().where('subdistrict_id', '=', net.subdistrictId).execute(),
      tickets: await db.selectFrom('service_tickets').selectAll().where('subdistrict_id', '=', net.subdistrictId).execute(),
      ticketCounters: (await db.selectFrom('service_ticket_counters').selectAll().execute()).filter((c) => mine.has(c.point_id)).map((c) => ({ ...c, last: Number(c.last) })),
      slotBookings: (await db.selectFrom('service_slot_bookings').selectAll().execute()).filter((c) => mine.has(c.point_id)).map((s) => ({ ...s, booked: Number(s.booked) })),
      records: await db.selectFrom('service_records').select(['id', 'point_id', 'item_id', 'staff_id', 'accepted_at', 'ticket_id', 'appointment_id']).where('subdistrict_id', '=', net.subdistrictId).execute(),
    };
    const norm = <T extends { seq?: number }>(xs: T[]) => xs.map((x) => (x.seq === undefined ? x : { ...x, seq: Number(x.seq) }));
    expect(brokenQueueRule({ ...world, tickets: norm(world.tickets), capacity, now, graceMs: GRACE }) ?? 'none').toBe('none');
    expect(world.tickets.length).toBeGreaterThan(world.records.length);
    expect(world.appointments.some((a) => a.day > shanghaiDate(now) && a.status === 'booked')).toBe(true);

    // The no-show round finds at most what came due since the generator's last round.
    expect(await markNoShows(db, ctx.clock)).toBeLessThanOrEqual(world.appointments.filter((a) => a.status === 'booked' && lastCheckIn(a, GRACE) < now.getTime()).length);
    expect(await markNoShows(db, ctx.clock)).toBe(0);

    // Today at the centre (a Tuesday, 10:30): calling the next ticket takes the first waiting by the rule.
    const operator = await actorOf(ctx, 'operator');
    const centre = net.points.find((p) => p.kind === 'centre')!;
    const clerk = await actorOf(ctx, 'window1');
    const queue = await listTickets(db, ctx.clock, operator, { pointId: centre.id });
    expect(queue.others.length).toBeGreaterThan(0);
    if (queue.waiting.length) {
      const called = await db.transaction().execute((trx) => callNext(trx, ctx.clock, clerk, { pointId: centre.id }));
      expect(called?.id).toBe(queue.waiting[0]!.id);
    }

    // The figures are there, and plausible: the building windows' lunch queue is the longest.
    const figures = await waitingFigures(db, ctx.clock, operator, { from: addDays(shanghaiDate(now), -13), to: shanghaiDate(now) });
    expect(figures.byPoint.length).toBeGreaterThan(20);
    const median = (kind: string, f: 'waitMedianS' | 'serviceMedianS') => {
      const ids = new Set(net.points.filter((p) => p.kind === kind).map((p) => p.id));
      const xs = figures.byPoint.filter((r) => ids.has(r.pointId) && r[f] !== null).map((r) => r[f]!).sort((a, b) => a - b);
      return xs[xs.length >> 1]!;
    };
    expect(median('building_window', 'waitMedianS')).toBeGreaterThan(10 * 60);
    expect(median('building_window', 'waitMedianS')).toBeLessThan(60 * 60);
    expect(median('centre', 'waitMedianS')).toBeLessThan(median('building_window', 'waitMedianS'));
    expect(median('centre', 'serviceMedianS')).toBeGreaterThan(2 * 60);
    expect(median('centre', 'serviceMedianS')).toBeLessThan(12 * 60);
    const terminalItem = [...net.items.values()].find((g) => g.versions[0]!.terminal && g.versions[0]!.promised_limit_days === 0)!;
    const quick = await waitingFigures(db, ctx.clock, operator, { from: addDays(shanghaiDate(now), -13), to: shanghaiDate(now), itemId: terminalItem.itemId });
    const services = quick.byItem.filter((r) => r.serviceMedianS !== null).map((r) => r.serviceMedianS!);
    expect(services.length).toBeGreaterThan(0);
    expect(Math.max(...services)).toBeLessThanOrEqual(450);
  });

  it('property: the waiting figures walked page by page, at any page size, are the unpaged figures', async () => {
    const operator = await actorOf(ctx, 'operator');
    const range = { from: addDays(shanghaiDate(now), -13), to: shanghaiDate(now) };
    const whole = await figuresInScope(ctx.handle.db, ctx.clock, operator, range);
    const points = new Set(whole.byPoint.map((r) => r.pointId));
    expect(points.size).toBeGreaterThan(20);
    const key = (r: { pointId: string; day: string; itemId: string | null }) => `${r.pointId} ${r.day} ${r.itemId ?? ''}`;
    const sorted = <T extends { pointId: string; day: string; itemId: string | null }>(rows: T[]) => [...rows].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: points.size + 2 }), async (limit) => {
        const byItem = [];
        const byPoint = [];
        let after: string | undefined;
        let pages = 0;
        let last = '';
        for (;;) {
          const page = await waitingFigures(ctx.handle.db, ctx.clock, operator, { ...range, limit, ...(after ? { after } : {}) });
          pages++;
          const ids = [...new Set(page.byPoint.map((r) => r.pointId))];
          expect(ids.length).toBeLessThanOrEqual(limit);
          // Pages follow each other in point id order, never repeating a point.
          for (const id of ids) expect(id > last).toBe(true);
          byItem.push(...page.byItem);
          byPoint.push(...page.byPoint);
          if (!page.nextCursor) break;
          expect(page.nextCursor >= (ids.at(-1) ?? '')).toBe(true);
          last = after = page.nextCursor;
        }
        expect(pages).toBeGreaterThanOrEqual(Math.ceil(points.size / limit));
        expect(sorted(byItem)).toEqual(sorted(whole.byItem));
        expect(sorted(byPoint)).toEqual(sorted(whole.byPoint));
      }),
      { numRuns: 6, examples: [[1], [points.size]] },
    );
  });
  it('property: a day\'s appointments and tickets walked page by page, at any page size, are the whole day once, in order', async () => {
    const operator = await actorOf(ctx, 'operator');
    const day = addDays(shanghaiDate(now), -1);
    const wholeA = await listAppointments(ctx.handle.db, ctx.clock, operator, { day }, { limit: 2000 });
    const wholeT = await listTickets(ctx.handle.db, ctx.clock, operator, { day }, { limit: 2000 });
    expect(wholeA.nextCursor).toBeNull();
    expect(wholeT.nextCursor).toBeNull();
    const apptKey = (a: { slotStartAt: string; bookedAt: string; id: string }) => `${a.slotStartAt} ${a.bookedAt} ${a.id}`;
    const ticketKey = (t: { pointId: string; seq: number }) => `${t.pointId} ${String(t.seq).padStart(6, '0')}`;
    const tickets = [...wholeT.waiting, ...wholeT.others];
    expect(wholeA.items.length).toBeGreaterThan(10);
    expect(tickets.length).toBeGreaterThan(10);
    // The unpaged day is in slot order (then booking order), no appointment twice.
    const keysA = wholeA.items.map(apptKey);
    expect(keysA).toEqual([...keysA].sort());
    expect(new Set(keysA).size).toBe(keysA.length);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: Math.max(wholeA.items.length, tickets.length) + 2 }), async (limit) => {
        const seenA: string[] = [];
        let after: string | null = null;
        do {
          const page: Awaited<ReturnType<typeof listAppointments>> = await listAppointments(ctx.handle.db, ctx.clock, operator, { day }, { limit, ...(after ? { after } : {}) });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seenA.push(...page.items.map(apptKey));
          after = page.nextCursor;
        } while (after);
        expect(seenA).toEqual(keysA);
        const seenT: string[] = [];
        after = null;
        do {
          const page: Awaited<ReturnType<typeof listTickets>> = await listTickets(ctx.handle.db, ctx.clock, operator, { day }, { limit, ...(after ? { after } : {}) });
          const keys = [...page.waiting, ...page.others].map(ticketKey).sort();
          expect(keys.length).toBeLessThanOrEqual(limit);
          // Pages follow each other by point and order of issue.
          if (seenT.length && keys.length) expect(keys[0]! > seenT.at(-1)!).toBe(true);
          seenT.push(...keys);
          after = page.nextCursor;
        } while (after);
        expect(seenT).toEqual(tickets.map(ticketKey).sort());
      }),
      { numRuns: 5, examples: [[1], [wholeA.items.length], [tickets.length - 1]] },
    );
    await expect(listAppointments(ctx.handle.db, ctx.clock, operator, { day }, { after: 'bm9wZQ' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(listTickets(ctx.handle.db, ctx.clock, operator, { day }, { limit: 2001 })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AppointmentRow, type SessionRow, type TicketRow, figuresOf, median, percentile } from '../../src/domain/service-queue/waiting-figures.js';

/**
 * The figures computed the plain way (a map per grouping, median() and percentile() per row,
 * String#localeCompare in the sort): figuresOf must answer exactly this, rows and order.
 */
function reference(tickets: TicketRow[], sessions: SessionRow[], appointments: AppointmentRow[]) {
  type Acc = { pointId: string; itemId: string | null; day: string; tickets: number; walkIns: number; called: number; served: number; skipped: number; waits: number[]; services: number[]; appointments: number; checkedIn: number; noShows: number; cancelled: number; selfService: number };
  const blank = (pointId: string, itemId: string | null, day: string): Acc => ({ pointId, itemId, day, tickets: 0, walkIns: 0, called: 0, served: 0, skipped: 0, waits: [], services: [], appointments: 0, checkedIn: 0, noShows: 0, cancelled: 0, selfService: 0 });
  const s = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
  const byItem = new Map<string, Acc>();
  const byPoint = new Map<string, Acc>();
  const accs = (p: string, i: string, d: string) => {
    if (!byItem.has(`${p}|${i}|${d}`)) byItem.set(`${p}|${i}|${d}`, blank(p, i, d));
    if (!byPoint.has(`${p}|${d}`)) byPoint.set(`${p}|${d}`, blank(p, null, d));
    return [byItem.get(`${p}|${i}|${d}`)!, byPoint.get(`${p}|${d}`)!];
  };
  for (const t of tickets) {
    for (const a of accs(t.point_id, t.item_id, t.day)) {
      a.tickets++;
      if (t.source === 'walk_in') a.walkIns++;
      if (t.called_at) {
        a.called++;
        a.waits.push(s(t.issued_at, t.called_at));
      }
      if (t.status === 'skipped') a.skipped++;
      if (t.status === 'done' && t.started_at && t.finished_at) {
        a.served++;
        a.services.push(s(t.started_at, t.finished_at));
      }
    }
  }
  for (const x of sessions) {
    for (const a of accs(x.point_id, x.item_id, x.day)) {
      a.served++;
      a.selfService++;
      a.services.push(s(x.started_at, x.finished_at));
    }
  }
  for (const ap of appointments) {
    for (const a of accs(ap.point_id, ap.item_id, ap.day)) {
      if (ap.status === 'cancelled') a.cancelled++;
      else a.appointments++;
      if (ap.status === 'checked_in') a.checkedIn++;
      if (ap.status === 'no_show') a.noShows++;
    }
  }
  const out = ({ waits, services, ...a }: Acc) => ({
    pointId: a.pointId, itemId: a.itemId, day: a.day, tickets: a.tickets, walkIns: a.walkIns, called: a.called, served: a.served, skipped: a.skipped,
    waitMedianS: median(waits), waitP90S: percentile(waits, 90), serviceMedianS: median(services), serviceP90S: percentile(services, 90),
    appointments: a.appointments, checkedIn: a.checkedIn, noShows: a.noShows, cancelled: a.cancelled, selfService: a.selfService,
  });
  const order = (x: Acc, y: Acc) => x.day.localeCompare(y.day) || x.pointId.localeCompare(y.pointId) || (x.itemId ?? '').localeCompare(y.itemId ?? '');
  return { byItem: [...byItem.values()].sort(order).map(out), byPoint: [...byPoint.values()].sort(order).map(out) };
}

// Ids as the tests and the product write them: uuids, codes in either case, accents, a hyphen.
const id = fc.constantFrom('01a244ad-2833-7e82-9494-b109e56fa44a', '01a244ad-2797-7a5f-9bdb-872dc0969b4d', 'p1', 'P1', 'p-2', 'p10', 'item-a', 'Item-B', 'é', 'e', 'z');
const day = fc.constantFrom('2026-05-25', '2026-05-26', '2026-06-01');
const instant = fc.integer({ min: 0, max: 4 * 3600_000 }).map((ms) => new Date(Date.parse('2026-05-26T01:00:00.000Z') + ms).toISOString());
const ticket = fc.record({
  point_id: id, item_id: id, day, source: fc.constantFrom('walk_in', 'appointment'), status: fc.constantFrom('waiting', 'called', 'serving', 'done', 'skipped'),
  issued_at: instant, called_at: fc.option(instant), started_at: fc.option(instant), finished_at: fc.option(instant),
});
const session = fc.record({ point_id: id, item_id: id, day, started_at: instant, finished_at: instant });
const appointment = fc.record({ point_id: id, item_id: id, day, status: fc.constantFrom('booked', 'checked_in', 'no_show', 'cancelled') });

describe('waiting figures: the fast aggregation answers what the plain one does', () => {
  it('same rows, values and order for any tickets, sessions and appointments (property)', () => {
    fc.assert(
      fc.property(fc.array(ticket, { maxLength: 60 }), fc.array(session, { maxLength: 30 }), fc.array(appointment, { maxLength: 30 }), (t, s, a) => {
        expect(figuresOf(t, s, a)).toStrictEqual(reference(t, s, a));
      }),
      { numRuns: 300 },
    );
  });
  it('a point with two items over two days, by hand', () => {
    const t = (point_id: string, item_id: string, d: string, issued: string, called: string | null): TicketRow => ({
      point_id, item_id, day: d, source: 'walk_in', status: called ? 'called' : 'waiting', issued_at: `${d}T01:00:00.000Z`, called_at: called && `${d}T${called}Z`, started_at: null, finished_at: null,
    });
    const f = figuresOf([t('p2', 'b', '2026-05-26', '', '01:05:00.000'), t('p1', 'b', '2026-05-26', '', '01:01:00.000'), t('p1', 'a', '2026-05-25', '', null)], [], []);
    expect(f.byItem.map((r) => [r.day, r.pointId, r.itemId, r.waitMedianS])).toEqual([['2026-05-25', 'p1', 'a', null], ['2026-05-26', 'p1', 'b', 60], ['2026-05-26', 'p2', 'b', 300]]);
    expect(f.byPoint.map((r) => [r.day, r.pointId, r.tickets, r.called])).toEqual([['2026-05-25', 'p1', 1, 0], ['2026-05-26', 'p1', 1, 1], ['2026-05-26', 'p2', 1, 1]]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visit, type CallName } from '../../scripts/bench/services-visit.js';
import { windowPoints } from '../../src/domain/service-network/window-points.js';
import type { DialectKind } from '../../src/db/index.js';
import { DIALECTS } from '../helpers/db.js';
import { recordingStatements } from '../helpers/statements.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { actorOf, itemByName, servicesContext } from './helpers.js';

/**
 * The window calls run thousands of times a minute citywide (`npm run bench:services`): each sends a
 * bounded number of statements to the database. Counted at the driver, per call of one whole visit
 * as the bench plays it: every statement executed, the request's session look-up included; not the
 * transaction's own (BEGIN, SAVEPOINT, RELEASE, COMMIT: SQLite's group commit sends four, PostgreSQL
 * two) nor PostgreSQL's change notice, which differ by engine. Every call of the visit has its budget,
 * the exact count today: a call that grows by a statement fails here. On PostgreSQL a signed-in
 * call's session look-up is answered from the session cache (one fewer; the test's clock stands
 * still), and a booking takes its locks (see `book`).
 */
const BUDGET: Record<CallName, number | Record<DialectKind, number>> = {
  // The public rate limit's count; the point with the item; its weekly sessions; the calendar's
  // overrides; what the sessions have booked.
  slots: 5,
  // The rate limit's count; the point with the item; its sessions; the calendar's overrides; the
  // phone's live booking with the item's names; the place taken; the insert. PostgreSQL besides
  // takes its locks in two statements (the bookings' and the point's; the subdistrict's and the phone's).
  book: { sqlite: 7, postgres: 9 },
  // The rate limit's count; the booking by its link with its point's and item's names; the
  // conditional update; the place given back.
  cancel: 4,
  // The session look-up; the booking by its code in the caller's scope.
  lookup: { sqlite: 2, postgres: 1 },
  // The session look-up; the booking with its point, staff row, settings and ticket prefix; both
  // ticket counters in one upsert; the ticket; the conditional update.
  checkIn: { sqlite: 5, postgres: 4 },
  // The session look-up; the point with the caller's staff row and the item's ticket prefix; both
  // ticket counters in one upsert; the ticket.
  walkIn: { sqlite: 4, postgres: 3 },
  // The session look-up; the point with the caller's staff row; the rule's first waiting ticket
  // taken by one conditional update.
  callNext: { sqlite: 3, postgres: 2 },
  // The session look-up; the ticket with the staff row; the conditional update.
  start: { sqlite: 3, postgres: 2 },
  // The session look-up; the point with the caller's staff row and the item; the guide version in
  // effect with the ticket, the booking and the settings the record needs; the record number; the
  // insert (the calendar too for an item with a promised limit in working days: not this one, 即办).
  record: { sqlite: 5, postgres: 4 },
  // The session look-up; the record with its point and staff row; the update.
  complete: { sqlite: 3, postgres: 2 },
  // The session look-up; the ticket with the staff row; the record named; the update.
  finish: { sqlite: 4, postgres: 3 },
};

/** Counts every statement the process sends to either engine while `run` runs (see above). */
const counting = <T>(run: (count: () => number) => Promise<T>): Promise<T> =>
  recordingStatements((sent) => run(() => sent().filter((s) => !s.transaction && !s.notice).length));

describe.each(DIALECTS)('statements per window call of a front-office visit (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  it('every call of a visit, on the public page and at the window, sends at most its budget of statements', async () => {
    const cadre = await signInAs(ctx.app, 'cadre01');
    const [window] = (await windowPoints(ctx.handle.db, await actorOf(ctx, 'cadre01'))).items;
    const item = await itemByName(ctx, '居住证签注');
    const slots = await ctx.app.inject({ url: `/api/public/slots?pointId=${window!.id}&itemId=${item.id}&days=7` });
    expect(slots.statusCode, slots.body).toBe(200);
    const slot = (slots.json().slots as { day: string; starts: string; startAt: string; left: number }[])
      .find((x) => x.left > 3 && x.day === slots.json().slots[0].day && Date.parse(x.startAt) > ctx.clock.now().getTime());
    expect(slot, 'a bookable session today at the window').toBeDefined();
    const client = {
      request: async (method: string, url: string, o: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
        const res = await ctx.app.inject({ method: method as 'GET' | 'POST', url, headers: { ...o.headers, ...(o.cookie ? { cookie: o.cookie } : {}) }, ...(o.body === undefined ? {} : { payload: o.body as object }) });
        return { status: res.statusCode, json: res.body ? res.json() : null };
      },
      close: () => {},
    };
    // Per call name, the statements of each time it was called.
    const sent = new Map<CallName, number[]>();
    await counting(async (count) => {
      for (const seq of [1, 2]) {
        await visit({
          client, cookie: cadre, pointId: window!.id, itemId: item.id, day: slot!.day, starts: slot!.starts,
          measure: async (name, res, expected) => {
            const before = count();
            const r = await res;
            expect(r.status, `${name}: ${JSON.stringify(r.json)}`).toBe(expected);
            if (seq === 2) sent.set(name, [...(sent.get(name) ?? []), count() - before]);
            return r.json;
          },
        }, seq);
      }
    });
    // The whole second visit was played.
    expect([...sent.values()].flat()).toHaveLength(15);
    for (const [name, budget] of Object.entries(BUDGET) as [CallName, number | Record<DialectKind, number>][]) {
      const most = Math.max(...sent.get(name)!);
      expect(most, `${name}: ${JSON.stringify(Object.fromEntries(sent))}`).toBeLessThanOrEqual(typeof budget === 'number' ? budget : budget[kind]);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOverrides } from '../../src/domain/calendar/working-days.js';
import { pointSessions, sessionsOn } from '../../src/domain/service-queue/slots.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { servicesContext } from './helpers.js';

/** Yesterday (never cancelled: only bookings from today on are), today (Tue 26 May 2026, Shanghai) and the next nine days. */
const DAYS = ['2026-05-25', '2026-05-26', '2026-05-27', '2026-05-28', '2026-05-29', '2026-05-30', '2026-05-31', '2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04'];

describe.each(DIALECTS)('a year import cancels the bookings it leaves unserved, and its preview says how many (%s)', (kind) => {
  let ctx: TestContext;
  let hq: string;
  let seq = 0;

  beforeAll(async () => {
    ctx = await servicesContext(kind);
    hq = (await ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
  }, 60_000);
  afterAll(async () => ctx?.close());

  /** Books every session every built point offers on DAYS under today's calendar (an item the point offers). */
  async function bookEverything() {
    const db = ctx.handle.db;
    await db.deleteFrom('service_appointments').execute();
    const points = await db.selectFrom('service_points').select(['id', 'subdistrict_id', 'committee_id']).where('status', '=', 'built').execute();
    const rows = [];
    for (const p of points) {
      const item = await db.selectFrom('service_point_items').select('item_id').where('point_id', '=', p.id).orderBy('item_id').executeTakeFirst();
      if (!item) continue;
      const week = await pointSessions(db, p.id);
      const calendar = await loadOverrides(db, DAYS[0]!, DAYS[DAYS.length - 1]!, p.subdistrict_id);
      for (const day of DAYS) {
        for (const s of sessionsOn(day, week, calendar)) {
          const n = seq++;
          rows.push({
            id: newId(), code: `YI${String(n).padStart(6, '0')}`, token_hash: newId(), subdistrict_id: p.subdistrict_id, committee_id: p.committee_id, point_id: p.id,
            item_id: item.item_id, day, starts: s.starts, ends: s.ends, slot_start_at: `${day}T01:00:00.000Z`, name: '测试', phone: `137${String(n).padStart(8, '0')}`,
            status: 'booked' as const, booked_at: '2026-05-20T00:00:00.000Z', cancelled_at: null, checked_in_at: null, checked_in_by: null, no_show_at: null, ticket_id: null,
          });
        }
      }
    }
    for (let i = 0; i < rows.length; i += 100) await db.insertInto('service_appointments').values(rows.slice(i, i + 100)).execute();
    return rows;
  }

  const booked = async () =>
    (await ctx.handle.db.selectFrom('service_appointments').select('id').where('status', '=', 'booked').orderBy('id').execute()).map((r) => r.id);

  /** The bookings from today on whose day, under the calendar now in force, no longer offers their session. */
  async function unservedNow(rows: Awaited<ReturnType<typeof bookEverything>>) {
    const db = ctx.handle.db;
    const out: string[] = [];
    for (const a of rows) {
      if (a.day < '2026-05-26') continue;
      const offered = sessionsOn(a.day, await pointSessions(db, a.point_id), await loadOverrides(db, a.day, a.day, a.subdistrict_id));
      if (!offered.some((s) => s.starts === a.starts)) out.push(a.id);
    }
    return out.sort();
  }

  it.each([
    {
      // A subdistrict's import: a typhoon day, a long weekend, a Sunday made a workday; its earlier
      // make-up Saturday (not in the schedule) is replaced, so that Saturday's weekday sessions go.
      who: 'admin', scope: 'hq', before: [{ date: '2026-05-30', kind: 'workday' as const }],
      schedule: '2026-05-25 休 昨日\n2026-05-28 休 台风\n2026-06-01..2026-06-02 休 测试\n2026-05-31 班 调休',
    },
    {
      // The district's import, for every subdistrict: other days, another make-up day.
      who: 'district-admin', scope: null, before: [],
      schedule: '2026-05-26..2026-05-27 休 全区停办\n2026-06-03 休 测试\n2026-05-30 班 调休',
    },
  ])('$who: the preview counts exactly the bookings the import then cancels, by the same rule, and cancels none itself', async ({ who, scope, before, schedule }) => {
    const db = ctx.handle.db;
    const subdistrictId = scope === 'hq' ? hq : null;
    await db.deleteFrom('calendar_overrides').execute();
    const at = '2026-05-20T00:00:00.000Z';
    for (const o of before) await db.insertInto('calendar_overrides').values({ id: newId(), subdistrict_id: subdistrictId, date: o.date, kind: o.kind, note: '测试', created_by: null, created_at: at, updated_at: at }).execute();
    const rows = await bookEverything();
    const all = await booked();
    const cookie = await signInAs(ctx.app, who);
    const body = { schedule, ...(subdistrictId ? { subdistrictId } : {}) };

    const preview = await ctx.app.inject({ method: 'POST', url: '/api/calendar/years/2026/preview', headers: { cookie }, payload: body });
    expect(preview.statusCode).toBe(200);
    expect(await booked()).toEqual(all);

    const applied = await ctx.app.inject({ method: 'POST', url: '/api/calendar/years/2026', headers: { cookie }, payload: body });
    expect(applied.statusCode).toBe(200);
    const left = new Set(await booked());
    const cancelled = all.filter((id) => !left.has(id)).sort();
    expect(cancelled).toEqual(await unservedNow(rows));
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled.length).toBeLessThan(all.length);
    expect(preview.json()).toMatchObject({ applied: false, cancelledBookings: cancelled.length });
    expect(applied.json()).toMatchObject({ applied: true, cancelledBookings: cancelled.length });
    const reasons = await db.selectFrom('service_appointments').select('cancel_reason').where('id', 'in', cancelled).execute();
    expect(new Set(reasons.map((r) => r.cancel_reason))).toEqual(new Set(['holiday']));
  });
});

import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoWeekday } from '../../src/domain/service-queue/slots.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { itemByName, pointByCode, ratingRow, recordToClone, servicesContext } from './helpers.js';

describe('which days a point opens', () => {
  it('weekdays by the ISO calendar', () => {
    expect(['2026-05-25', '2026-05-26', '2026-05-30', '2026-05-31'].map(isoWeekday)).toEqual([1, 2, 6, 7]);
  });
});

describe.each(DIALECTS)("a point's public page (%s)", (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  const get = (url: string) => ctx.app.inject({ method: 'GET', url });

  it('a committee window: name, kind, address, sessions today and the next six days (a holiday closed), items by category, no staff', async () => {
    const db = ctx.handle.db;
    const point = await pointByCode(ctx, 'YW008-CW01');
    // Thursday 2026-05-28 is made a day off for Hongqiao (the clock reads Tuesday 2026-05-26).
    const at = ctx.clock.now().toISOString();
    await db.insertInto('calendar_overrides').values({ id: newId(), subdistrict_id: point.subdistrict_id, date: '2026-05-28', kind: 'holiday', note: 'test', created_by: null, created_at: at, updated_at: at }).execute();
    const res = await get('/api/public/points/YW008-CW01');
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json();
    expect(page).toMatchObject({ code: 'YW008-CW01', name: point.name, kind: 'committee_window', status: 'built', address: point.address, today: '2026-05-26' });
    expect(page.days.map((d: { date: string }) => d.date)).toEqual(['2026-05-26', '2026-05-27', '2026-05-28', '2026-05-29', '2026-05-30', '2026-05-31', '2026-06-01']);
    const byDate = new Map(page.days.map((d: { date: string }) => [d.date, d]));
    expect(byDate.get('2026-05-26')).toEqual({ date: '2026-05-26', weekday: 2, holiday: false, sessions: [{ starts: '09:00', ends: '11:30' }, { starts: '13:30', ends: '16:30' }] });
    expect(byDate.get('2026-05-28')).toMatchObject({ holiday: true, sessions: [] });
    expect(byDate.get('2026-05-30')).toMatchObject({ holiday: false, sessions: [] }); // committee windows: weekdays only
    // Every item the point offers, grouped by category in catalogue order; each with its guide summary.
    const offered = await db.selectFrom('service_point_items').select('item_id').where('point_id', '=', point.id).execute();
    expect(page.itemCount).toBe(offered.length);
    expect(page.categories.flatMap((c: { items: unknown[] }) => c.items)).toHaveLength(offered.length);
    expect(page.categories[0]).toMatchObject({ code: '01', nameZh: '户籍居住' });
    const permit = await itemByName(ctx, '居住证签注');
    const line = page.categories[0].items.find((i: { id: string }) => i.id === permit.id);
    expect(line).toMatchObject({ nameZh: '居住证签注', promisedLimitDays: permit.promised_limit_days });
    expect(line.fee).toBeTruthy();
    // A phone that accepts gzip gets the same answer gzipped (a slow link).
    const gz = await ctx.app.inject({ method: 'GET', url: '/api/public/points/YW008-CW01', headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.rawPayload.length).toBeLessThan(res.rawPayload.length / 3);
    expect(JSON.parse(zlib.gunzipSync(gz.rawPayload).toString('utf8'))).toEqual(page);
    // No one's name: the point's staff are not on the public page.
    const staff = await db.selectFrom('service_point_staff').innerJoin('users', 'users.id', 'service_point_staff.user_id').select(['users.display_name', 'users.username']).where('point_id', '=', point.id).execute();
    expect(staff.length).toBeGreaterThan(0);
    for (const s of staff) {
      expect(res.body).not.toContain(s.display_name);
      expect(res.body).not.toContain(s.username);
    }
  });

  it('shows the sessions the booking rule offers: Monday\'s on a make-up Saturday (调休), none on a public holiday, a weekend one included', async () => {
    const before = ctx.clock.now().toISOString();
    try {
      for (const [now, code, expected] of [
        // Wednesday 2026-05-06: Saturday 05-09 is a make-up workday; a committee window opens with Monday's sessions.
        ['2026-05-06T00:00:00Z', 'YW008-CW01', { '2026-05-09': ['09:00', '13:30'], '2026-05-10': [] }],
        // Thursday 2026-04-30: 劳动节 from Friday 05-01 to Tuesday 05-05; the centre's Saturday morning is off too.
        ['2026-04-30T00:00:00Z', 'YW008-CTR', { '2026-05-01': [], '2026-05-02': [] }],
      ] as const) {
        ctx.clock.set(now);
        const page = (await get(`/api/public/points/${code}`)).json();
        const point = await pointByCode(ctx, code);
        const item = page.categories[0].items[0];
        const res = await get(`/api/public/slots?pointId=${point.id}&itemId=${item.id}&days=7`);
        expect(res.statusCode, res.body).toBe(200);
        const bookable = new Map<string, string[]>();
        for (const s of res.json().slots as { day: string; starts: string }[]) bookable.set(s.day, [...(bookable.get(s.day) ?? []), s.starts]);
        for (const d of page.days as { date: string; holiday: boolean; sessions: { starts: string }[] }[]) {
          expect(d.sessions.map((s) => s.starts), d.date).toEqual(bookable.get(d.date) ?? []);
        }
        const byDate = new Map((page.days as { date: string; holiday: boolean; sessions: { starts: string }[] }[]).map((d) => [d.date, d]));
        for (const [date, starts] of Object.entries(expected)) expect(byDate.get(date)?.sessions.map((s) => s.starts), date).toEqual(starts);
        if (code === 'YW008-CTR') expect([byDate.get('2026-05-01')?.holiday, byDate.get('2026-05-02')?.holiday]).toEqual([true, true]);
        else expect(byDate.get('2026-05-09')?.holiday).toBe(false);
      }
    } finally {
      ctx.clock.set(before);
    }
  });

  it("an item's guide at the point: materials, limits, fees; an item the point does not offer, or an unknown point, is 404", async () => {
    const permit = await itemByName(ctx, '居住证签注');
    const res = await get(`/api/public/points/YW008-CW01/items/${permit.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const guide = res.json();
    expect(guide).toMatchObject({ id: permit.id, nameZh: '居住证签注', promisedLimitDays: permit.promised_limit_days });
    expect(guide.materials).toEqual(JSON.parse(permit.materials).map((m: Record<string, unknown>) => ({ name: m.name, form: m.form, copies: m.copies, eLicenceExempt: m.eLicenceExempt, deferrable: m.deferrable, note: m.note })));
    // A self-service terminal offers only the terminal items.
    const terminal = await pointByCode(ctx, 'YW008-T1');
    const notAtTerminal = await ctx.handle.db.selectFrom('service_items').select('id')
      .where('id', 'not in', ctx.handle.db.selectFrom('service_point_items').select('item_id').where('point_id', '=', terminal.id)).executeTakeFirstOrThrow();
    expect((await get(`/api/public/points/YW008-T1/items/${notAtTerminal.id}`)).statusCode).toBe(404);
    expect((await get('/api/public/points/NO-SUCH-POINT')).json()).toMatchObject({ error: { code: 'not_found' } });
    const bad = await get('/api/public/points/%3Cscript%3E');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields[0]).toMatchObject({ field: 'code' });
  });

  it('a planned self-service zone says when it is due and offers nothing yet', async () => {
    const zone = await ctx.handle.db.selectFrom('service_points').select('code').where('status', '=', 'planned').orderBy('code').executeTakeFirstOrThrow();
    const page = (await get(`/api/public/points/${zone.code}`)).json();
    expect(page).toMatchObject({ status: 'planned', itemCount: 0, categories: [] });
    expect(page.targetOn).toBeTruthy();
    expect(page.days.every((d: { sessions: unknown[] }) => d.sessions.length === 0)).toBe(true);
  });

  it('publishes the point\'s 好评率 of the last 90 days: counts only, voided and older ratings left out, other points\' not counted', async () => {
    const db = ctx.handle.db;
    const point = await pointByCode(ctx, 'YW008-CW02');
    const other = await pointByCode(ctx, 'YW008-CW03');
    const before = (await get('/api/public/points/YW008-CW02')).json().ratings;
    expect(before).toMatchObject({ days: 90 });
    const item = await itemByName(ctx, '居住证签注');
    const staff = await db.selectFrom('users').select('id').where('username', '=', 'cadre02').executeTakeFirstOrThrow();
    const source = await recordToClone(ctx);
    const now = ctx.clock.now().getTime();
    const cases: [typeof point, number, number, boolean][] = [
      // point, level, days ago, voided
      [point, 5, 1, false], [point, 4, 30, false], [point, 3, 89, false], [point, 1, 2, false],
      [point, 2, 3, true], [point, 5, 91, false], [other, 1, 1, false],
    ];
    for (const [ratedPoint, level, daysAgo, voided] of cases) {
      const [recordId] = await source.clone(1);
      const at = new Date(now - daysAgo * 86_400_000).toISOString();
      await db.insertInto('service_ratings').values(ratingRow({ recordId: recordId!, point: ratedPoint, itemId: item.id, staffId: staff.id, level, at, voided, comment: '评价内容不应出现在公开页' })).execute();
    }
    const res = await get('/api/public/points/YW008-CW02');
    const after = res.json().ratings;
    expect(after.total - before.total).toBe(4);
    expect(after.good - before.good).toBe(3);
    expect(after.goodRate).toBeCloseTo(after.good / after.total, 12);
    expect(res.body).not.toContain('评价内容不应出现在公开页');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { servicesContext } from './helpers.js';

describe.each(DIALECTS)('the window screen: the points I serve at (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  async function mine(username: string) {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/services/window/points', headers: { cookie: await signInAs(ctx.app, username) } });
    return { status: res.statusCode, codes: res.statusCode === 200 ? (res.json().items as { code: string }[]).map((p) => p.code) : [] };
  }

  it('window staff see the points whose staff list names them; the desk every staffed point of its subdistrict; others are refused', async () => {
    const db = ctx.handle.db;
    // cadre01 is on the staff of their committee's mobile window only.
    const cadrePoints = await db.selectFrom('service_point_staff').innerJoin('users', 'users.id', 'service_point_staff.user_id')
      .innerJoin('service_points', 'service_points.id', 'service_point_staff.point_id').select('service_points.code').where('users.username', '=', 'cadre01').execute();
    expect(cadrePoints.length).toBeGreaterThan(0);
    expect(await mine('cadre01')).toEqual({ status: 200, codes: cadrePoints.map((p) => p.code).sort() });
    // A building window's clerk: that window only (window1 is the centre's, window2 the first building's).
    expect(await mine('window2')).toEqual({ status: 200, codes: ['YW008-BW1'] });
    // The operator: every built, staffed point of Hongqiao (no terminal, no other subdistrict).
    const staffed = await db.selectFrom('service_points').innerJoin('subdistricts', 'subdistricts.id', 'service_points.subdistrict_id')
      .select('service_points.code').where('subdistricts.code', '=', '008').where('status', '=', 'built').where('staffed', '=', 1).orderBy('service_points.code').execute();
    const op = await mine('operator');
    expect(op.codes).toEqual(staffed.map((p) => p.code));
    expect(op.codes.some((c) => c.includes('-T'))).toBe(false);
    // A patrol officer serves at no window.
    expect((await mine('patrol1')).status).toBe(403);
  });

  it('comes in pages by code: walked at any page size, every point once and in order', async () => {
    const cookie = await signInAs(ctx.app, 'district-admin');
    const get = (q: string) => ctx.app.inject({ method: 'GET', url: `/api/services/window/points?${q}`, headers: { cookie } });
    const whole = (await get('limit=5000')).json() as { items: { code: string }[]; nextCursor: string | null };
    expect(whole.nextCursor).toBeNull();
    expect(whole.items.length).toBeGreaterThan(10);
    for (const limit of [1, 3, 7, whole.items.length - 1]) {
      const codes: string[] = [];
      let after: string | null = null;
      do {
        const page = (await get(`limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`)).json() as typeof whole;
        expect(page.items.length).toBeLessThanOrEqual(limit);
        codes.push(...page.items.map((p) => p.code));
        after = page.nextCursor;
      } while (after);
      expect(codes).toEqual(whole.items.map((p) => p.code));
    }
    for (const q of ['limit=0', 'limit=5001']) {
      const bad = await get(q);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.fields[0]).toMatchObject({ field: 'limit' });
    }
  });
});

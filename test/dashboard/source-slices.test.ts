import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCase } from '../../src/domain/cases/report-case.js';
import { sourceSlices } from '../../src/domain/dashboard/source-slices.js';
import { newId } from '../../src/domain/shared/ids.js';
import { actorOf, demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { hongqiao, uploadPhoto } from '../enforcement/helpers.js';

/**
 * The newspaper's figures are slices of the cases themselves: whatever is reported, each case
 * lands in exactly one (reporter role, source, site kind, sweep) cell, and the figures add the
 * cells the newspaper names.
 */
for (const dialect of DIALECTS) {
  describe(`the newspaper's figures on the dashboard [${dialect}]`, { timeout: 120_000 }, () => {
    let ctx: TestContext;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    beforeAll(async () => {
      ctx = await demoContext(dialect);
      ctx.clock.set('2026-10-12T10:00:00+08:00');
      hq = await hongqiao(ctx);
    });
    afterAll(async () => ctx.close());

    const figures = async (committeeId?: string) =>
      (await sourceSlices(ctx.handle.db, ctx.clock, await actorOf(ctx, 'leader'), { window: 'custom', from: '2026-10-12', to: '2026-10-12', ...(committeeId && { committeeId }) })).figures;

    it('counts patrol self-resolved vs reported, the sweep apart, and cadre check-ins per day, each case once', async () => {
      const db = ctx.handle.db;
      const before = await figures();
      const site = async (kind: 'bin_room' | 'shop' | 'institution', skip = 0) =>
        (await db.selectFrom('sites').select(['id', 'lng', 'lat', 'committee_id']).where('subdistrict_id', '=', hq.subdistrictId).where('kind', '=', kind).orderBy('id').offset(skip).limit(1).executeTakeFirstOrThrow());
      const category = async (code: string) => (await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq.subdistrictId).where('code', '=', code).executeTakeFirstOrThrow()).id;
      const patrol = await actorOf(ctx, 'patrol1');
      const patrolCookie = await signInAs(ctx.app, 'patrol1');
      const report = async (source: 'self_resolved' | 'patrol', kind: 'bin_room' | 'shop' | 'institution', code: string, skip: number) => {
        const s = await site(kind, skip);
        const photos = source === 'self_resolved' ? { photoIds: [await uploadPhoto(ctx, patrolCookie)], afterPhotoIds: [await uploadPhoto(ctx, patrolCookie)] } : {};
        return reportCase(db, ctx.clock, patrol, { source, categoryId: await category(code), siteId: s.id, lng: Number(s.lng), lat: Number(s.lat), description: '箱房周边有垃圾堆放', ...photos });
      };
      // Outside any sweep: three self-resolved and two reported by the patrol officer.
      for (let i = 0; i < 3; i++) await report('self_resolved', 'bin_room', 'A0202', 10 + i);
      for (let i = 0; i < 2; i++) await report('patrol', 'bin_room', 'A0601', 20 + i);
      let after = await figures();
      expect(after.patrolSelfResolved - before.patrolSelfResolved).toBe(3);
      expect(after.patrolReported - before.patrolReported).toBe(2);
      expect(after.sweepSelfResolved).toEqual(before.sweepSelfResolved);
      // A sweep of shops is running today: self-resolved cases at shops count for the sweep, not the patrols' round.
      const admin = await signInAs(ctx.app, 'admin');
      const camp = await ctx.app.inject({ method: 'POST', url: '/api/campaigns', headers: { cookie: admin }, payload: { subdistrictId: hq.subdistrictId, name: '沿街商铺全覆盖巡查', siteKinds: ['shop'], startDate: '2026-10-05', endDate: '2026-10-18' } });
      expect(camp.statusCode, camp.body).toBe(201);
      const mid = await figures();
      for (let i = 0; i < 2; i++) await report('self_resolved', 'shop', 'B0401', 30 + i);
      await report('self_resolved', 'institution', 'C0101', 1);
      after = await figures();
      expect(after.sweepSelfResolved.shop - mid.sweepSelfResolved.shop).toBe(2);
      expect(after.sweepSelfResolved.institution - mid.sweepSelfResolved.institution).toBe(0);
      expect(after.patrolSelfResolved - mid.patrolSelfResolved).toBe(1);
      expect(after.total - before.total).toBe(8);
      expect(after.selfToReportedRatio).toBe(Math.round((after.patrolSelfResolved / after.patrolReported) * 10) / 10);
      // A cadre's check-in counts on its day; a patrol officer's does not.
      const room = await site('bin_room', 40);
      const cadre = await db.selectFrom('users as u').innerJoin('user_scopes as s', 's.user_id', 'u.id').select('u.id').where('u.role', '=', 'cadre').where('s.committee_id', '=', room.committee_id).executeTakeFirstOrThrow();
      const patrolId = (await db.selectFrom('users').select('id').where('username', '=', 'patrol1').executeTakeFirstOrThrow()).id;
      const at = ctx.clock.now().toISOString();
      for (const [user, key] of [[cadre.id, '07:00-09:00'], [patrolId, '18:00-20:00']] as const) {
        await db.insertInto('checkins').values({
          id: newId(), subdistrict_id: hq.subdistrictId, committee_id: room.committee_id, site_id: room.id, user_id: user, local_date: '2026-10-12',
          window_key: `2026-10-12@${key}`, in_window: 1, method: 'gps', status: 'on_site', off_site_reason: null, manual_reason: null, manual_note: null,
          lat: Number(room.lat), lng: Number(room.lng), accuracy_m: 8, distance_m: 5, photo_id: newId(), device_time: null, first_at: at, last_at: at,
          received_at: at, repeat_count: 0, last_photo_id: null, evidence_flags: '[]',
        }).execute();
      }
      const withCheckin = await figures();
      expect(withCheckin.cadreCheckins - after.cadreCheckins).toBe(1);
      expect(withCheckin.cadreCheckinsPerDay).toEqual([{ date: '2026-10-12', checkins: withCheckin.cadreCheckins }]);
      // Scoped to one committee, only its cases count.
      const one = await figures(room.committee_id);
      expect(one.total).toBeLessThanOrEqual(withCheckin.total);
      expect(one.cadreCheckins).toBe(1);
    });

    it('answers over HTTP to those who read the dashboard, and refuses others', async () => {
      const leader = await signInAs(ctx.app, 'leader');
      const res = await ctx.app.inject({ method: 'GET', url: '/api/dashboard/sources?window=7d', headers: { cookie: leader } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().figures).toHaveProperty('patrolSelfResolved');
      const bad = await ctx.app.inject({ method: 'GET', url: '/api/dashboard/sources?window=forever', headers: { cookie: leader } });
      expect(bad.statusCode).toBe(400);
      expect((await ctx.app.inject({ method: 'GET', url: '/api/dashboard/sources' })).statusCode).toBe(401);
    });
  });
}

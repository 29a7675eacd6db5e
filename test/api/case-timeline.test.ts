import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { DEVICE_TIME_TOLERANCE_MS } from '../../src/domain/cases/timeline.js';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { uploadPhoto } from './cases-helpers.js';

interface Entry {
  id: string;
  action: string;
  actorRole: string;
  actorName: string | null;
  actorUnit: { id: string; name: string | null } | null;
  target: { unit: { id: string; name: string | null } | null; person: { id: string; name: string | null } | null } | null;
  place: { distanceM: number; withinFence: boolean | null; reference: 'site' | 'case' } | null;
  deviceAt: string | null;
  deviceOffsetMs: number | null;
  changes: Record<string, [unknown, unknown]>;
  label: { zh: string; en: string } | null;
}

for (const dialect of DIALECTS) {
  describe(`case timeline: who in which unit, where it went, how far from the site, device time [${dialect}]`, () => {
    let ctx: TestContext;
    const cookies: Record<string, string> = {};
    let site: { id: string; lng: number; lat: number };
    let categoryId: string;
    let unit: { id: string; name: string };
    let handler: { id: string; name: string };

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      const db = ctx.handle.db;
      for (const u of ['operator', 'patrol1', 'handler1']) cookies[u] = await signInAs(ctx.app, u);
      const h = await db.selectFrom('users as u').innerJoin('handling_units as hu', 'hu.id', 'u.handling_unit_id')
        .select(['u.id', 'u.display_name', 'hu.id as unitId', 'hu.name as unitName', 'hu.subdistrict_id as sd']).where('u.username', '=', 'handler1').executeTakeFirstOrThrow();
      unit = { id: h.unitId, name: h.unitName };
      handler = { id: h.id, name: h.display_name };
      const s = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', h.sd).where('kind', '=', 'bin_room').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
      site = { id: s.id, lng: Number(s.lng), lat: Number(s.lat) };
      categoryId = (await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', h.sd).where('code', '=', 'A0301').executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => ctx.close());

    const post = (who: string, url: string, payload: object) => ctx.app.inject({ method: 'POST', url, headers: { cookie: cookies[who]! }, payload });
    const act = async (who: string, id: string, body: Record<string, unknown>) => {
      const res = await post(who, `/api/cases/${id}/transitions`, body);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      return res.json();
    };
    const timeline = async (id: string): Promise<Entry[]> => (await ctx.app.inject({ method: 'GET', url: `/api/cases/${id}`, headers: { cookie: cookies.operator! } })).json().timeline;

    it('names the action, the actor with role and unit, the dispatch target, the distance to the site and a far device time', async () => {
      const now = ctx.clock.now().getTime();
      const at30 = offsetMetres(site, 30, 90);
      const at200 = offsetMetres(site, 200, 180);
      const before = await uploadPhoto(ctx.app, cookies.patrol1!);
      // Reported from a phone whose clock is three hours behind (an offline report sent later).
      const reported = await post('patrol1', '/api/cases', {
        source: 'patrol', categoryId, siteId: site.id, lng: at30.lng, lat: at30.lat, accuracy: 6, description: '箱房外垃圾落地',
        photoIds: [before.id], deviceAt: new Date(now - 3 * 3600_000).toISOString(),
      });
      expect(reported.statusCode, reported.body.slice(0, 300)).toBe(201);
      let c = reported.json();
      c = await act('operator', c.id, { action: 'file', version: c.version });
      c = await act('operator', c.id, { action: 'dispatch', version: c.version, unitId: unit.id, userId: handler.id });
      const after = await uploadPhoto(ctx.app, cookies.handler1!);
      // The handler's phone agrees with the server to within the tolerance: no device time shown.
      c = await act('handler1', c.id, {
        action: 'handle', version: c.version, note: '已清运', photoIds: [after.id], gps: { lng: at200.lng, lat: at200.lat, accuracy: 10 },
        deviceAt: new Date(now + DEVICE_TIME_TOLERANCE_MS - 1000).toISOString(),
      });
      c = await act('patrol1', c.id, { action: 'check_pass', version: c.version, gps: { lng: site.lng, lat: site.lat, accuracy: 80 } });
      expect(c.status).toBe('closed');

      const t = await timeline(c.id);
      expect(t.map((e) => e.action)).toEqual(['report', 'file', 'dispatch', 'handle', 'check_pass']);
      // Labels are the action's own words, never the status it led to.
      expect(t.map((e) => e.label?.zh)).toEqual(['上报', '立案', '派遣', '整改完成', '核查通过']);
      expect(t.map((e) => e.label?.en)).toEqual(['Reported', 'Filed', 'Dispatched', 'Rectified', 'Check passed']);

      const [report, file, dispatch, handle, check] = t as [Entry, Entry, Entry, Entry, Entry];
      expect(dispatch).toMatchObject({ actorRole: 'operator', actorUnit: null, target: { unit: { id: unit.id, name: unit.name }, person: { id: handler.id, name: handler.name } } });
      expect(handle).toMatchObject({ actorRole: 'handler', actorName: handler.name, actorUnit: { id: unit.id, name: unit.name }, target: null });
      expect(report.actorUnit).toBeNull();
      expect(file.target).toBeNull();

      // Distances to the site, and the check-in geofence (50 m, accuracy at most 100 m) applied.
      expect(report.place).toMatchObject({ reference: 'site', withinFence: true });
      expect(report.place!.distanceM).toBeCloseTo(30, 0);
      expect(handle.place).toMatchObject({ reference: 'site', withinFence: false });
      expect(handle.place!.distanceM).toBeCloseTo(200, 0);
      expect(check.place).toMatchObject({ distanceM: 0, withinFence: true });
      expect(file.place).toBeNull();

      // Device time: three hours behind is reported; within the tolerance it is not.
      expect(report.deviceOffsetMs).toBeCloseTo(-3 * 3600_000, -4);
      expect(report.deviceAt).not.toBeNull();
      expect(handle.deviceAt).not.toBeNull();
      expect(handle.deviceOffsetMs).toBeNull();
      expect(file.deviceOffsetMs).toBeNull();
    });

    it('records the unit and the person when a re-dispatch names a person of the same unit, and the chain still verifies', async () => {
      let c = (await post('patrol1', '/api/cases', { source: 'patrol', categoryId, siteId: site.id, lng: site.lng, lat: site.lat, description: '桶满溢' })).json();
      c = await act('operator', c.id, { action: 'file', version: c.version });
      c = await act('operator', c.id, { action: 'dispatch', version: c.version, unitId: unit.id });
      c = await act('operator', c.id, { action: 'redispatch', version: c.version, unitId: unit.id, userId: handler.id, reason: '指定专人处理' });
      const t = await timeline(c.id);
      const [dispatch, redispatch] = t.filter((e) => e.action.endsWith('dispatch')) as [Entry, Entry];
      expect(dispatch.target).toEqual({ unit: { id: unit.id, name: unit.name }, person: null });
      expect(redispatch.target).toEqual({ unit: { id: unit.id, name: unit.name }, person: { id: handler.id, name: handler.name } });
      expect(redispatch.changes.assigned_unit_id).toEqual([unit.id, unit.id]);
      expect(redispatch.changes.assigned_user_id).toEqual([null, handler.id]);
      expect(redispatch.label).toMatchObject({ zh: '改派', en: 'Re-dispatched' });

      // The actor's unit is covered by the event's hash: changing it breaks the chain; the
      // demo's earlier events (recorded without a unit) verify as they did.
      const db = ctx.handle.db;
      const sd = (await db.selectFrom('cases').select('subdistrict_id').where('id', '=', c.id).executeTakeFirstOrThrow()).subdistrict_id;
      expect(await verifyChain(db, sd)).toMatchObject({ ok: true });
      const handled = await db.selectFrom('case_events').select(['id', 'seq', 'actor_unit_id']).where('actor_unit_id', '=', unit.id).orderBy('seq').executeTakeFirstOrThrow();
      await db.updateTable('case_events').set({ actor_unit_id: null }).where('id', '=', handled.id).execute();
      expect((await verifyChain(db, sd)).broken).toMatchObject({ eventId: handled.id, problem: 'altered' });
      await db.updateTable('case_events').set({ actor_unit_id: handled.actor_unit_id }).where('id', '=', handled.id).execute();
      expect(await verifyChain(db, sd)).toMatchObject({ ok: true });
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/auth/actor.js';
import { packageCoversYear } from '../../src/domain/calendar/working-days.js';
import { setupChecklist, type SetupItemKey } from '../../src/domain/ops/setup-checklist.js';
import { newId } from '../../src/domain/shared/ids.js';
import { type TestContext, actorOf, demoContext, signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

for (const dialect of DIALECTS) {
  describe(`the administrator's setup checklist [${dialect}]`, () => {
    let ctx: TestContext;
    let admin: Actor;
    let hq: string;
    beforeAll(async () => {
      ctx = await demoContext(dialect);
      admin = await actorOf(ctx, 'admin');
      hq = admin.subdistrictId!;
    });
    afterAll(async () => ctx.close());

    const db = () => ctx.handle.db;
    const items = async (globalRobot = false) => {
      const subs = await setupChecklist(db(), ctx.clock, admin, { globalRobot });
      const mine = subs.find((s) => s.subdistrictId === hq)!;
      return Object.fromEntries(mine.items.map((i) => [i.key, i])) as Record<SetupItemKey, (typeof mine.items)[number]>;
    };

    it('covers only the subdistricts the administrator holds in full', async () => {
      const subs = await setupChecklist(db(), ctx.clock, admin, { globalRobot: false });
      expect(subs.map((s) => s.subdistrictId)).toEqual([hq]);
      for (const s of subs) expect(s.done).toBe(s.items.filter((i) => i.done).length);
    });

    it('counts and names the bin rooms without a QR plate and the sites without a responsible party, from the registry', async () => {
      const room = await db().selectFrom('sites').select(['id', 'name']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room')
        .where('status', '=', 'active').orderBy('name').executeTakeFirstOrThrow();
      const before = await items();
      await db().updateTable('sites').set({ qr_code: null, responsible_party_id: null }).where('id', '=', room.id).execute();
      const after = await items();
      expect(after.binRoomPlates.missing).toBe(before.binRoomPlates.missing + 1);
      expect(after.binRoomPlates.done).toBe(false);
      expect(after.responsibleParties.missing).toBe(before.responsibleParties.missing + 1);
      const unplated = await db().selectFrom('sites').select('name').where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room')
        .where('status', '=', 'active').where('qr_code', 'is', null).orderBy('name').execute();
      expect(after.binRoomPlates.examples).toEqual(unplated.slice(0, 5).map((r) => r.name));
      expect(after.binRoomPlates.to).toBe('/sites?kind=bin_room');
    });

    it('a committee without an active cadre, a handling unit without staff and a missing role are named; certified officers are counted', async () => {
      const base = await items();
      expect(base.essentialRoles.done).toBe(true);
      const cadres = await db().selectFrom('users').select('id').where('role', '=', 'cadre').execute();
      const committeeOfFirst = await db().selectFrom('user_scopes as us').innerJoin('committees as c', 'c.id', 'us.committee_id')
        .select(['c.id', 'c.name']).where('us.user_id', '=', cadres[0]!.id).executeTakeFirstOrThrow();
      await db().updateTable('users').set({ status: 'disabled' }).where('id', 'in', (await db().selectFrom('user_scopes').select('user_id')
        .where('committee_id', '=', committeeOfFirst.id).execute()).map((r) => r.user_id)).where('role', '=', 'cadre').execute();
      const unit = { id: newId(), name: '新设保洁单位' };
      const unitsBefore = (await items()).unitsStaffed.missing;
      await db().insertInto('handling_units').values({ id: unit.id, subdistrict_id: hq, committee_id: null, name: unit.name, kind: 'sanitation_company', contact_name: null, contact_phone: null, status: 'active', created_at: ctx.clock.now().toISOString() }).execute();
      const officers = await db().selectFrom('users as u').innerJoin('user_scopes as us', 'us.user_id', 'u.id').select('u.id')
        .where('us.subdistrict_id', '=', hq).where('u.role', '=', 'enforcement').where('u.status', '=', 'active').where('u.cert_number', 'is not', null).execute();
      await db().updateTable('users').set({ cert_number: null }).where('id', 'in', officers.map((o) => o.id)).execute();
      const handlers = await db().selectFrom('users').select('id').where('role', '=', 'handler').where('status', '=', 'active').execute();
      await db().updateTable('users').set({ status: 'disabled' }).where('id', 'in', handlers.map((h) => h.id)).execute();

      const now = await items();
      expect(now.committeeCadres.examples).toContain(committeeOfFirst.name);
      expect(now.committeeCadres.missing).toBe(base.committeeCadres.missing + 1);
      expect(now.certifiedOfficers).toMatchObject({ done: false, missing: 2 });
      expect(now.essentialRoles).toMatchObject({ done: false, examples: ['handler'] });
    });

    it("next year's calendar is done when the package carries the State Council arrangement or overrides for that year exist", async () => {
      // A year the package cannot know yet.
      let year = 2040;
      while (packageCoversYear(year + 1)) year += 1;
      ctx.clock.set(`${year}-11-20T02:00:00Z`);
      expect((await items()).nextYearCalendar).toMatchObject({ done: false, examples: [String(year + 1)], to: '/calendar' });
      await db().insertInto('calendar_overrides').values({ id: newId(), subdistrict_id: null, date: `${year + 1}-01-01`, kind: 'holiday', note: '元旦', created_by: null, created_at: ctx.clock.now().toISOString(), updated_at: ctx.clock.now().toISOString() }).execute();
      expect((await items()).nextYearCalendar.done).toBe(true);
    });

    it('the WeCom robot is done with a subdistrict webhook or the global one', async () => {
      await db().deleteFrom('notification_webhooks').where('subdistrict_id', '=', hq).execute();
      expect((await items()).robotWebhook.done).toBe(false);
      expect((await items(true)).robotWebhook.done).toBe(true);
    });

    it('GET /api/setup/checklist answers administrators only', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/setup/checklist', headers: { cookie: await signInAs(ctx.app, 'admin') } });
      expect(res.statusCode).toBe(200);
      expect(res.json().subdistricts[0].items.length).toBe(10);
      const op = await ctx.app.inject({ method: 'GET', url: '/api/setup/checklist', headers: { cookie: await signInAs(ctx.app, 'operator') } });
      expect(op.statusCode).toBe(403);
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseFixture, type CaseFixture } from '../cases/fixtures.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

/**
 * Disabling (moving, re-scoping) a person who still holds open cases: `reassignToUnitId` hands the
 * cases the change would strand to a unit in the same request — each re-dispatched (改派) with its
 * event, the change audited with the cases handed over — and only to a unit the administrator
 * manages that can take them; otherwise nothing changes.
 */
for (const dialect of DIALECTS) {
  describe(`staff change handing open cases to a unit [${dialect}]`, () => {
    let f: CaseFixture;
    let admin: string;
    beforeAll(async () => {
      f = await caseFixture(dialect);
      admin = await signInAs(f.ctx.app, 'admin');
    }, 180_000);
    afterAll(async () => f.ctx.close());

    const db = () => f.ctx.handle.db;
    const dispatchedTo = async (unitId: string, userId: string) => {
      let c = await f.report(f.actors.patrol1);
      c = await f.act(f.actors.operator, c.id, { action: 'file', version: c.version });
      return f.act(f.actors.operator, c.id, { action: 'dispatch', version: c.version, unitId, userId });
    };
    const patch = (userId: string, payload: object) => f.ctx.app.inject({ method: 'PATCH', url: `/api/staff/${userId}`, headers: { cookie: admin }, payload });
    const caseRow = (id: string) => db().selectFrom('cases').select(['assigned_unit_id', 'assigned_user_id', 'status', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
    const statusOf = async (userId: string) => (await db().selectFrom('users').select('status').where('id', '=', userId).executeTakeFirstOrThrow()).status;

    it('refuses a unit outside the administrator\'s scope, a retired one, or cases it cannot take, changing nothing', async () => {
      const a = f.actors;
      const c = await dispatchedTo(f.units.handler1, a.handler1.userId);
      const foreign = await db().selectFrom('handling_units').select('id').where('subdistrict_id', '!=', f.hq).orderBy('id').executeTakeFirstOrThrow();
      const outside = await patch(a.handler1.userId, { status: 'disabled', reassignToUnitId: foreign.id });
      expect(outside.statusCode, outside.body).toBe(400);
      expect(outside.json().error.details.fields).toEqual([{ field: 'reassignToUnitId', reason: 'unknown handling unit' }]);
      const unknown = await patch(a.handler1.userId, { status: 'disabled', reassignToUnitId: 'no-such-unit' });
      expect(unknown.statusCode).toBe(400);
      await db().updateTable('handling_units').set({ status: 'retired' }).where('id', '=', f.units.sanitation).execute();
      const retired = await patch(a.handler1.userId, { status: 'disabled', reassignToUnitId: f.units.sanitation });
      await db().updateTable('handling_units').set({ status: 'active' }).where('id', '=', f.units.sanitation).execute();
      expect(retired.statusCode, retired.body).toBe(400);
      expect(retired.json().error.details.fields).toEqual([{ field: 'reassignToUnitId', reason: 'the handling unit is retired' }]);

      // A handled case waiting for the person's own check cannot go to a unit: the whole change is refused.
      let checked = await dispatchedTo(f.units.handler2, a.handler2.userId);
      checked = await f.act(a.handler2, checked.id, { action: 'handle', version: checked.version, note: '已处置', photoIds: [await f.photo(a.handler2)] });
      const checker = checked.checkerUserId as string;
      expect(checker).toBeTruthy();
      const blocked = await patch(checker, { status: 'disabled', reassignToUnitId: f.units.handler2 });
      expect(blocked.statusCode, blocked.body).toBe(409);
      expect(blocked.json().error).toMatchObject({ code: 'has_open_cases', details: { fields: [{ field: 'reassignToUnitId' }] } });
      expect(blocked.json().error.details.cases).toContain(checked.number);
      expect(await statusOf(checker)).toBe('active');

      expect(await statusOf(a.handler1.userId)).toBe('active');
      expect(await caseRow(c.id)).toMatchObject({ assigned_unit_id: f.units.handler1, assigned_user_id: a.handler1.userId, version: c.version });
      // Without the option it is the plain refusal, naming the field the change is about.
      const plain = await patch(a.handler1.userId, { status: 'disabled' });
      expect(plain.statusCode).toBe(409);
      expect(plain.json().error.details.fields).toEqual([{ field: 'status', reason: 'has open cases' }]);
    });

    it('disables the person and re-dispatches their open cases to the unit in one request, audited', async () => {
      const a = f.actors;
      const before = await db().selectFrom('cases').select('id').where('assigned_user_id', '=', a.handler1.userId).where('status', '=', 'dispatched').execute();
      const c = await dispatchedTo(f.units.handler1, a.handler1.userId);
      const res = await patch(a.handler1.userId, { status: 'disabled', reassignToUnitId: f.units.handler1 });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().status).toBe('disabled');
      expect(res.json().reassigned.unitId).toBe(f.units.handler1);
      expect(res.json().reassigned.cases).toContain(c.number);
      expect(res.json().reassigned.cases).toHaveLength(before.length + 1);
      expect(await statusOf(a.handler1.userId)).toBe('disabled');
      expect(await caseRow(c.id)).toMatchObject({ status: 'dispatched', assigned_unit_id: f.units.handler1, assigned_user_id: null });
      const event = await db().selectFrom('case_events').select(['action', 'actor_user_id']).where('case_id', '=', c.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect(event).toEqual({ action: 'redispatch', actor_user_id: a.admin.userId });
      const audit = await db().selectFrom('audit_log').select(['action', 'after_json']).where('action', '=', 'user.update').where('entity_id', '=', a.handler1.userId).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect(JSON.parse(audit.after_json as string).reassigned.cases).toContain(c.number);
      await patch(a.handler1.userId, { status: 'active' });
    });
  });
}

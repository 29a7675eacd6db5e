import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseFixture, type CaseFixture } from '../cases/fixtures.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

/**
 * Editing a handling unit (PATCH /api/handling-units/:id): an administrator of the unit's
 * subdistrict only, fields checked like the creation's, every change audited with the row before
 * and after; a retired unit is no longer dispatched to; the kind and committee, which decide who
 * acts on the unit's cases, stay while cases are open with it.
 */
for (const dialect of DIALECTS) {
  describe(`handling unit edits [${dialect}]`, () => {
    let f: CaseFixture;
    let admin: string;
    let xxAdmin: string;
    let operator: string;
    let committeeOfHq: string;
    let committeeOfXx: string;

    beforeAll(async () => {
      f = await caseFixture(dialect);
      admin = await signInAs(f.ctx.app, 'admin');
      xxAdmin = await signInAs(f.ctx.app, 'xx-admin');
      operator = await signInAs(f.ctx.app, 'operator');
      const db = f.ctx.handle.db;
      committeeOfHq = (await db.selectFrom('committees').select('id').where('subdistrict_id', '=', f.hq).orderBy('code').executeTakeFirstOrThrow()).id;
      committeeOfXx = (await db.selectFrom('committees').select('id').where('subdistrict_id', '!=', f.hq).orderBy('code').executeTakeFirstOrThrow()).id;
    }, 180_000);
    afterAll(async () => f.ctx.close());

    const db = () => f.ctx.handle.db;
    const patch = (cookie: string | undefined, id: string, payload: object) =>
      f.ctx.app.inject({ method: 'PATCH', url: `/api/handling-units/${id}`, headers: cookie ? { cookie } : {}, payload });
    const create = async (name: string, kind = 'property_company') => {
      const res = await f.ctx.app.inject({ method: 'POST', url: '/api/handling-units', headers: { cookie: admin }, payload: { subdistrictId: f.hq, kind, name } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const row = (id: string) => db().selectFrom('handling_units').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const auditOf = (id: string) =>
      db().selectFrom('audit_log').selectAll().where('action', '=', 'handling_unit.update').where('entity_id', '=', id).orderBy('seq').execute();

    it('refuses callers without a sign-in or without registry.write, changing nothing', async () => {
      const id = await create('权限物业');
      expect((await patch(undefined, id, { name: '改名' })).statusCode).toBe(401);
      const res = await patch(operator, id, { name: '改名' });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
      expect((await row(id)).name).toBe('权限物业');
    });

    it('answers bad input with 400 naming the field', async () => {
      const id = await create('校验物业');
      const cases: [object, string][] = [
        [{ name: '' }, 'name'],
        [{ name: 'x'.repeat(101) }, 'name'],
        [{ contactPhone: 'call me' }, 'contactPhone'],
        [{ kind: 'bakery' }, 'kind'],
        [{ status: 'disabled' }, 'status'],
        // The subdistrict is fixed: its cases, staff and reports belong there.
        [{ subdistrictId: f.hq }, 'subdistrictId'],
        [{ committeeId: committeeOfXx }, 'committeeId'],
        [{ committeeId: 'no-such-committee' }, 'committeeId'],
      ];
      for (const [payload, field] of cases) {
        const res = await patch(admin, id, payload);
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json().error.code).toBe('validation_failed');
        expect(res.json().error.details.fields.map((x: { field: string }) => x.field), JSON.stringify(payload)).toContain(field);
      }
      expect(await row(id)).toMatchObject({ name: '校验物业', committee_id: null, status: 'active' });
      expect(await auditOf(id)).toEqual([]);
    });

    it('answers 404 for a unit of another subdistrict or none, as for an absent one', async () => {
      const id = await create('范围物业');
      const foreign = await patch(xxAdmin, id, { name: '越界改名' });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json().error.code).toBe('not_found');
      expect((await f.ctx.app.inject({ method: 'GET', url: `/api/handling-units/${id}`, headers: { cookie: xxAdmin } })).statusCode).toBe(404);
      expect((await patch(admin, 'no-such-unit', { name: '改名' })).statusCode).toBe(404);
      expect((await row(id)).name).toBe('范围物业');
      expect(await auditOf(id)).toEqual([]);
    });

    it('edits the names and contact, answering the unit and recording before and after', async () => {
      const id = await create('旧名物业');
      const res = await patch(admin, id, { name: '新名物业', nameEn: 'New Name Property', contactName: '王经理', contactPhone: '021-62345678', committeeId: committeeOfHq });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ id, name: '新名物业', nameEn: 'New Name Property', contactName: '王经理', contactPhone: '021-62345678', committeeId: committeeOfHq, status: 'active' });
      expect(await row(id)).toMatchObject({ name: '新名物业', name_en: 'New Name Property', contact_name: '王经理', contact_phone: '021-62345678', committee_id: committeeOfHq });
      const listed = (await f.ctx.app.inject({ method: 'GET', url: '/api/handling-units', headers: { cookie: admin } })).json().items;
      expect(listed.find((u: { id: string }) => u.id === id)).toMatchObject({ name: '新名物业' });

      // Clearing the optional fields.
      const cleared = await patch(admin, id, { nameEn: null, contactName: null, contactPhone: null, committeeId: null });
      expect(cleared.statusCode, cleared.body).toBe(200);
      expect(await row(id)).toMatchObject({ name_en: null, contact_name: null, contact_phone: null, committee_id: null });

      const entries = await auditOf(id);
      expect(entries).toHaveLength(2);
      const adminId = f.actors.admin.userId;
      expect(entries[0]).toMatchObject({ entity: 'handling_unit', actor_user_id: adminId, subdistrict_id: f.hq });
      expect(JSON.parse(entries[0]!.before_json as string)).toMatchObject({ id, name: '旧名物业', contact_phone: null });
      expect(JSON.parse(entries[0]!.after_json as string)).toMatchObject({ id, name: '新名物业', contact_phone: '021-62345678' });
      expect(JSON.parse(entries[1]!.after_json as string)).toMatchObject({ name_en: null, committee_id: null });
    });

    it('retires a unit: no longer offered nor taken for dispatch, and back when reactivated', async () => {
      const unit = f.units.sanitation;
      const dispatchTo = async () => {
        let c = await f.report(f.actors.patrol1);
        c = await f.act(f.actors.operator, c.id, { action: 'file', version: c.version });
        const res = await f.ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/transitions`, headers: { cookie: operator }, payload: { action: 'dispatch', version: c.version, unitId: unit } });
        const offered = (await f.ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}/dispatch-suggestions`, headers: { cookie: operator } })).json();
        return { res, offered: JSON.stringify(offered).includes(unit) };
      };
      const retired = await patch(admin, unit, { status: 'retired' });
      expect(retired.statusCode, retired.body).toBe(200);
      expect(retired.json().status).toBe('retired');
      const refused = await dispatchTo();
      expect(refused.res.statusCode, refused.res.body).toBe(400);
      expect(refused.res.json().error.details.fields.map((x: { field: string }) => x.field)).toContain('unitId');

      expect((await patch(admin, unit, { status: 'active' })).statusCode).toBe(200);
      const taken = await dispatchTo();
      expect(taken.res.statusCode, taken.res.body).toBe(200);
      expect((await auditOf(unit)).map((e) => JSON.parse(e.after_json as string).status)).toEqual(['retired', 'active']);
    });

    it('keeps the kind and committee while cases are open with the unit (409 has_open_cases), not otherwise', async () => {
      const unit = f.units.handler1;
      let c = await f.report(f.actors.patrol1);
      c = await f.act(f.actors.operator, c.id, { action: 'file', version: c.version });
      await f.act(f.actors.operator, c.id, { action: 'dispatch', version: c.version, unitId: unit });
      for (const [payload, field] of [[{ kind: 'sanitation_company' }, 'kind'], [{ committeeId: committeeOfHq }, 'committeeId']] as const) {
        const res = await patch(admin, unit, payload);
        expect(res.statusCode, res.body).toBe(409);
        expect(res.json().error).toMatchObject({ code: 'has_open_cases', details: { fields: [{ field }] } });
      }
      expect(await row(unit)).toMatchObject({ kind: 'property_company', committee_id: null });
      // The same kind again is no change, and the name may change all the same.
      expect((await patch(admin, unit, { kind: 'property_company', contactName: '李经理' })).statusCode).toBe(200);

      const idle = await create('空闲物业');
      const moved = await patch(admin, idle, { kind: 'committee', committeeId: committeeOfHq });
      expect(moved.statusCode, moved.body).toBe(200);
      expect(await row(idle)).toMatchObject({ kind: 'committee', committee_id: committeeOfHq });
    });

    it('counts a case sent to a cadre by name as open with the committee unit it answers to (responsible_unit_id)', async () => {
      const cadre = f.actors.cadre01;
      let c = await f.report(f.actors.patrol1);
      c = await f.act(f.actors.operator, c.id, { action: 'file', version: c.version });
      await f.act(f.actors.operator, c.id, { action: 'dispatch', version: c.version, userId: cadre.userId });
      const sent = await db().selectFrom('cases').select(['assigned_unit_id', 'assigned_user_id', 'responsible_unit_id']).where('id', '=', c.id).executeTakeFirstOrThrow();
      expect(sent).toMatchObject({ assigned_unit_id: null, assigned_user_id: cadre.userId });
      // The committee's own unit, which the case answers to.
      const unit = sent.responsible_unit_id!;
      const before = await row(unit);
      expect(before.kind).toBe('committee');
      // No open case carries the unit as its assigned unit: only the one sent by name can stop the edit.
      const assigned = await db().selectFrom('cases').select('id').where('assigned_unit_id', '=', unit).where('status', 'in', ['reported', 'filed', 'dispatched', 'handled', 'on_hold']).execute();
      expect(assigned).toEqual([]);
      const otherCommittee = (await db().selectFrom('committees').select('id').where('subdistrict_id', '=', f.hq).where('id', '!=', before.committee_id!).executeTakeFirstOrThrow()).id;
      for (const [payload, field] of [[{ kind: 'property_company' }, 'kind'], [{ committeeId: otherCommittee }, 'committeeId']] as const) {
        const res = await patch(admin, unit, payload);
        expect(res.statusCode, res.body).toBe(409);
        expect(res.json().error).toMatchObject({ code: 'has_open_cases', details: { fields: [{ field }] } });
      }
      expect(await row(unit)).toMatchObject({ kind: 'committee', committee_id: before.committee_id });
    });
  });
}

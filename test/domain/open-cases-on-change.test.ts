import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor } from '../../src/domain/auth/actor.js';
import { updateStaff } from '../../src/domain/staff/staff.js';
import { caseFixture, type CaseFixture } from '../cases/fixtures.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

/**
 * Nobody's open case is left without anyone to act on it: disabling, demoting, moving or
 * re-scoping the person an open case waits on (named assignee, or named checker of a handled
 * case) is refused with has_open_cases listing the cases; retiring a site with open cases needs
 * the administrator to confirm they know.
 */
for (const dialect of DIALECTS) {
  describe(`open cases when a person or site changes [${dialect}]`, () => {
    let f: CaseFixture;
    let committeeUnit: string;
    let otherCommittee: string;
    beforeAll(async () => {
      f = await caseFixture(dialect);
      const db = f.ctx.handle.db;
      committeeUnit = (await db.selectFrom('handling_units').select('id').where('kind', '=', 'committee').where('committee_id', '=', f.binRoom.committeeId).executeTakeFirstOrThrow()).id;
      otherCommittee = (await db.selectFrom('committees').select('id').where('subdistrict_id', '=', f.hq).where('id', '!=', f.binRoom.committeeId).orderBy('id').executeTakeFirstOrThrow()).id;
    }, 180_000);
    afterAll(async () => f.ctx.close());

    const dispatched = async (to: { unitId?: string; userId?: string }) => {
      let c = await f.report(f.actors.patrol1);
      c = await f.act(f.actors.operator, c.id, { action: 'file', version: c.version });
      return f.act(f.actors.operator, c.id, { action: 'dispatch', version: c.version, ...to });
    };
    const refusal = async (p: Promise<unknown>) => {
      const err = await p.then(() => null, (e: unknown) => e as { code: string; details: { cases: string[]; count: number; fields: { field: string }[] } });
      expect(err).not.toBeNull();
      return err!;
    };
    const statusOf = async (userId: string) => (await f.ctx.handle.db.selectFrom('users').select('status').where('id', '=', userId).executeTakeFirstOrThrow()).status;

    it('refuses to disable a handler while a case is dispatched to them by name, until it is re-dispatched', async () => {
      const a = f.actors;
      const c = await dispatched({ unitId: f.units.handler1, userId: a.handler1.userId });
      const err = await refusal(updateStaff(f.ctx.handle.db, f.ctx.clock, a.admin, a.handler1.userId, { status: 'disabled' }));
      expect(err.code).toBe('has_open_cases');
      expect(err.details.cases).toContain(c.number);
      expect(err.details.fields[0]!.field).toBe('status');
      expect(await statusOf(a.handler1.userId)).toBe('active');
      // Moving them to another unit strands it too; an edit that keeps them able to act does not.
      expect((await refusal(updateStaff(f.ctx.handle.db, f.ctx.clock, a.admin, a.handler1.userId, { handlingUnitId: f.units.handler2 }))).code).toBe('has_open_cases');
      await updateStaff(f.ctx.handle.db, f.ctx.clock, a.admin, a.handler1.userId, { displayName: '处置员一（改名）' });

      await f.act(a.operator, c.id, { action: 'redispatch', version: c.version, unitId: f.units.handler2, userId: a.handler2.userId, reason: '人员调整' } as never);
      await updateStaff(f.ctx.handle.db, f.ctx.clock, a.admin, a.handler1.userId, { status: 'disabled' });
      expect(await statusOf(a.handler1.userId)).toBe('disabled');
      await updateStaff(f.ctx.handle.db, f.ctx.clock, a.admin, a.handler1.userId, { status: 'active' });
    });

    it('refuses to move a cadre out of the committee of a case waiting on them, but not to widen their scope', async () => {
      const a = f.actors;
      const c = await dispatched({ unitId: committeeUnit, userId: a.cadre01.userId });
      const before = (await loadActor(f.ctx.handle.db, a.cadre01.userId))!.scope;
      const err = await refusal(updateStaff(f.ctx.handle.db, f.ctx.clock, a.admin, a.cadre01.userId, { scopes: [{ subdistrictId: f.hq, committeeId: otherCommittee }] }));
      expect(err.code).toBe('has_open_cases');
      expect(err.details.cases).toContain(c.number);
      expect(err.details.fields[0]!.field).toBe('scopes');
      expect((await loadActor(f.ctx.handle.db, a.cadre01.userId))!.scope).toEqual(before);
      // Demoting them to a role that handles no cases strands it as well.
      expect((await refusal(updateStaff(f.ctx.handle.db, f.ctx.clock, a.admin, a.cadre01.userId, { role: 'patrol' }))).details.fields[0]!.field).toBe('role');

      const wider = [...before.map((s) => ({ subdistrictId: s.subdistrictId, committeeId: s.committeeId ?? undefined })), { subdistrictId: f.hq, committeeId: otherCommittee }];
      await updateStaff(f.ctx.handle.db, f.ctx.clock, a.admin, a.cadre01.userId, { scopes: wider as never });
      await updateStaff(f.ctx.handle.db, f.ctx.clock, a.admin, a.cadre01.userId, { scopes: before.map((s) => ({ subdistrictId: s.subdistrictId, committeeId: s.committeeId ?? undefined })) as never });
      await f.act(a.cadre01, c.id, { action: 'handle', version: c.version, note: '已处置', photoIds: [await f.photo(a.cadre01)] });
    });

    it('refuses to disable the named checker of a handled case', async () => {
      const a = f.actors;
      let c = await dispatched({ unitId: f.units.handler1 });
      c = await f.act(a.handler1, c.id, { action: 'handle', version: c.version, note: '已处置', photoIds: [await f.photo(a.handler1)] });
      const checker = c.checkerUserId as string;
      expect(checker).toBeTruthy();
      const err = await refusal(updateStaff(f.ctx.handle.db, f.ctx.clock, a.admin, checker, { status: 'disabled' }));
      expect(err.code).toBe('has_open_cases');
      expect(err.details.cases).toContain(c.number);
      expect(await statusOf(checker)).toBe('active');
    });

    it('answers 409 has_open_cases when retiring a site with open cases, and retires it once confirmed', async () => {
      const admin = await signInAs(f.ctx.app, 'admin');
      const c = await f.report(f.actors.patrol1);
      const retire = (payload?: object) =>
        f.ctx.app.inject({ method: 'POST', url: `/api/sites/${f.binRoom.id}/retire`, headers: { cookie: admin }, ...(payload ? { payload } : {}) });
      const refused = await retire();
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toMatchObject({ code: 'has_open_cases', details: { fields: [{ field: 'confirmOpenCases' }] } });
      expect(refused.json().error.details.cases).toContain(c.number);
      expect((await f.ctx.handle.db.selectFrom('sites').select('status').where('id', '=', f.binRoom.id).executeTakeFirstOrThrow()).status).toBe('active');
      const done = await retire({ confirmOpenCases: true });
      expect(done.statusCode).toBe(200);
      expect(done.json().status).toBe('retired');

      // A site without open cases retires as before, with no body at all.
      const quiet = await f.ctx.handle.db
        .selectFrom('sites').select('id').where('subdistrict_id', '=', f.hq).where('status', '=', 'active')
        .where((eb) => eb.not(eb.exists(eb.selectFrom('cases').select('cases.id').whereRef('cases.site_id', '=', 'sites.id'))))
        .orderBy('id').executeTakeFirstOrThrow();
      const plain = await f.ctx.app.inject({ method: 'POST', url: `/api/sites/${quiet.id}/retire`, headers: { cookie: admin } });
      expect(plain.statusCode).toBe(200);
    });
  });
}

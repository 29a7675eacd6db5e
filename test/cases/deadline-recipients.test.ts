import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepCaseDeadlines } from '../../src/domain/cases/deadline-sweep.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

/** How the person a stage waits on may have become unreachable (or, 'scoped', stayed reachable though moved). */
type Outage = 'none' | 'disabled' | 'moved' | 'scoped';
const OUTAGES: Outage[] = ['none', 'disabled', 'moved', 'scoped'];
const reachable = (o: Outage) => o === 'none' || o === 'scoped';

for (const dialect of DIALECTS) {
  describe(`whom the deadline sweep reminds and tells of an overdue stage [${dialect}]`, () => {
    let f: CaseFixture;
    let other: { subdistrictId: string; unitId: string | null };
    let colleague: string;
    let day = 0;
    beforeAll(async () => {
      f = await caseFixture(dialect);
      const db = f.ctx.handle.db;
      const sub = await db.selectFrom('subdistricts').select('id').where('id', '!=', f.hq).orderBy('code').executeTakeFirstOrThrow();
      const unit = await db.selectFrom('handling_units').select('id').where('subdistrict_id', '=', sub.id).orderBy('id').executeTakeFirst();
      other = { subdistrictId: sub.id, unitId: unit?.id ?? null };
      // A second active member of handler1's unit: whom the unit's fallback should reach.
      const h1 = await db.selectFrom('users').selectAll().where('id', '=', f.actors.handler1.userId).executeTakeFirstOrThrow();
      colleague = newId();
      const now = f.ctx.clock.now().toISOString();
      await db.insertInto('users').values({ ...h1, id: colleague, username: 'handler1-colleague', display_name: '同组处置员', phone: '13900000011', created_at: now, updated_at: now }).execute();
      const scopes = await db.selectFrom('user_scopes').selectAll().where('user_id', '=', h1.id).execute();
      for (const s of scopes) await db.insertInto('user_scopes').values({ ...s, id: newId(), user_id: colleague }).execute();
    });
    afterAll(async () => f.ctx.close());
    const db = () => f.ctx.handle.db;
    const row = (id: string) => db().selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const recipients = async (caseId: string, kind: string) =>
      (await db().selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id').select('i.user_id')
        .where('n.case_id', '=', caseId).where('n.kind', '=', kind).execute()).map((r) => r.user_id).sort();
    const operators = async () =>
      (await db().selectFrom('users').select('id').where('role', '=', 'operator').where('status', '=', 'active')
        .where('id', 'in', db().selectFrom('user_scopes').select('user_id').where('subdistrict_id', '=', f.hq).where('committee_id', 'is', null))
        .execute()).map((r) => r.id).sort();

    /** Puts `userId` out of reach as `outage` says; returns what undoes it. */
    async function apply(userId: string, outage: Outage): Promise<() => Promise<void>> {
      const before = await db().selectFrom('users').select(['status', 'subdistrict_id', 'handling_unit_id']).where('id', '=', userId).executeTakeFirstOrThrow();
      const scopes = await db().selectFrom('user_scopes').selectAll().where('user_id', '=', userId).execute();
      if (outage === 'disabled') await db().updateTable('users').set({ status: 'disabled' }).where('id', '=', userId).execute();
      if (outage === 'moved' || outage === 'scoped') {
        // Transferred to another subdistrict (and its unit); 'scoped' keeps a scope into this one.
        await db().updateTable('users').set({ subdistrict_id: other.subdistrictId, handling_unit_id: before.handling_unit_id ? other.unitId : null }).where('id', '=', userId).execute();
        await db().deleteFrom('user_scopes').where('user_id', '=', userId).execute();
        await db().insertInto('user_scopes').values({ id: newId(), user_id: userId, subdistrict_id: other.subdistrictId, committee_id: null }).execute();
        if (outage === 'scoped') await db().insertInto('user_scopes').values({ id: newId(), user_id: userId, subdistrict_id: f.hq, committee_id: null }).execute();
      }
      return async () => {
        await db().updateTable('users').set(before).where('id', '=', userId).execute();
        await db().deleteFrom('user_scopes').where('user_id', '=', userId).execute();
        for (const s of scopes) await db().insertInto('user_scopes').values(s).execute();
      };
    }

    /** A fresh case walked to `stage`, on a day of its own (calendar hours: any time of day). */
    async function caseAt(stage: 'handle' | 'check', dispatchTo: { unitId?: string; userId?: string }) {
      const a = f.actors;
      f.ctx.clock.set(new Date(Date.parse('2026-06-01T02:00:00Z') + day++ * 86_400_000).toISOString());
      let c = await f.report(a.patrol1, { categoryId: f.categories.A0101, description: '湿垃圾桶满溢' });
      c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, ...dispatchTo });
      if (stage === 'check') c = await f.act(a.handler1, c.id, { action: 'handle', version: c.version, note: '已清运', photoIds: [await f.photo(a.handler1)] });
      return row(c.id);
    }

    /** Runs the sweep at the stage's reminder, then past its due time; who heard of each. */
    async function sweepThrough(caseId: string) {
      let r = await row(caseId);
      expect(r.remind_at).not.toBeNull();
      f.ctx.clock.set(new Date(Date.parse(r.remind_at as string) + 1_000).toISOString());
      await sweepCaseDeadlines(db(), f.ctx.clock);
      r = await row(caseId);
      f.ctx.clock.set(new Date(Date.parse(r.stage_due_at as string) + 60_000).toISOString());
      await sweepCaseDeadlines(db(), f.ctx.clock);
      expect((await row(caseId)).overdue_at).not.toBeNull();
      return {
        dueSoon: await recipients(caseId, 'case_due_soon'),
        overdue: await recipients(caseId, 'case_overdue'),
        pleaseAct: await recipients(caseId, 'case_overdue_assignee'),
      };
    }

    for (const outage of OUTAGES) {
      it(`handling, named person ${outage}: the person while reachable, else the unit's active staff`, async () => {
        const c = await caseAt('handle', { unitId: f.units.handler1, userId: f.actors.handler1.userId });
        expect(c.assigned_user_id).toBe(f.actors.handler1.userId);
        const undo = await apply(f.actors.handler1.userId, outage);
        try {
          const heard = await sweepThrough(c.id);
          const expected = reachable(outage) ? [f.actors.handler1.userId] : [colleague];
          expect(heard.dueSoon).toEqual(expected);
          expect(heard.pleaseAct).toEqual(expected);
          expect(heard.overdue).toEqual(await operators());
        } finally {
          await undo();
        }
      });

      it(`checking, checker ${outage}: the checker while reachable, else the operators`, async () => {
        const c = await caseAt('check', { unitId: f.units.handler1 });
        const checker = c.checker_user_id as string;
        expect(checker).toBe(f.actors.patrol1.userId);
        const undo = await apply(checker, outage);
        try {
          const heard = await sweepThrough(c.id);
          expect(heard.dueSoon).toEqual(reachable(outage) ? [checker] : await operators());
          expect(heard.overdue).toEqual(await operators());
          expect(heard.pleaseAct).toEqual([]);
        } finally {
          await undo();
        }
      });
    }

    it('handling, named person and the whole unit out of reach: the operators, told once', async () => {
      const c = await caseAt('handle', { unitId: f.units.handler1, userId: f.actors.handler1.userId });
      const undo = [await apply(f.actors.handler1.userId, 'disabled'), await apply(colleague, 'moved')];
      // Anyone else of the unit is disabled for the round too.
      const rest = await db().selectFrom('users').select('id').where('handling_unit_id', '=', f.units.handler1).where('status', '=', 'active').execute();
      for (const u of rest) undo.push(await apply(u.id, 'disabled'));
      try {
        const heard = await sweepThrough(c.id);
        expect(heard.dueSoon).toEqual(await operators());
        expect(heard.overdue).toEqual(await operators());
        expect(heard.pleaseAct).toEqual([]);
      } finally {
        for (const u of undo.reverse()) await u();
      }
    });

    it('handling, dispatched to a unit only: its active staff', async () => {
      const c = await caseAt('handle', { unitId: f.units.handler1 });
      const unit = (await db().selectFrom('users').select('id').where('handling_unit_id', '=', f.units.handler1).where('status', '=', 'active').execute()).map((u) => u.id).sort();
      expect(unit).toContain(colleague);
      const heard = await sweepThrough(c.id);
      expect(heard.dueSoon).toEqual(unit);
      expect(heard.pleaseAct).toEqual(unit);
    });
  });
}

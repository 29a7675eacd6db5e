import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/auth/actor.js';
import { isWorkingDay, loadOverrides } from '../../src/domain/calendar/working-days.js';
import { sweepCaseDeadlines } from '../../src/domain/cases/deadline-sweep.js';
import { getCase } from '../../src/domain/cases/get-case.js';
import { listCases } from '../../src/domain/cases/list-cases.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { newId } from '../../src/domain/shared/ids.js';
import { actorOf } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture, overdueMarks } from './fixtures.js';

async function refused(p: Promise<unknown>, why: RegExp) {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('transition_not_allowed');
    expect((e as DomainError).message).toMatch(why);
    return;
  }
  throw new Error('expected the check to be refused');
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** Office hours as [start, end) minutes after Shanghai midnight (08:30–12:00, 13:00–17:30). */
const OFFICE = [[8 * 60 + 30, 12 * 60], [13 * 60, 17 * 60 + 30]] as const;
const shanghaiDay = (t: number) => new Date(t + 8 * HOUR).toISOString().slice(0, 10);

/**
 * The office time between two instants on the subdistrict's working days (an oracle written apart
 * from src/domain/calendar/deadlines.ts: day by day, office period by office period).
 */
async function officeMs(f: CaseFixture, from: number, to: number): Promise<number> {
  if (to <= from) return 0;
  const overrides = await loadOverrides(f.ctx.handle.db, shanghaiDay(from), shanghaiDay(to), f.hq);
  let total = 0;
  for (let midnight = Date.parse(`${shanghaiDay(from)}T00:00:00+08:00`); midnight <= to; midnight += DAY) {
    if (!isWorkingDay(shanghaiDay(midnight), overrides)) continue;
    for (const [a, b] of OFFICE) total += Math.max(0, Math.min(to, midnight + b * 60_000) - Math.max(from, midnight + a * 60_000));
  }
  return total;
}

for (const dialect of DIALECTS) {
  describe(`independent check, paused clocks [${dialect}]`, () => {
    let f: CaseFixture;
    let committeeUnit: string;
    let colleague: Actor;
    beforeAll(async () => {
      f = await caseFixture(dialect);
      const db = f.ctx.handle.db;
      committeeUnit = (await db.selectFrom('handling_units').select('id').where('kind', '=', 'committee').where('committee_id', '=', f.binRoom.committeeId).executeTakeFirstOrThrow()).id;
      // A second cadre of committee 001: a colleague in the committee's own handling unit.
      const id = newId();
      const now = f.ctx.clock.now().toISOString();
      await db.insertInto('users').values({
        id, username: 'cadre01b', display_name: '第二干部', phone: null, password_hash: 'x', role: 'cadre', subdistrict_id: f.hq, handling_unit_id: null,
        status: 'active', failed_logins: 0, locked_until: null, created_at: now, updated_at: now,
      }).execute();
      await db.insertInto('user_scopes').values({ id: newId(), user_id: id, subdistrict_id: f.hq, committee_id: f.binRoom.committeeId }).execute();
      colleague = await actorOf(f.ctx, 'cadre01b');
    });
    afterAll(async () => f.ctx.close());

    const toHandled = async (reporter: Actor, handler: Actor, dispatch: { unitId?: string; userId?: string }) => {
      let c = await f.report(reporter);
      c = await f.act(f.actors.operator, c.id, { action: 'file', version: c.version });
      c = await f.act(f.actors.operator, c.id, { action: 'dispatch', version: c.version, ...dispatch });
      return f.act(handler, c.id, { action: 'handle', version: c.version, note: '已处置', photoIds: [await f.photo(handler)] });
    };

    it('never lets the person who handled a case check it, whatever path asks', async () => {
      const a = f.actors;
      const c = await toHandled(a.cadre01, a.cadre01, { unitId: committeeUnit, userId: a.cadre01.userId });
      await refused(f.act(a.cadre01, c.id, { action: 'check_pass', version: c.version }), /independent check/);
      await refused(f.act(a.cadre01, c.id, { action: 'check_fail', version: c.version, note: '未整改' }), /independent check/);
      // The case offers the check to an independent person only.
      expect((await getCase(f.ctx.handle.db, f.ctx.clock, a.cadre01, c.id)).allowedActions.map((x) => x.action)).not.toContain('check_pass');
      expect((await getCase(f.ctx.handle.db, f.ctx.clock, a.patrol1, c.id)).allowedActions.map((x) => x.action)).toContain('check_pass');
      // The cadre reported it but handled it too: the check goes to someone else of the committee.
      expect(c.checkerUserId).not.toBe(a.cadre01.userId);
      expect(c.checkerUserId).not.toBeNull();
      const closed = await f.act(a.patrol1, c.id, { action: 'check_pass', version: c.version });
      expect(closed.status).toBe('closed');
    });

    it('never lets the finder who fixed a case on the spot check it after it is reopened and handled again', async () => {
      const a = f.actors;
      let c = await f.report(a.patrol1, { source: 'self_resolved', photoIds: [await f.photo(a.patrol1)], afterPhotoIds: [await f.photo(a.patrol1)] });
      c = await f.act(a.operator, c.id, { action: 'reopen', version: c.version, reason: '市民反映仍有垃圾' });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
      c = await f.act(a.handler1, c.id, { action: 'handle', version: c.version, note: '已清理', photoIds: [await f.photo(a.handler1)] });
      expect(c.checkerUserId).not.toBe(a.patrol1.userId);
      await refused(f.act(a.patrol1, c.id, { action: 'check_pass', version: c.version }), /independent check/);
    });

    it('never lets a member of the handling unit check, even one who did not handle it', async () => {
      const a = f.actors;
      const c = await toHandled(a.patrol1, a.cadre01, { unitId: committeeUnit });
      await refused(f.act(colleague, c.id, { action: 'check_pass', version: c.version }), /handling unit/);
      await refused(f.act(colleague, c.id, { action: 'check_fail', version: c.version, note: 'x' }), /handling unit/);
      const back = await f.act(a.patrol1, c.id, { action: 'check_fail', version: c.version, note: '桶边仍有垃圾' });
      expect(back).toMatchObject({ status: 'dispatched', checkerUserId: null });
    });

    it('sends the check to the reporter by default, to the committee or the desk as the category says', async () => {
      const a = f.actors;
      const db = f.ctx.handle.db;
      const cat = f.categories.A0301 as string;
      let c = await toHandled(a.patrol1, a.handler1, { unitId: f.units.handler1 });
      expect(c.checkerUserId).toBe(a.patrol1.userId);
      await db.updateTable('case_categories').set({ check_by: 'committee' }).where('id', '=', cat).execute();
      c = await toHandled(a.patrol1, a.handler1, { unitId: f.units.handler1 });
      expect(c.checkerUserId).toBe(a.cadre01.userId);
      // The committee's cadres belong to the committee unit that handled: a patrol officer checks.
      c = await toHandled(a.patrol1, a.cadre01, { unitId: committeeUnit });
      expect(c.checkerUserId).not.toBe(a.cadre01.userId);
      expect(c.checkerUserId).not.toBe(colleague.userId);
      expect((await db.selectFrom('users').select('role').where('id', '=', c.checkerUserId as string).executeTakeFirstOrThrow()).role).toBe('patrol');
      await db.updateTable('case_categories').set({ check_by: 'operations' }).where('id', '=', cat).execute();
      c = await toHandled(a.patrol1, a.handler1, { unitId: f.units.handler1 });
      expect(c.checkerUserId).toBeNull();
      await db.updateTable('case_categories').set({ check_by: 'reporter' }).where('id', '=', cat).execute();
      // The checker finds it among "my tasks".
      c = await toHandled(a.patrol1, a.handler1, { unitId: f.units.handler1 });
      const mine = await db.selectFrom('cases').select('id').where('checker_user_id', '=', a.patrol1.userId).where('status', '=', 'handled').execute();
      expect(mine.map((r) => r.id)).toContain(c.id);
    });

    it('pauses the handling clock on hold and resumes it with the working time left', async () => {
      const a = f.actors;
      const db = f.ctx.handle.db;
      await db.updateTable('case_categories').set({ handle_hours: 8, limit_mode: 'working' }).where('id', '=', f.categories.A0301 as string).execute();
      // Monday 1 June 2026, 09:00 Shanghai: 8 working hours run to Tuesday 09:00 (3 h + 4.5 h + 0.5 h).
      f.ctx.clock.set('2026-06-01T01:00:00Z');
      let c = await f.report(a.patrol1);
      c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
      expect(c.stageDueAt).toBe('2026-06-02T01:00:00.000Z');
      f.ctx.clock.set('2026-06-01T02:00:00Z');
      c = await f.act(a.handler1, c.id, { action: 'request_hold', version: c.version, reason: '需业委会决议' });
      // Approved at 11:00: 2 working hours used, 6 left.
      f.ctx.clock.set('2026-06-01T03:00:00Z');
      c = await f.act(a.operator, c.id, { action: 'approve_hold', version: c.version });
      expect(c).toMatchObject({ status: 'on_hold', stageDueAt: null });
      // Released Thursday 14:00: 3.5 h that afternoon + 2.5 h on Friday → Friday 11:00.
      f.ctx.clock.set('2026-06-04T06:00:00Z');
      c = await f.act(a.operator, c.id, { action: 'release_hold', version: c.version });
      expect(c).toMatchObject({ status: 'dispatched', stageDueAt: '2026-06-05T03:00:00.000Z', handleDueAt: '2026-06-05T03:00:00.000Z' });
      const ev = await db.selectFrom('case_events').select(['action', 'changes', 'note']).where('case_id', '=', c.id).orderBy('seq').execute();
      const hold = ev.find((e) => e.action === 'approve_hold')!;
      expect(JSON.parse(hold.changes)).toMatchObject({ stage_due_at: ['2026-06-02T01:00:00.000Z', null], held_remaining_ms: [null, 6 * 3600_000] });
      const release = ev.find((e) => e.action === 'release_hold')!;
      expect(JSON.parse(release.changes)).toMatchObject({ stage_due_at: [null, '2026-06-05T03:00:00.000Z'], held_remaining_ms: [6 * 3600_000, null] });
      expect(release.note).toMatch(/剩余时限 6 小时 0 分/);
      // An extension moves the due time: an event with before, after and the unit's reason.
      f.ctx.clock.set('2026-06-04T07:00:00Z');
      c = await f.act(a.handler1, c.id, { action: 'request_extension', version: c.version, reason: '缺配件', dueAt: '2026-06-08T09:00:00+08:00' });
      c = await f.act(a.operator, c.id, { action: 'approve_extension', version: c.version });
      const ext = (await db.selectFrom('case_events').select(['changes', 'note']).where('case_id', '=', c.id).where('action', '=', 'approve_extension').executeTakeFirstOrThrow());
      expect(JSON.parse(ext.changes).stage_due_at).toEqual(['2026-06-05T03:00:00.000Z', '2026-06-08T01:00:00.000Z']);
      expect(ext.note).toMatch(/缺配件/);
    });

    it('property: a hold excludes its time, whenever it begins and ends, over weekends and holidays, in working or calendar hours; both moves of the due time are events', async () => {
      const a = f.actors;
      const db = f.ctx.handle.db;
      const category = f.categories.A0301 as string;
      const was = await db.selectFrom('case_categories').select(['handle_hours', 'limit_mode']).where('id', '=', category).executeTakeFirstOrThrow();
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            mode: fc.constantFrom('working' as const, 'calendar' as const),
            hours: fc.integer({ min: 1, max: 40 }),
            // Dispatched at a minute between June and mid-October 2026 (Dragon Boat Festival, National Day).
            dispatchMin: fc.integer({ min: 0, max: 135 * 24 * 60 }),
            // The hold approved some minutes later (at times after the limit ran out), released later still.
            toApproveMin: fc.integer({ min: 1, max: 4 * 24 * 60 }),
            heldMin: fc.integer({ min: 1, max: 12 * 24 * 60 }),
            // Whether the deadline job ran (and marked a stage past its limit) just before the approval.
            sweptBefore: fc.boolean(),
          }),
          async ({ mode, hours, dispatchMin, toApproveMin, heldMin, sweptBefore }) => {
            await db.updateTable('case_categories').set({ handle_hours: hours, limit_mode: mode }).where('id', '=', category).execute();
            const dispatchAt = Date.parse('2026-06-01T00:00:00+08:00') + dispatchMin * 60_000;
            const approveAt = dispatchAt + toApproveMin * 60_000;
            const releaseAt = approveAt + heldMin * 60_000;
            f.ctx.clock.set(new Date(dispatchAt - 60_000));
            let c = await f.report(a.patrol1);
            c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
            f.ctx.clock.set(new Date(dispatchAt));
            c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
            const due = Date.parse(c.stageDueAt as string);
            c = await f.act(a.handler1, c.id, { action: 'request_hold', version: c.version, reason: '需业委会决议' });
            f.ctx.clock.set(new Date(approveAt));
            if (sweptBefore) {
              await sweepCaseDeadlines(db, f.ctx.clock);
              c = await getCase(db, f.ctx.clock, a.operator, c.id);
              expect(c.overdueCount).toBe(approveAt >= due ? 1 : 0);
            }
            const markedBefore = c.overdueAt;
            c = await f.act(a.operator, c.id, { action: 'approve_hold', version: c.version });
            // Held, a case waits on nobody: not among the overdue now, whatever mark it keeps.
            expect(c.overdueAt).toBe(markedBefore);
            const overdueNow = await listCases(db, a.operator, { queue: 'overdue', q: c.number }, { limit: 5 }, f.ctx.clock.now());
            expect(overdueNow.items.map((x) => x.id)).not.toContain(c.id);
            f.ctx.clock.set(new Date(releaseAt));
            c = await f.act(a.operator, c.id, { action: 'release_hold', version: c.version });
            const after = Date.parse(c.stageDueAt as string);
            const span = (x: number, y: number) => (mode === 'working' ? officeMs(f, x, y) : Promise.resolve(Math.max(0, y - x)));
            // What was left when the hold began is what the stage resumes with after it.
            const left = await span(approveAt, due);
            expect(await span(releaseAt, after)).toBe(left);
            // ... and it runs out at the first moment it can: the hold's own time does not count.
            if (left > 0) expect(await span(releaseAt, after - 60_000)).toBeLessThan(left);
            else expect(after).toBe(releaseAt);
            // Before the limit ran out, the time used and the time resumed add up to the whole limit.
            if (approveAt < due) expect((await span(dispatchAt, approveAt)) + left).toBe(hours * HOUR);
            expect(c).toMatchObject({ status: 'dispatched', handleDueAt: c.stageDueAt });
            // Each change of the due time is an event with before, after and a reason.
            const ev = await db.selectFrom('case_events').select(['action', 'changes', 'note']).where('case_id', '=', c.id).where('action', 'in', ['approve_hold', 'release_hold']).orderBy('seq').execute();
            expect(ev.map((e) => e.action)).toEqual(['approve_hold', 'release_hold']);
            expect(JSON.parse(ev[0]!.changes)).toMatchObject({ stage_due_at: [new Date(due).toISOString(), null], held_remaining_ms: [null, left] });
            expect(JSON.parse(ev[1]!.changes)).toMatchObject({ stage_due_at: [null, new Date(after).toISOString()], held_remaining_ms: [left, null] });
            expect(ev[1]!.note).toMatch(markedBefore ? /解除挂账：挂账前已超期/ : /解除挂账：恢复剩余时限/);
            // Once the resumed limit has run out, the stage is overdue once — marked before the
            // hold or after the release, never both: one overdue event, one count, one escalation.
            f.ctx.clock.set(new Date(Math.max(after, releaseAt) + 60_000));
            await sweepCaseDeadlines(db, f.ctx.clock);
            expect(await overdueMarks(f, c.id)).toEqual([1, 1, 1]);
            expect((await listCases(db, a.operator, { queue: 'overdue', q: c.number }, { limit: 5 }, f.ctx.clock.now())).items.map((x) => x.id)).toContain(c.id);
          },
        ),
        { seed: Number(process.env.FC_SEED ?? 20261207), numRuns: dialect === 'sqlite' ? 30 : 15 },
      );
      await db.updateTable('case_categories').set(was).where('id', '=', category).execute();
    }, 60_000);

    it('property: an extension is asked for within the handling limit, never after it ran out (marked overdue or not)', async () => {
      const a = f.actors;
      const db = f.ctx.handle.db;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: -24 * 60, max: 24 * 60 }), fc.boolean(), async (offsetMin, swept) => {
          f.ctx.clock.set('2026-06-01T01:00:00Z');
          let c = await f.report(a.patrol1);
          c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
          c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
          const due = Date.parse(c.stageDueAt as string);
          const at = due + offsetMin * 60_000;
          f.ctx.clock.set(new Date(at));
          if (swept) await sweepCaseDeadlines(db, f.ctx.clock);
          const seen = await getCase(db, f.ctx.clock, a.handler1, c.id);
          const offered = seen.allowedActions.map((x) => x.action).includes('request_extension');
          const ask = f.act(a.handler1, c.id, { action: 'request_extension', version: seen.version, reason: '缺配件', dueAt: new Date(at + 3 * DAY).toISOString() });
          if (at < due) {
            expect(offered).toBe(true);
            c = await ask;
            // Asked in time, it may still be granted after the limit ran out (the desk's delay is not the unit's).
            f.ctx.clock.set(new Date(Math.max(at, due) + 60_000));
            c = await f.act(a.operator, c.id, { action: 'approve_extension', version: c.version });
            expect(c.stageDueAt).toBe(new Date(at + 3 * DAY).toISOString());
          } else {
            await refused(ask, /limit has passed/);
            // From the due time on, marked by the deadline job or not, the screens no longer offer it.
            expect(offered).toBe(false);
            const ev = await db.selectFrom('case_events').select('action').where('case_id', '=', c.id).where('action', '=', 'request_extension').execute();
            expect(ev).toEqual([]);
          }
        }),
        { seed: Number(process.env.FC_SEED ?? 20261207), numRuns: dialect === 'sqlite' ? 25 : 12, examples: [[0, false], [0, true], [-1, false], [1, true]] },
      );
    }, 60_000);

    it('counts rework when the same unit handles again, not when the desk re-dispatches elsewhere (改派)', async () => {
      const a = f.actors;
      let c = await toHandled(a.patrol1, a.handler1, { unitId: f.units.handler1 });
      c = await f.act(a.patrol1, c.id, { action: 'check_fail', version: c.version, note: '未整改' });
      c = await f.act(a.operator, c.id, { action: 'redispatch', version: c.version, unitId: f.units.handler2, reason: '属二号物业' });
      c = await f.act(a.handler2, c.id, { action: 'handle', version: c.version, note: '已处置', photoIds: [await f.photo(a.handler2)] });
      expect(c).toMatchObject({ reworkCount: 0, redispatchCount: 1 });
      c = await f.act(a.patrol1, c.id, { action: 'check_fail', version: c.version, note: '仍未整改' });
      expect(c.reworkCount).toBe(0);
      c = await f.act(a.handler2, c.id, { action: 'handle', version: c.version, note: '再处置', photoIds: [await f.photo(a.handler2)] });
      expect(c.reworkCount).toBe(1);
    });
  });
}

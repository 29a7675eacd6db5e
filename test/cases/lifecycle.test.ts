import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { TRANSITIONS } from '../../src/domain/cases/lifecycle.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

async function rejects(p: Promise<unknown>, code: string, field?: string) {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    const err = e as DomainError;
    expect(err.code).toBe(code);
    if (field) expect((err.details as { fields: { field: string }[] }).fields[0]!.field).toBe(field);
    return err;
  }
  throw new Error(`expected ${code}`);
}

for (const dialect of DIALECTS) {
  describe(`case lifecycle [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f.ctx.close());

    const events = (caseId: string) =>
      f.ctx.handle.db.selectFrom('case_events').select(['action', 'from_status', 'to_status', 'actor_role', 'changes', 'photo_ids']).where('case_id', '=', caseId).orderBy('seq').execute();

    it('runs the whole loop report → file → dispatch → handle → check → closed, numbered and evented', async () => {
      const { actors: a } = f;
      const before = await f.photo(a.patrol1);
      let c = await f.report(a.patrol1, { photoIds: [before] });
      expect(c.number).toMatch(/^HQ-20260526-\d{4}$/);
      expect(c).toMatchObject({ status: 'reported', version: 1 });
      expect(c.stageDueAt).not.toBeNull();
      c = await f.act(a.operator, c.id, { action: 'file', version: 1 });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: 2, unitId: f.units.handler1 });
      expect(c).toMatchObject({ status: 'dispatched', assignedUnitId: f.units.handler1 });
      expect(c.handleDueAt).toBe(c.stageDueAt);
      const after = await f.photo(a.handler1);
      c = await f.act(a.handler1, c.id, { action: 'handle', version: 3, note: '已分拣', photoIds: [after], gps: { lng: 121.41, lat: 31.2, accuracy: 8 } });
      expect(c).toMatchObject({ status: 'handled', handledOnTime: true });
      c = await f.act(a.patrol1, c.id, { action: 'check_pass', version: 4 });
      expect(c).toMatchObject({ status: 'closed', closedOnTime: true, version: 5 });
      expect(c.closedAt).not.toBeNull();
      const ev = await events(c.id);
      expect(ev.map((e) => e.action)).toEqual(['report', 'file', 'dispatch', 'handle', 'check_pass']);
      expect(ev.map((e) => e.actor_role)).toEqual(['patrol', 'operator', 'operator', 'handler', 'patrol']);
      expect(JSON.parse(ev[2]!.changes).assigned_unit_id).toEqual([null, f.units.handler1]);
      const photos = await f.ctx.handle.db.selectFrom('case_photos').select(['photo_id', 'purpose']).where('case_id', '=', c.id).orderBy('purpose').execute();
      expect(photos).toEqual([{ photo_id: after, purpose: 'after' }, { photo_id: before, purpose: 'before' }]);
      expect((await verifyChain(f.ctx.handle.db, f.hq)).ok).toBe(true);
    });

    it('numbers cases gap-free per subdistrict and day', async () => {
      const a = await f.report(f.actors.patrol1);
      const b = await f.report(f.actors.patrol1);
      const na = Number(a.number.slice(-4));
      expect(Number(b.number.slice(-4))).toBe(na + 1);
      f.ctx.clock.advance(24 * 3600_000);
      const c = await f.report(f.actors.patrol1);
      expect(c.number).toBe('HQ-20260527-0001');
      f.ctx.clock.set('2026-05-26T02:30:00Z');
    });

    it('sends a failed check back to the same unit as rework, counted', async () => {
      const { actors: a } = f;
      let c = await f.report(a.patrol1);
      c = await f.act(a.operator, c.id, { action: 'file', version: 1 });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: 2, unitId: f.units.handler1 });
      c = await f.act(a.handler1, c.id, { action: 'handle', version: 3, note: 'done', photoIds: [await f.photo(a.handler1)] });
      await rejects(f.act(a.patrol1, c.id, { action: 'check_fail', version: 4 }), 'validation_failed', 'note');
      c = await f.act(a.patrol1, c.id, { action: 'check_fail', version: 4, note: '桶边仍有垃圾' });
      // Rework is counted once the same unit handles again (a re-dispatch elsewhere would not be rework).
      expect(c).toMatchObject({ status: 'dispatched', assignedUnitId: f.units.handler1, reworkCount: 0, handledOnTime: null });
      c = await f.act(a.handler1, c.id, { action: 'handle', version: 5, note: 'again', photoIds: [await f.photo(a.handler1)] });
      c = await f.act(a.cadre01, c.id, { action: 'check_pass', version: 6 });
      expect(c).toMatchObject({ status: 'closed', reworkCount: 1 });
    });

    it('cancels a report only with a reason; reopens with a reason', async () => {
      const { actors: a } = f;
      let c = await f.report(a.patrol1);
      await rejects(f.act(a.operator, c.id, { action: 'cancel', version: 1 }), 'validation_failed', 'reason');
      c = await f.act(a.operator, c.id, { action: 'cancel', version: 1, reason: '重复上报' });
      expect(c).toMatchObject({ status: 'cancelled', statusReason: '重复上报', stageDueAt: null });
      await rejects(f.act(a.operator, c.id, { action: 'reopen', version: 2 }), 'validation_failed', 'reason');
      c = await f.act(a.operator, c.id, { action: 'reopen', version: 2, reason: '误注销' });
      expect(c).toMatchObject({ status: 'filed', reopenCount: 1, cancelledAt: null });
    });

    it('holds and releases, and refuses a hold, only through the operator', async () => {
      const { actors: a } = f;
      let c = await f.report(a.patrol1);
      c = await f.act(a.operator, c.id, { action: 'file', version: 1 });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: 2, unitId: f.units.handler1 });
      await rejects(f.act(a.operator, c.id, { action: 'approve_hold', version: 3 }), 'transition_not_allowed');
      await rejects(f.act(a.handler2, c.id, { action: 'request_hold', version: 3, reason: 'x' }), 'not_found');
      c = await f.act(a.handler1, c.id, { action: 'request_hold', version: 3, reason: '需业委会决议' });
      expect(c).toMatchObject({ status: 'dispatched', pendingRequest: 'hold' });
      await rejects(f.act(a.handler1, c.id, { action: 'approve_hold', version: 4 }), 'transition_not_allowed');
      await rejects(f.act(a.handler1, c.id, { action: 'request_extension', version: 4, reason: 'x', dueAt: '2026-06-30T00:00:00Z' }), 'transition_not_allowed');
      c = await f.act(a.operator, c.id, { action: 'refuse_hold', version: 4, reason: '可先行处置' });
      expect(c).toMatchObject({ status: 'dispatched', pendingRequest: null });
      c = await f.act(a.handler1, c.id, { action: 'request_hold', version: 5, reason: '需业委会决议' });
      c = await f.act(a.operator, c.id, { action: 'approve_hold', version: 6 });
      expect(c).toMatchObject({ status: 'on_hold', pendingRequest: null, stageDueAt: null });
      c = await f.act(a.operator, c.id, { action: 'release_hold', version: 7 });
      expect(c.status).toBe('dispatched');
      expect(c.stageDueAt).not.toBeNull();
    });

    it('extends a deadline only to a future time, approved by the operator', async () => {
      const { actors: a } = f;
      let c = await f.report(a.patrol1);
      c = await f.act(a.operator, c.id, { action: 'file', version: 1 });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: 2, unitId: f.units.handler1 });
      await rejects(f.act(a.handler1, c.id, { action: 'request_extension', version: 3, reason: '缺配件', dueAt: '2026-05-25T00:00:00Z' }), 'validation_failed', 'dueAt');
      await rejects(f.act(a.handler1, c.id, { action: 'request_extension', version: 3, reason: '缺配件' }), 'validation_failed', 'dueAt');
      c = await f.act(a.handler1, c.id, { action: 'request_extension', version: 3, reason: '缺配件', dueAt: '2026-06-05T09:00:00+08:00' });
      expect(c).toMatchObject({ pendingRequest: 'extension', requestedDueAt: '2026-06-05T01:00:00.000Z' });
      c = await f.act(a.operator, c.id, { action: 'approve_extension', version: 4 });
      expect(c).toMatchObject({ pendingRequest: null, stageDueAt: '2026-06-05T01:00:00.000Z', extensionCount: 1, requestedDueAt: null });
      c = await f.act(a.handler1, c.id, { action: 'request_extension', version: 5, reason: '再延', dueAt: '2026-06-10T09:00:00+08:00' });
      c = await f.act(a.operator, c.id, { action: 'refuse_extension', version: 6, reason: '不同意' });
      expect(c).toMatchObject({ pendingRequest: null, stageDueAt: '2026-06-05T01:00:00.000Z', extensionCount: 1 });
    });

    it('re-dispatches to another unit (counted) and the old unit loses the case', async () => {
      const { actors: a } = f;
      let c = await f.report(a.patrol1);
      c = await f.act(a.operator, c.id, { action: 'file', version: 1 });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: 2, unitId: f.units.handler1 });
      await rejects(f.act(a.operator, c.id, { action: 'redispatch', version: 3, unitId: f.units.handler1, reason: 'x' }), 'validation_failed', 'unitId');
      c = await f.act(a.operator, c.id, { action: 'redispatch', version: 3, unitId: f.units.handler2, reason: '派错单位' });
      expect(c).toMatchObject({ assignedUnitId: f.units.handler2, redispatchCount: 1 });
      await rejects(f.act(a.handler1, c.id, { action: 'handle', version: 4, note: 'x', photoIds: [await f.photo(a.handler1)] }), 'not_found');
      c = await f.act(a.handler2, c.id, { action: 'handle', version: 4, note: 'ok', photoIds: [await f.photo(a.handler2)] });
      expect(c.status).toBe('handled');
    });

    it('dispatches to a named person and to the enforcement squad', async () => {
      const { actors: a } = f;
      let c = await f.report(a.patrol1, { categoryId: f.categories.B0101, siteId: f.shop.id });
      c = await f.act(a.operator, c.id, { action: 'file', version: 1 });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: 2, unitId: f.units.enforcement });
      c = await f.act(a.enforcer1, c.id, { action: 'handle', version: 3, note: '已责令改正', photoIds: [await f.photo(a.enforcer1)] });
      let d = await f.report(a.patrol1);
      d = await f.act(a.operator, d.id, { action: 'file', version: 1 });
      d = await f.act(a.operator, d.id, { action: 'dispatch', version: 2, userId: a.cadre01.userId });
      expect(d).toMatchObject({ assignedUserId: a.cadre01.userId, assignedUnitId: null });
      await rejects(f.act(a.cadre02, d.id, { action: 'handle', version: 3, note: 'x', photoIds: [await f.photo(a.cadre02)] }), 'not_found');
      d = await f.act(a.cadre01, d.id, { action: 'handle', version: 3, note: 'ok', photoIds: [await f.photo(a.cadre01)] });
      expect(d.status).toBe('handled');
    });

    it('merges a duplicate into another case keeping both histories', async () => {
      const { actors: a } = f;
      const target = await f.report(a.patrol1);
      const dup = await f.report(a.cadre01, { source: 'checkin' });
      await rejects(f.act(a.operator, dup.id, { action: 'merge', version: 1, targetCaseId: dup.id }), 'validation_failed', 'targetCaseId');
      const merged = await f.act(a.operator, dup.id, { action: 'merge', version: 1, targetCaseId: target.id });
      expect(merged).toMatchObject({ status: 'merged', mergedIntoId: target.id, stageDueAt: null });
      expect((await events(dup.id)).map((e) => e.action)).toEqual(['report', 'merge']);
      expect((await events(target.id)).map((e) => e.action)).toEqual(['report', 'merge_in']);
      await rejects(f.act(a.operator, target.id, { action: 'file', version: 1 }), 'stale_version');
      const other = await f.report(a.patrol1);
      await rejects(f.act(a.operator, other.id, { action: 'merge', version: 1, targetCaseId: dup.id }), 'validation_failed', 'targetCaseId');
    });

    it('creates self-resolved cases closed, requiring before and after photos', async () => {
      const { actors: a } = f;
      await rejects(f.report(a.patrol1, { source: 'self_resolved', photoIds: [await f.photo(a.patrol1)] }), 'validation_failed', 'afterPhotoIds');
      const c = await f.report(a.patrol1, { source: 'self_resolved', photoIds: [await f.photo(a.patrol1)], afterPhotoIds: [await f.photo(a.patrol1)] });
      expect(c).toMatchObject({ status: 'closed', source: 'self_resolved', handledOnTime: true, closedOnTime: true, stageDueAt: null });
      expect(c.closedAt).toBe(c.reportedAt);
      expect((await events(c.id)).map((e) => e.action)).toEqual(['self_resolve']);
    });

    it('refuses a fix on the spot proved by the same picture before and after', async () => {
      const { actors: a } = f;
      const before = await f.photo(a.patrol1);
      await rejects(f.report(a.patrol1, { source: 'self_resolved', photoIds: [before], afterPhotoIds: [await f.photo(a.patrol1), before] }), 'validation_failed', 'afterPhotoIds.1');
      await rejects(f.report(a.patrol1, { source: 'self_resolved', photoIds: [before], afterPhotoIds: [before] }), 'validation_failed', 'afterPhotoIds.0');
    });

    it('refuses a handling proved by the case\'s before photo uploaded again (same sha256)', async () => {
      const { actors: a } = f;
      const before = await f.photo(a.patrol1);
      let c = await f.report(a.patrol1, { photoIds: [before] });
      c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
      const db = f.ctx.handle.db;
      const { sha256 } = await db.selectFrom('photos').select('sha256').where('id', '=', before).executeTakeFirstOrThrow();
      const copy = await f.photo(a.handler1);
      await db.updateTable('photos').set({ sha256 }).where('id', '=', copy).execute();
      const handle = (photoIds: string[]) => f.act(a.handler1, c.id, { action: 'handle', version: c.version, note: '已整改', photoIds });
      await rejects(handle([copy]), 'validation_failed', 'photoIds.0');
      await rejects(handle([await f.photo(a.handler1), copy]), 'validation_failed', 'photoIds.1');
      const done = await handle([await f.photo(a.handler1)]);
      expect(done.status).toBe('handled');
    });

    it('refuses a stale version with the current state, and transitions the role may not make', async () => {
      const { actors: a } = f;
      const c = await f.report(a.patrol1);
      await f.act(a.operator, c.id, { action: 'file', version: 1 });
      const stale = await rejects(f.act(a.operator, c.id, { action: 'cancel', version: 1, reason: 'x' }), 'stale_version');
      expect((stale.details as { current: { status: string; version: number } }).current).toMatchObject({ status: 'filed', version: 2 });
      const bad = await rejects(f.act(a.patrol1, c.id, { action: 'dispatch', version: 2, unitId: f.units.handler1 }), 'transition_not_allowed');
      expect((bad.details as { allowed: string[] }).allowed).toEqual([]);
      await rejects(f.act(a.operator, c.id, { action: 'check_pass', version: 2 }), 'transition_not_allowed');
      await rejects(f.act(a.leader, c.id, { action: 'dispatch', version: 2, unitId: f.units.handler1 }), 'transition_not_allowed');
      await rejects(f.act(a.operator, c.id, { action: 'dispatch', version: 2 }), 'validation_failed', 'unitId');
      await rejects(f.act(a.operator, c.id, { action: 'dispatch', version: 2, unitId: 'nope' }), 'validation_failed', 'unitId');
      const row = await f.ctx.handle.db.selectFrom('cases').select('version').where('id', '=', c.id).executeTakeFirstOrThrow();
      expect(row.version).toBe(2);
    });

    it('rejects bad reports and writes nothing', async () => {
      const { actors: a } = f;
      const count = async () => Number((await f.ctx.handle.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const n = await count();
      await rejects(f.report(a.patrol1, { categoryId: 'nope' }), 'validation_failed', 'categoryId');
      await rejects(f.report(a.patrol1, { categoryId: f.categories.A01 }), 'validation_failed', 'categoryId');
      await rejects(f.report(a.patrol1, { categoryId: f.categories.B0101 }), 'validation_failed', 'categoryId');
      await rejects(f.report(a.patrol1, { siteId: 'nope' }), 'validation_failed', 'siteId');
      await rejects(f.report(a.patrol1, { lng: 2.35, lat: 48.85 }), 'validation_failed', 'lng');
      await rejects(f.report(a.patrol1, { photoIds: ['nope'] }), 'validation_failed', 'photoIds.0');
      await rejects(f.report(a.patrol1, { source: 'citizen' }), 'forbidden');
      await rejects(f.report(a.xxOperator, { source: 'citizen' }), 'validation_failed', 'siteId');
      expect(await count()).toBe(n);
    });

    it('the table names roles for every action and only known statuses', () => {
      for (const t of TRANSITIONS) {
        expect(t.roles.length).toBeGreaterThan(0);
        expect(t.from.length).toBeGreaterThan(0);
      }
      expect(new Set(TRANSITIONS.map((t) => t.action)).size).toBe(TRANSITIONS.length);
    });
  });
}

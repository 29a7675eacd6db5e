import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCaseEvent } from '../../src/domain/cases/events.js';
import { caseUpdate } from '../../src/domain/cases/hot-queries.js';
import { transitionCase } from '../../src/domain/cases/transition-case.js';
import { reportCase } from '../../src/domain/cases/report-case.js';
import { shanghaiDay } from '../../src/domain/cases/case-number.js';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { plannedNotice } from '../../src/domain/notifications/notify.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

// A transition given the database (as the route gives it) is atomic on its own: on PostgreSQL its
// writes — case row, chain head, event, photo links, notification with its inbox and outbox rows —
// are ONE statement that applies only at the version read; whatever cannot be one statement runs
// in a transaction; on SQLite it is always a transaction.
for (const dialect of DIALECTS) {
  describe(`a transition given the database [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f.ctx.close());
    const db = () => f.ctx.handle.db;
    const noticesOf = (caseId: string) => db().selectFrom('notifications').select(['id', 'kind', 'dedupe_key']).where('case_id', '=', caseId).execute();

    it('racing a cancel against a dispatch at one version: one wins, and only the winner notifies or leaves an event', async () => {
      await fc.assert(
        fc.asyncProperty(fc.boolean(), async (cancelFirst) => {
          const c = await f.report(f.actors.patrol1);
          const filed = await f.act(f.actors.operator, c.id, { action: 'file', version: c.version });
          const dispatch = () => f.act(f.actors.operator, c.id, { action: 'dispatch', version: filed.version, unitId: f.units.handler1 });
          const cancel = () => f.act(f.actors.operator, c.id, { action: 'cancel', version: filed.version, reason: '重复上报' });
          const results = await Promise.allSettled(cancelFirst ? [cancel(), dispatch()] : [dispatch(), cancel()]);
          const won = results.filter((r) => r.status === 'fulfilled');
          expect(won).toHaveLength(1);
          for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'stale_version' });
          const stored = await db().selectFrom('cases').select(['status', 'version']).where('id', '=', c.id).executeTakeFirstOrThrow();
          const events = await db().selectFrom('case_events').select('action').where('case_id', '=', c.id).orderBy('seq').execute();
          const notices = (await noticesOf(c.id)).filter((n) => n.kind === 'case_dispatched');
          expect(stored.version).toBe(filed.version + 1);
          if (stored.status === 'dispatched') {
            expect(events.map((e) => e.action)).toEqual(['report', 'file', 'dispatch']);
            expect(notices).toHaveLength(1);
            const inbox = await db().selectFrom('inbox_items').select('user_id').where('notification_id', '=', notices[0]!.id).execute();
            expect(inbox.length).toBeGreaterThan(0);
            expect(await db().selectFrom('webhook_deliveries').select('id').where('notification_id', '=', notices[0]!.id).execute()).toHaveLength(1);
          } else {
            expect(stored.status).toBe('cancelled');
            expect(events.map((e) => e.action)).toEqual(['report', 'file', 'cancel']);
            // The losing dispatch's notification was never written (nor its inbox or outbox rows).
            expect(notices).toEqual([]);
          }
        }),
        { numRuns: 8 },
      );
      expect(await verifyChain(db(), f.hq)).toMatchObject({ ok: true, broken: null });
    });

    it('a notice for more people than one statement holds: every inbox row, through a transaction', async () => {
      // 120 more operators of the subdistrict: a handled case without a named checker tells them all.
      const at = f.ctx.clock.now().toISOString();
      const hash = (await db().selectFrom('users').select('password_hash').where('id', '=', f.actors.operator.userId).executeTakeFirstOrThrow()).password_hash;
      const ids = Array.from({ length: 120 }, () => newId());
      await db().insertInto('users').values(ids.map((id, i) => ({
        id, username: `bulk-op-${dialect}-${i}`, display_name: `值班员${i}`, role: 'operator', subdistrict_id: f.hq, handling_unit_id: null, status: 'active', password_hash: hash,
        phone: null, failed_logins: 0, locked_until: null, must_change_password: 0, created_at: at, updated_at: at,
      })) as never).execute();
      await db().insertInto('user_scopes').values(ids.map((id) => ({ id: newId(), user_id: id, subdistrict_id: f.hq, committee_id: null })) as never).execute();
      try {
        const c = await f.report(f.actors.patrol1);
        const filed = await f.act(f.actors.operator, c.id, { action: 'file', version: c.version });
        const sent = await f.act(f.actors.operator, c.id, { action: 'dispatch', version: filed.version, unitId: f.units.handler1 });
        const handled = await f.act(f.actors.handler1, c.id, { action: 'handle', version: sent.version, note: '已清运', photoIds: [await f.photo(f.actors.handler1)] });
        const notice = (await noticesOf(c.id)).find((n) => n.kind === 'case_handled');
        expect(notice).toBeDefined();
        const inbox = await db().selectFrom('inbox_items').select('user_id').where('notification_id', '=', notice!.id).execute();
        const told = new Set(inbox.map((r) => r.user_id));
        for (const id of ids) expect(told.has(id)).toBe(true);
        expect(told.size).toBe(inbox.length);
        expect(handled.status).toBe('handled');
      } finally {
        await db().deleteFrom('inbox_items').where('user_id', 'in', ids).execute();
        await db().deleteFrom('user_scopes').where('user_id', 'in', ids).execute();
        await db().deleteFrom('users').where('id', 'in', ids).execute();
      }
    });

    it('reports given the database at once: consecutive numbers, each once, the event and the number in one write', async () => {
      const report = () => reportCase(db(), f.ctx.clock, f.actors.patrol1, {
        source: 'patrol', categoryId: f.categories.A0301 as string, siteId: f.binRoom.id, lng: f.binRoom.lng, lat: f.binRoom.lat, description: '桶边散落垃圾',
      });
      const made = await Promise.all(Array.from({ length: 12 }, report));
      const seqs = made.map((c) => Number(c.number.split('-').at(-1))).sort((a, b) => a - b);
      expect(new Set(seqs).size).toBe(12);
      expect(seqs.at(-1)! - seqs[0]!).toBe(11);
      for (const c of made) {
        const stored = await db().selectFrom('cases').select(['number', 'status']).where('id', '=', c.id).executeTakeFirstOrThrow();
        expect(stored).toEqual({ number: c.number, status: 'reported' });
        expect((await db().selectFrom('case_events').select('action').where('case_id', '=', c.id).execute()).map((e) => e.action)).toEqual(['report']);
      }
      // Past 9,999 a day the sequence grows a digit; it is never cut.
      const day = shanghaiDay(f.ctx.clock.now());
      await db().updateTable('case_number_counters').set({ last: 9999 }).where('subdistrict_id', '=', f.hq).where('day', '=', day).execute();
      expect((await report()).number).toMatch(new RegExp(`-${day}-10000$`));
      expect(await verifyChain(db(), f.hq)).toMatchObject({ ok: true, broken: null });
    });

    it('inside a caller\'s transaction it is part of it: rolled back with it', async () => {
      const c = await f.report(f.actors.patrol1);
      await expect(
        db().transaction().execute(async (trx) => {
          await transitionCase(trx, f.ctx.clock, f.actors.operator, c.id, { action: 'file', version: c.version });
          throw new Error('the caller fails after');
        }),
      ).rejects.toThrow('the caller fails after');
      expect((await db().selectFrom('cases').select('status').where('id', '=', c.id).executeTakeFirstOrThrow()).status).toBe('reported');
      expect((await db().selectFrom('case_events').select('action').where('case_id', '=', c.id).execute()).map((e) => e.action)).toEqual(['report']);
    });

    if (dialect === 'postgres') {
      it('the planned notice is written only with the case write: a stale write leaves no notification', async () => {
        const c = await f.report(f.actors.patrol1);
        const headBefore = await db().selectFrom('chain_heads').selectAll().where('subdistrict_id', '=', f.hq).executeTakeFirstOrThrow();
        const notice = await plannedNotice(db(), f.ctx.clock, {
          subdistrictId: f.hq, caseId: c.id, recipients: { roles: ['operator'] }, kind: 'case_handled', title: '待核查', body: '测试', dedupeKey: `stale:${c.id}`,
        });
        expect(notice).toBeDefined();
        const append = (version: number) =>
          appendCaseEvent(db(), f.ctx.clock, {
            subdistrictId: f.hq, caseId: c.id, action: 'file', fromStatus: 'reported', toStatus: 'filed', actor: { userId: f.actors.operator.userId, role: 'operator' },
          }, caseUpdate(db(), c.id, version, { status: 'filed', version: version + 1 }), { notice });
        await expect(append(c.version + 5)).rejects.toMatchObject({ code: 'stale_version' });
        expect(await noticesOf(c.id)).toEqual([]);
        expect(await db().selectFrom('chain_heads').selectAll().where('subdistrict_id', '=', f.hq).executeTakeFirstOrThrow()).toEqual(headBefore);
        // At the version read, the same statement writes the case, the event and the notice.
        await append(c.version);
        const written = await noticesOf(c.id);
        expect(written.map((n) => n.dedupe_key)).toEqual([`stale:${c.id}`]);
        const inbox = await db().selectFrom('inbox_items').select('id').where('notification_id', '=', written[0]!.id).execute();
        expect(inbox).toHaveLength(notice!.inbox);
        expect(await verifyChain(db(), f.hq)).toMatchObject({ ok: true, broken: null });
      });

      it('an append on its own refuses to run inside a transaction or without a case write', async () => {
        const c = await f.report(f.actors.patrol1);
        const e = { subdistrictId: f.hq, caseId: c.id, action: 'note', fromStatus: 'reported' as const, toStatus: 'reported' as const, actor: { userId: null, role: 'system' } };
        await expect(appendCaseEvent(db(), f.ctx.clock, e, undefined, {})).rejects.toThrow(/on its own/);
        await expect(db().transaction().execute((trx) => appendCaseEvent(trx, f.ctx.clock, e, caseUpdate(trx, c.id, c.version, { version: c.version + 1 }), {}))).rejects.toThrow(/on its own/);
      });
    }
  });
}

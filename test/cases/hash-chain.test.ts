import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

for (const dialect of DIALECTS) {
  describe(`case event hash chain [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
      const { actors: a } = f;
      for (let i = 0; i < 3; i++) {
        const c = await f.report(a.patrol1);
        await f.act(a.operator, c.id, { action: 'file', version: 1 });
        await f.act(a.operator, c.id, { action: 'dispatch', version: 2, unitId: f.units.handler1 });
      }
      await f.report(f.actors.xxOperator, { source: 'citizen', siteId: undefined, committeeId: await xxCommittee(f), categoryId: await xxCategory(f) });
    });
    afterAll(async () => f.ctx.close());

    const db = () => f.ctx.handle.db;
    const eventAt = (seq: number) => db().selectFrom('case_events').selectAll().where('subdistrict_id', '=', f.hq).where('seq', '=', seq).executeTakeFirstOrThrow();

    it('chains every event per subdistrict from the genesis hash', async () => {
      const r = await verifyChain(db(), f.hq);
      expect(r).toMatchObject({ ok: true, events: 9, broken: null });
      const first = await eventAt(1);
      expect(first.prev_hash).toBe('0'.repeat(64));
      const second = await eventAt(2);
      expect(second.prev_hash).toBe(first.hash);
      const xx = f.actors.xxOperator.subdistrictId as string;
      expect(await verifyChain(db(), xx)).toMatchObject({ ok: true, events: 1 });
    });

    it('names an altered event', async () => {
      const e = await eventAt(5);
      await db().updateTable('case_events').set({ note: '已处置（篡改）' }).where('id', '=', e.id).execute();
      const r = await verifyChain(db(), f.hq);
      expect(r.ok).toBe(false);
      expect(r.broken).toMatchObject({ eventId: e.id, seq: 5, problem: 'altered' });
      await db().updateTable('case_events').set({ note: e.note }).where('id', '=', e.id).execute();
      expect((await verifyChain(db(), f.hq)).ok).toBe(true);
    });

    it('names an altered actor or time even when the note is untouched', async () => {
      const e = await eventAt(6);
      await db().updateTable('case_events').set({ at: '2026-05-25T00:00:00.000Z' }).where('id', '=', e.id).execute();
      expect((await verifyChain(db(), f.hq)).broken).toMatchObject({ seq: 6, problem: 'altered' });
      await db().updateTable('case_events').set({ at: e.at }).where('id', '=', e.id).execute();
    });

    it('names a removed event', async () => {
      const e = await eventAt(4);
      await db().deleteFrom('case_events').where('id', '=', e.id).execute();
      const r = await verifyChain(db(), f.hq);
      expect(r.broken).toMatchObject({ seq: 4, problem: 'missing' });
      await db().insertInto('case_events').values(e).execute();
      expect((await verifyChain(db(), f.hq)).ok).toBe(true);
    });

    it('names a removed tail event through the chain head', async () => {
      const e = await eventAt(9);
      await db().deleteFrom('case_events').where('id', '=', e.id).execute();
      expect((await verifyChain(db(), f.hq)).broken).toMatchObject({ seq: 9, problem: 'missing' });
      await db().insertInto('case_events').values(e).execute();
    });

    it('names reordered events', async () => {
      const a = await eventAt(2);
      const b = await eventAt(3);
      await db().updateTable('case_events').set({ seq: -1 }).where('id', '=', a.id).execute();
      await db().updateTable('case_events').set({ seq: 2 }).where('id', '=', b.id).execute();
      await db().updateTable('case_events').set({ seq: 3 }).where('id', '=', a.id).execute();
      const r = await verifyChain(db(), f.hq);
      expect(r.broken).toMatchObject({ eventId: b.id, seq: 2, problem: 'reordered' });
      await db().updateTable('case_events').set({ seq: -1 }).where('id', '=', a.id).execute();
      await db().updateTable('case_events').set({ seq: 3 }).where('id', '=', b.id).execute();
      await db().updateTable('case_events').set({ seq: 2 }).where('id', '=', a.id).execute();
      expect((await verifyChain(db(), f.hq)).ok).toBe(true);
    });

    it('keeps the chain gap-free under concurrent transitions', async () => {
      const cases = await Promise.all(Array.from({ length: 8 }, () => f.report(f.actors.patrol1)));
      await Promise.all(cases.map((c) => f.act(f.actors.operator, c.id, { action: 'file', version: 1 })));
      const numbers = new Set(cases.map((c) => c.number));
      expect(numbers.size).toBe(8);
      expect(await verifyChain(db(), f.hq)).toMatchObject({ ok: true, events: 25 });
    });
  });
}

async function xxCommittee(f: CaseFixture) {
  const sub = f.actors.xxOperator.subdistrictId as string;
  return (await f.ctx.handle.db.selectFrom('committees').select('id').where('subdistrict_id', '=', sub).orderBy('code').executeTakeFirstOrThrow()).id;
}
async function xxCategory(f: CaseFixture) {
  const sub = f.actors.xxOperator.subdistrictId as string;
  return (await f.ctx.handle.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', sub).where('code', '=', 'A0601').executeTakeFirstOrThrow()).id;
}

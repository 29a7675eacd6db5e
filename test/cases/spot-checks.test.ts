import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inSpotCheckSample, listSpotChecks, recordSpotCheck, setSpotCheckPercent, spotCheckKpi } from '../../src/domain/cases/spot-checks.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { newId } from '../../src/domain/shared/ids.js';
import { actorOf } from '../helpers/app.js';
import { usersScopedToCommittees } from '../helpers/committee-scoped-users.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

describe('spot-check sample', () => {
  it('takes about the configured share of case ids, all of them at 100 % and none at 0 %', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99 }), (percent) => {
        const ids = Array.from({ length: 4000 }, () => newId());
        const share = ids.filter((id) => inSpotCheckSample(id, percent)).length / ids.length;
        expect(Math.abs(share - percent / 100)).toBeLessThan(0.035);
        expect(ids.every((id) => inSpotCheckSample(id, 100))).toBe(true);
        expect(ids.some((id) => inSpotCheckSample(id, 0))).toBe(false);
      }),
      { numRuns: 15, seed: 20261204 },
    );
  });
});

for (const dialect of DIALECTS) {
  describe(`spot checks of self-resolved cases [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f.ctx.close());

    const selfResolve = async () =>
      f.report(f.actors.patrol1, { source: 'self_resolved', photoIds: [await f.photo(f.actors.patrol1)], afterPhotoIds: [await f.photo(f.actors.patrol1)] });

    it('samples the configured share into the operations centre queue, records the result as an event, counts it', async () => {
      const db = f.ctx.handle.db;
      const { operator, admin, patrol1 } = f.actors;
      await setSpotCheckPercent(db, f.ctx.clock, admin, f.hq, { spotCheckPercent: 100 });
      const a = await selfResolve();
      const b = await selfResolve();
      expect(a).toMatchObject({ status: 'closed', spotCheck: 'pending' });
      await setSpotCheckPercent(db, f.ctx.clock, admin, f.hq, { spotCheckPercent: 0 });
      const c = await selfResolve();
      expect(c.spotCheck).toBeNull();
      const queue = await listSpotChecks(db, operator, { state: 'pending' });
      expect(queue.items.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
      // The finder cannot spot-check (the operations centre does), nor can anyone twice.
      await expect(db.transaction().execute((trx) => recordSpotCheck(trx, f.ctx.clock, patrol1, a.id, { version: a.version, result: 'passed' }))).rejects.toMatchObject({ code: 'forbidden' });
      await expect(db.transaction().execute((trx) => recordSpotCheck(trx, f.ctx.clock, operator, b.id, { version: b.version, result: 'failed' }))).rejects.toMatchObject({ code: 'validation_failed' });
      const passed = await db.transaction().execute((trx) => recordSpotCheck(trx, f.ctx.clock, operator, a.id, { version: a.version, result: 'passed' }));
      expect(passed).toMatchObject({ spotCheck: 'passed', version: a.version + 1 });
      await expect(db.transaction().execute((trx) => recordSpotCheck(trx, f.ctx.clock, operator, a.id, { version: passed.version, result: 'passed' }))).rejects.toBeInstanceOf(DomainError);
      await expect(db.transaction().execute((trx) => recordSpotCheck(trx, f.ctx.clock, operator, c.id, { version: c.version, result: 'passed' }))).rejects.toMatchObject({ code: 'transition_not_allowed' });
      await db.transaction().execute((trx) => recordSpotCheck(trx, f.ctx.clock, operator, b.id, { version: b.version, result: 'failed', note: '现场仍有垃圾' }));
      const ev = await db.selectFrom('case_events').select(['action', 'changes', 'note', 'actor_role']).where('case_id', '=', b.id).orderBy('seq').execute();
      expect(ev.map((e) => e.action)).toEqual(['self_resolve', 'spot_check']);
      expect(JSON.parse(ev[1]!.changes)).toEqual({ spot_check: ['pending', 'failed'] });
      expect((await listSpotChecks(db, operator, { state: 'pending' })).items).toEqual([]);
      const kpi = await spotCheckKpi(db, operator, {});
      expect(kpi).toMatchObject({ selfResolved: 3, sampled: 2, pending: 0, passed: 1, failed: 1, passRate: 0.5 });
      expect(kpi.sampleRate).toBeCloseTo(2 / 3);
    });

    it('sends to the spot check, whatever the share, a self-resolved case proved by pictures that already back another record', async () => {
      const db = f.ctx.handle.db;
      const { admin, patrol1, cadre01 } = f.actors;
      await setSpotCheckPercent(db, f.ctx.clock, admin, f.hq, { spotCheckPercent: 0 });
      const [before, after] = [await f.photo(patrol1), await f.photo(patrol1)];
      const first = await f.report(patrol1, { source: 'self_resolved', photoIds: [before], afterPhotoIds: [after] });
      expect(first.spotCheck).toBeNull();
      const uses = await db.selectFrom('evidence_photo_uses').select(['photo_id', 'record_kind', 'record_id']).where('record_id', '=', first.id).execute();
      expect(uses.map((u) => `${u.record_kind}:${u.photo_id}`).sort()).toEqual([`case:${before}`, `case:${after}`].sort());
      // The same pair a day later, for another case: flagged, with the record it came from.
      f.ctx.clock.advance(86_400_000);
      const second = await f.report(patrol1, { source: 'self_resolved', photoIds: [before], afterPhotoIds: [after] });
      expect(second.spotCheck).toBe('pending');
      const ev = await db.selectFrom('case_events').select('changes').where('case_id', '=', second.id).executeTakeFirstOrThrow();
      expect(JSON.parse(ev.changes).reusedPhotos[1]).toEqual([
        { photoId: before, recordKind: 'case', recordId: first.id },
        { photoId: after, recordKind: 'case', recordId: first.id },
      ]);
      // Someone else's upload of the same picture (same sha256) is caught too.
      const { sha256 } = await db.selectFrom('photos').select('sha256').where('id', '=', after).executeTakeFirstOrThrow();
      const copy = await f.photo(cadre01);
      await db.updateTable('photos').set({ sha256 }).where('id', '=', copy).execute();
      const third = await f.report(cadre01, { source: 'self_resolved', photoIds: [await f.photo(cadre01)], afterPhotoIds: [copy] });
      expect(third.spotCheck).toBe('pending');
      // Fresh pictures: the share decides (0 %).
      const fresh = await f.report(patrol1, { source: 'self_resolved', photoIds: [await f.photo(patrol1)], afterPhotoIds: [await f.photo(patrol1)] });
      expect(fresh.spotCheck).toBeNull();
    });

    it('lists each sampled case with its before and after photos, and no photo of a case the checker cannot see', async () => {
      const db = f.ctx.handle.db;
      const { admin, operator, patrol1 } = f.actors;
      await setSpotCheckPercent(db, f.ctx.clock, admin, f.hq, { spotCheckPercent: 100 });
      // Operators scoped to one committee each: the bin room's (001) and another.
      const scoped = await usersScopedToCommittees(db, { userId: operator.userId, subdistrictId: f.hq, committeeId: f.binRoom.committeeId, at: f.ctx.clock.now() }, 'spot-op');
      const [ownOp, otherOp] = [await actorOf(f.ctx, 'spot-op-own'), await actorOf(f.ctx, 'spot-op-other')];
      const { committee_id: otherCommittee } = await db.selectFrom('user_scopes').select('committee_id').where('user_id', '=', scoped.other).executeTakeFirstOrThrow();
      const otherSite = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('committee_id', '=', otherCommittee!).orderBy('id').executeTakeFirstOrThrow();

      const photos = { here: [await f.photo(patrol1), await f.photo(patrol1)], there: [await f.photo(patrol1), await f.photo(patrol1)] };
      const here = await f.report(patrol1, { source: 'self_resolved', photoIds: [photos.here[0]!], afterPhotoIds: [photos.here[1]!] });
      const there = await f.report(patrol1, {
        source: 'self_resolved', siteId: otherSite.id, lng: Number(otherSite.lng), lat: Number(otherSite.lat), photoIds: [photos.there[0]!], afterPhotoIds: [photos.there[1]!],
      });
      expect([here.spotCheck, there.spotCheck]).toEqual(['pending', 'pending']);
      const byPurpose = (ps: { id: string; purpose: string }[] | undefined) => [...(ps ?? [])].sort((a, b) => a.purpose.localeCompare(b.purpose));
      const expected = (p: string[]) => [{ id: p[1], purpose: 'after' }, { id: p[0], purpose: 'before' }];

      // The whole subdistrict's operator: every sampled case, each with exactly its own pair.
      const all = (await listSpotChecks(db, operator, { state: 'pending' })).items;
      expect(byPurpose(all.find((x) => x.id === here.id)?.photos)).toEqual(expected(photos.here));
      expect(byPurpose(all.find((x) => x.id === there.id)?.photos)).toEqual(expected(photos.there));

      // A committee's operator: its own case and photos, nothing of the other committee's.
      for (const [actor, seen, unseen] of [[ownOp, here, there], [otherOp, there, here]] as const) {
        const items = (await listSpotChecks(db, actor, { state: 'pending' })).items;
        expect(items.map((x) => x.id)).toContain(seen.id);
        expect(items.map((x) => x.id)).not.toContain(unseen.id);
        const listed = items.flatMap((x) => x.photos.map((p) => p.id));
        expect(listed).toEqual(expect.arrayContaining(seen.id === here.id ? photos.here : photos.there));
        for (const id of unseen.id === here.id ? photos.here : photos.there) expect(listed).not.toContain(id);
      }
    });
  });
}

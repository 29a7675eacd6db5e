import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLLUP_TABLES } from '../../src/domain/dashboard/grains.js';
import { hubFor } from '../../src/domain/dashboard/hub.js';
import { foldPendingEvents, subdistrictsBehind } from '../../src/domain/dashboard/fold-events.js';
import { dashboardRollupsPoller } from '../../src/jobs/dashboard-rollups.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';
import { DIALECTS } from '../helpers/db.js';

/**
 * One subdistrict whose events cannot be folded (here: a damaged event) must not stop the others'
 * dashboards: the rollup job folds and publishes every other subdistrict, reports the failure, and
 * retries the failed one next round.
 */
for (const dialect of DIALECTS) {
  describe(`the rollup job isolates a subdistrict that fails to fold (${dialect})`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f?.ctx.close());

    it('folds and publishes the other subdistricts, reports the failing one, and folds it once repaired', async () => {
      const ctx = f.ctx;
      const db = ctx.handle.db;
      // Cases in two subdistricts: Hongqiao's patrol and Xianxia's desk report one each.
      await f.report(f.actors.patrol1);
      const xx = f.actors.xxOperator.scope[0]!.subdistrictId;
      const xxSite = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', xx).where('kind', '=', 'bin_room').executeTakeFirstOrThrow();
      const xxCategory = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', xx).where('code', '=', 'A0301').executeTakeFirstOrThrow();
      await f.report(f.actors.xxOperator, { siteId: xxSite.id, categoryId: xxCategory.id, lng: Number(xxSite.lng), lat: Number(xxSite.lat) });
      // Every subdistrict behind, as after an upgrade that empties the rollups.
      for (const t of ROLLUP_TABLES) await db.deleteFrom(t).execute();
      await db.deleteFrom('case_rollup_state').execute();
      await db.deleteFrom('rollup_cursors').execute();
      const behind = await subdistrictsBehind(db);
      expect(behind.length).toBeGreaterThan(1);
      const bad = behind[0]!;
      const first = await db.selectFrom('case_events').select(['id', 'changes']).where('subdistrict_id', '=', bad).where('seq', '=', 1).executeTakeFirstOrThrow();
      await db.updateTable('case_events').set({ changes: '{not json' }).where('id', '=', first.id).execute();

      // Without a handler the first failure is thrown, as before.
      await expect(foldPendingEvents(db, ctx.clock)).rejects.toThrow();

      const published: string[] = [];
      const unsubscribe = hubFor(db).subscribe({
        actor: { userId: 'viewer', role: 'admin', username: 'viewer', displayName: 'viewer', subdistrictId: null, handlingUnitId: null, scope: behind.map((s) => ({ subdistrictId: s, committeeId: null })) } as never,
        deliver: (events) => published.push(...events.map((e) => e.subdistrictId)),
        services: () => {},
        close: () => {},
      });
      const job = dashboardRollupsPoller({ db, clock: ctx.clock, config: ctx.deps.config, logger: { error: () => {} } } as never);
      try {
        await job.runOnce();
        expect(job.stats.lastError).toContain(bad);
        const cursors = new Map((await db.selectFrom('rollup_cursors').select(['subdistrict_id', 'seq']).execute()).map((r) => [r.subdistrict_id, Number(r.seq)]));
        expect(cursors.get(bad) ?? 0).toBe(0);
        for (const s of behind.slice(1)) expect(cursors.get(s) ?? 0, s).toBeGreaterThan(0);
        expect(new Set(published)).toEqual(new Set(behind.slice(1)));
        // Repaired, it folds on a later round.
        await db.updateTable('case_events').set({ changes: first.changes }).where('id', '=', first.id).execute();
        await job.runOnce();
        expect(Number((await db.selectFrom('rollup_cursors').select('seq').where('subdistrict_id', '=', bad).executeTakeFirstOrThrow()).seq)).toBeGreaterThan(0);
      } finally {
        unsubscribe();
        await job.destroy();
      }
    });
  });
}

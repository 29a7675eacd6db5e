import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, loadActor } from '../../src/domain/auth/actor.js';
import { coverageBoard } from '../../src/domain/coverage/board.js';
import { setSiteStatus } from '../../src/domain/registry/sites.js';
import type { SiteKind } from '../../src/db/schema.js';
import { demoContext, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { committeeOf } from '../patrols/factories.js';

/**
 * Shops and units, like bin rooms (coverage-retired-rooms.test.ts), count for the days they were
 * there: retiring one leaves every earlier period's figures as they were, and a later period
 * does not count it.
 */
for (const dialect of DIALECTS) {
  for (const kind of ['shop', 'institution'] as const satisfies readonly SiteKind[]) {
    describe(`retiring a ${kind} leaves the periods it was there for as they were [${dialect}]`, () => {
      let ctx: TestContext;
      let admin: Actor;
      let committeeId: string;
      let ids: string[];
      const board = async (from: string, to: string) => {
        const b = await coverageBoard(ctx.handle.db, ctx.clock, admin, { committeeId, kind, from, to });
        const { sites, due, covered, missed, pending } = b.totals[kind] ?? { sites: 0, due: 0, covered: 0, missed: 0, pending: 0 };
        return { sites, due, covered, missed, pending };
      };

      beforeAll(async () => {
        ctx = await demoContext(dialect);
        const db = ctx.handle.db;
        committeeId = await committeeOf(db, 'cadre01');
        // Registered long before the periods below and never inspected: due from their registration.
        await db.updateTable('sites').set({ created_at: '2026-05-01T00:00:00.000Z' }).where('committee_id', '=', committeeId).where('kind', '=', kind).execute();
        await db.deleteFrom('site_compliance').where('site_id', 'in', db.selectFrom('sites').select('id').where('committee_id', '=', committeeId).where('kind', '=', kind)).execute();
        ids = (await db.selectFrom('sites').select('id').where('committee_id', '=', committeeId).where('kind', '=', kind).where('status', '=', 'active').orderBy('id').execute()).map((s) => s.id);
        admin = (await loadActor(db, (await db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()).id))!;
      });
      afterAll(async () => ctx.close());

      it('counts a retired site for the periods before and during its retirement, not after', async () => {
        const n = ids.length;
        expect(n).toBeGreaterThanOrEqual(2);
        ctx.clock.set('2026-06-04T11:00:00Z');
        const before = await board('2026-06-01', '2026-06-02');
        expect(before).toEqual({ sites: n, due: n, covered: 0, missed: n, pending: 0 });

        // Retired at 20:00 on 4 June (Shanghai).
        ctx.clock.set('2026-06-04T12:00:00Z');
        await setSiteStatus(ctx.handle.db, ctx.clock, admin, ids[0]!, 'retired');
        ctx.clock.set('2026-06-10T04:00:00Z');
        expect(await board('2026-06-01', '2026-06-02')).toEqual(before);
        // Due since its registration, it was a site of 4 June until 20:00 and not inspected.
        expect(await board('2026-06-04', '2026-06-05')).toEqual({ sites: n, due: n, covered: 0, missed: n, pending: 0 });
        expect(await board('2026-06-05', '2026-06-06')).toEqual({ sites: n - 1, due: n - 1, covered: 0, missed: n - 1, pending: 0 });
      });
    });
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldPendingEvents } from '../../src/domain/dashboard/fold-events.js';
import { notify } from '../../src/domain/notifications/notify.js';
import { jobLagSeconds } from '../../src/domain/jobs/lag.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import type { TestContext } from '../helpers/app.js';
import { caseFixture, type CaseFixture } from '../cases/fixtures.js';
import { DIALECTS } from '../helpers/db.js';
import { jobStatuses } from '../../src/domain/jobs/status.js';
import { leasedPoller } from '../../src/jobs/poller.js';

for (const dialect of DIALECTS) {
  describe(`job lag for metrics [${dialect}]`, () => {
    let ctx: TestContext;
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
      ctx = f.ctx;
      await f.report(f.actors.patrol1, { photoIds: [await f.photo(f.actors.patrol1)] });
    });
    afterAll(async () => ctx.close());

    it('is the age of the oldest due item not yet processed, per job, and 0 once processed', async () => {
      const db = ctx.handle.db;
      const clock = new ManualClock('2026-05-26T03:00:00Z');
      // Rollups: whatever is unfolded, the lag is the age of the first event past each cursor.
      await db.deleteFrom('rollup_cursors').execute();
      const first = await db.selectFrom('case_events').select((eb) => eb.fn.min('at').as('at')).where('seq', '=', 1).executeTakeFirstOrThrow();
      let lag = await jobLagSeconds(db, clock);
      expect(lag['dashboard-rollups']).toBeCloseTo((clock.now().getTime() - new Date(first.at as string).getTime()) / 1000, 3);
      while ((await foldPendingEvents(db, clock)).length);
      lag = await jobLagSeconds(db, clock);
      expect(lag['dashboard-rollups']).toBe(0);

      // Webhooks: a pending row due 90 s ago.
      await db.deleteFrom('webhook_deliveries').execute();
      expect((await jobLagSeconds(db, clock))['webhook-deliveries']).toBe(0);
      const hq = (await db.selectFrom('subdistricts').select('id').orderBy('code').executeTakeFirstOrThrow()).id;
      await db.transaction().execute((trx) => notify(trx, clock, { subdistrictId: hq, recipients: { roles: ['operator'] }, kind: 'case.overdue', title: 'lag', body: 'lag' }));
      const rows = await db.updateTable('webhook_deliveries').set({ next_attempt_at: new Date(clock.now().getTime() - 90_000).toISOString() }).executeTakeFirst();
      expect(Number(rows.numUpdatedRows)).toBeGreaterThan(0);
      expect((await jobLagSeconds(db, clock))['webhook-deliveries']).toBe(90);

      // A job without a queue: time since its last successful round beyond its interval.
      await db.insertInto('job_leases').values({ name: 'site-grades', holder: 'x', fence: 1, expires_ms: 0, last_success_ms: clock.now().getTime() - 400_000 }).execute();
      expect((await jobLagSeconds(db, clock, { 'site-grades': 300_000 }))['site-grades']).toBe(100);
    });

    it('a job failing since its first round lags from that round, growing every round; a success resets it; round markers are no jobs', async () => {
      const db = ctx.handle.db;
      const clock = new ManualClock('2026-06-01T00:00:00Z');
      const interval = 60_000;
      const started = clock.now().getTime();
      let fail = true;
      const poller = leasedPoller({ db, clock, holder: 'i1', logger: { error: () => undefined } }, 'always-fails', interval, async () => {
        if (fail) throw new Error('boom');
        return 0;
      });
      const lagOf = async () => (await jobLagSeconds(db, clock, { 'always-fails': interval }))['always-fails'];
      let last = -1;
      for (let round = 0; round < 12; round++) {
        await poller.runOnce();
        const expected = Math.max(0, (clock.now().getTime() - started - interval) / 1000);
        expect(await lagOf()).toBe(expected);
        expect(expected >= last).toBe(true);
        last = expected;
        clock.advance(interval + round * 7_000);
      }
      expect(last).toBeGreaterThan(0);
      // Another instance taking the lease over does not restart the count.
      await poller.destroy();
      clock.advance(3_600_000);
      const other = leasedPoller({ db, clock, holder: 'i2', logger: { error: () => undefined } }, 'always-fails', interval, async () => {
        if (fail) throw new Error('boom');
        return 0;
      });
      await other.runOnce();
      expect(await lagOf()).toBe((clock.now().getTime() - started - interval) / 1000);
      const status = (await jobStatuses(db, clock, ['always-fails'])).find((s) => s.name === 'always-fails');
      expect(status?.lagSeconds).toBe((clock.now().getTime() - started) / 1000);
      expect(status?.lastSuccessAt).toBeNull();
      // The first success: the lag counts from it.
      fail = false;
      await other.runOnce();
      expect(await lagOf()).toBe(0);
      clock.advance(interval * 3);
      expect(await lagOf()).toBe((interval * 2) / 1000);
      await other.destroy();
      expect(Object.keys(await jobLagSeconds(db, clock)).filter((k) => k.includes('#'))).toEqual([]);
    });
  });
}

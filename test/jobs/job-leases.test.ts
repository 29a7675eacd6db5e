import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.js';
import { acquireLease, assertLease, LeaseLostError, releaseLease } from '../../src/domain/jobs/lease.js';
import { takeToken } from '../../src/domain/jobs/rate-budget.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { createPoller } from '../../src/jobs/poller.js';
import { DIALECTS, testDatabase } from '../helpers/db.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);

for (const dialect of DIALECTS) {
  describe(`job leases and shared rate budgets [${dialect}]`, () => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await testDatabase(dialect);
    });
    afterAll(async () => handle.destroy());
    const db = () => handle.db;

    it('one holder at a time; an expired lease is taken over with a higher fence; a stale holder cannot write', async () => {
      const clock = new ManualClock('2026-12-04T00:00:00Z');
      const a = await acquireLease(db(), clock, 'j1', 'A', 10_000);
      expect(a).toEqual({ name: 'j1', holder: 'A', fence: 1 });
      expect(await acquireLease(db(), clock, 'j1', 'B', 10_000)).toBeNull();
      clock.advance(5_000);
      expect(await acquireLease(db(), clock, 'j1', 'A', 10_000)).toEqual(a); // renewal keeps the fence
      clock.advance(9_000);
      expect(await acquireLease(db(), clock, 'j1', 'B', 10_000)).toBeNull(); // renewed: still A's
      clock.advance(2_000); // A died: its lease ran out
      const b = await acquireLease(db(), clock, 'j1', 'B', 10_000);
      expect(b).toEqual({ name: 'j1', holder: 'B', fence: 2 });

      // A comes back from a long pause and tries to move a cursor under its old lease.
      await db().insertInto('patrol_job_cursors').values({ name: 'j1-cursor', cursor_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' }).execute();
      await expect(
        db().transaction().execute(async (trx) => {
          await trx.updateTable('patrol_job_cursors').set({ cursor_at: '2026-12-04T00:00:00.000Z' }).where('name', '=', 'j1-cursor').execute();
          await assertLease(trx, clock, a!, 10_000);
        }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      expect((await db().selectFrom('patrol_job_cursors').select('cursor_at').where('name', '=', 'j1-cursor').executeTakeFirstOrThrow()).cursor_at).toBe('2026-01-01T00:00:00.000Z');
      await db().transaction().execute((trx) => assertLease(trx, clock, b!, 10_000));

      // A clean shutdown hands over at once.
      await releaseLease(db(), 'j1', 'B');
      expect(await acquireLease(db(), clock, 'j1', 'A', 10_000)).toEqual({ name: 'j1', holder: 'A', fence: 3 });
    });

    it('property: whatever the interleaving of holders and clock moves, no two hold a lease at once and fences only grow', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ who: fc.constantFrom('A', 'B', 'C'), wait: fc.integer({ min: 0, max: 8_000 }), release: fc.boolean() }), { minLength: 1, maxLength: 25 }),
          async (steps) => {
            const name = `p${run++}`;
            const clock = new ManualClock('2026-12-04T00:00:00Z');
            const ttl = 5_000;
            let owner: { holder: string; until: number; fence: number } | null = null;
            for (const s of steps) {
              clock.advance(s.wait);
              const now = clock.now().getTime();
              const got = await acquireLease(db(), clock, name, s.who, ttl);
              const liveOther = owner && owner.holder !== s.who && owner.until >= now;
              if (liveOther) expect(got).toBeNull();
              else {
                expect(got).not.toBeNull();
                if (owner && owner.holder === s.who) expect(got!.fence).toBe(owner.fence);
                else if (owner) expect(got!.fence).toBe(owner.fence + 1);
                owner = { holder: s.who, until: now + ttl, fence: got!.fence };
              }
              if (s.release && owner?.holder === s.who) {
                await releaseLease(db(), name, s.who);
                owner = { ...owner, until: -1 };
              }
            }
          },
        ),
        { numRuns: dialect === 'sqlite' ? 60 : 25, seed: SEED },
      );
    });

    it('two instances racing for a lease: exactly one wins each time', async () => {
      const clock = new ManualClock('2026-12-04T00:00:00Z');
      for (let i = 0; i < 10; i++) {
        const got = await Promise.all(['A', 'B', 'C', 'D'].map((h) => acquireLease(db(), clock, `race-${i}`, h, 1000)));
        expect(got.filter(Boolean)).toHaveLength(1);
      }
    });

    it('leased pollers on two instances: a round runs on the holder only; the other takes over when it stops', async () => {
      const clock = new ManualClock('2026-12-04T00:00:00Z');
      const ran: string[] = [];
      const make = (holder: string) =>
        createPoller({ name: 'shared-job', intervalMs: 1000, clock, lease: { db: db(), holder }, poll: async (lease) => { ran.push(`${holder}:${lease!.fence}`); return 1; } });
      const one = make('one');
      const two = make('two');
      await one.runOnce();
      for (let i = 0; i < 2; i++) await Promise.all([one.runOnce(), two.runOnce()]);
      await two.runOnce();
      expect(ran).toEqual(['one:1', 'one:1', 'one:1']);
      expect(two.stats.skipped).toBe(3);
      const succeeded = await db().selectFrom('job_leases').select('last_success_ms').where('name', '=', 'shared-job').executeTakeFirstOrThrow();
      expect(Number(succeeded.last_success_ms)).toBe(clock.now().getTime());
      await one.destroy(); // releases the lease
      await two.runOnce();
      expect(ran.at(-1)).toBe('two:2');
      await two.destroy();
    });

    it('property: a shared token bucket never grants more than capacity + rate × elapsed, however many instances take', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ wait: fc.integer({ min: 0, max: 20_000 }), takers: fc.integer({ min: 1, max: 6 }) }), { minLength: 1, maxLength: 12 }),
          async (steps) => {
            const key = `bucket-${run++}`;
            const clock = new ManualClock('2026-12-04T00:00:00Z');
            const start = clock.now().getTime();
            const policy = { capacity: 5, perMs: 5 / 60_000 };
            let granted = 0;
            let expectedTokens = policy.capacity;
            for (const s of steps) {
              clock.advance(s.wait);
              expectedTokens = Math.min(policy.capacity, expectedTokens + s.wait * policy.perMs);
              const got = await Promise.all(Array.from({ length: s.takers }, () => takeToken(db(), clock, key, policy)));
              const n = got.filter(Boolean).length;
              // exactly as many as the bucket holds whole tokens, up to the number of takers
              expect(n).toBe(Math.min(s.takers, Math.floor(expectedTokens + 1e-9)));
              expectedTokens -= n;
              granted += n;
              expect(granted).toBeLessThanOrEqual(policy.capacity + (clock.now().getTime() - start) * policy.perMs + 1e-9);
            }
          },
        ),
        { numRuns: dialect === 'sqlite' ? 40 : 15, seed: SEED },
      );
    });
  });
}

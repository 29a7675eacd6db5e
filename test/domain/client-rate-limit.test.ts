import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.js';
import { clientKeyHash, enforceLimit, inProcessWindowCount, purgeEndedWindows, takeHit } from '../../src/domain/rate-limits/client-limit.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { DIALECTS, testDatabase } from '../helpers/db.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);
const WINDOW = 60_000;

/**
 * The per-client budgets: counted in `rate_limit_hits` on PostgreSQL (one budget for every
 * instance), in the server process's memory on SQLite (one process). The same rule on both.
 */
for (const dialect of DIALECTS) {
  describe(`shared per-client rate limits [${dialect}]`, () => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await testDatabase(dialect);
    });
    afterAll(async () => handle.destroy());
    const db = () => handle.db;

    it('never allows more than the limit in a window under concurrent calls, and exactly the limit when asked more', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: WINDOW - 1 }), async (limit, calls, offset) => {
          const clock = new ManualClock(new Date(Date.UTC(2026, 11, 4) + offset));
          const rule = { bucket: `prop-${run++}`, limit, windowMs: WINDOW };
          const answers = await Promise.all(Array.from({ length: calls }, () => takeHit(db(), clock, rule, '203.0.113.7')));
          const allowed = answers.filter((a) => a.allowed);
          expect(allowed).toHaveLength(Math.min(limit, calls));
          // Each allowed call saw a distinct count 1..n: no two were counted as the same hit.
          expect(allowed.map((a) => a.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: allowed.length }, (_, i) => i + 1));
          for (const a of answers) expect(a.retryAfterSeconds).toBe(Math.ceil((WINDOW - offset) / 1000) || 1);
          if (dialect === 'postgres') {
            const row = await db().selectFrom('rate_limit_hits').select('hits').where('bucket', '=', rule.bucket).executeTakeFirstOrThrow();
            expect(Number(row.hits)).toBe(Math.min(limit, calls));
          }
        }),
        { numRuns: 25, seed: SEED },
      );
    });

    it('over a random schedule, each window allows min(calls, limit); a new window starts afresh; clients and buckets are apart', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 5 }),
          fc.array(fc.record({ at: fc.integer({ min: 0, max: 4 * WINDOW }), client: fc.constantFrom('a', 'b') }), { minLength: 1, maxLength: 40 }),
          async (limit, schedule) => {
            const clock = new ManualClock('2026-12-04T00:00:00Z');
            const start = clock.now().getTime();
            const rule = { bucket: `sched-${run++}`, limit, windowMs: WINDOW };
            const counted = new Map<string, number>();
            for (const s of [...schedule].sort((x, y) => x.at - y.at)) {
              clock.set(new Date(start + s.at));
              const key = `${s.client}:${Math.floor(s.at / WINDOW)}`;
              const before = counted.get(key) ?? 0;
              const a = await takeHit(db(), clock, rule, s.client);
              expect(a.allowed).toBe(before < limit);
              if (a.allowed) counted.set(key, before + 1);
            }
          },
        ),
        { numRuns: 25, seed: SEED },
      );
    });

    it(dialect === 'postgres'
      ? 'stores no client address, only a keyed hash; over budget is rate_limited with the seconds left; ended windows are purged'
      : 'writes nothing to the database; over budget is rate_limited with the seconds left; ended windows are dropped', async () => {
      const clock = new ManualClock('2026-12-04T08:00:10Z');
      const rule = { bucket: 'plain', limit: 2, windowMs: WINDOW };
      const ip = '198.51.100.23';
      await enforceLimit(db(), clock, rule, ip);
      await enforceLimit(db(), clock, rule, ip);
      const err = await enforceLimit(db(), clock, rule, ip).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('rate_limited');
      expect((err as DomainError).details).toEqual({ retryAfterSeconds: 50 });
      const rows = await db().selectFrom('rate_limit_hits').selectAll().where('bucket', '=', 'plain').execute();
      if (dialect === 'postgres') {
        expect(rows).toHaveLength(1);
        expect(JSON.stringify(rows)).not.toContain(ip);
        expect(rows[0]!.client_hash).toBe(await clientKeyHash(db(), clock, ip));
      } else {
        expect(rows).toEqual([]);
        expect(inProcessWindowCount(db())).toBeGreaterThanOrEqual(1);
      }

      clock.advance(50_000); // the window ended
      await enforceLimit(db(), clock, rule, ip);
      if (dialect === 'postgres') {
        const purged = await purgeEndedWindows(db(), clock);
        expect(purged).toBeGreaterThanOrEqual(1);
        const left = await db().selectFrom('rate_limit_hits').select('window_start_ms').where('bucket', '=', 'plain').execute();
        expect(left.map((r) => Number(r.window_start_ms))).toEqual([Date.parse('2026-12-04T08:01:00Z')]);
      } else {
        // The count passing into a new minute dropped every ended window: the new one (08:01) is left,
        // and it counts afresh: one more of the limit of 2, then over budget.
        expect(inProcessWindowCount(db())).toBe(1);
        await enforceLimit(db(), clock, rule, ip);
        expect(((await enforceLimit(db(), clock, rule, ip).catch((e: unknown) => e)) as DomainError).code).toBe('rate_limited');
        // The retention job's purge drops it once it has ended too.
        clock.advance(60_000);
        expect(await purgeEndedWindows(db(), clock)).toBe(1);
        expect(inProcessWindowCount(db())).toBe(0);
      }
    });
  });
}

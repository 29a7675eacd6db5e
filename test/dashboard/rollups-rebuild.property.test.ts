import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { sweepCaseDeadlines } from '../../src/domain/cases/deadline-sweep.js';
import { foldPendingEvents, rebuildRollups } from '../../src/domain/dashboard/fold-events.js';
import { ROLLUP_TABLES } from '../../src/domain/dashboard/grains.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';
import { randomAction } from '../cases/random-action.js';

type Cmd =
  | { kind: 'report'; self: boolean }
  | { kind: 'act'; pick: number; choice: number; unit: 0 | 1 | 2 }
  | { kind: 'tick'; hours: number }
  | { kind: 'fold'; batch: number };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('report' as const), self: fc.boolean() }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('act' as const), pick: fc.nat(), choice: fc.nat(), unit: fc.constantFrom(0 as const, 1 as const, 2 as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), hours: fc.integer({ min: 1, max: 60 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fold' as const), batch: fc.integer({ min: 1, max: 7 }) }) },
);

async function snapshot(db: Db) {
  const out: Record<string, unknown[]> = {};
  for (const t of ROLLUP_TABLES) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(db);
    out[t] = rows.rows.map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v : Number(v)]))).sort();
  }
  return out;
}

for (const dialect of DIALECTS) {
  describe(`dashboard rollups: rebuilt == incremental [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f.ctx.close());

    it('folding a random workload in random batches gives the same rollups as a rebuild from the events', async () => {
      const db = f.ctx.handle.db;
      const clock = f.ctx.clock;
      const ids: string[] = [];
      await fc.assert(
        fc.asyncProperty(fc.array(cmd, { minLength: 5, maxLength: 40 }), async (cmds) => {
          for (const k of cmds) {
            clock.advance(7 * 60_000);
            if (k.kind === 'report') {
              const p = f.actors.patrol1;
              const c = k.self
                ? await f.report(p, { source: 'self_resolved', photoIds: [await f.photo(p)], afterPhotoIds: [await f.photo(p)] })
                : await f.report(p, { photoIds: [await f.photo(p)] });
              ids.push(c.id);
            } else if (k.kind === 'tick') {
              clock.advance(k.hours * 3600_000);
              await sweepCaseDeadlines(db, clock);
            } else if (k.kind === 'fold') {
              await foldPendingEvents(db, clock, k.batch);
            } else if (ids.length) {
              const id = ids[k.pick % ids.length]!;
              await randomAction(f, id, k);
            }
          }
          while ((await foldPendingEvents(db, clock)).length);
          const incremental = await snapshot(db);
          const folded = await rebuildRollups(db, clock);
          const rebuilt = await snapshot(db);
          expect(rebuilt).toEqual(incremental);
          // The figures are not empty and add up: every case found once.
          const events = await db.selectFrom('case_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
          expect(folded).toBe(Number(events.n));
          const found = await sql<{ n: number }>`select coalesce(sum(found), 0) as n from case_rollups_subdistrict_daily`.execute(db);
          expect(Number(found.rows[0]!.n)).toBe(ids.length);
        }),
        { numRuns: dialect === 'sqlite' ? 25 : 10, seed: Number(process.env.FC_SEED ?? 20261126) }, // fixed: CI fails on a change, not a draw; FC_SEED=<n> explores
      );
      const reached = await db.selectFrom('case_events').select('action').distinct().execute();
      expect(reached.length).toBeGreaterThanOrEqual(10);
      // …and cases dispatched to a committee cadre named alone, handled by the cadre (counted against the committee's unit).
      const byCadre = await db.selectFrom('case_events').select('id').where('action', '=', 'handle').where('actor_user_id', '=', f.actors.cadre01.userId).execute();
      expect(byCadre.length).toBeGreaterThan(0);
    }, 300_000);
  });
}

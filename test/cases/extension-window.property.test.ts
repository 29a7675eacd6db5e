import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepCaseDeadlines } from '../../src/domain/cases/deadline-sweep.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

const SECOND = 1000;

// An extension (延期) is asked for before the handling limit runs out (DOMAIN.md §4, "Extensions
// move the due time"): judged against the due time itself at the instant of the request, not
// against whether the deadline job has marked the stage yet — in what the API offers and in what
// it accepts alike.
for (const dialect of DIALECTS) {
  describe(`an extension is judged against the due time at the instant of the request [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    }, 120_000);
    afterAll(async () => f.ctx.close());

    it('property: offered and accepted exactly while the instant is before the due time, whether the job has run or not', async () => {
      const a = f.actors;
      const db = f.ctx.handle.db;
      let late = 0;
      await fc.assert(
        fc.asyncProperty(
          // Seconds around the due time: the gap was the minute between the due time and the job's next round.
          fc.integer({ min: -120, max: 120 }),
          fc.boolean(),
          async (offsetS, swept) => {
            f.ctx.clock.set('2026-06-01T01:00:00Z');
            let c = await f.report(a.patrol1);
            c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
            c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
            const due = Date.parse(c.stageDueAt as string);
            const at = due + offsetS * SECOND;
            f.ctx.clock.set(new Date(at));
            if (swept) await sweepCaseDeadlines(db, f.ctx.clock);
            // The handling unit's phone, signed in at that instant (sessions expire).
            const handler = await signInAs(f.ctx.app, 'handler1');
            const page = await f.ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: handler } });
            expect(page.statusCode, page.body).toBe(200);
            const seen = page.json() as { version: number; overdueAt: string | null; allowedActions: { action: string }[] };
            const offered = seen.allowedActions.some((x) => x.action === 'request_extension');
            const asked = await f.ctx.app.inject({
              method: 'POST', url: `/api/cases/${c.id}/transitions`, headers: { cookie: handler },
              payload: { action: 'request_extension', version: seen.version, reason: '缺配件', dueAt: new Date(at + 3 * 24 * 3600_000).toISOString() },
            });
            const inTime = at < due;
            if (!inTime && !seen.overdueAt) late++;
            expect({ offered, accepted: asked.statusCode === 200 }).toEqual({ offered: inTime, accepted: inTime });
            if (!inTime) {
              expect(asked.json()).toMatchObject({ error: { code: 'transition_not_allowed' } });
              expect(await db.selectFrom('case_events').select('id').where('case_id', '=', c.id).where('action', '=', 'request_extension').execute()).toEqual([]);
            }
          },
        ),
        { seed: Number(process.env.FC_SEED ?? 20261207), numRuns: dialect === 'sqlite' ? 30 : 15, examples: [[0, false], [1, false], [-1, false], [0, true], [59, false]] },
      );
      // The draws reached the gap the rule closes: past the due time, not yet marked by the job.
      expect(late).toBeGreaterThan(0);
    }, 120_000);
  });
}

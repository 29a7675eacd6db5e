import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

type HoldStep = 'request_hold' | 'refuse_hold' | 'approve_hold' | 'release_hold' | 'handle';

// A hold's (挂账) reason is the case's current reason only while the hold is asked for or running.
// A refused (or released, or dropped) hold keeps its reason in the history, beside the refusal's
// own reason, and the case row, its API shape and its page data no longer show it.
for (const dialect of DIALECTS) {
  describe(`a hold's reason shows on the case only while the hold is asked for or running [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    }, 120_000);
    afterAll(async () => f.ctx.close());

    it('property: over any walk of hold requests, refusals, approvals, releases and a handling, the current hold reason is the running request\'s or none, and every request and refusal stays in the history with its reason', async () => {
      const a = f.actors;
      const db = f.ctx.handle.db;
      let refusals = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.nat(9), { minLength: 1, maxLength: 8 }), async (choices) => {
          f.ctx.clock.set('2026-06-01T01:00:00Z');
          let c = await f.report(a.patrol1);
          c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
          c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
          const operator = await signInAs(f.ctx.app, 'operator');
          let asked: string | null = null;
          const history: { action: HoldStep; reason: string | null }[] = [];
          for (const [i, n] of choices.entries()) {
            const open: HoldStep[] = c.status === 'on_hold' ? ['release_hold']
              : c.status !== 'dispatched' ? []
              : c.pendingRequest === 'hold' ? ['refuse_hold', 'approve_hold', 'handle']
              : ['request_hold', 'handle'];
            if (!open.length) break;
            const action = open[n % open.length]!;
            const reason = action === 'request_hold' ? `需业委会决议 ${i}` : action === 'refuse_hold' ? `无需挂账，按期处置 ${i}` : null;
            const who = action === 'request_hold' || action === 'handle' ? a.handler1 : a.operator;
            c = await f.act(who, c.id, {
              action, version: c.version,
              ...(reason ? { reason } : {}),
              ...(action === 'handle' ? { note: '已整改', photoIds: [await f.photo(a.handler1)] } : {}),
            } as never);
            history.push({ action, reason });
            if (action === 'request_hold') asked = reason;
            if (action === 'refuse_hold') refusals++;
            const current = c.status === 'on_hold' || c.pendingRequest === 'hold' ? asked : null;
            // The transition's answer, the case row and the case page all say the same.
            expect(c.statusReason).toBe(current);
            const row = await db.selectFrom('cases').select('status_reason').where('id', '=', c.id).executeTakeFirstOrThrow();
            expect(row.status_reason).toBe(current);
            const page = await f.ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: operator } });
            expect(page.statusCode, page.body).toBe(200);
            expect(page.json().statusReason).toBe(current);
          }
          // The history keeps every request with its reason, and every refusal with its own reason
          // and the reason of the request it refused.
          const events = await db.selectFrom('case_events').select(['action', 'note', 'changes']).where('case_id', '=', c.id).orderBy('seq').execute();
          const holds = events.filter((e) => history.some((h) => h.action === e.action));
          expect(holds.map((e) => e.action)).toEqual(history.map((h) => h.action));
          let lastAsked: string | null = null;
          for (const [i, e] of holds.entries()) {
            const h = history[i]!;
            if (h.action === 'request_hold') {
              lastAsked = h.reason;
              expect(e.note).toBe(h.reason);
            }
            if (h.action === 'refuse_hold') {
              expect(e.note).toBe(h.reason);
              expect(JSON.parse(e.changes).status_reason).toEqual([lastAsked, null]);
            }
          }
        }),
        { seed: Number(process.env.FC_SEED ?? 20261207), numRuns: dialect === 'sqlite' ? 25 : 12, examples: [[[0, 0]], [[0, 1, 0]]] },
      );
      expect(refusals).toBeGreaterThan(0);
    }, 120_000);
  });
}

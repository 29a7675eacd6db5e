import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DialectKind } from '../../src/db/index.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { recordingStatements, type SentStatement } from '../helpers/statements.js';
import { uploadPhoto } from '../enforcement/helpers.js';

/**
 * The closed loop runs thousands of times an hour citywide (`npm run bench:cases`): every request
 * of it sends a bounded number of statements, counted at the driver as the bench plays the loop
 * (report → file → dispatch → handle → check_pass) with the session read on every request
 * (SESSION_CACHE_MS=0, so the count does not depend on how fast the machine is). The budget is the
 * count today: a request that grows by a statement fails here. On PostgreSQL each transition is ONE
 * write statement outside any transaction (cases/events.ts oneStatementOrTransaction): the case
 * write, the event on the hash chain, its photo links and its notice together, so no BEGIN/COMMIT
 * is sent and no lock is held across a round trip.
 */
type Step = 'report' | 'file' | 'dispatch' | 'handle' | 'check_pass';
/** Statements other than transaction control and PostgreSQL's change notice. */
const BUDGET: Record<Step, Record<DialectKind, number>> = {
  // The session; the site with its subdistrict, committee, grid and the category; the write (on
  // SQLite: the case number, the case, the chain head read and moved, the event).
  report: { sqlite: 7, postgres: 3 },
  // The session; the case with its category; the write.
  file: { sqlite: 6, postgres: 3 },
  // The session; the case with its category and the unit named; who is told (the unit's handlers
  // and the subdistrict's robots); the write with the notice.
  dispatch: { sqlite: 10, postgres: 4 },
  // The session; the case with its category and reporter; the photos with the case's before
  // photos; who is told; the write with the photo link and the notice.
  handle: { sqlite: 12, postgres: 5 },
  // The session; the case with its category; the write.
  check_pass: { sqlite: 6, postgres: 3 },
};

for (const kind of DIALECTS) {
  describe(`statements per request of the closed loop [${kind}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(kind, { SESSION_CACHE_MS: '0' });
    }, 60_000);
    afterAll(async () => ctx?.close());

    it('each step sends at most its budget of statements; on PostgreSQL none opens a transaction', async () => {
      const db = ctx.handle.db;
      const [patrol, operator, handler] = [await signInAs(ctx.app, 'patrol1'), await signInAs(ctx.app, 'operator'), await signInAs(ctx.app, 'handler1')];
      const hq = (await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
      const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      const category = (await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'A0301').executeTakeFirstOrThrow()).id;
      const unit = (await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
      const photo = await uploadPhoto(ctx, handler);

      const post = async (cookie: string, url: string, payload: object) => {
        const res = await ctx.app.inject({ method: 'POST', url, headers: { cookie }, payload });
        expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
        return res.json() as { id: string; version: number };
      };
      const sent = new Map<Step, SentStatement[][]>();
      await recordingStatements(async (list) => {
        const step = async <T>(name: Step, loop: number, work: () => Promise<T>) => {
          const before = list().length;
          const r = await work();
          if (loop > 0) sent.set(name, [...(sent.get(name) ?? []), list().slice(before)]);
          return r;
        };
        // The first loop warms what is read once per process (the calendar, prepared statements).
        for (const loop of [0, 1, 2]) {
          let k = await step('report', loop, () => post(patrol, '/api/cases', { source: 'patrol', categoryId: category, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: '计数：湿垃圾混投' }));
          k = await step('file', loop, () => post(operator, `/api/cases/${k.id}/transitions`, { action: 'file', version: k.version }));
          k = await step('dispatch', loop, () => post(operator, `/api/cases/${k.id}/transitions`, { action: 'dispatch', version: k.version, unitId: unit }));
          k = await step('handle', loop, () => post(handler, `/api/cases/${k.id}/transitions`, { action: 'handle', version: k.version, note: '已处置', photoIds: [photo] }));
          await step('check_pass', loop, () => post(patrol, `/api/cases/${k.id}/transitions`, { action: 'check_pass', version: k.version }));
        }
      });
      const counts = Object.fromEntries([...sent].map(([name, runs]) => [name, runs.map((r) => r.filter((s) => !s.transaction && !s.notice).length)]));
      for (const [name, budget] of Object.entries(BUDGET) as [Step, Record<DialectKind, number>][]) {
        const runs = sent.get(name)!;
        expect(runs, name).toHaveLength(2);
        const most = Math.max(...runs.map((r) => r.filter((s) => !s.transaction && !s.notice).length));
        expect(most, `${name}: ${JSON.stringify(counts)}\n${runs[1]!.map((s) => s.text.slice(0, 120)).join('\n')}`).toBeLessThanOrEqual(budget[kind]);
        if (kind === 'postgres') {
          expect(runs.flat().filter((s) => s.transaction).map((s) => s.text), `${name} opened a transaction`).toEqual([]);
        }
      }
    });
  });
}

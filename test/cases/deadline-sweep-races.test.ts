import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledQuery, QueryResult } from 'kysely';
import type { Db } from '../../src/db/index.js';
import type { Actor } from '../../src/domain/auth/actor.js';
import type { TransitionInput } from '../../src/domain/cases/case-input.js';
import { sweepCaseDeadlines } from '../../src/domain/cases/deadline-sweep.js';
import { transitionCase } from '../../src/domain/cases/transition-case.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

/**
 * `base` as a database handle on which, once a query has returned the case row (the read a
 * transition makes before it writes), the deadline sweep runs to the end before the caller goes
 * on: the interleaving "transition reads, the sweep commits, the transition writes", every time.
 * The sweep runs only after the read's connection is released, so on SQLite (one connection) the
 * transition runs its statements on the database itself, as if in a transaction of the caller's.
 */
function sweepAfterRead(base: Db, caseId: string, sweep: () => Promise<unknown>, opts: { inline: boolean }) {
  const db = base.withTables<Record<never, never>>() as Db;
  const read = db.executeQuery.bind(db) as (q: CompiledQuery, id?: unknown) => Promise<QueryResult<unknown>>;
  let fired = false;
  Object.defineProperty(db, 'executeQuery', {
    value: async (q: CompiledQuery, id?: unknown) => {
      const res = await read(q, id);
      const rows = res.rows as Record<string, unknown>[];
      if (!fired && rows.some((r) => r.id === caseId && 'version' in r && 'stage_due_at' in r)) {
        fired = true;
        await sweep();
      }
      return res;
    },
  });
  if (opts.inline) Object.defineProperty(db, 'isTransaction', { get: () => true });
  return { db, fired: () => fired };
}

type Mode = 'inline' | 'alone' | 'transaction';
/** SQLite runs a transition in one transaction on its one connection; PostgreSQL alone (one statement) or in the caller's transaction. */
const modesOf = (dialect: string): Mode[] => (dialect === 'sqlite' ? ['inline'] : ['alone', 'transaction']);

for (const dialect of DIALECTS) {
  for (const mode of modesOf(dialect)) {
    describe(`deadline sweep between a transition's read and its write [${dialect}, ${mode}]`, () => {
      let f: CaseFixture;
      beforeAll(async () => {
        f = await caseFixture(dialect);
      });
      afterAll(async () => f.ctx.close());
      const db = () => f.ctx.handle.db;
      const row = (id: string) => db().selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const sweep = () => sweepCaseDeadlines(db(), f.ctx.clock);

      /** The transition, with a sweep committed between its read and its write. */
      async function actAcrossSweep(actor: Actor, caseId: string, input: TransitionInput) {
        if (mode === 'transaction') {
          let fired = false;
          try {
            return await db().transaction().execute((trx) => {
              const s = sweepAfterRead(trx, caseId, sweep, { inline: false });
              return transitionCase(s.db, f.ctx.clock, actor, caseId, input).finally(() => (fired = s.fired()));
            });
          } finally {
            expect(fired).toBe(true);
          }
        }
        const s = sweepAfterRead(db(), caseId, sweep, { inline: mode === 'inline' });
        try {
          return await transitionCase(s.db, f.ctx.clock, actor, caseId, input);
        } finally {
          expect(s.fired()).toBe(true);
        }
      }
      const code = (p: Promise<unknown>) => p.then(() => 'ok', (e) => (e instanceof DomainError ? e.code : e));

      /** A mark the sweep made belongs to the stage the case is on (else the stage it is on is never marked). */
      function expectMarksOfItsStage(r: Awaited<ReturnType<typeof row>>) {
        const key = `${r.status}:${r.stage_due_at}`;
        if (r.overdue_at !== null) expect(r.escalated_key).toBe(key);
        if (r.reminded_key !== null) expect(r.reminded_key).toBe(key);
      }

      it('every stage: an overdue mark landing mid-transition makes it stale, a reminder does not; the next stage is reminded and marked on its own', async () => {
        const a = f.actors;
        f.ctx.clock.set('2026-05-26T14:00:00Z'); // calendar hours: the clock may run at night
        const c = await f.report(a.patrol1, { categoryId: f.categories.A0101, description: '湿垃圾桶满溢' });
        const steps: { actor: Actor; input: (version: number) => Promise<TransitionInput> }[] = [
          { actor: a.operator, input: async (version) => ({ action: 'file', version }) },
          { actor: a.operator, input: async (version) => ({ action: 'dispatch', version, unitId: f.units.handler1 }) },
          { actor: a.handler1, input: async (version) => ({ action: 'handle', version, note: '已清运', photoIds: [await f.photo(a.handler1)] }) },
          { actor: a.patrol1, input: async (version) => ({ action: 'check_pass', version }) },
        ];
        let marked = 0;
        let reminded = 0;
        for (const [i, step] of steps.entries()) {
          let r = await row(c.id);
          expect(r.overdue_at).toBeNull();
          if (i % 2 === 0) {
            // The reminder fires between the read and the write: the step still applies (a reminder
            // is no new version), and the stage it starts carries no mark of the one before.
            expect(r.remind_at).not.toBeNull();
            f.ctx.clock.set(new Date(Date.parse(r.remind_at as string) + 1_000).toISOString());
            expect(await code(actAcrossSweep(step.actor, c.id, await step.input(r.version)))).toBe('ok');
            reminded++;
            const next = await row(c.id);
            expect(next.status).not.toBe(r.status);
            expect(next.version).toBe(r.version + 1);
            expect(next.reminded_key).toBeNull();
            expect(next.overdue_at).toBeNull();
            if (next.stage_due_at) expect(next.remind_at).not.toBeNull();
            expectMarksOfItsStage(next);
            continue;
          }
          // The stage passes its due time; the overdue mark lands between the read and the write.
          f.ctx.clock.set(new Date(Date.parse(r.stage_due_at as string) + 60_000).toISOString());
          expect(await code(actAcrossSweep(step.actor, c.id, await step.input(r.version)))).toBe('stale_version');
          const late = await row(c.id);
          expect(late).toMatchObject({ status: r.status, overdue_at: f.ctx.clock.now().toISOString(), overdue_count: r.overdue_count + 1 });
          expectMarksOfItsStage(late);
          marked++;
          // The client reloads and acts again: the next stage starts unmarked.
          await transitionCase(db(), f.ctx.clock, step.actor, c.id, await step.input(late.version));
          const next = await row(c.id);
          expect(next.status).not.toBe(r.status);
          expect(next.overdue_at).toBeNull();
          expectMarksOfItsStage(next);
        }
        const events = await db().selectFrom('case_events').select('action').where('case_id', '=', c.id).where('action', '=', 'overdue').execute();
        expect(events.length).toBe(marked);
        expect(marked).toBeGreaterThan(0);
        expect((await row(c.id)).overdue_count).toBe(marked);
        const dueSoon = await db().selectFrom('notifications').select('id').where('case_id', '=', c.id).where('kind', '=', 'case_due_soon').execute();
        expect(dueSoon.length).toBe(reminded);
        expect(reminded).toBeGreaterThan(0);
      });

      it('a stage entered while the sweep ran is marked overdue once its own due time passes', async () => {
        const a = f.actors;
        f.ctx.clock.set('2026-05-27T14:00:00Z');
        const c = await f.report(a.patrol1, { categoryId: f.categories.A0101, description: '桶满' });
        f.ctx.clock.set(new Date(Date.parse(c.stageDueAt as string) + 60_000).toISOString());
        await code(actAcrossSweep(a.operator, c.id, { action: 'file', version: c.version }));
        // Whatever the race's outcome, once the reloaded case is filed, its dispatch stage is
        // marked overdue and escalated when it falls due.
        let r = await row(c.id);
        if (r.status === 'reported') await transitionCase(db(), f.ctx.clock, a.operator, c.id, { action: 'file', version: r.version });
        r = await row(c.id);
        expect(r.status).toBe('filed');
        f.ctx.clock.set(new Date(Date.parse(r.stage_due_at as string) + 60_000).toISOString());
        await sweep();
        const after = await row(c.id);
        expect(after.overdue_at).toBe(f.ctx.clock.now().toISOString());
        expectMarksOfItsStage(after);
        const overdue = await db().selectFrom('notifications').select('dedupe_key').where('case_id', '=', c.id).where('kind', '=', 'case_overdue').execute();
        expect(overdue.map((n) => n.dedupe_key)).toContain(`overdue:${c.id}:filed:${r.stage_due_at}`);
      });
    });
  }
}

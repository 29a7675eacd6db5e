import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepCaseDeadlines } from '../../src/domain/cases/deadline-sweep.js';
import { STALL_GRACE_MS, stalledJobs } from '../../src/domain/jobs/stalls.js';
import { jobNames, runJobNow } from '../../src/jobs/run-now.js';
import { buildApp } from '../../src/server/app.js';
import type { Deps } from '../../src/server/deps.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { testLogOptions } from '../helpers/test-logs.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

for (const dialect of DIALECTS) {
  describe(`deadline job on instants [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f.ctx.close());

    /** A due time as a DBA would write it by hand: microseconds, and on SQLite another spelling and offset. */
    const writeByHand = async (id: string, local: string) => {
      const db = f.ctx.handle.db;
      if (dialect === 'postgres') await sql`update cases set stage_due_at = ${`${local}+08:00`}::timestamptz where id = ${id}`.execute(db);
      else await sql`update cases set stage_due_at = ${`${local.replace('T', ' ')}+08:00`} where id = ${id}`.execute(db);
    };

    it('marks a case overdue whatever precision its due time was written with, and /readyz shows a stall until it does', async () => {
      const db = f.ctx.handle.db;
      f.ctx.clock.set('2026-06-01T01:00:00Z');
      const cases: { id: string }[] = [];
      for (let i = 0; i < 3; i++) cases.push(await f.report(f.actors.patrol1));
      // 09:30:00.123456 Shanghai = 01:30:00.123456Z; an app-written neighbour due a millisecond later.
      await writeByHand(cases[0]!.id, '2026-06-01T09:30:00.123456');
      await writeByHand(cases[1]!.id, '2026-06-01T09:30:00.999999');
      await db.updateTable('cases').set({ stage_due_at: '2026-06-01T01:30:00.124Z' }).where('id', '=', cases[2]!.id).execute();
      // Not due yet (instants are compared to the millisecond on SQLite, to the microsecond on PostgreSQL).
      f.ctx.clock.set('2026-06-01T01:30:00.122Z');
      await sweepCaseDeadlines(db, f.ctx.clock);
      const overdueIds = async () => (await db.selectFrom('cases').select('id').where('id', 'in', cases.map((c) => c.id)).where('overdue_at', 'is not', null).execute()).map((r) => r.id).sort();
      expect(await overdueIds()).toEqual([]);
      // Well past: a stall shows on /readyz until the job runs, then every row moved on.
      f.ctx.clock.set(new Date(Date.parse('2026-06-01T01:30:01Z') + STALL_GRACE_MS).toISOString());
      const before = await f.ctx.app.inject({ method: 'GET', url: '/readyz' });
      expect(before.statusCode).toBe(200);
      expect(before.json().details.stalledJobs['case-deadlines'].dueRows).toBeGreaterThanOrEqual(3);
      const warnings: unknown[] = [];
      await sweepCaseDeadlines(db, f.ctx.clock, { warn: (o) => warnings.push(o), error: (o) => warnings.push(o) });
      expect(await overdueIds()).toEqual(cases.map((c) => c.id).sort());
      expect(warnings).toEqual([]);
      expect(await stalledJobs(db, f.ctx.clock)).toEqual({});
      expect((await f.ctx.app.inject({ method: 'GET', url: '/readyz' })).json().details.stalledJobs).toEqual({});
      const events = await db.selectFrom('case_events').select('case_id').where('action', '=', 'overdue').where('case_id', 'in', cases.map((c) => c.id)).execute();
      expect(events).toHaveLength(3);
    });

    it('runs a job now on demand and records it in the audit log; refuses unknown jobs and non-administrators', async () => {
      const db = f.ctx.handle.db;
      const admin = f.actors.admin;
      const r = await runJobNow({ ...f.ctx.deps }, 'case-deadlines', admin, '127.0.0.1');
      expect(r).toMatchObject({ job: 'case-deadlines', ran: true, error: null });
      const entry = await db.selectFrom('audit_log').selectAll().where('action', '=', 'job.run').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ entity: 'job', entity_id: 'case-deadlines', actor_user_id: admin.userId });
      await expect(runJobNow(f.ctx.deps, 'no-such-job', admin)).rejects.toMatchObject({ code: 'validation_failed' });
      // Over HTTP: an operator is refused; the test app runs no jobs, so a district-level administrator is told so.
      const op = await signInAs(f.ctx.app, 'operator');
      const refused = await f.ctx.app.inject({ method: 'POST', url: '/api/jobs/case-deadlines/run', headers: { cookie: op } });
      expect(refused.statusCode).toBe(403);
      const ad = await signInAs(f.ctx.app, 'district-admin');
      const none = await f.ctx.app.inject({ method: 'POST', url: '/api/jobs/case-deadlines/run', headers: { cookie: ad } });
      expect(none.statusCode).toBe(409);
      const bad = await f.ctx.app.inject({ method: 'POST', url: '/api/jobs/Bad_Name/run', headers: { cookie: ad } });
      expect(bad.statusCode).toBe(400);
    });

    it('every job acts on all subdistricts: over HTTP only a district-level administrator runs one (audited), and the job list says who may', async () => {
      const db = f.ctx.handle.db;
      // One signed-in user of each role, with a home subdistrict and without.
      const users = await db.selectFrom('users').select(['id', 'username', 'role', 'subdistrict_id']).where('status', '=', 'active').orderBy('username').execute();
      const kinds = new Map<string, (typeof users)[number]>();
      for (const u of users) if (!kinds.has(`${u.role}|${u.subdistrict_id === null}`)) kinds.set(`${u.role}|${u.subdistrict_id === null}`, u);
      expect([...kinds.keys()]).toEqual(expect.arrayContaining(['admin|true', 'admin|false']));
      // An app that runs jobs, as `closeloop serve` does.
      const deps: Deps = { ...f.ctx.deps };
      deps.jobNames = () => jobNames(deps);
      deps.runJob = (name, actor, ip) => runJobNow(deps, name, actor, ip);
      const app = await buildApp(deps, testLogOptions('jobs-run-access'));
      const since = (await db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow()).seq ?? 0;
      try {
        for (const u of kinds.values()) {
          const cookie = await signInAs(app, u.username);
          const may = u.role === 'admin' && u.subdistrict_id === null;
          const run = await app.inject({ method: 'POST', url: '/api/jobs/case-deadlines/run', headers: { cookie } });
          expect(run.statusCode, u.username).toBe(may ? 200 : 403);
          if (may) expect(run.json()).toMatchObject({ job: 'case-deadlines', ran: true, error: null });
          else expect(run.json().error.code, u.username).toBe('forbidden');
          const list = await app.inject({ url: '/api/jobs', headers: { cookie } });
          if (u.role === 'admin') expect(list.json(), u.username).toMatchObject({ runsJobs: true, mayRun: may });
          else expect(list.statusCode, u.username).toBe(403);
        }
      } finally {
        await app.close();
      }
      const runs = await db.selectFrom('audit_log').select(['actor_user_id', 'entity_id']).where('action', '=', 'job.run').where('seq', '>', since).execute();
      expect(runs).toEqual([{ actor_user_id: kinds.get('admin|true')!.id, entity_id: 'case-deadlines' }]);
    });
  });
}

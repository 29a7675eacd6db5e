import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/domain/retention/purge.js';
import { newId } from '../../src/domain/shared/ids.js';
import { retentionPoller } from '../../src/jobs/retention.js';
import { DEMO_PASSWORD, demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

for (const dialect of DIALECTS) {
  describe(`retention of operational tables [${dialect}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect);
    });
    afterAll(async () => ctx.close());

    it('purges expired sessions, old sign-in events and stale throttle rows, and never the case history', async () => {
      const db = ctx.handle.db;
      const now = ctx.clock.now().getTime();
      const iso = (ms: number) => new Date(now + ms).toISOString();
      const admin = await db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
      const session = (expires: number) => ({ id: newId(), user_id: admin.id, token_hash: newId(), created_at: iso(-DAY), expires_at: iso(expires), last_seen_at: iso(-DAY), ip: null, user_agent: null });
      const expired = [session(-1000), session(-DAY)];
      const live = [session(3600_000)];
      await db.insertInto('sessions').values([...expired, ...live]).execute();
      const event = (ago: number) => ({ id: newId(), user_id: null, username: 'x', ip: '192.0.2.1', user_agent: null, outcome: 'bad_credentials' as const, at: iso(-ago) });
      const old = [event(181 * DAY), event(400 * DAY)];
      const recent = [event(179 * DAY), event(0)];
      await db.insertInto('sign_in_events').values([...old, ...recent]).execute();
      await db.insertInto('sign_in_throttle').values([
        { key: 'u:stale', window_start: iso(-2 * DAY), attempts: 5 },
        { key: 'u:fresh', window_start: iso(-60_000), attempts: 2 },
      ]).execute();
      const eventsBefore = await db.selectFrom('case_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();

      const n = await purgeExpired(db, ctx.clock, { signInEventsDays: 180 });
      expect(n.sessions).toBeGreaterThanOrEqual(2);
      expect(n.signInEvents).toBeGreaterThanOrEqual(2);
      expect(n.signInThrottle).toBe(1);

      const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
      const sessions = ids(await db.selectFrom('sessions').select('id').execute());
      expect(sessions).toEqual(expect.arrayContaining(ids(live)));
      expect(sessions).not.toEqual(expect.arrayContaining([expired[0]!.id]));
      const events = ids(await db.selectFrom('sign_in_events').select('id').execute());
      expect(events).toEqual(expect.arrayContaining(ids(recent)));
      for (const o of old) expect(events).not.toContain(o.id);
      expect((await db.selectFrom('sign_in_throttle').select('key').execute()).map((r) => r.key)).toEqual(['u:fresh']);
      const eventsAfter = await db.selectFrom('case_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(eventsAfter.n)).toBe(Number(eventsBefore.n));
      // A live session still works after the purge.
      expect(await signInAs(ctx.app, 'operator')).toMatch(/^cl_session=/);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`retention with a sign-in lock longer than a day [${dialect}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect, { LOGIN_LOCK_MINUTES: String(48 * 60) });
    });
    afterAll(async () => ctx.close());

    it('the retention job keeps a 48-hour lock for its 48 hours', async () => {
      const db = ctx.handle.db;
      const attempt = (password: string, ip: string) =>
        ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'patrol1', password }, remoteAddress: ip });
      for (let i = 0; i < 5; i++) expect((await attempt('wrong-password', `10.9.0.${i + 1}`)).statusCode).toBe(401);
      expect((await attempt(DEMO_PASSWORD, '10.9.1.1')).statusCode).toBe(423);
      // A row whose window ended long ago: its purge shows the round ran.
      await db.insertInto('sign_in_throttle').values({ key: 'u:long-gone', window_start: new Date(ctx.clock.now().getTime() - 49 * HOUR).toISOString(), attempts: 5 }).execute();

      ctx.clock.advance(25 * HOUR);
      const job = retentionPoller(ctx.deps);
      try {
        await job.runOnce();
        expect(job.stats.errors, job.stats.lastError ?? '').toBe(0);
      } finally {
        await job.destroy();
      }
      const keys = (await db.selectFrom('sign_in_throttle').select('key').execute()).map((r) => r.key);
      expect(keys).not.toContain('u:long-gone');
      expect(keys).toContain('u:patrol1');
      const stillLocked = await attempt(DEMO_PASSWORD, '10.9.1.2');
      expect(stillLocked.statusCode).toBe(423);
      expect(stillLocked.json().error.code).toBe('account_locked');

      // And the lock does end with its 48 hours.
      ctx.clock.advance(24 * HOUR);
      expect(await signInAs(ctx.app, 'patrol1')).toMatch(/^cl_session=/);
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/domain/retention/purge.js';
import { newId } from '../../src/domain/shared/ids.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

const DAY = 24 * 3600_000;

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

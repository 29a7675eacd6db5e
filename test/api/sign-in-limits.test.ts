import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimAttempt } from '../../src/domain/auth/sign-in-throttle.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

const MAX = 5;
const IP_MAX = 12;

for (const dialect of DIALECTS) {
  describe(`sign-in limits hold under concurrency [${dialect}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect, { LOGIN_MAX_FAILURES: String(MAX), LOGIN_IP_MAX_FAILURES: String(IP_MAX) });
    });
    afterAll(async () => ctx.close());

    const attempt = (username: string, password: string, remoteAddress: string, headers: Record<string, string> = {}) =>
      ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username, password }, remoteAddress, headers });
    const outcomes = async (username: string) =>
      (await ctx.handle.db.selectFrom('sign_in_events').select('outcome').where('username', '=', username).execute()).map((e) => e.outcome);

    it('20 concurrent wrong passwords for one username get exactly the configured number of password checks', async () => {
      const res = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt('patrol2', `wrong-${i}-password`, `198.51.100.${i + 1}`)));
      expect(res.filter((r) => r.statusCode === 401)).toHaveLength(MAX);
      expect(res.filter((r) => r.statusCode === 423)).toHaveLength(20 - MAX);
      const o = await outcomes('patrol2');
      expect(o.filter((x) => x === 'bad_credentials')).toHaveLength(MAX);
      expect(o.filter((x) => x === 'locked')).toHaveLength(20 - MAX);
      // The right password is refused too while locked, with a Retry-After hint.
      const locked = await attempt('patrol2', 'closeloop2026', '198.51.100.99');
      expect(locked.statusCode).toBe(423);
      expect(locked.json().error.details.retryAfterSeconds).toBeGreaterThan(0);
    });

    it('concurrent failures from one address get exactly the address limit', async () => {
      const res = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(`nobody-${i}`, 'wrong-password', '203.0.113.50')));
      expect(res.filter((r) => r.statusCode === 401)).toHaveLength(IP_MAX);
      expect(res.filter((r) => r.statusCode === 429)).toHaveLength(30 - IP_MAX);
    });

    it('does not believe X-Forwarded-For from a client that is not a configured proxy', async () => {
      // 203.0.113.50 is exhausted (above); a forged header must not buy a fresh address.
      const forged = await attempt('nobody-x', 'wrong-password', '203.0.113.50', { 'x-forwarded-for': '192.0.2.200' });
      expect(forged.statusCode).toBe(429);
    });

    it('a successful sign-in clears the username and gives its address claim back', async () => {
      for (let i = 0; i < MAX - 1; i++) expect((await attempt('patrol3', 'wrong-password', '192.0.2.31')).statusCode).toBe(401);
      expect((await attempt('patrol3', 'closeloop2026', '192.0.2.31')).statusCode).toBe(200);
      for (let i = 0; i < MAX; i++) expect((await attempt('patrol3', 'wrong-password', '192.0.2.32')).statusCode).toBe(401);
      expect((await attempt('patrol3', 'closeloop2026', '192.0.2.32')).statusCode).toBe(423);
      ctx.clock.advance(16 * 60_000);
      expect((await attempt('patrol3', 'closeloop2026', '192.0.2.32')).statusCode).toBe(200);
    });

    it('an administrator\'s password reset, or re-enabling the account, unlocks a locked-out account', async () => {
      const admin = await signInAs(ctx.app, 'admin');
      const idOf = async (username: string) => (await ctx.handle.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
      const patch = async (username: string, payload: object) => {
        const res = await ctx.app.inject({ method: 'PATCH', url: `/api/staff/${await idOf(username)}`, headers: { cookie: admin }, payload });
        expect(res.statusCode, res.body).toBe(200);
      };
      for (let i = 0; i < MAX; i++) expect((await attempt('enforcer1', 'wrong-password', '192.0.2.41')).statusCode).toBe(401);
      expect((await attempt('enforcer1', 'closeloop2026', '192.0.2.41')).statusCode).toBe(423);
      await patch('enforcer1', { password: 'Reset-By-Admin-2026' });
      expect((await attempt('enforcer1', 'Reset-By-Admin-2026', '192.0.2.42')).statusCode).toBe(200);

      for (let i = 0; i < MAX; i++) expect((await attempt('enforcer2', 'wrong-password', '192.0.2.43')).statusCode).toBe(401);
      await patch('enforcer2', { status: 'disabled' });
      await patch('enforcer2', { status: 'active' });
      expect((await attempt('enforcer2', 'closeloop2026', '192.0.2.44')).statusCode).toBe(200);
    });

    it('claims never exceed the limit in any window, whatever the interleaving of times (property)', async () => {
      const base = Date.parse('2026-06-01T00:00:00Z');
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 40 * 60_000 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 6 }), async (offsets, max) => {
          const key = `prop:${Math.random()}`;
          const windowMs = 15 * 60_000;
          const times = [...offsets].sort((a, b) => a - b);
          let windowStart = -Infinity;
          let count = 0;
          for (const t of times) {
            const got = await claimAttempt(ctx.handle.db, key, max, windowMs, new Date(base + t));
            // Model: a window starts at the first claim after the previous window ended.
            if (t - windowStart >= windowMs) {
              windowStart = t;
              count = 0;
            }
            const expected = count < max ? ++count : null;
            expect(got).toBe(expected);
          }
        }),
        { numRuns: 25 },
      );
    });
  });

  describe(`trusted proxies [${dialect}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect, { TRUSTED_PROXIES: '10.9.0.0/16', LOGIN_IP_MAX_FAILURES: '2' });
    });
    afterAll(async () => ctx.close());

    it('believes X-Forwarded-For only from a configured proxy', async () => {
      const viaProxy = (client: string) =>
        ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: `u-${client}`, password: 'wrong-password' }, remoteAddress: '10.9.1.1', headers: { 'x-forwarded-for': client } });
      // Two clients behind the proxy have their own budgets.
      for (const client of ['192.0.2.1', '192.0.2.2']) {
        expect((await viaProxy(client)).statusCode).toBe(401);
        expect((await viaProxy(client)).statusCode).toBe(401);
        expect((await viaProxy(client)).statusCode).toBe(429);
      }
      const events = await ctx.handle.db.selectFrom('sign_in_events').select('ip').distinct().execute();
      expect(events.map((e) => e.ip).sort()).toEqual(['192.0.2.1', '192.0.2.2']);
    });
  });
}

describe('TRUSTED_PROXIES is validated', () => {
  it('names the variable for a value that is not an address or CIDR', async () => {
    const { readConfig } = await import('../../src/config.js');
    expect(() => readConfig({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES/);
    expect(() => readConfig({ TRUSTED_PROXIES: 'proxy.local' })).toThrow(/TRUSTED_PROXIES/);
    expect(readConfig({ TRUSTED_PROXIES: '10.0.0.1, 2001:db8::/32' }).trustedProxies).toEqual(['10.0.0.1', '2001:db8::/32']);
  });
});

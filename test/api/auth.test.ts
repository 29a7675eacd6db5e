import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

for (const dialect of DIALECTS) {
  describe(`sign-in and sessions [${dialect}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect, { LOGIN_MAX_FAILURES: '3', LOGIN_IP_MAX_FAILURES: '8' });
    });
    afterAll(async () => ctx.close());

    it('rejects an unauthenticated call with 401 and the error shape', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/me' });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthenticated', message: expect.any(String), details: null } });
    });

    it('gives the same answer for a wrong password and an unknown user', async () => {
      const wrong = await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'operator', password: 'nope-nope' } });
      const unknown = await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'nobody-here', password: 'nope-nope' } });
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.json()).toEqual(unknown.json());
    });

    it('signs in with an httpOnly SameSite cookie and records the event', async () => {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'admin', password: 'closeloop2026' } });
      expect(res.statusCode).toBe(200);
      const cookie = res.cookies.find((c) => c.name === 'cl_session');
      expect(cookie?.httpOnly).toBe(true);
      expect(cookie?.sameSite).toBe('Lax');
      const me = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `cl_session=${cookie?.value}` } });
      expect(me.json().user.role).toBe('admin');
      expect(me.json().places.committees).toHaveLength(16);
      const events = await ctx.handle.db.selectFrom('sign_in_events').selectAll().where('username', '=', 'admin').execute();
      expect(events.map((e) => e.outcome)).toContain('success');
    });

    it('locks a username after repeated failures, existing or not, and unlocks after the lock time', async () => {
      for (const username of ['patrol1', 'ghost-user']) {
        for (let i = 0; i < 3; i++) {
          const r = await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username, password: 'wrong-password' }, remoteAddress: `10.0.0.${i + 1}` });
          expect(r.statusCode).toBe(401);
        }
        const locked = await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username, password: 'closeloop2026' }, remoteAddress: '10.0.1.1' });
        expect(locked.statusCode).toBe(423);
        expect(locked.json().error.code).toBe('account_locked');
      }
      ctx.clock.advance(16 * 60_000);
      expect(await signInAs(ctx.app, 'patrol1')).toMatch(/^cl_session=/);
    });

    it('rate-limits an address that keeps failing', async () => {
      let last = 0;
      for (let i = 0; i < 10; i++) {
        const r = await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: `u${i}x`, password: 'wrong-password' }, remoteAddress: '192.0.2.7' });
        last = r.statusCode;
      }
      expect(last).toBe(429);
    });

    it('ends the session on sign-out', async () => {
      const cookie = await signInAs(ctx.app, 'leader');
      expect((await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(200);
      await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { cookie } });
      expect((await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
    });

    it('accepts bearer API tokens for integrations until revoked', async () => {
      const cookie = await signInAs(ctx.app, 'operator');
      const created = await ctx.app.inject({ method: 'POST', url: '/api/me/tokens', headers: { cookie }, payload: { name: 'camera gateway' } });
      expect(created.statusCode).toBe(201);
      const { token, id } = created.json();
      const auth = { authorization: `Bearer ${token}` };
      expect((await ctx.app.inject({ method: 'GET', url: '/api/sites?limit=1', headers: auth })).statusCode).toBe(200);
      await ctx.app.inject({ method: 'DELETE', url: `/api/me/tokens/${id}`, headers: { cookie } });
      expect((await ctx.app.inject({ method: 'GET', url: '/api/sites?limit=1', headers: auth })).statusCode).toBe(401);
    });

    it('expires sessions after their lifetime', async () => {
      const cookie = await signInAs(ctx.app, 'cadre02');
      ctx.clock.advance(13 * 3600_000);
      expect((await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
    });
  });
}

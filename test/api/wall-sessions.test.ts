import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { openDashboardStream } from '../helpers/sse.js';

const cookieOf = (res: { cookies: { name: string; value: string; expires?: Date }[] }) => {
  const c = res.cookies.find((x) => x.name === 'cl_session');
  return c?.value ? `cl_session=${c.value}` : null;
};

// A wall display (an operations-centre screen left on all day) outlives the idle limit of ordinary
// sessions, reads what its owner reads, writes nothing, and ends at its absolute expiry or when
// its owner is signed out everywhere.
for (const dialect of DIALECTS) {
  describe(`wall display sessions [${dialect}]`, () => {
    let ctx: TestContext;
    let base: string;
    const IDLE_MS = 30 * 60_000;

    beforeAll(async () => {
      ctx = await demoContext(dialect, { SESSION_IDLE_MINUTES: '30', LIVE_STREAM_RECHECK_SECONDS: '0.1' });
      await ctx.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    });
    afterAll(async () => ctx?.close());

    const call = (cookie: string | null, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
      ctx.app.inject({ method, url, headers: { ...(cookie ? { cookie } : {}), ...headers }, ...(payload ? { payload } : {}) });
    const userId = async (username: string) => (await ctx.handle.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

    async function newWall(username: string, label = '指挥中心大屏1') {
      const browser = await signInAs(ctx.app, username);
      const res = await call(browser, 'POST', '/api/me/wall-session', { label });
      expect(res.statusCode, res.body).toBe(201);
      const wall = cookieOf(res)!;
      expect(wall).toBeTruthy();
      expect(wall).not.toBe(browser);
      // The browser session it replaces is ended: the device holds one session.
      expect((await call(browser, 'GET', '/api/me')).statusCode).toBe(401);
      return { wall, res };
    }

    it('outlives the idle limit, reads, and writes nothing', async () => {
      const { wall, res } = await newWall('operator');
      const cookie = res.cookies.find((c) => c.name === 'cl_session')!;
      expect(new Date(cookie.expires!).toISOString()).toBe(res.json().expiresAt);
      expect(Date.parse(res.json().expiresAt) - ctx.clock.now().getTime()).toBe(7 * 86400_000);
      const ordinary = await signInAs(ctx.app, 'operator');

      ctx.clock.advance(3 * 3600_000);
      expect((await call(ordinary, 'GET', '/api/dashboard/summary')).statusCode).toBe(401);
      const read = await call(wall, 'GET', '/api/dashboard/summary');
      expect(read.statusCode, read.body).toBe(200);
      expect((await call(wall, 'GET', '/api/me')).statusCode).toBe(200);
      ctx.clock.advance(IDLE_MS * 4);
      expect((await call(wall, 'GET', '/api/dashboard/summary')).statusCode).toBe(200);

      const write = await call(wall, 'POST', '/api/inbox/read-all');
      expect(write.statusCode, write.body).toBe(403);
      expect(write.json().error.code).toBe('forbidden');
      // Nor does a wall display mint another.
      expect((await call(wall, 'POST', '/api/me/wall-session', { label: '大屏2' })).statusCode).toBe(403);
      expect((await call(wall, 'POST', '/api/me/tokens', { name: 'from the wall', scopes: ['read'] })).statusCode).toBe(403);
      // Its owner's own sign-out ends it.
      expect((await call(wall, 'POST', '/api/auth/sign-out')).statusCode).toBe(200);
      expect((await call(wall, 'GET', '/api/dashboard/summary')).statusCode).toBe(401);
    });

    it('ends at its absolute expiry (WALL_SESSION_DAYS)', async () => {
      const { wall } = await newWall('operator');
      ctx.clock.advance(7 * 86400_000 - 60_000);
      expect((await call(wall, 'GET', '/api/dashboard/summary')).statusCode).toBe(200);
      ctx.clock.advance(60_000);
      expect((await call(wall, 'GET', '/api/dashboard/summary')).statusCode).toBe(401);
    });

    it('is ended by an administrator signing its owner out everywhere', async () => {
      const { wall } = await newWall('operator');
      expect((await call(wall, 'GET', '/api/dashboard/summary')).statusCode).toBe(200);
      const admin = await signInAs(ctx.app, 'admin');
      const res = await call(admin, 'POST', `/api/staff/${await userId('operator')}/sign-out-all`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().ended).toBeGreaterThanOrEqual(1);
      expect((await call(wall, 'GET', '/api/dashboard/summary')).statusCode).toBe(401);
    });

    it('is ended by a change of its owner\'s role or scope (a new one must be set up for the new privileges)', async () => {
      const { wall } = await newWall('leader');
      const admin = await signInAs(ctx.app, 'admin');
      const id = await userId('leader');
      const res = await call(admin, 'PATCH' as 'POST', `/api/staff/${id}`, { role: 'patrol' });
      expect(res.statusCode, res.body).toBe(200);
      expect((await call(wall, 'GET', '/api/me')).statusCode).toBe(401);
      expect((await call(admin, 'PATCH' as 'POST', `/api/staff/${id}`, { role: 'leader' })).statusCode).toBe(200);
    });

    it('its live stream stays open past the idle limit, and closes when the session is ended', async () => {
      const { wall } = await newWall('operator');
      const ordinary = await signInAs(ctx.app, 'operator');
      const wallStream = await openDashboardStream(base, wall);
      const ordinaryStream = await openDashboardStream(base, ordinary);
      ctx.clock.advance(3 * 3600_000);
      // The stream is re-checked every 0.1 s: the idle ordinary session's closes, the wall's stays.
      await ordinaryStream.ended(5000);
      await expect(wallStream.ended(1000)).rejects.toThrow();
      const admin = await signInAs(ctx.app, 'admin');
      expect((await call(admin, 'POST', `/api/staff/${await userId('operator')}/sign-out-all`)).statusCode).toBe(200);
      await wallStream.ended(5000);
    });

    it('is set up from a person\'s browser session only, by those who read the dashboard', async () => {
      const browser = await signInAs(ctx.app, 'operator');
      const token = await call(browser, 'POST', '/api/me/tokens', { name: 'wall script', scopes: ['read', 'field', 'integration'] });
      expect(token.statusCode, token.body).toBe(201);
      const bearer = { authorization: `Bearer ${token.json().token}` };
      const byToken = await call(null, 'POST', '/api/me/wall-session', { label: '大屏' }, bearer);
      expect(byToken.statusCode, byToken.body).toBe(403);
      expect(cookieOf(byToken)).toBeNull();
      const patrol = await signInAs(ctx.app, 'patrol3');
      expect((await call(patrol, 'POST', '/api/me/wall-session', { label: '大屏' })).statusCode).toBe(403);
      expect((await call(null, 'POST', '/api/me/wall-session', { label: '大屏' })).statusCode).toBe(401);
    });

    it('refuses a bad label, naming it', async () => {
      const browser = await signInAs(ctx.app, 'operator');
      for (const label of ['', '   ', 'x'.repeat(41)]) {
        const res = await call(browser, 'POST', '/api/me/wall-session', { label });
        expect(res.statusCode, label).toBe(400);
        expect(res.body).toContain('label');
      }
      expect((await call(browser, 'POST', '/api/me/wall-session', {})).statusCode).toBe(400);
      // Refused: the browser session stays.
      expect((await call(browser, 'GET', '/api/me')).statusCode).toBe(200);
    });

    it('is audited with its label and expiry, never the token', async () => {
      const { wall, res } = await newWall('leader', '指挥中心大屏9');
      const entry = await ctx.handle.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'session.wall')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      expect(entry.actor_user_id).toBe(await userId('leader'));
      const text = JSON.stringify(entry);
      expect(text).toContain('指挥中心大屏9');
      expect(text).toContain(res.json().expiresAt);
      expect(text).not.toContain(wall.slice('cl_session='.length));
      expect(entry.entity).toBe('session');
    });
  });
}

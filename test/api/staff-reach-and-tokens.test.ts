import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

/**
 * Least privilege for staff administration: an administrator changes only people whose every scope
 * lies inside theirs, and a password reset, sign-out everywhere, disabling or one's own password
 * change revokes the person's API tokens (a token minted from a stolen session goes with it).
 */
for (const dialect of DIALECTS) {
  describe(`staff administration reach and API tokens (${dialect})`, () => {
    let ctx: TestContext;
    let hq: string;
    let xx: string;
    const call = (cookie: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      ctx.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
    const bearer = (token: string) => ctx.app.inject({ method: 'GET', url: '/api/sites?limit=1', headers: { authorization: `Bearer ${token}` } });
    const mint = async (cookie: string) => {
      const r = await call(cookie, 'POST', '/api/me/tokens', { name: 'stolen', scopes: ['read'] });
      expect(r.statusCode).toBe(201);
      return r.json().token as string;
    };
    const idOf = async (username: string) => (await ctx.handle.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      const subs = await ctx.handle.db.selectFrom('subdistricts').select(['id', 'code']).execute();
      hq = subs.find((s) => s.code === '008')!.id;
      xx = subs.find((s) => s.code !== '008')!.id;
    });
    afterAll(async () => ctx?.close());

    it('the admin of one subdistrict sees but cannot change someone who also works in another', async () => {
      const district = await signInAs(ctx.app, 'district-admin');
      const hqAdmin = await signInAs(ctx.app, 'admin');
      const created = await call(district, 'POST', '/api/staff', {
        username: 'dual.op', displayName: '两街道值班员', role: 'operator', password: 'Zhi-Ma-Kai-Men-42', scopes: [{ subdistrictId: hq }, { subdistrictId: xx }],
      });
      expect(created.statusCode).toBe(201);
      const id = created.json().id as string;
      expect((await call(hqAdmin, 'GET', `/api/staff/${id}`)).statusCode).toBe(200);
      for (const patch of [{ role: 'admin' }, { password: 'Hong-Qiao-Takeover-77' }, { status: 'disabled' }, { scopes: [{ subdistrictId: hq }] }]) {
        expect((await call(hqAdmin, 'PATCH', `/api/staff/${id}`, patch)).statusCode, JSON.stringify(patch)).toBe(404);
      }
      expect((await call(hqAdmin, 'POST', `/api/staff/${id}/sign-out-all`)).statusCode).toBe(404);
      const row = await ctx.handle.db.selectFrom('users').select(['role', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toEqual({ role: 'operator', status: 'active' });
      expect(await ctx.handle.db.selectFrom('user_scopes').select('subdistrict_id').where('user_id', '=', id).execute()).toHaveLength(2);
      // Whoever holds both subdistricts may.
      expect((await call(district, 'PATCH', `/api/staff/${id}`, { displayName: '两街道值班员（改）' })).statusCode).toBe(200);
      // Someone of Hongqiao alone stays the Hongqiao admin's to change.
      expect((await call(hqAdmin, 'PATCH', `/api/staff/${await idOf('patrol2')}`, { displayName: '巡查员二' })).statusCode).toBe(200);
    });

    it('a password reset, sign-out everywhere, disabling and one\'s own password change revoke the API tokens', async () => {
      const admin = await signInAs(ctx.app, 'admin');
      const patrol = await idOf('patrol1');
      // Reset by the administrator.
      let token = await mint(await signInAs(ctx.app, 'patrol1'));
      expect((await bearer(token)).statusCode).toBe(200);
      expect((await call(admin, 'PATCH', `/api/staff/${patrol}`, { password: 'New-Pass-Word-Reset-1' })).statusCode).toBe(200);
      expect((await bearer(token)).statusCode).toBe(401);
      // The owner picks a new password: a token minted before it stops working.
      const si = await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'patrol1', password: 'New-Pass-Word-Reset-1' } });
      const own = `cl_session=${si.cookies.find((c) => c.name === 'cl_session')!.value}`;
      const changed = await call(own, 'POST', '/api/me/password', { currentPassword: 'New-Pass-Word-Reset-1', newPassword: 'Own-Choice-Pass-22' });
      expect(changed.statusCode).toBe(200);
      const session = `cl_session=${(changed.cookies.find((c) => c.name === 'cl_session') ?? si.cookies.find((c) => c.name === 'cl_session'))!.value}`;
      token = await mint(session);
      expect((await bearer(token)).statusCode).toBe(200);
      expect((await call(session, 'POST', '/api/me/password', { currentPassword: 'Own-Choice-Pass-22', newPassword: 'Own-Choice-Pass-33' })).statusCode).toBe(200);
      expect((await bearer(token)).statusCode).toBe(401);
      // Sign-out everywhere.
      const fresh = await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'patrol1', password: 'Own-Choice-Pass-33' } });
      token = await mint(`cl_session=${fresh.cookies.find((c) => c.name === 'cl_session')!.value}`);
      expect((await call(admin, 'POST', `/api/staff/${patrol}/sign-out-all`)).statusCode).toBe(200);
      expect((await bearer(token)).statusCode).toBe(401);
      // Disabling, then enabling again: the old token stays revoked.
      const again = await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'patrol1', password: 'Own-Choice-Pass-33' } });
      token = await mint(`cl_session=${again.cookies.find((c) => c.name === 'cl_session')!.value}`);
      expect((await call(admin, 'PATCH', `/api/staff/${patrol}`, { status: 'disabled' })).statusCode).toBe(200);
      expect((await call(admin, 'PATCH', `/api/staff/${patrol}`, { status: 'active' })).statusCode).toBe(200);
      expect((await bearer(token)).statusCode).toBe(401);
    });
  });
}

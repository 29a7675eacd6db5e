import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/domain/auth/tokens.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

const PASSWORD = 'Cache-Test-Pass-2026';
const cookieOf = (res: { cookies: { name: string; value: string }[] }) => {
  const c = res.cookies.find((x) => x.name === 'cl_session');
  return c?.value ? `cl_session=${c.value}` : null;
};

type Op =
  | { kind: 'signIn'; user: number }
  | { kind: 'signOut'; token: number }
  | { kind: 'status'; user: number; status: 'active' | 'disabled' }
  | { kind: 'rename'; user: number; name: string }
  | { kind: 'role'; user: number; role: 'operator' | 'leader' }
  | { kind: 'reset'; user: number }
  | { kind: 'ownPassword'; token: number };

// After any change made through the app — sign-in, sign-out, disabling, renaming, a new role, a
// password reset or change — every session token answers exactly as the database says, at once:
// 401 when its session or user is gone or disabled, else the user as stored now. (Guards any
// reuse of resolved sessions: one that missed a change would answer from before it.)
for (const dialect of DIALECTS) {
  describe(`session tokens answer as the database says after every change [${dialect}]`, () => {
    let ctx: TestContext;
    let admin: string;
    const users: { id: string; username: string }[] = [];

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      admin = await signInAs(ctx.app, 'admin');
      const hq = (await ctx.handle.db.selectFrom('users').select('subdistrict_id').where('username', '=', 'admin').executeTakeFirstOrThrow()).subdistrict_id!;
      for (let i = 0; i < 3; i++) {
        const username = `cache.user${i}`;
        const res = await ctx.app.inject({
          method: 'POST', url: '/api/staff', headers: { cookie: admin },
          payload: { username, displayName: `值班员${i}`, role: 'operator', password: PASSWORD, scopes: [{ subdistrictId: hq }] },
        });
        expect(res.statusCode, res.body).toBe(201);
        users.push({ id: res.json().id, username });
        // Their own password, so the first-sign-in change is behind them.
        await ctx.handle.db.updateTable('users').set({ must_change_password: 0 }).where('id', '=', res.json().id).execute();
      }
    });
    afterAll(async () => ctx?.close());

    /** What the database says a token should get: its user's name and role, or null (401). */
    async function truth(cookie: string) {
      const row = await ctx.handle.db.selectFrom('sessions as s').innerJoin('users as u', 'u.id', 's.user_id')
        .select(['u.display_name', 'u.role', 'u.status']).where('s.token_hash', '=', hashSecret(cookie.slice('cl_session='.length))).executeTakeFirst();
      return row && row.status === 'active' ? { displayName: row.display_name, role: row.role } : null;
    }

    const patch = (user: number, body: object) => ctx.app.inject({ method: 'PATCH', url: `/api/staff/${users[user]!.id}`, headers: { cookie: admin }, payload: body });

    it('property: over random sequences of changes, every token answers as the database says', async () => {
      const op: fc.Arbitrary<Op> = fc.oneof(
        fc.record({ kind: fc.constant('signIn' as const), user: fc.nat(2) }),
        fc.record({ kind: fc.constant('signOut' as const), token: fc.nat(20) }),
        fc.record({ kind: fc.constant('status' as const), user: fc.nat(2), status: fc.constantFrom('active' as const, 'disabled' as const) }),
        fc.record({ kind: fc.constant('rename' as const), user: fc.nat(2), name: fc.constantFrom('张伟', '王芳', '李娜', '刘洋') }),
        fc.record({ kind: fc.constant('role' as const), user: fc.nat(2), role: fc.constantFrom('operator' as const, 'leader' as const) }),
        fc.record({ kind: fc.constant('reset' as const), user: fc.nat(2) }),
        fc.record({ kind: fc.constant('ownPassword' as const), token: fc.nat(20) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 18 }), async (ops) => {
          for (const u of users) await patch(users.indexOf(u), { status: 'active', password: PASSWORD }).then((r) => expect(r.statusCode, r.body).toBe(200));
          await ctx.handle.db.updateTable('users').set({ must_change_password: 0 }).where('id', 'in', users.map((u) => u.id)).execute();
          const tokens: string[] = [];
          for (const o of ops) {
            const pick = (i: number) => (tokens.length ? tokens[i % tokens.length]! : null);
            switch (o.kind) {
              case 'signIn': {
                const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: users[o.user]!.username, password: PASSWORD } });
                const c = cookieOf(res);
                if (res.statusCode === 200 && c) tokens.push(c);
                break;
              }
              case 'signOut': {
                const t = pick(o.token);
                if (t) await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { cookie: t } });
                break;
              }
              case 'status':
                expect((await patch(o.user, { status: o.status })).statusCode).toBe(200);
                break;
              case 'rename':
                expect((await patch(o.user, { displayName: o.name })).statusCode).toBe(200);
                break;
              case 'role':
                expect((await patch(o.user, { role: o.role })).statusCode).toBe(200);
                break;
              case 'reset':
                expect((await patch(o.user, { password: PASSWORD })).statusCode).toBe(200);
                await ctx.handle.db.updateTable('users').set({ must_change_password: 0 }).where('id', '=', users[o.user]!.id).execute();
                break;
              case 'ownPassword': {
                const t = pick(o.token);
                if (!t) break;
                const res = await ctx.app.inject({ method: 'POST', url: '/api/me/password', headers: { cookie: t }, payload: { currentPassword: PASSWORD, newPassword: `${PASSWORD}-x` } });
                // The person's other sessions end; this one goes on under a new id. (Sign-ins with the
                // shared password fail for this user until a 'reset'.)
                const renewed = res.statusCode === 200 ? cookieOf(res) : null;
                if (renewed) tokens.push(renewed);
                break;
              }
            }
            // Every token ever held answers as the database says, now.
            for (let i = 0; i < tokens.length; i++) {
              const expected = await truth(tokens[i]!);
              const res = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: tokens[i]! } });
              if (!expected) {
                expect(res.statusCode, `${o.kind}: token ${i}`).toBe(401);
              } else {
                expect(res.statusCode, `${o.kind}: token ${i}`).toBe(200);
                expect(res.json().user).toMatchObject(expected);
                const rotated = cookieOf(res);
                if (rotated) tokens[i] = rotated;
              }
            }
          }
        }),
        { numRuns: 25 },
      );
    });

    it('a session deleted in the database (another process: the closeloop CLI) ends at once', async () => {
      const cookie = await signInAs(ctx.app, 'operator');
      const me = () => ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
      expect((await me()).statusCode).toBe(200);
      await ctx.handle.db.deleteFrom('sessions').where('token_hash', '=', hashSecret(cookie.slice('cl_session='.length))).execute();
      expect((await me()).statusCode).toBe(401);
    });
  });
}

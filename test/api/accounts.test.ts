import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from '../../src/domain/auth/common-passwords.js';
import { accountsWithDemoPassword } from '../../src/domain/auth/demo-password-check.js';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '../../src/domain/auth/password-policy.js';
import { reasonZh } from '../../web/src/shared/field-reasons.js';
import { DEMO_PASSWORD, demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

const GOOD = 'Zhi-Ma-Kai-Men-42';
const COMMON = COMMON_PASSWORDS.split('\n').filter(Boolean);

describe('password rules', () => {
  it('ships ten thousand common and leaked passwords, Chinese patterns among them', () => {
    expect(COMMON.length).toBe(10_000);
    for (const p of ['123456789abc', 'qwertyuiop12', 'woaini1314520', '1qaz2wsx3edc', 'password1234', 'shanghai123456']) expect(COMMON).toContain(p);
  });

  it('refuses every listed password, in any letter case', () => {
    fc.assert(
      fc.property(fc.constantFrom(...COMMON), fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }), (p, upper) => {
        const cased = [...p].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join('');
        expect(passwordProblem(cased)).not.toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('refuses anything shorter than 12 characters, counting characters not bytes', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: MIN_PASSWORD_LENGTH - 1, unit: 'grapheme' }), (p) => {
        if ([...p].length < MIN_PASSWORD_LENGTH) expect(passwordProblem(p)).toBe(`at least ${MIN_PASSWORD_LENGTH} characters`);
      }),
    );
    expect(passwordProblem('闭环系统管理员的密码很长啊')).toBeNull();
  });

  it('accepts long random passwords outside the list and refuses the demo password, few different characters and the username', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 12, maxLength: 40, unit: fc.constantFrom(...'abcdefghijkmnpqrstuvwxyz23456789-!') }), (p) => {
        fc.pre(new Set(p).size >= 5 && !COMMON.includes(p));
        expect(passwordProblem(p)).toBeNull();
      }),
    );
    expect(passwordProblem(DEMO_PASSWORD)).toBe('the published demo password; choose another');
    expect(passwordProblem('abababababab')).toBe('at least 5 different characters');
    expect(passwordProblem('my-name-is-wang.lei-1', 'wang.lei')).toBe('must not contain the username');
  });

  it('says every refusal in Chinese', () => {
    for (const p of ['short', DEMO_PASSWORD, 'qwertyuiop12', 'abababababab']) expect(reasonZh(passwordProblem(p)!)).toMatch(/[\u4e00-\u9fff]/);
    expect(reasonZh('must not contain the username')).toBe('不能包含用户名');
  });
});

for (const dialect of DIALECTS) {
  describe(`accounts and sessions [${dialect}]`, () => {
    let ctx: TestContext;
    let admin: string;
    let hq: string;
    const IDLE_MS = 30 * 60_000;
    const call = (cookie: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      ctx.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
    const signInRaw = (username: string, password: string, cookie?: string) =>
      ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username, password }, ...(cookie ? { headers: { cookie } } : {}) });
    const cookieOf = (res: { cookies: { name: string; value: string }[] }) => {
      const c = res.cookies.find((x) => x.name === 'cl_session');
      return c ? `cl_session=${c.value}` : null;
    };
    const userId = async (username: string) => (await ctx.handle.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

    beforeAll(async () => {
      ctx = await demoContext(dialect, { SESSION_IDLE_MINUTES: '30' });
      admin = await signInAs(ctx.app, 'admin');
      hq = (await ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => ctx?.close());

    it('refuses a new account with a short, common or demo password, naming the field', async () => {
      const body = (password: string) => ({ username: 'new.clerk', displayName: '新同事', role: 'patrol', password, scopes: [{ subdistrictId: hq }] });
      const short = await call(admin, 'POST', '/api/staff', body('Abc-12345'));
      expect(short.statusCode).toBe(400);
      expect(short.json().error.details.fields[0]).toMatchObject({ field: 'password', rule: 'too_small', params: { minimum: 12 } });
      for (const [pw, reason] of [['woaini1314520', 'a common or leaked password; choose another'], ['QwertyUiop12', 'a common or leaked password; choose another'], [DEMO_PASSWORD, 'the published demo password; choose another']]) {
        const res = await call(admin, 'POST', '/api/staff', body(pw!));
        expect(res.statusCode, pw).toBe(400);
        expect(res.json().error.details.fields).toEqual([{ field: 'password', reason }]);
      }
      expect(await ctx.handle.db.selectFrom('users').select('id').where('username', '=', 'new.clerk').execute()).toEqual([]);
    });

    it('makes a person an administrator created change the password first; every other API answers 403 until then', async () => {
      const created = await call(admin, 'POST', '/api/staff', { username: 'first.timer', displayName: '新巡查员', role: 'patrol', password: GOOD, scopes: [{ subdistrictId: hq }] });
      expect(created.statusCode, created.body).toBe(201);
      const signIn = await signInRaw('first.timer', GOOD);
      expect(signIn.json()).toMatchObject({ ok: true, mustChangePassword: true });
      const first = cookieOf(signIn)!;
      expect((await call(first, 'GET', '/api/me')).json().user.mustChangePassword).toBe(true);
      for (const [method, url] of [['GET', '/api/sites'], ['GET', '/api/cases'], ['GET', '/api/me/tokens'], ['POST', '/api/checkins']] as const) {
        const res = await call(first, method, url, method === 'POST' ? {} : undefined);
        expect(res.statusCode, url).toBe(403);
        expect(res.json().error.code).toBe('password_change_required');
      }
      const wrong = await call(first, 'POST', '/api/me/password', { currentPassword: 'not-it-at-all', newPassword: 'Another-Good-One-7' });
      expect(wrong.json().error.details.fields).toEqual([{ field: 'currentPassword', reason: 'is not your current password' }]);
      const common = await call(first, 'POST', '/api/me/password', { currentPassword: GOOD, newPassword: '123456789abc' });
      expect(common.json().error.details.fields).toEqual([{ field: 'newPassword', reason: 'a common or leaked password; choose another' }]);
      const same = await call(first, 'POST', '/api/me/password', { currentPassword: GOOD, newPassword: GOOD });
      expect(same.json().error.details.fields[0].field).toBe('newPassword');
      const other = cookieOf(await signInRaw('first.timer', GOOD))!;

      const changed = await call(first, 'POST', '/api/me/password', { currentPassword: GOOD, newPassword: 'Shui-Dao-Qu-Cheng-88' });
      expect(changed.statusCode, changed.body).toBe(200);
      const renewed = cookieOf(changed)!;
      expect(renewed).not.toBe(first);
      expect((await call(first, 'GET', '/api/me')).statusCode).toBe(401);
      expect((await call(other, 'GET', '/api/me')).statusCode).toBe(401);
      expect((await call(renewed, 'GET', '/api/sites')).statusCode).toBe(200);
      expect((await call(renewed, 'GET', '/api/me')).json().user.mustChangePassword).toBe(false);
      const audit = await ctx.handle.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.password.change').execute();
      expect(audit.map((a) => a.actor_username)).toEqual(['first.timer']);
      expect(JSON.stringify(audit)).not.toContain('Shui-Dao');

      // An administrator's reset forces the change again.
      const id = await userId('first.timer');
      expect((await call(admin, 'PATCH', `/api/staff/${id}`, { password: 'Reset-By-Admin-2026' })).statusCode).toBe(200);
      expect((await call(renewed, 'GET', '/api/me')).statusCode).toBe(401);
      const again = cookieOf(await signInRaw('first.timer', 'Reset-By-Admin-2026'))!;
      expect((await call(again, 'GET', '/api/sites')).json().error.code).toBe('password_change_required');
      expect((await call(again, 'POST', '/api/auth/sign-out')).statusCode).toBe(200);
    });

    it('gives a new session id at every sign-in and ends the one the browser held', async () => {
      const a = cookieOf(await signInRaw('patrol2', DEMO_PASSWORD))!;
      const res = await signInRaw('patrol2', DEMO_PASSWORD, a);
      const b = cookieOf(res)!;
      expect(b).not.toBe(a);
      expect((await call(a, 'GET', '/api/me')).statusCode).toBe(401);
      expect((await call(b, 'GET', '/api/me')).statusCode).toBe(200);
    });

    it('gives a new session id on the next request after the role or scope changed, and not otherwise', async () => {
      const id = await userId('leader');
      const a = await signInAs(ctx.app, 'leader');
      expect((await call(admin, 'PATCH', `/api/staff/${id}`, { displayName: '领导（改名）' })).statusCode).toBe(200);
      const unchanged = await call(a, 'GET', '/api/me');
      expect(unchanged.statusCode).toBe(200);
      expect(cookieOf(unchanged)).toBeNull();

      expect((await call(admin, 'PATCH', `/api/staff/${id}`, { role: 'operator' })).statusCode).toBe(200);
      const rotated = await call(a, 'GET', '/api/me');
      expect(rotated.statusCode).toBe(200);
      expect(rotated.json().user.role).toBe('operator');
      const b = cookieOf(rotated)!;
      expect(b).toBeTruthy();
      expect(b).not.toBe(a);
      expect((await call(a, 'GET', '/api/me')).statusCode).toBe(401);
      expect((await call(b, 'GET', '/api/me')).statusCode).toBe(200);

      const committee = (await ctx.handle.db.selectFrom('committees').select('id').where('subdistrict_id', '=', hq).orderBy('id').executeTakeFirstOrThrow()).id;
      expect((await call(admin, 'PATCH', `/api/staff/${id}`, { scopes: [{ subdistrictId: hq, committeeId: committee }] })).statusCode).toBe(200);
      const c = cookieOf(await call(b, 'GET', '/api/me'))!;
      expect(c).not.toBe(b);
      expect((await call(b, 'GET', '/api/me')).statusCode).toBe(401);
      const me = (await call(c, 'GET', '/api/me')).json();
      expect(me.user.scope).toEqual([{ subdistrictId: hq, committeeId: committee }]);
      expect((await call(admin, 'PATCH', `/api/staff/${id}`, { role: 'leader', scopes: [{ subdistrictId: hq }] })).statusCode).toBe(200);
    });

    it('ends a session after the idle time even within the absolute limit, and at the absolute limit however busy', async () => {
      const cookie = await signInAs(ctx.app, 'cadre01');
      for (let i = 0; i < 3; i++) {
        ctx.clock.advance(IDLE_MS - 60_000);
        expect((await call(cookie, 'GET', '/api/me')).statusCode, `request ${i}`).toBe(200);
      }
      ctx.clock.advance(IDLE_MS);
      expect((await call(cookie, 'GET', '/api/me')).statusCode).toBe(401);

      const busy = await signInAs(ctx.app, 'cadre01');
      for (let elapsed = 0; elapsed < ctx.deps.config.sessionTtlMs - IDLE_MS; elapsed += IDLE_MS / 2) {
        ctx.clock.advance(IDLE_MS / 2);
        expect((await call(busy, 'GET', '/api/me')).statusCode).toBe(200);
      }
      ctx.clock.advance(IDLE_MS);
      expect((await call(busy, 'GET', '/api/me')).statusCode).toBe(401);
    });

    it('lets an administrator sign a person out everywhere, audited; others may not', async () => {
      const id = await userId('patrol3');
      const one = await signInAs(ctx.app, 'patrol3');
      const two = await signInAs(ctx.app, 'patrol3');
      const operator = await signInAs(ctx.app, 'operator');
      admin = await signInAs(ctx.app, 'admin');
      expect((await call(operator, 'POST', `/api/staff/${id}/sign-out-all`)).statusCode).toBe(403);
      expect((await call(one, 'GET', '/api/me')).statusCode).toBe(200);
      const res = await call(admin, 'POST', `/api/staff/${id}/sign-out-all`);
      expect(res.json()).toEqual({ ended: 2 });
      expect((await call(one, 'GET', '/api/me')).statusCode).toBe(401);
      expect((await call(two, 'GET', '/api/me')).statusCode).toBe(401);
      const entry = await ctx.handle.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.sessions.end_all').executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ actor_username: 'admin', entity_id: id, subdistrict_id: hq });
      expect(JSON.parse(String(entry.before_json))).toMatchObject({ sessions: 2 });
      expect(JSON.parse(String(entry.after_json))).toEqual({ sessions: 0 });
    });

    it('finds the accounts still on the demo password (the production start-up check)', async () => {
      const found = await accountsWithDemoPassword(ctx.handle.db);
      expect(found).toEqual(expect.arrayContaining(['admin', 'operator', 'patrol1', 'xx-admin', 'district-admin']));
      expect(found).not.toContain('first.timer');
    });
  });

  describe(`demo passwords in production [${dialect}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect, { NODE_ENV: 'production' });
    });
    afterAll(async () => ctx?.close());

    it('refuses the demo password at sign-in with a clear message, and opens no session', async () => {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'admin', password: DEMO_PASSWORD } });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'demo_password_refused', message: expect.stringMatching(/demo password.*production/) });
      expect(res.cookies.find((c) => c.name === 'cl_session')).toBeUndefined();
      const wrong = await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'admin', password: 'not-the-password' } });
      expect(wrong.json().error.code).toBe('invalid_credentials');
    });
  });
}

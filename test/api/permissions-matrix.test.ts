import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/db/schema.js';
import { PERMISSIONS, type Permission, TOKEN_GRANTS, TOKEN_SCOPES, type TokenScope } from '../../src/domain/auth/permissions.js';
import { DIALECTS } from '../helpers/db.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { uploadPhoto } from './cases-helpers.js';

/** One demo person per role (Hongqiao). */
const PERSON: Record<Role, string> = {
  admin: 'admin', operator: 'operator', patrol: 'patrol1', cadre: 'cadre01', enforcement: 'enforcer1', handler: 'handler1', leader: 'leader',
};
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Operation { method: string; path: string; url: string; permission: Permission | 'public' }
type Caller = { label: string; role: Role | null; scopes: TokenScope[] | null; headers: Record<string, string> };

/** Every operation of the published OpenAPI document, with the action it names and a URL to call. */
function operations(doc: { paths: Record<string, Record<string, { 'x-permission'?: string }>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      // Path parameters get an id nobody has; an unknown query key makes strict query schemas stop before any work.
      const url = `${path.replace(/\{[^}]+\}/g, 'probe-0')}?probe=1`;
      ops.push({ method: method.toUpperCase(), path, url, permission: op['x-permission'] as Permission | 'public' });
    }
  }
  return ops;
}

/** What the table says: a session needs the role; a token also needs a scope that grants the action. */
function allowedByTable(op: Operation, c: Caller): boolean {
  if (op.permission === 'public') return true;
  if (!c.role) return false;
  if (!(PERMISSIONS[op.permission] as readonly Role[]).includes(c.role)) return false;
  return c.scopes === null || (TOKEN_GRANTS[op.permission] as readonly TokenScope[]).some((s) => c.scopes!.includes(s));
}

for (const kind of DIALECTS) {
  describe(`permission table, every route × role × token scope (${kind})`, () => {
    let ctx: TestContext;
    let ops: Operation[];
    const callers: Caller[] = [{ label: 'anonymous', role: null, scopes: null, headers: {} }];
    const cookies = {} as Record<Role, string>;

    beforeAll(async () => {
      ctx = await demoContext(kind);
      ops = operations((await ctx.app.inject({ url: '/api/openapi.json' })).json());
      for (const role of ROLES) {
        cookies[role] = await signInAs(ctx.app, PERSON[role]);
        callers.push({ label: `${role} session`, role, scopes: null, headers: { cookie: cookies[role] } });
        for (const scope of TOKEN_SCOPES) {
          const res = await ctx.app.inject({ method: 'POST', url: '/api/me/tokens', headers: { cookie: cookies[role] }, payload: { name: `${scope} probe`, scopes: [scope] } });
          expect(res.statusCode, res.body).toBe(201);
          callers.push({ label: `${role} token [${scope}]`, role, scopes: [scope], headers: { authorization: `Bearer ${res.json().token}` } });
        }
      }
    }, 60_000);
    afterAll(async () => ctx?.close());

    it('names an action of the table on every operation of the OpenAPI document', () => {
      expect(ops.length).toBeGreaterThan(120);
      for (const op of ops) expect(op.permission === 'public' || op.permission in PERMISSIONS, `${op.method} ${op.path}`).toBe(true);
    });

    it('answers every operation for every caller exactly as the table says', async () => {
      const wrong: string[] = [];
      let allowed = 0;
      let refused = 0;
      for (const op of ops) {
        // Sign-out ends the session it is called with; it is public and needs no probing per caller.
        if (op.path === '/api/auth/sign-out') continue;
        const answers = await Promise.all(
          callers.map(async (c) => {
            const res = await ctx.app.inject({
              method: op.method as 'GET',
              url: op.url,
              headers: { ...c.headers, ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
              ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { payload: '{"probe":' }),
            });
            return { c, res };
          }),
        );
        for (const { c, res } of answers) {
          const code = res.headers['content-type']?.toString().includes('json') ? res.json()?.error?.code : undefined;
          const gateRefused = (res.statusCode === 403 && code === 'forbidden') || (res.statusCode === 401 && code === 'unauthenticated');
          const expected = allowedByTable(op, c);
          if (expected) allowed++;
          else refused++;
          if (expected && gateRefused) wrong.push(`${op.method} ${op.path} as ${c.label}: refused ${res.statusCode} ${res.body.slice(0, 120)}`);
          if (!expected) {
            const want = c.role ? 403 : 401;
            const body = res.json()?.error;
            if (res.statusCode !== want || body?.code !== (c.role ? 'forbidden' : 'unauthenticated')) {
              wrong.push(`${op.method} ${op.path} as ${c.label}: ${res.statusCode} ${res.body.slice(0, 120)} (want ${want})`);
            } else if (c.role && body.details?.permission !== op.permission) {
              wrong.push(`${op.method} ${op.path} as ${c.label}: refused for ${body.details?.permission}, table action ${op.permission}`);
            }
          }
        }
      }
      expect(wrong).toEqual([]);
      expect(allowed).toBeGreaterThan(1000);
      expect(refused).toBeGreaterThan(1000);
    }, 120_000);

    it('lets the leader write nothing: every unsafe method but sign-in/out, own inbox, own password and own tokens is refused', () => {
      const writes = ops.filter((o) => o.method !== 'GET' && o.permission !== 'public');
      const leaderWrites = writes
        .filter((o) => (PERMISSIONS[o.permission as Permission] as readonly Role[]).includes('leader'))
        .map((o) => `${o.method} ${o.path}`);
      // Marking my inbox read and managing my own API tokens are personal, not business data; revealing
      // an ID number is not the leader's (services.reveal_id). Turning my screen into a read-only wall
      // display replaces my own session.
      expect(leaderWrites.sort()).toEqual(
        ['DELETE /api/me/tokens/{id}', 'POST /api/inbox/read-all', 'POST /api/inbox/{id}/read', 'POST /api/me/password', 'POST /api/me/tokens', 'POST /api/me/wall-session'].sort(),
      );
    });

    it('refuses a photo upload by the read-only leader (nothing stored), accepts the patrol officer’s', async () => {
      const count = async () => Number((await ctx.handle.db.selectFrom('photos').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const before = await count();
      const leader = await uploadPhoto(ctx.app, cookies.leader);
      expect(leader.status).toBe(403);
      expect(leader.body.error).toMatchObject({ code: 'forbidden', details: { permission: 'photos.upload' } });
      expect(await count()).toBe(before);
      expect((await uploadPhoto(ctx.app, cookies.patrol)).status).toBe(201);
    });

    it('lets no token create, list or revoke a token — not even an administrator’s with every scope', async () => {
      const all = await ctx.app.inject({ method: 'POST', url: '/api/me/tokens', headers: { cookie: cookies.admin }, payload: { name: 'all scopes', scopes: [...TOKEN_SCOPES] } });
      expect(all.statusCode).toBe(201);
      const bearer = { authorization: `Bearer ${all.json().token}` };
      const n = async () => Number((await ctx.handle.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const before = await n();
      const minted = await ctx.app.inject({ method: 'POST', url: '/api/me/tokens', headers: bearer, payload: { name: 'ten years', ttlDays: 3650, scopes: ['admin'] } });
      expect(minted.statusCode).toBe(403);
      expect(minted.json().error).toMatchObject({ code: 'forbidden', details: { permission: 'tokens.manage' } });
      expect(await n()).toBe(before);
      expect((await ctx.app.inject({ url: '/api/me/tokens', headers: bearer })).statusCode).toBe(403);
      expect((await ctx.app.inject({ method: 'DELETE', url: `/api/me/tokens/${all.json().id}`, headers: bearer })).statusCode).toBe(403);
      // …while it does what its scopes and role allow
      expect((await ctx.app.inject({ url: '/api/sites?limit=1', headers: bearer })).statusCode).toBe(200);
    });

    it('keeps a token within its owner’s role: an operator’s admin-scoped token cannot change the registry', async () => {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/me/tokens', headers: { cookie: cookies.operator }, payload: { name: 'x', scopes: ['admin'] } });
      const bearer = { authorization: `Bearer ${res.json().token}` };
      const write = await ctx.app.inject({ method: 'POST', url: '/api/sites', headers: bearer, payload: {} });
      expect(write.statusCode).toBe(403);
      expect(write.json().error.details).toMatchObject({ permission: 'registry.write' });
    });

    it('caps token lifetime at the administrator’s maximum (audited), applied to tokens already issued', async () => {
      // One setting for every subdistrict: a subdistrict's administrator reads it, only a district-level one changes it.
      const sub = { cookie: cookies.admin };
      expect((await ctx.app.inject({ url: '/api/settings/tokens', headers: sub })).json()).toEqual({ maxDays: 90 });
      const refused = await ctx.app.inject({ method: 'PUT', url: '/api/settings/tokens', headers: sub, payload: { maxDays: 1 } });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error).toMatchObject({ code: 'forbidden', details: { field: 'maxDays' } });
      expect((await ctx.app.inject({ url: '/api/settings/tokens', headers: sub })).json()).toEqual({ maxDays: 90 });
      const admin = { cookie: await signInAs(ctx.app, 'district-admin') };
      const set = await ctx.app.inject({ method: 'PUT', url: '/api/settings/tokens', headers: admin, payload: { maxDays: 30 } });
      expect(set.statusCode).toBe(200);
      const entry = await ctx.handle.db.selectFrom('audit_log').selectAll().where('action', '=', 'settings.token_lifetime').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      // Audited as a global setting (no subdistrict), once: the refused change left no entry.
      expect(entry.subdistrict_id).toBeNull();
      expect(await ctx.handle.db.selectFrom('audit_log').select('seq').where('action', '=', 'settings.token_lifetime').execute()).toHaveLength(1);
      expect(JSON.parse(entry.before_json as string)).toEqual({ maxDays: 90 });
      expect(JSON.parse(entry.after_json as string)).toEqual({ maxDays: 30 });

      const op = { cookie: cookies.operator };
      const tooLong = await ctx.app.inject({ method: 'POST', url: '/api/me/tokens', headers: op, payload: { name: 'long', ttlDays: 31 } });
      expect(tooLong.statusCode).toBe(400);
      expect(tooLong.json().error.details.fields[0]).toMatchObject({ field: 'ttlDays' });
      const dflt = (await ctx.app.inject({ method: 'POST', url: '/api/me/tokens', headers: op, payload: { name: 'default' } })).json();
      expect(Date.parse(dflt.expiresAt) - ctx.clock.now().getTime()).toBe(30 * 86400_000);
      expect(dflt.scopes).toEqual(['read']);

      // 20 days later the administrator lowers the maximum to 10 days: the 20-day-old token stops working.
      const bearer = { authorization: `Bearer ${dflt.token}` };
      ctx.clock.advance(20 * 86400_000);
      expect((await ctx.app.inject({ url: '/api/me', headers: bearer })).statusCode).toBe(200);
      const later = { cookie: await signInAs(ctx.app, 'district-admin') };
      expect((await ctx.app.inject({ method: 'PUT', url: '/api/settings/tokens', headers: later, payload: { maxDays: 10 } })).statusCode).toBe(200);
      expect((await ctx.app.inject({ url: '/api/me', headers: bearer })).statusCode).toBe(401);
      const bad = await ctx.app.inject({ method: 'PUT', url: '/api/settings/tokens', headers: later, payload: { maxDays: 0 } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.fields[0]).toMatchObject({ field: 'maxDays' });
    });
  });
}

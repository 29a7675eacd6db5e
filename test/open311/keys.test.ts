import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../src/domain/open311/keys.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { FORM, form, HQ } from './helpers.js';

for (const dialect of DIALECTS) {
  describe(`Open311 keys administration [${dialect}]`, () => {
    let ctx: TestContext;
    const cookies: Record<string, string> = {};
    let hq: string;
    let xx: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      for (const u of ['admin', 'operator', 'xx-admin']) cookies[u] = await signInAs(ctx.app, u);
      hq = (await ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
      xx = (await ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '010').executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => ctx?.close());

    const issue = (who: string, payload: object) => ctx.app.inject({ method: 'POST', url: '/api/open311/keys', headers: { cookie: cookies[who]! }, payload });

    it('an administrator issues a key shown once, stored only as its hash, audited without the secret; it files, and once revoked gets 403', async () => {
      const res = await issue('admin', { name: '12345 热线', kind: 'hotline', subdistrictIds: [hq], ratePerMinute: 120, webhookUrl: 'https://hooks.example.cn/closeloop' });
      expect(res.statusCode, res.body).toBe(201);
      const { id, key, webhookSecret } = res.json();
      expect(key).toMatch(/^cl311_/);
      expect(webhookSecret).toBeTruthy();
      const row = await ctx.handle.db.selectFrom('open311_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.key_hash).toBe(hashKey(key));
      expect(JSON.stringify(row)).not.toContain(key);
      const listed = await ctx.app.inject({ method: 'GET', url: '/api/open311/keys', headers: { cookie: cookies.admin! } });
      expect(listed.body).not.toContain(key);
      expect(listed.json().items.map((k: any) => k.id)).toContain(id);
      const audit = await ctx.handle.db.selectFrom('audit_log').selectAll().where('entity_id', '=', id).execute();
      expect(audit.map((a: any) => a.action)).toEqual(['open311_key.issue']);
      expect(JSON.stringify(audit)).not.toContain(key);

      const site = await ctx.handle.db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq).orderBy('id').executeTakeFirstOrThrow();
      const fields: [string, string][] = [['api_key', key], ['jurisdiction_id', HQ], ['service_code', 'A0301'], ['lat', String(site.lat)], ['long', String(site.lng)], ['attribute[site_kind]', 'bin_room']];
      const filed = await ctx.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: FORM, payload: form(fields) });
      expect(filed.statusCode, filed.body).toBe(200);

      const revoked = await ctx.app.inject({ method: 'DELETE', url: `/api/open311/keys/${id}`, headers: { cookie: cookies.admin! } });
      expect(revoked.statusCode, revoked.body).toBe(200);
      expect(revoked.json().revokedAt).toBeTruthy();
      const after = await ctx.app.inject({ method: 'POST', url: '/open311/v2/requests.xml', headers: FORM, payload: form(fields) });
      expect(after.statusCode).toBe(403);
      expect(after.body).toContain('<code>403</code>');
      const trail = await ctx.handle.db.selectFrom('audit_log').select('action').where('entity_id', '=', id).orderBy('seq').execute();
      expect(trail.map((a) => a.action)).toEqual(['open311_key.issue', 'open311_key.revoke']);
    });

    it('only administrators manage keys, only for their own subdistricts; bad input is 400 naming the field', async () => {
      expect((await issue('operator', { name: 'x', subdistrictIds: [hq] })).statusCode).toBe(403);
      const other = await issue('xx-admin', { name: 'x', subdistrictIds: [hq] });
      expect(other.statusCode).toBe(400);
      expect(other.json().error.details.fields[0].field).toBe('subdistrictIds');
      const bad = await issue('admin', { name: '', subdistrictIds: [] });
      expect(bad.statusCode).toBe(400);
      const mine = (await issue('admin', { name: 'app', subdistrictIds: [hq] })).json();
      const foreign = await ctx.app.inject({ method: 'DELETE', url: `/api/open311/keys/${mine.id}`, headers: { cookie: cookies['xx-admin']! } });
      // A key wholly outside the administrator's subdistricts is not theirs to know of.
      expect(foreign.statusCode).toBe(404);
      expect(xx).toBeTruthy();
    });
  });
}

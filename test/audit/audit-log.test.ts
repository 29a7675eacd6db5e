import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/domain/audit/record-audit.js';
import { verifyAuditChain } from '../../src/domain/audit/verify-audit.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

/**
 * Every administrative route leaves one hash-chained audit entry (who, when, from where, before,
 * after) in the transaction of the change; a refused change leaves none.
 */
for (const dialect of DIALECTS) {
  describe(`administrative audit log (${dialect})`, () => {
    let ctx: TestContext;
    let admin: string;
    let leader: string;
    let operator: string;
    let xxAdmin: string;
    let hq: string;
    const IP = '10.20.30.40';

    const call = (cookie: string, method: 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET', url: string, payload?: unknown) =>
      ctx.app.inject({ method, url, headers: { cookie }, remoteAddress: IP, ...(payload !== undefined ? { payload: payload as object } : {}) });
    const entries = () => ctx.handle.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    const last = async () => (await entries()).at(-1)!;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      admin = await signInAs(ctx.app, 'admin');
      leader = await signInAs(ctx.app, 'leader');
      operator = await signInAs(ctx.app, 'operator');
      xxAdmin = await signInAs(ctx.app, 'xx-admin');
      hq = (await ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => ctx?.close());

    it('records each administrative change with who, when, address, before and after', async () => {
      const adminId = (await ctx.handle.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()).id;
      const committee = (await ctx.handle.db.selectFrom('committees').select('id').where('subdistrict_id', '=', hq).orderBy('id').executeTakeFirstOrThrow()).id;
      const steps: { method: 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: () => string; body?: () => unknown; action: string; entity: string; before: boolean; after: boolean; status: number }[] = [];
      let ids: Record<string, string> = {};
      const step = (s: (typeof steps)[number]) => steps.push(s);

      step({ method: 'POST', url: () => '/api/staff', body: () => ({ username: 'audit.newbie', displayName: '新同事', role: 'patrol', password: 'Correct-Horse-42!', scopes: [{ subdistrictId: hq }] }), action: 'user.create', entity: 'user', before: false, after: true, status: 201 });
      step({ method: 'PATCH', url: () => `/api/staff/${ids.user}`, body: () => ({ role: 'operator' }), action: 'user.update', entity: 'user', before: true, after: true, status: 200 });
      step({ method: 'POST', url: () => '/api/handling-units', body: () => ({ subdistrictId: hq, kind: 'property_company', name: '审计物业' }), action: 'handling_unit.create', entity: 'handling_unit', before: false, after: true, status: 201 });
      step({ method: 'POST', url: () => '/api/sites', body: () => ({ kind: 'shop', name: '审计小店', address: '安顺路1号', committeeId: committee, lng: 121.4215, lat: 31.2001 }), action: 'site.create', entity: 'site', before: false, after: true, status: 201 });
      step({ method: 'POST', url: () => `/api/sites/${ids.site}/retire`, action: 'site.retire', entity: 'site', before: true, after: true, status: 200 });
      step({ method: 'POST', url: () => `/api/sites/${ids.site}/restore`, action: 'site.restore', entity: 'site', before: true, after: true, status: 200 });
      step({ method: 'PUT', url: () => '/api/calendar/overrides', body: () => ({ date: '2026-10-10', kind: 'holiday', subdistrictId: hq }), action: 'calendar.put', entity: 'calendar', before: false, after: true, status: 200 });
      step({ method: 'DELETE', url: () => `/api/calendar/overrides/${ids.calendar}`, action: 'calendar.remove', entity: 'calendar', before: true, after: false, status: 200 });
      step({ method: 'PUT', url: () => `/api/notifications/webhooks/${hq}`, body: () => ({ url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=audit' }), action: 'webhook.put', entity: 'webhook', before: false, after: true, status: 200 });
      step({ method: 'DELETE', url: () => `/api/notifications/webhooks/${hq}`, action: 'webhook.delete', entity: 'webhook', before: true, after: false, status: 204 });
      step({ method: 'PATCH', url: () => `/api/enforcement/settings/${hq}`, body: () => ({ paymentDays: 20 }), action: 'enforcement_settings.update', entity: 'enforcement_settings', before: true, after: true, status: 200 });
      step({ method: 'PUT', url: () => '/api/coverage/intervals', body: () => ({ subdistrictId: hq, siteKind: 'shop', grade: 'red', days: 4 }), action: 'inspection_interval.update', entity: 'inspection_interval', before: false, after: true, status: 200 });
      step({ method: 'POST', url: () => '/api/campaigns', body: () => ({ subdistrictId: hq, name: '审计排查', siteKinds: ['shop'], startDate: '2026-05-26', endDate: '2026-06-08' }), action: 'campaign.create', entity: 'campaign', before: false, after: true, status: 201 });
      step({ method: 'POST', url: () => '/api/checklists', body: () => ({ subdistrictId: hq, siteKind: 'shop', name: '审计检查表', nameEn: 'Audit checklist', items: [{ code: 'SH-AUDIT', text: '容器', textEn: 'Containers' }] }), action: 'checklist.publish', entity: 'checklist', before: false, after: true, status: 201 });
      step({ method: 'POST', url: () => '/api/me/tokens', body: () => ({ name: '摄像头对接', ttlDays: 30 }), action: 'token.create', entity: 'token', before: false, after: true, status: 201 });
      step({ method: 'DELETE', url: () => `/api/me/tokens/${ids.token}`, action: 'token.revoke', entity: 'token', before: true, after: true, status: 200 });

      const start = Number((await entries()).length);
      for (const [i, s] of steps.entries()) {
        const res = await call(admin, s.method, s.url(), s.body?.());
        expect(res.statusCode, `${s.action}: ${res.body}`).toBe(s.status);
        if (s.action === 'user.create') ids.user = res.json().id;
        if (s.action === 'site.create') ids.site = res.json().id;
        if (s.action === 'calendar.put') ids.calendar = res.json().id;
        if (s.action === 'token.create') ids.token = res.json().id;
        const e = await last();
        expect(Number(e.seq), s.action).toBe(start + i + 1);
        expect(e).toMatchObject({ action: s.action, entity: s.entity, actor_user_id: adminId, actor_username: 'admin', actor_role: 'admin', ip: IP });
        expect(e.before_json !== null, `${s.action} before`).toBe(s.before);
        expect(e.after_json !== null, `${s.action} after`).toBe(s.after);
        ids = { ...ids };
      }
      // the role change shows before and after
      const roleChange = (await entries()).find((e) => e.action === 'user.update')!;
      expect(JSON.parse(roleChange.before_json!).role).toBe('patrol');
      expect(JSON.parse(roleChange.after_json!).role).toBe('operator');
      expect(roleChange.entity_id).toBe(ids.user);
      expect(roleChange.subdistrict_id).toBe(hq);
      // secrets never enter the log
      const token = (await entries()).find((e) => e.action === 'token.create')!;
      const tokenHash = (await ctx.handle.db.selectFrom('api_tokens').select('token_hash').where('id', '=', ids.token!).executeTakeFirstOrThrow()).token_hash;
      expect(token.after_json).not.toContain(tokenHash);
      expect(JSON.parse(token.after_json!).token_hash).toBe('[redacted]');
      expect((await verifyAuditChain(ctx.handle.db)).ok).toBe(true);
    });

    it('a refused or failing change leaves no entry (same transaction)', async () => {
      const before = (await entries()).length;
      expect((await call(operator, 'POST', '/api/staff', { username: 'nope.x', displayName: 'x', role: 'patrol', password: 'Correct-Horse-42!', scopes: [{ subdistrictId: hq }] })).statusCode).toBe(403);
      expect((await call(xxAdmin, 'PATCH', `/api/enforcement/settings/${hq}`, { paymentDays: 20 })).statusCode).toBe(404);
      // a duplicate username fails inside the transaction, after the before-snapshot
      expect((await call(admin, 'POST', '/api/staff', { username: 'operator', displayName: 'x', role: 'patrol', password: 'Correct-Horse-42!', scopes: [{ subdistrictId: hq }] })).statusCode).toBe(409);
      expect((await entries()).length).toBe(before);
      await expect(
        recordAudit(ctx.handle.db, ctx.clock, { actor: { userId: null, username: 'x', role: 'system' }, action: 'x.y', entity: 'x' }),
      ).rejects.toThrow(/inside the transaction/);
    });

    it('verification names an altered, a removed and a cut-off entry', async () => {
      await ctx.handle.db.transaction().execute((trx) =>
        recordAudit(trx, ctx.clock, { actor: { userId: null, username: 'cli', role: 'system' }, action: 'security_settings.update', entity: 'security_settings', after: { idleMinutes: 30 } }),
      );
      const all = await entries();
      expect(all.length).toBeGreaterThanOrEqual(3);
      const second = all[1]!;
      await ctx.handle.db.updateTable('audit_log').set({ after_json: '{"role":"admin"}' }).where('id', '=', second.id).execute();
      expect(await verifyAuditChain(ctx.handle.db)).toMatchObject({ ok: false, broken: { seq: 2, entryId: second.id, problem: 'altered' } });
      await ctx.handle.db.updateTable('audit_log').set({ after_json: second.after_json }).where('id', '=', second.id).execute();
      expect((await verifyAuditChain(ctx.handle.db)).ok).toBe(true);

      await ctx.handle.db.deleteFrom('audit_log').where('id', '=', second.id).execute();
      expect(await verifyAuditChain(ctx.handle.db)).toMatchObject({ ok: false, broken: { seq: 2, problem: 'missing' } });
      await ctx.handle.db.insertInto('audit_log').values(second).execute();

      const tail = all.at(-1)!;
      await ctx.handle.db.deleteFrom('audit_log').where('id', '=', tail.id).execute();
      expect(await verifyAuditChain(ctx.handle.db)).toMatchObject({ ok: false, broken: { problem: 'missing' } });
      await ctx.handle.db.insertInto('audit_log').values(tail).execute();
      expect(await verifyAuditChain(ctx.handle.db)).toMatchObject({ ok: true, entries: all.length });
    });

    it('searches by who, action prefix, entity and period, scoped; exports CSV; only admins and leaders', async () => {
      const page = (await call(admin, 'GET', '/api/audit?action=user.&limit=5')).json();
      expect(page.items.length).toBeGreaterThanOrEqual(2);
      expect(page.items.every((i: { action: string }) => i.action.startsWith('user.'))).toBe(true);
      expect(page.items[0].seq).toBeGreaterThan(page.items[1].seq);
      const byWho = (await call(leader, 'GET', '/api/audit?who=admin&entity=site')).json();
      expect(byWho.items.map((i: { action: string }) => i.action).sort()).toEqual(['site.create', 'site.restore', 'site.retire']);
      const future = (await call(admin, 'GET', '/api/audit?from=2030-01-01T00:00:00Z')).json();
      expect(future.items).toEqual([]);
      const past = (await call(admin, 'GET', `/api/audit?to=${encodeURIComponent(ctx.clock.now().toISOString())}`)).json();
      expect(past.items).toEqual([]);
      // paging: before= continues where the page stopped
      const first = (await call(admin, 'GET', '/api/audit?limit=3')).json();
      const next = (await call(admin, 'GET', `/api/audit?limit=3&before=${first.nextBefore}`)).json();
      expect(next.items[0].seq).toBe(first.items[2].seq - 1);
      // another subdistrict's administrator sees none of Hongqiao's entries
      const xx = (await call(xxAdmin, 'GET', '/api/audit?entity=site')).json();
      expect(xx.items).toEqual([]);
      expect((await call(operator, 'GET', '/api/audit')).statusCode).toBe(403);
      expect((await call(operator, 'GET', '/api/audit/export.csv')).statusCode).toBe(403);

      const csv = await call(admin, 'GET', '/api/audit/export.csv?entity=user');
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const lines = csv.body.replace(/^\ufeff/, '').trim().split('\r\n');
      expect(lines[0]).toBe('seq,at,actor,role,ip,action,entity,entity_id,subdistrict_id,before,after,hash');
      expect(lines.length - 1).toBe(Number(csv.headers['x-row-count']));
      expect(lines.slice(1).every((l) => l.includes(',user,'))).toBe(true);
    });

    it('keeps credentials and personal data out of the log: the key in a robot URL, the URL and payload of a delivery', async () => {
      const key = 'f3a1c9e2-0b7d-4e55-9a1f-5c2d7e8b9a10';
      expect((await call(admin, 'PUT', `/api/notifications/webhooks/${hq}`, { url: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${key}` })).statusCode).toBe(200);
      const now = ctx.clock.now().toISOString();
      await ctx.handle.db.insertInto('notifications').values({ id: 'secret-n1', subdistrict_id: hq, kind: 'test', title: 't', body: 'b', case_id: null, dedupe_key: null, created_at: now }).execute();
      await ctx.handle.db.insertInto('webhook_deliveries').values({
        id: 'secret-d1', notification_id: 'secret-n1', subdistrict_id: hq, url: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${key}`,
        payload: JSON.stringify({ msgtype: 'text', text: { content: '请处理', mentioned_mobile_list: ['13912345678'] } }), status: 'failed', attempts: 8,
        next_attempt_at: now, claim_token: null, claimed_until: null, last_error: 'HTTP 500', response_code: 500, sent_at: null, created_at: now, updated_at: now,
      }).execute();
      expect((await call(admin, 'POST', '/api/notifications/deliveries/secret-d1/retry')).statusCode).toBe(204);
      const logged = await ctx.handle.db.selectFrom('audit_log').select(['action', 'before_json', 'after_json']).where('action', 'in', ['webhook.put', 'webhook_delivery.retry']).execute();
      expect(new Set(logged.map((e) => e.action))).toEqual(new Set(['webhook.put', 'webhook_delivery.retry']));
      const text = JSON.stringify(logged);
      expect(text).not.toContain(key);
      expect(text).not.toContain('13912345678');
      expect(text).toContain('key=[redacted]');
      // What a leader reads through the API says the same.
      const read = await call(leader, 'GET', '/api/audit?action=webhook');
      expect(read.statusCode).toBe(200);
      expect(read.body).not.toContain(key);
      expect(read.body).not.toContain('13912345678');
      expect((await verifyAuditChain(ctx.handle.db)).ok).toBe(true);
    });
  });
}

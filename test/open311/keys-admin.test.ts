import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/domain/open311/webhooks.js';
import { open311WebhookPoller } from '../../src/jobs/open311-webhooks.js';
import type { Poller } from '../../src/jobs/poller.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { FORM, form, HQ } from './helpers.js';

/** Changing a key, rotating its webhook secret and retrying a failed delivery: scoped to the administrator's subdistricts, audited without secrets. */
for (const dialect of DIALECTS) {
  describe(`Open311 key administration: changes, secret rotation, delivery retry [${dialect}]`, () => {
    let ctx: TestContext;
    let server: http.Server;
    let base: string;
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const answers: number[] = [];
    let job: Poller;
    const cookies: Record<string, string> = {};
    let hq: string;
    let xx: string;
    let point: [string, string][];

    beforeAll(async () => {
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          res.statusCode = answers.shift() ?? 200;
          res.end('ok');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      ctx = await demoContext(dialect, { OUTBOUND_ALLOW_HOSTS: '127.0.0.1', OUTBOUND_ALLOW_HTTP: 'true' });
      for (const u of ['admin', 'operator', 'xx-admin', 'district-admin']) cookies[u] = await signInAs(ctx.app, u);
      const db = ctx.handle.db;
      hq = (await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
      xx = (await db.selectFrom('subdistricts').select('id').where('code', '=', '010').executeTakeFirstOrThrow()).id;
      const site = await db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      point = [['lat', String(site.lat)], ['long', String(site.lng)]];
      const logger = { error: () => {}, info: () => {} };
      job = open311WebhookPoller({ db, config: ctx.deps.config, clock: ctx.clock, logger, holder: 'test-instance' }, { retry: { maxAttempts: 1, baseDelayMs: 1000, maxDelayMs: 1000, jitter: 0 }, timeoutMs: 3000 });
    });
    afterAll(async () => {
      await job?.destroy();
      await ctx?.close();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    });

    const call = (who: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      ctx.app.inject({ method, url, headers: { cookie: cookies[who]! }, ...(payload ? { payload } : {}) });
    const issue = async (body: object) => {
      const res = await call('admin', 'POST', '/api/open311/keys', { name: '市民 App', subdistrictIds: [hq], ...body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string; key: string; webhookSecret: string | null };
    };
    const fileWith = (key: string) =>
      ctx.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: FORM, payload: form([['api_key', key], ['jurisdiction_id', HQ], ['service_code', 'A0301'], ...point, ['attribute[site_kind]', 'bin_room']]) });
    const auditOf = (id: string) => ctx.handle.db.selectFrom('audit_log').selectAll().where('entity_id', '=', id).orderBy('seq').execute();

    it('an administrator changes the rate and subdistricts (the new rate applies at once); bad input names the field; others are refused; all audited', async () => {
      const k = await issue({ ratePerMinute: 60 });
      const changed = await call('district-admin', 'PATCH', `/api/open311/keys/${k.id}`, { ratePerMinute: 1, subdistrictIds: [hq, xx], name: '市民 App（限流）' });
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json()).toMatchObject({ ratePerMinute: 1, subdistrictIds: [hq, xx], name: '市民 App（限流）', webhookSecret: null });
      expect((await fileWith(k.key)).statusCode).toBe(200);
      expect((await fileWith(k.key)).statusCode).toBe(429);
      const listed = (await call('admin', 'GET', '/api/open311/keys')).json().items.find((x: { id: string }) => x.id === k.id);
      expect(listed.lastUsedAt).toBe(ctx.clock.now().toISOString());

      const bad = await call('district-admin', 'PATCH', `/api/open311/keys/${k.id}`, { ratePerMinute: 0 });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.fields[0].field).toBe('ratePerMinute');
      // The Hongqiao administrator cannot change a key that now also serves another subdistrict, nor the operator any.
      expect((await call('admin', 'PATCH', `/api/open311/keys/${k.id}`, { ratePerMinute: 5 })).statusCode).toBe(403);
      expect((await call('operator', 'PATCH', `/api/open311/keys/${k.id}`, { ratePerMinute: 5 })).statusCode).toBe(403);
      const own = await issue({});
      const outside = await call('admin', 'PATCH', `/api/open311/keys/${own.id}`, { subdistrictIds: [xx] });
      expect(outside.statusCode).toBe(400);
      expect(outside.json().error.details.fields[0].field).toBe('subdistrictIds');
      expect((await call('xx-admin', 'PATCH', `/api/open311/keys/${own.id}`, { ratePerMinute: 5 })).statusCode).toBe(404);
      expect((await call('admin', 'DELETE', `/api/open311/keys/${own.id}`)).statusCode).toBe(200);
      expect((await call('admin', 'PATCH', `/api/open311/keys/${own.id}`, { ratePerMinute: 5 })).statusCode).toBe(409);

      const trail = await auditOf(k.id);
      expect(trail.map((a) => a.action)).toEqual(['open311_key.issue', 'open311_key.update']);
      expect(JSON.parse(trail[1]!.before_json!)).toMatchObject({ ratePerMinute: 60 });
      expect(JSON.parse(trail[1]!.after_json!)).toMatchObject({ ratePerMinute: 1 });
      expect(JSON.stringify(trail)).not.toContain(k.key);
    });

    it('a webhook added to a key gets a secret shown once; rotating replaces it (the old one stops verifying); the log never holds a secret', async () => {
      const k = await issue({});
      expect(k.webhookSecret).toBeNull();
      expect((await call('admin', 'POST', `/api/open311/keys/${k.id}/webhook-secret`)).json().error.details.fields[0].field).toBe('webhookUrl');
      const added = await call('admin', 'PATCH', `/api/open311/keys/${k.id}`, { webhookUrl: `${base}/hook`, webhookScope: 'own' });
      expect(added.statusCode, added.body).toBe(200);
      const first = added.json().webhookSecret as string;
      expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // Changing the URL again keeps the secret (and does not show it).
      expect((await call('admin', 'PATCH', `/api/open311/keys/${k.id}`, { webhookUrl: `${base}/hook2` })).json().webhookSecret).toBeNull();
      const rotated = await call('admin', 'POST', `/api/open311/keys/${k.id}/webhook-secret`);
      expect(rotated.statusCode, rotated.body).toBe(200);
      const second = rotated.json().webhookSecret as string;
      expect(second).not.toBe(first);
      const listed = await call('admin', 'GET', '/api/open311/keys');
      expect(listed.body).not.toContain(second);

      expect((await fileWith(k.key)).statusCode).toBe(200);
      received.length = 0;
      expect(await job.runOnce()).toBe(1);
      const got = received[0]!;
      const ts = got.headers['x-closeloop-timestamp'] as string;
      const sig = got.headers['x-closeloop-signature'] as string;
      expect(verifyWebhook(second, ts, got.body, sig, Number(ts))).toBe(true);
      expect(verifyWebhook(first, ts, got.body, sig, Number(ts))).toBe(false);

      const trail = await auditOf(k.id);
      expect(trail.map((a) => a.action)).toEqual(['open311_key.issue', 'open311_key.update', 'open311_key.update', 'open311_key.rotate_webhook_secret']);
      expect(JSON.stringify(trail)).not.toContain(first);
      expect(JSON.stringify(trail)).not.toContain(second);
    });

    it('a failed delivery is retried on request (audited): due now with a fresh round; only failed ones, only in scope', async () => {
      const k = await issue({ webhookUrl: `${base}/retry` });
      expect((await fileWith(k.key)).statusCode).toBe(200);
      answers.push(500);
      expect(await job.runOnce()).toBe(1);
      const failed = (await call('admin', 'GET', `/api/open311/keys/${k.id}/deliveries?status=failed`)).json().items;
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ status: 'failed', attempts: 1, responseCode: 500, lastError: 'HTTP 500', eventStatus: 'open', nextAttemptAt: null, sentAt: null });
      expect(failed[0].eventDescription).toContain('已受理');
      const id = failed[0].id as string;

      expect((await call('xx-admin', 'POST', `/api/open311/keys/${k.id}/deliveries/${id}/retry`)).statusCode).toBe(404);
      expect((await call('operator', 'POST', `/api/open311/keys/${k.id}/deliveries/${id}/retry`)).statusCode).toBe(403);
      const again = await call('admin', 'POST', `/api/open311/keys/${k.id}/deliveries/${id}/retry`);
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toMatchObject({ id, status: 'pending', attempts: 0, nextAttemptAt: ctx.clock.now().toISOString() });
      expect(await job.runOnce()).toBe(1);
      const sent = (await call('admin', 'GET', `/api/open311/keys/${k.id}/deliveries`)).json().items[0];
      expect(sent).toMatchObject({ id, status: 'sent', attempts: 1, responseCode: 200, sentAt: ctx.clock.now().toISOString() });
      const twice = await call('admin', 'POST', `/api/open311/keys/${k.id}/deliveries/${id}/retry`);
      expect(twice.statusCode).toBe(400);
      expect(twice.json().error.details.fields[0].field).toBe('status');
      const trail = await auditOf(id);
      expect(trail.map((a) => a.action)).toEqual(['open311_delivery.retry']);
      expect(JSON.parse(trail[0]!.before_json!)).toMatchObject({ status: 'failed' });
      expect(JSON.parse(trail[0]!.after_json!)).toMatchObject({ status: 'pending', attempts: 0 });
    });

    it('the key list holds only keys serving a subdistrict in scope; a key wholly outside it is not found, to revoke as to change', async () => {
      const hqKey = await issue({});
      const xxOnly = await call('xx-admin', 'POST', '/api/open311/keys', { name: '仙霞 App', subdistrictIds: [xx] });
      expect(xxOnly.statusCode, xxOnly.body).toBe(201);
      const ids = async (who: string) => (await call(who, 'GET', '/api/open311/keys')).json().items.map((k: { id: string; subdistrictIds: string[] }) => ({ id: k.id, subs: k.subdistrictIds }));
      const hqList = await ids('admin');
      const xxList = await ids('xx-admin');
      const all = await ids('district-admin');
      expect(hqList.map((k: { id: string }) => k.id)).toContain(hqKey.id);
      expect(xxList.map((k: { id: string }) => k.id)).toContain(xxOnly.json().id);
      for (const k of hqList) expect(k.subs).toContain(hq);
      for (const k of xxList) expect(k.subs).toContain(xx);
      expect(hqList.map((k: { id: string }) => k.id)).not.toContain(xxOnly.json().id);
      expect(all.length).toBeGreaterThanOrEqual(new Set([...hqList, ...xxList].map((k) => k.id)).size);
      for (const [who, id] of [['xx-admin', hqKey.id], ['admin', xxOnly.json().id]] as const) {
        const revoke = await call(who, 'DELETE', `/api/open311/keys/${id}`);
        expect(revoke.statusCode, revoke.body).toBe(404);
        expect((await call(who, 'PATCH', `/api/open311/keys/${id}`, { ratePerMinute: 5 })).statusCode).toBe(404);
      }
      expect((await call('admin', 'DELETE', `/api/open311/keys/${hqKey.id}`)).statusCode).toBe(200);
    });
  });
}

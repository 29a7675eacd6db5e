import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendCaseEvent } from '../../src/domain/cases/events.js';
import { verifyWebhook } from '../../src/domain/open311/webhooks.js';
import { open311WebhookPoller } from '../../src/jobs/open311-webhooks.js';
import type { Poller } from '../../src/jobs/poller.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { FORM, form, HQ, newKey, W3C_UTC } from './helpers.js';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Signed webhooks out: a real HTTP receiver on 127.0.0.1 (allow-listed for the test), the job run round by round. */
for (const dialect of DIALECTS) {
  describe(`Open311 webhooks [${dialect}]`, () => {
    let ctx: TestContext;
    let server: http.Server;
    let base: string;
    const received: Received[] = [];
    /** Answers per path, taken in order; 200 once the list is empty. */
    const answers = new Map<string, number[]>();
    const logs: string[] = [];
    let job: Poller;
    const keys: Record<string, { id: string; key: string; webhookSecret: string | null }> = {};
    const cookies: Record<string, string> = {};
    let point: { lat: string; long: string };
    let unit1: string;
    let HQ_ID: string;
    const RETRY = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 4000, jitter: 0 };

    const post = (key: string, extra: [string, string][] = []) =>
      ctx.app.inject({
        method: 'POST',
        url: '/open311/v2/requests.json',
        headers: FORM,
        payload: form([['api_key', key], ['jurisdiction_id', HQ], ['service_code', 'A0301'], ['lat', point.lat], ['long', point.long], ['attribute[site_kind]', 'bin_room'], ...extra]),
      });
    const file = async (key: string, extra: [string, string][] = []) => {
      const res = await post(key, extra);
      expect(res.statusCode, res.body).toBe(200);
      return res.json()[0].service_request_id as string;
    };
    const act = async (number: string, body: Record<string, unknown>) => {
      const c = await ctx.handle.db.selectFrom('cases').select(['id', 'version']).where('number', '=', number).executeTakeFirstOrThrow();
      const res = await ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/transitions`, headers: { cookie: cookies.operator! }, payload: { version: c.version, ...body } });
      expect(res.statusCode, res.body).toBe(200);
    };
    const deliveriesOf = (keyId: string) => ctx.handle.db.selectFrom('open311_deliveries').selectAll().where('key_id', '=', keyId).orderBy('created_at').orderBy('id').execute();
    const drain = async () => {
      for (let i = 0; i < 20 && (await job.runOnce()) > 0; i++);
    };
    const at = (path: string) => received.filter((r) => r.path === path);

    beforeAll(async () => {
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          res.statusCode = answers.get(req.url ?? '')?.shift() ?? 200;
          res.end('ok');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      ctx = await demoContext(dialect, { OUTBOUND_ALLOW_HOSTS: '127.0.0.1', OUTBOUND_ALLOW_HTTP: 'true', PUBLIC_URL: 'https://closeloop.example.cn/' });
      for (const u of ['operator']) cookies[u] = await signInAs(ctx.app, u);
      keys.a = await newKey(ctx, { webhookUrl: `${base}/a` });
      keys.b = await newKey(ctx, { webhookUrl: `${base}/b` });
      keys.r = await newKey(ctx, { webhookUrl: `${base}/r`, webhookScope: 'readable' });
      keys.x = await newKey(ctx, { webhookUrl: `${base}/x`, webhookScope: 'readable', subdistricts: ['310105010'] });
      keys.n = await newKey(ctx);
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const site = await db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      point = { lat: String(Number(site.lat)), long: String(Number(site.lng)) };
      HQ_ID = hq.id;
      unit1 = (await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
      const logger = { error: (obj: unknown, msg?: string) => logs.push(`${msg} ${JSON.stringify(obj, Object.getOwnPropertyNames(obj as object))}`), info: (obj: unknown, msg?: string) => logs.push(`${msg} ${JSON.stringify(obj)}`) };
      job = open311WebhookPoller({ db, config: ctx.deps.config, clock: ctx.clock, logger, holder: 'test-instance' }, { retry: RETRY, random: () => 0.5, timeoutMs: 3000 });
    });
    afterAll(async () => {
      await job?.destroy();
      await ctx?.close();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    });
    beforeEach(async () => {
      await drain();
      received.length = 0;
      answers.clear();
    });

    it('a public change reaches the filing key and readable keys, signed HMAC-SHA256(secret, timestamp.body), as servicerequestupdates lists it', async () => {
      const number = await file(keys.a!.key, [['email', 'zhang.san@example.cn'], ['phone', '13912345678'], ['first_name', '张三'], ['device_id', 'dev-secret-1'], ['description', '箱房满溢']]);
      const queued = await deliveriesOf(keys.a!.id);
      expect(queued.map((d) => d.status)).toEqual(['pending']);
      expect(await job.runOnce()).toBe(2);

      expect(at('/a')).toHaveLength(1);
      expect(at('/r')).toHaveLength(1);
      expect(at('/b')).toHaveLength(0);
      expect(at('/x')).toHaveLength(0);
      const got = at('/a')[0]!;
      const ts = got.headers['x-closeloop-timestamp'] as string;
      expect(ts).toBe(String(Math.floor(ctx.clock.now().getTime() / 1000)));
      // The receiver's check, written from the documented scheme rather than with our own helper.
      const expected = 'sha256=' + createHmac('sha256', keys.a!.webhookSecret!).update(`${ts}.${got.body}`).digest('hex');
      expect(got.headers['x-closeloop-signature']).toBe(expected);
      expect(verifyWebhook(keys.a!.webhookSecret!, ts, got.body, expected, Number(ts))).toBe(true);
      expect(verifyWebhook(keys.b!.webhookSecret!, ts, got.body, expected, Number(ts))).toBe(false);
      expect(verifyWebhook(keys.a!.webhookSecret!, ts, got.body + ' ', expected, Number(ts))).toBe(false);
      expect(verifyWebhook(keys.a!.webhookSecret!, ts, got.body, expected, Number(ts) + 301)).toBe(false);
      const rSig = at('/r')[0]!;
      expect(rSig.headers['x-closeloop-signature']).toBe('sha256=' + createHmac('sha256', keys.r!.webhookSecret!).update(`${rSig.headers['x-closeloop-timestamp']}.${rSig.body}`).digest('hex'));
      expect(got.headers['content-type']).toMatch(/^application\/json/);
      expect(got.headers['x-closeloop-jurisdiction']).toBe(HQ);
      expect(got.headers['x-closeloop-delivery']).toBe(queued[0]!.id);

      const body = JSON.parse(got.body);
      expect(body).toHaveLength(1);
      expect(Object.keys(body[0]).sort()).toEqual(['description', 'media_url', 'service_request_id', 'status', 'update_id', 'updated_datetime']);
      expect(body[0]).toMatchObject({ service_request_id: number, status: 'open', description: '已受理，等待城运中心核实立案', media_url: null });
      expect(body[0].updated_datetime).toMatch(W3C_UTC);
      const polled = await ctx.app.inject({ method: 'GET', url: `/open311/v2/servicerequestupdates.json?api_key=${keys.a!.key}&jurisdiction_id=${HQ}` });
      expect(polled.json().find((u: { update_id: string }) => u.update_id === body[0].update_id)).toEqual(body[0]);
      for (const r of received) {
        for (const secret of ['zhang.san@example.cn', '13912345678', '张三', 'dev-secret-1', 'Open311（']) expect(r.body).not.toContain(secret);
      }

      // Every further public change is heard, in the same shape.
      ctx.clock.advance(60_000);
      await act(number, { action: 'file' });
      ctx.clock.advance(60_000);
      await act(number, { action: 'dispatch', unitId: unit1 });
      await drain();
      expect(at('/a').map((r) => JSON.parse(r.body)[0].status)).toEqual(['open', 'investigating', 'action_scheduled']);
      expect(at('/b')).toHaveLength(0);
      expect(at('/x')).toHaveLength(0);

      const admin = await signInAs(ctx.app, 'district-admin');
      const log = await ctx.app.inject({ method: 'GET', url: `/api/open311/keys/${keys.a!.id}/deliveries`, headers: { cookie: admin } });
      expect(log.statusCode, log.body).toBe(200);
      expect(log.json().items).toHaveLength(3);
      expect(log.json().items[0]).toMatchObject({ serviceRequestId: number, status: 'sent', attempts: 1, responseCode: 200, nextAttemptAt: null });
      // In pages (after → nextCursor): a page at a time, the same deliveries in the same order.
      for (const limit of [1, 2]) {
        const ids: string[] = [];
        let after: string | null = null;
        do {
          const page: { items: { id: string }[]; nextCursor: string | null } = (await ctx.app.inject({ method: 'GET', url: `/api/open311/keys/${keys.a!.id}/deliveries?limit=${limit}${after ? `&after=${after}` : ''}`, headers: { cookie: admin } })).json();
          expect(page.items.length).toBeLessThanOrEqual(limit);
          ids.push(...page.items.map((d) => d.id));
          after = page.nextCursor;
        } while (after);
        expect(ids).toEqual(log.json().items.map((d: { id: string }) => d.id));
      }
      for (const [q, field] of [['after=bm9wZQ', 'after'], ['limit=501', 'limit']]) {
        const bad = await ctx.app.inject({ method: 'GET', url: `/api/open311/keys/${keys.a!.id}/deliveries?${q}`, headers: { cookie: admin } });
        expect(bad.statusCode).toBe(400);
        expect(bad.json().error.details.fields[0]).toMatchObject({ field });
      }
    });

    it('a 500 is retried after the backoff, then delivered; the log shows attempts, answer code and next attempt', async () => {
      answers.set('/a', [500]);
      const number = await file(keys.a!.key);
      await job.runOnce();
      expect(at('/a')).toHaveLength(1);
      let [d] = await deliveriesOf(keys.a!.id).then((ds) => ds.filter((x) => x.status !== 'sent'));
      expect(d).toMatchObject({ status: 'pending', last_error: 'HTTP 500' });
      expect(Number(d!.attempts)).toBe(1);
      expect(Number(d!.response_code)).toBe(500);
      expect(new Date(d!.next_attempt_at).getTime()).toBe(ctx.clock.now().getTime() + 1000);

      const admin = await signInAs(ctx.app, 'district-admin');
      const pending = await ctx.app.inject({ method: 'GET', url: `/api/open311/keys/${keys.a!.id}/deliveries?status=pending`, headers: { cookie: admin } });
      expect(pending.json().items).toEqual([expect.objectContaining({ serviceRequestId: number, attempts: 1, responseCode: 500, lastError: 'HTTP 500', nextAttemptAt: new Date(ctx.clock.now().getTime() + 1000).toISOString() })]);

      await job.runOnce(); // not due yet
      expect(at('/a')).toHaveLength(1);
      ctx.clock.advance(1000);
      await job.runOnce();
      expect(at('/a')).toHaveLength(2);
      expect(at('/a')[1]!.body).toBe(at('/a')[0]!.body);
      expect(Number(at('/a')[1]!.headers['x-closeloop-timestamp'])).toBeGreaterThanOrEqual(Number(at('/a')[0]!.headers['x-closeloop-timestamp']));
      [d] = (await deliveriesOf(keys.a!.id)).filter((x) => x.id === d!.id);
      expect(d).toMatchObject({ status: 'sent', last_error: null });
      expect(Number(d!.attempts)).toBe(2);
      expect(Number(d!.response_code)).toBe(200);
    });

    it('gives up after the cap of attempts, doubling the wait between them', async () => {
      answers.set('/a', [503, 503, 503, 503, 503]);
      await file(keys.a!.key);
      const waits: number[] = [];
      for (let i = 0; i < 6; i++) {
        await job.runOnce();
        const [d] = (await deliveriesOf(keys.a!.id)).filter((x) => x.status === 'pending' || x.status === 'failed');
        if (d!.status === 'failed') break;
        const wait = new Date(d!.next_attempt_at).getTime() - ctx.clock.now().getTime();
        waits.push(wait);
        ctx.clock.advance(wait);
      }
      expect(waits).toEqual([1000, 2000]);
      expect(at('/a')).toHaveLength(RETRY.maxAttempts);
      const [failed] = (await deliveriesOf(keys.a!.id)).filter((x) => x.status === 'failed');
      expect(Number(failed!.attempts)).toBe(RETRY.maxAttempts);
      expect(Number(failed!.response_code)).toBe(503);
      ctx.clock.advance(3600_000);
      await drain();
      expect(at('/a')).toHaveLength(RETRY.maxAttempts);
    });

    it('a refused address fails without leaking the secret; a revoked key is skipped; the secret is never logged or stored elsewhere', async () => {
      const bad = await newKey(ctx, { webhookUrl: 'https://127.0.0.2/hook' }).catch((e: Error) => e);
      expect(bad).toBeInstanceOf(Error);
      expect((bad as Error).message).toMatch(/internal address/);

      // Allowed at issue, refused at send time: the name resolves to loopback, which is not allow-listed.
      const k = await newKey(ctx, { webhookUrl: 'http://localhost:9/hook' });
      await file(k.key);
      await drain();
      let [d] = await deliveriesOf(k.id);
      expect(d!.last_error).toMatch(/^refused: /);
      expect(d!.response_code).toBeNull();

      const admin = await signInAs(ctx.app, 'district-admin');
      expect((await ctx.app.inject({ method: 'DELETE', url: `/api/open311/keys/${k.id}`, headers: { cookie: admin } })).statusCode).toBe(200);
      ctx.clock.advance(3600_000);
      await drain();
      [d] = await deliveriesOf(k.id);
      expect(d).toMatchObject({ status: 'skipped', last_error: 'key revoked or without webhook' });

      const everything = JSON.stringify([
        logs,
        await ctx.handle.db.selectFrom('open311_deliveries').selectAll().execute(),
        await ctx.handle.db.selectFrom('audit_log').selectAll().execute(),
        await ctx.handle.db.selectFrom('webhook_deliveries').selectAll().execute(),
        received.map((r) => r.body),
      ]);
      for (const key of Object.values(keys)) if (key.webhookSecret) expect(everything).not.toContain(key.webhookSecret);
      expect(everything).not.toContain(k.webhookSecret!);
    });

    it('the delivery is written in the transaction of the change: a rolled-back change sends nothing', async () => {
      const number = await file(keys.a!.key);
      await drain();
      const c = await ctx.handle.db.selectFrom('cases').select(['id', 'subdistrict_id', 'status']).where('number', '=', number).executeTakeFirstOrThrow();
      const before = (await deliveriesOf(keys.a!.id)).length;
      const boom = new Error('rolled back');
      await expect(
        ctx.handle.db.transaction().execute(async (trx) => {
          await appendCaseEvent(trx, ctx.clock, { subdistrictId: c.subdistrict_id, caseId: c.id, action: 'file', fromStatus: 'reported', toStatus: 'filed', actor: { userId: null, role: 'system' } });
          expect((await trx.selectFrom('open311_deliveries').select('id').where('key_id', '=', keys.a!.id).execute()).length).toBe(before + 1);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await deliveriesOf(keys.a!.id)).toHaveLength(before);
      // Internal steps (not public) enqueue nothing.
      await ctx.handle.db.transaction().execute((trx) =>
        appendCaseEvent(trx, ctx.clock, { subdistrictId: c.subdistrict_id, caseId: c.id, action: 'remind', fromStatus: 'reported', toStatus: 'reported', actor: { userId: null, role: 'system' } }),
      );
      expect(await deliveriesOf(keys.a!.id)).toHaveLength(before);
    });

    it('a report marked abusive before its delivery is sent is skipped, and its later changes queue nothing', async () => {
      const number = await file(keys.a!.key);
      const c = await ctx.handle.db.selectFrom('cases').select('id').where('number', '=', number).executeTakeFirstOrThrow();
      const res = await ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/abusive`, headers: { cookie: cookies.operator! }, payload: { reason: '恶意重复上报' } });
      expect(res.statusCode, res.body).toBe(200);
      await drain();
      expect(at('/a')).toHaveLength(0);
      expect(at('/r')).toHaveLength(0);
      const ds = (await ctx.handle.db.selectFrom('open311_deliveries').selectAll().where('case_id', '=', c.id).execute()).map((d) => [d.status, d.last_error]);
      expect(ds.length).toBeGreaterThan(0);
      for (const d of ds) expect(d).toEqual(['skipped', 'report marked abusive']);
      const count = ds.length;
      await ctx.handle.db.transaction().execute((trx) =>
        appendCaseEvent(trx, ctx.clock, { subdistrictId: HQ_ID, caseId: c.id, action: 'cancel', fromStatus: 'reported', toStatus: 'cancelled', actor: { userId: null, role: 'system' } }),
      );
      expect(await ctx.handle.db.selectFrom('open311_deliveries').select('id').where('case_id', '=', c.id).execute()).toHaveLength(count);
    });

    it('a key narrowed after a change was queued hears no more of what it may no longer read: skipped with the reason, its other deliveries unaffected', async () => {
      const db = ctx.handle.db;
      const xxId = (await db.selectFrom('subdistricts').select('id').where('code', '=', '010').executeTakeFirstOrThrow()).id;
      const admin = await signInAs(ctx.app, 'district-admin');
      const changes: { change: Record<string, unknown>; skipped: string | null }[] = [
        { change: { subdistrictIds: [xxId] }, skipped: "subdistrict no longer in the key's scope" },
        { change: { webhookScope: 'own' }, skipped: 'case not filed by this key (webhook scope own)' },
        { change: { subdistrictIds: [xxId], webhookScope: 'own' }, skipped: "subdistrict no longer in the key's scope" },
        // Changes that leave the case readable to the key: still delivered.
        { change: { name: 'renamed' }, skipped: null },
        { change: { subdistrictIds: [HQ_ID] }, skipped: null },
      ];
      for (const [i, c] of changes.entries()) {
        const watcher = await newKey(ctx, { webhookUrl: `${base}/narrowed-${i}`, webhookScope: 'readable', subdistricts: [HQ, '310105010'] });
        const number = await file(keys.a!.key);
        expect(await deliveriesOf(watcher.id)).toHaveLength(1);
        const res = await ctx.app.inject({ method: 'PATCH', url: `/api/open311/keys/${watcher.id}`, headers: { cookie: admin }, payload: c.change });
        expect(res.statusCode, res.body).toBe(200);
        await drain();
        const [d] = await deliveriesOf(watcher.id);
        expect(at(`/narrowed-${i}`), JSON.stringify(c.change)).toHaveLength(c.skipped ? 0 : 1);
        expect([d!.status, d!.last_error], JSON.stringify(c.change)).toEqual(c.skipped ? ['skipped', c.skipped] : ['sent', null]);
        // The filing key (scope own) still hears of its own case.
        expect(at('/a').filter((r) => r.body.includes(number))).toHaveLength(1);
      }
    });

    it("an administrator reads only deliveries of keys reaching into their subdistricts; bad filters are 400 naming the field", async () => {
      const xxAdmin = await signInAs(ctx.app, 'xx-admin');
      expect((await ctx.app.inject({ method: 'GET', url: `/api/open311/keys/${keys.a!.id}/deliveries`, headers: { cookie: xxAdmin } })).statusCode).toBe(404);
      const own = await ctx.app.inject({ method: 'GET', url: `/api/open311/keys/${keys.x!.id}/deliveries`, headers: { cookie: xxAdmin } });
      expect(own.statusCode, own.body).toBe(200);
      expect(own.json().items).toEqual([]);
      const operator = cookies.operator!;
      expect((await ctx.app.inject({ method: 'GET', url: `/api/open311/keys/${keys.a!.id}/deliveries`, headers: { cookie: operator } })).statusCode).toBe(403);
      const admin = await signInAs(ctx.app, 'district-admin');
      const bad = await ctx.app.inject({ method: 'GET', url: `/api/open311/keys/${keys.a!.id}/deliveries?status=lost`, headers: { cookie: admin } });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('status');
    });
  });
}

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { claimDeliveries, DEFAULT_RETRY, dueDeliveryIds } from '../../src/domain/notifications/deliveries.js';
import { notify } from '../../src/domain/notifications/notify.js';
import { startJobs } from '../../src/jobs/index.js';
import { webhookDeliveryPoller } from '../../src/jobs/webhook-deliveries.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { robotReceiver } from '../helpers/receiver.js';

type Robot = Awaited<ReturnType<typeof robotReceiver>>;

for (const dialect of DIALECTS) {
  describe(`notifications [${dialect}]`, () => {
    let ctx: TestContext;
    let db: Db;
    let robot: Robot;
    let hq: string;
    let xx: string;
    const ids: Record<string, string> = {};
    const pollers: { destroy(): Promise<void> }[] = [];

    beforeAll(async () => {
      ctx = await demoContext(dialect, { OUTBOUND_ALLOW_HOSTS: '127.0.0.1', OUTBOUND_ALLOW_HTTP: 'true' });
      db = ctx.handle.db;
      hq = (await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
      xx = (await db.selectFrom('subdistricts').select('id').where('id', '!=', hq).executeTakeFirstOrThrow()).id;
      for (const u of await db.selectFrom('users').select(['id', 'username']).execute()) ids[u.username] = u.id;
      robot = await robotReceiver();
    });
    afterEach(async () => {
      for (const p of pollers.splice(0)) await p.destroy();
    });
    afterAll(async () => {
      await robot.close();
      await ctx.close();
    });

    /** A delivery job over the test database, as a fresh process would build it. */
    const job = (opts: { url?: string; maxAttempts?: number; timeoutMs?: number } = {}) => {
      const p = webhookDeliveryPoller(
        { db, clock: ctx.clock, config: { ...ctx.deps.config, wecomWebhookUrl: opts.url ?? robot.url }, logger: { error: () => {} } },
        { retry: { ...DEFAULT_RETRY, maxAttempts: opts.maxAttempts ?? DEFAULT_RETRY.maxAttempts }, random: () => 0.5, timeoutMs: opts.timeoutMs ?? 2000, batchSize: 50, perRobot: 50 },
      );
      pollers.push(p);
      return p;
    };
    const send = (title: string, extra: Partial<Parameters<typeof notify>[2]> = {}) =>
      db.transaction().execute((trx) =>
        notify(trx, ctx.clock, { subdistrictId: hq, recipients: { roles: ['operator'] }, kind: 'case.overdue', title, body: '案件已超期', ...extra }),
      );
    const deliveryOf = (title: string) =>
      db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('notifications as n', 'n.id', 'd.notification_id')
        .select(['d.status', 'd.attempts', 'd.last_error', 'd.next_attempt_at', 'd.url'])
        .where('n.title', '=', title)
        .executeTakeFirstOrThrow();
    const bodiesWith = (title: string) => robot.received.filter((r) => r.body.includes(title));

    it('resolves recipients within the subdistrict: roles, committee, handling unit, named users', async () => {
      await send('roles', { recipients: { roles: ['operator', 'admin'] } });
      const inboxOf = async (title: string) =>
        (
          await db
            .selectFrom('inbox_items')
            .innerJoin('notifications', 'notifications.id', 'inbox_items.notification_id')
            .innerJoin('users', 'users.id', 'inbox_items.user_id')
            .select('users.username')
            .where('notifications.title', '=', title)
            .execute()
        )
          .map((r) => r.username)
          .sort();
      const roles = await inboxOf('roles');
      expect(roles).toContain('operator');
      expect(roles).toContain('admin');
      expect(roles).toContain('district-admin'); // a district admin's scope covers every subdistrict
      expect(roles.some((u) => u.startsWith('xx-'))).toBe(false);

      const c01 = (await db.selectFrom('user_scopes').select('committee_id').where('user_id', '=', ids.cadre01!).executeTakeFirstOrThrow()).committee_id;
      await send('committee', { recipients: { roles: ['cadre'], committeeId: c01 } });
      expect(await inboxOf('committee')).toEqual(['cadre01']);

      const unit = (await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id;
      await send('unit', { recipients: { handlingUnitId: unit } });
      expect(await inboxOf('unit')).toContain('handler1');
      expect((await inboxOf('unit')).every((u) => u.startsWith('handler'))).toBe(true);

      await send('named', { recipients: { userIds: [ids.patrol1!, ids['xx-admin']!, ids.patrol1!] } });
      expect(await inboxOf('named')).toEqual(['patrol1']);
    });

    it('a repeated dedupeKey inserts nothing, on both engines, inside the caller transaction', async () => {
      await send('dedupe-1', { dedupeKey: 'remind:case-1:dispatch:2026-10-09T07:00Z' });
      await send('dedupe-2', { dedupeKey: 'remind:case-1:dispatch:2026-10-09T07:00Z' });
      const n = await db.selectFrom('notifications').select('title').where('dedupe_key', '=', 'remind:case-1:dispatch:2026-10-09T07:00Z').execute();
      expect(n.map((r) => r.title)).toEqual(['dedupe-1']);
      // Same key in another subdistrict is another notification.
      await db.transaction().execute((trx) =>
        notify(trx, ctx.clock, { subdistrictId: xx, recipients: {}, kind: 'k', title: 'dedupe-xx', body: '', dedupeKey: 'remind:case-1:dispatch:2026-10-09T07:00Z' }),
      );
      expect(await db.selectFrom('notifications').select('id').where('title', '=', 'dedupe-xx').execute()).toHaveLength(1);
    });

    it('is undone with the caller transaction (it writes nothing of its own)', async () => {
      await expect(
        db.transaction().execute(async (trx) => {
          await notify(trx, ctx.clock, { subdistrictId: hq, recipients: { roles: ['operator'] }, kind: 'k', title: 'rolled-back', body: '' });
          throw new Error('transition failed');
        }),
      ).rejects.toThrow('transition failed');
      expect(await db.selectFrom('notifications').select('id').where('title', '=', 'rolled-back').execute()).toHaveLength(0);
    });

    it('a robot that is down never affects the caller: its transaction commits; the failure stays in the outbox', async () => {
      await job().runOnce();
      await db.transaction().execute(async (trx) => {
        await notify(trx, ctx.clock, { subdistrictId: hq, recipients: { userIds: [ids.operator!] }, kind: 'k', title: 'robot-down', body: '' });
        await trx.updateTable('users').set({ display_name: '值班员 (changed in the same transaction)' }).where('id', '=', ids.operator!).execute();
      });
      const down = job({ url: 'http://127.0.0.1:1/cgi-bin/webhook/send?key=x' });
      expect(await down.runOnce()).toBe(1);
      expect(down.stats.errors).toBe(0);
      const d = await deliveryOf('robot-down');
      expect(d).toMatchObject({ status: 'pending', attempts: 1 });
      expect(d.last_error).toContain('network error');
      const user = await db.selectFrom('users').select('display_name').where('id', '=', ids.operator!).executeTakeFirstOrThrow();
      expect(user.display_name).toContain('changed in the same transaction');
      expect(await db.selectFrom('inbox_items').innerJoin('notifications', 'notifications.id', 'inbox_items.notification_id').select('inbox_items.id').where('notifications.title', '=', 'robot-down').execute()).toHaveLength(1);
      ctx.clock.advance(DEFAULT_RETRY.baseDelayMs);
      await job().runOnce();
      expect(await deliveryOf('robot-down')).toMatchObject({ status: 'sent', attempts: 2 });
    });

    it('startJobs (as `closeloop serve` runs it) delivers in the background; its stop function stops it', async () => {
      await job().runOnce();
      await send('background');
      const stop = startJobs({ db, clock: ctx.clock, config: { ...ctx.deps.config, wecomWebhookUrl: robot.url }, logger: { error: () => {} } });
      try {
        await vi.waitFor(() => expect(bodiesWith('background')).toHaveLength(1), { timeout: 10_000, interval: 20 });
      } finally {
        await stop();
      }
      expect(await deliveryOf('background')).toMatchObject({ status: 'sent', attempts: 1 });
    });

    it('posts the exact WeCom robot JSON: text with mentioned_mobile_list of the recipients', async () => {
      await send('格式检查 format', { recipients: { userIds: [ids.operator!, ids.patrol1!] }, body: '虹桥街道 CL-0001 满溢\n请尽快处置' });
      await job().runOnce();
      const [got] = bodiesWith('格式检查 format');
      expect(got?.method).toBe('POST');
      expect(got?.contentType).toMatch(/^application\/json/);
      const phones = await db.selectFrom('users').select('phone').where('id', 'in', [ids.operator!, ids.patrol1!]).execute();
      const body = JSON.parse(got!.body);
      expect(Object.keys(body).sort()).toEqual(['msgtype', 'text']);
      expect(body.msgtype).toBe('text');
      expect(body.text.content).toBe('【闭环】格式检查 format\n虹桥街道 CL-0001 满溢\n请尽快处置');
      expect([...body.text.mentioned_mobile_list].sort()).toEqual(phones.map((p) => p.phone).sort());
      expect(await deliveryOf('格式检查 format')).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    });

    it('retries a failing robot with backoff: two failures then success → delivered once, 3 attempts', async () => {
      // Drain anything earlier tests left pending so the queue below concerns this message only.
      await job().runOnce();
      await send('retry-3');
      robot.next(robot.httpError(502), robot.fail(-1, 'system busy'));
      const p = job();
      await p.runOnce();
      let d = await deliveryOf('retry-3');
      expect(d).toMatchObject({ status: 'pending', attempts: 1 });
      expect(d.last_error).toContain('HTTP 502');
      expect(new Date(d.next_attempt_at).getTime() - ctx.clock.now().getTime()).toBe(DEFAULT_RETRY.baseDelayMs);
      await p.runOnce(); // not due yet: nothing sent
      expect(bodiesWith('retry-3')).toHaveLength(1);
      ctx.clock.advance(DEFAULT_RETRY.baseDelayMs);
      await p.runOnce();
      d = await deliveryOf('retry-3');
      expect(d).toMatchObject({ status: 'pending', attempts: 2 });
      expect(d.last_error).toContain('errcode -1');
      ctx.clock.advance(2 * DEFAULT_RETRY.baseDelayMs);
      await p.runOnce();
      await p.runOnce();
      expect(await deliveryOf('retry-3')).toMatchObject({ status: 'sent', attempts: 3 });
      expect(bodiesWith('retry-3')).toHaveLength(3);
    });

    it('a restart between attempts (a new job instance) loses nothing and sends nothing twice', async () => {
      await send('restart');
      robot.next(robot.httpError(500));
      const first = job();
      await first.runOnce();
      await first.destroy();
      expect(await deliveryOf('restart')).toMatchObject({ status: 'pending', attempts: 1 });
      const second = job();
      await second.runOnce();
      expect(bodiesWith('restart')).toHaveLength(1);
      ctx.clock.advance(DEFAULT_RETRY.baseDelayMs);
      await second.runOnce();
      await second.runOnce();
      const third = job();
      await third.runOnce();
      expect(bodiesWith('restart')).toHaveLength(2);
      expect(await deliveryOf('restart')).toMatchObject({ status: 'sent', attempts: 2 });
    });

    it('two job instances racing over the same rows send each message exactly once', async () => {
      for (let i = 0; i < 12; i++) await send(`race-${i}`);
      const a = job();
      const b = job();
      await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
      await Promise.all([a.runOnce(), b.runOnce()]);
      for (let i = 0; i < 12; i++) {
        expect(robot.received.filter((r) => JSON.parse(r.body).text.content.startsWith(`【闭环】race-${i}\n`))).toHaveLength(1);
      }
    });

    it('the claim is atomic: two workers that both saw the same due rows, only the first to update gets them', async () => {
      await job().runOnce();
      for (let i = 0; i < 3; i++) await send(`claim-${i}`);
      const seenByA = await dueDeliveryIds(db, ctx.clock, 50);
      const seenByB = await dueDeliveryIds(db, ctx.clock, 50);
      expect(seenByA).toHaveLength(3);
      expect(seenByB).toEqual(seenByA);
      const a = await claimDeliveries(db, ctx.clock, seenByA, 60_000);
      const b = await claimDeliveries(db, ctx.clock, seenByB, 60_000);
      expect(a).toHaveLength(3);
      expect(b).toHaveLength(0);
      // A worker that died holding them: after its lease, another worker takes them over.
      ctx.clock.advance(60_001);
      const c = await claimDeliveries(db, ctx.clock, await dueDeliveryIds(db, ctx.clock, 50), 60_000);
      expect(c.map((r) => r.id).sort()).toEqual(a.map((r) => r.id).sort());
      expect(c.every((r) => r.attempts === 2)).toBe(true);
      await job().runOnce(); // leased to c: not due, nothing sent
      expect(bodiesWith('claim-0')).toHaveLength(0);
      ctx.clock.advance(60_001);
      await job().runOnce();
      expect(bodiesWith('claim-0')).toHaveLength(1);
    });

    it('a timeout is a failed attempt; after the last attempt the row is failed and shown to admins only', async () => {
      await job().runOnce();
      await send('gives-up');
      robot.next({ status: 200, body: '{"errcode":0,"errmsg":"ok"}', delayMs: 1500 }, robot.fail(93000, 'invalid webhook url'));
      const p = job({ maxAttempts: 2, timeoutMs: 100 });
      await p.runOnce();
      expect((await deliveryOf('gives-up')).last_error).toContain('timeout');
      ctx.clock.advance(DEFAULT_RETRY.baseDelayMs);
      await p.runOnce();
      expect(await deliveryOf('gives-up')).toMatchObject({ status: 'failed', attempts: 2 });
      expect((await deliveryOf('gives-up')).last_error).toContain('errcode 93000');
      ctx.clock.advance(3600_000);
      await p.runOnce();
      expect(bodiesWith('gives-up')).toHaveLength(2);

      const admin = await signInAs(ctx.app, 'admin');
      const list = await ctx.app.inject({ method: 'GET', url: '/api/notifications/deliveries?status=failed', headers: { cookie: admin } });
      expect(list.statusCode).toBe(200);
      const row = list.json().items.find((x: { title: string }) => x.title === 'gives-up');
      expect(row).toMatchObject({ status: 'failed', attempts: 2 });
      const xxAdmin = await signInAs(ctx.app, 'xx-admin');
      const other = await ctx.app.inject({ method: 'GET', url: '/api/notifications/deliveries?status=failed', headers: { cookie: xxAdmin } });
      expect(other.json().items.find((x: { title: string }) => x.title === 'gives-up')).toBeUndefined();
      const op = await signInAs(ctx.app, 'operator');
      expect((await ctx.app.inject({ method: 'GET', url: '/api/notifications/deliveries', headers: { cookie: op } })).statusCode).toBe(403);
      expect((await ctx.app.inject({ method: 'POST', url: `/api/notifications/deliveries/${row.id}/retry`, headers: { cookie: xxAdmin } })).statusCode).toBe(404);
      expect((await ctx.app.inject({ method: 'POST', url: `/api/notifications/deliveries/${row.id}/retry`, headers: { cookie: admin } })).statusCode).toBe(204);
      // The retry is sent by a job with the usual time limit: the 100 ms above is for the timeout
      // under test, and a busy machine can take longer than that to answer a send that succeeds.
      await job({ maxAttempts: 2 }).runOnce();
      expect(await deliveryOf('gives-up')).toMatchObject({ status: 'sent', attempts: 1 });
    });

    it('without any robot URL rows are skipped; a subdistrict robot URL set by its admin is used', async () => {
      await job().runOnce();
      for (let i = 0; i < 5; i++) await send(`no-url-${i}`);
      const noUrl = webhookDeliveryPoller({ db, clock: ctx.clock, config: { ...ctx.deps.config, wecomWebhookUrl: '' } });
      pollers.push(noUrl);
      expect(await noUrl.runOnce()).toBe(5); // all at once, not at the robot's 2-per-round pace
      for (let i = 0; i < 5; i++) expect(await deliveryOf(`no-url-${i}`)).toMatchObject({ status: 'skipped' });
      expect(bodiesWith('no-url')).toHaveLength(0);

      const admin = await signInAs(ctx.app, 'admin');
      const put = await ctx.app.inject({ method: 'PUT', url: `/api/notifications/webhooks/${hq}`, headers: { cookie: admin }, payload: { url: robot.url } });
      expect(put.statusCode).toBe(200);
      expect(put.json().webhook.url).not.toContain('test-key-0000');
      const xxAdmin = await signInAs(ctx.app, 'xx-admin');
      expect((await ctx.app.inject({ method: 'PUT', url: `/api/notifications/webhooks/${hq}`, headers: { cookie: xxAdmin }, payload: { url: 'http://evil.example/' } })).statusCode).toBe(404);
      expect((await ctx.app.inject({ method: 'PUT', url: `/api/notifications/webhooks/${hq}`, headers: { cookie: admin }, payload: { url: 'ftp://x' } })).json().error.details.fields[0].field).toBe('url');
      await send('per-subdistrict');
      expect((await deliveryOf('per-subdistrict')).url).toBe(robot.url);
      await job({ url: '' }).runOnce();
      expect(await deliveryOf('per-subdistrict')).toMatchObject({ status: 'sent' });
      expect((await ctx.app.inject({ method: 'DELETE', url: `/api/notifications/webhooks/${hq}`, headers: { cookie: admin } })).statusCode).toBe(204);
    });

    it('a robot disabled or removed after a message was queued receives nothing more, retries included', async () => {
      await job().runOnce();
      const admin = await signInAs(ctx.app, 'admin');
      const subRobot = `${robot.url}&group=hq-old`;
      expect((await ctx.app.inject({ method: 'PUT', url: `/api/notifications/webhooks/${hq}`, headers: { cookie: admin }, payload: { url: subRobot } })).statusCode).toBe(200);
      await send('queued-then-disabled');
      expect((await deliveryOf('queued-then-disabled')).url).toBe(subRobot);
      // The administrator switches the robot off (the wrong group, a leaked key) before the job runs.
      expect((await ctx.app.inject({ method: 'PUT', url: `/api/notifications/webhooks/${hq}`, headers: { cookie: admin }, payload: { url: subRobot, enabled: false } })).statusCode).toBe(200);
      const before = robot.received.length;
      // Without an instance robot it is skipped; with one it goes there, never to the old robot.
      const noGlobal = webhookDeliveryPoller({ db, clock: ctx.clock, config: { ...ctx.deps.config, wecomWebhookUrl: '' }, logger: { error: () => {} } });
      pollers.push(noGlobal);
      await noGlobal.runOnce();
      expect(await deliveryOf('queued-then-disabled')).toMatchObject({ status: 'skipped' });
      expect(robot.received.slice(before).filter((r) => r.url.includes('group=hq-old'))).toHaveLength(0);
      await send('queued-then-removed');
      expect((await ctx.app.inject({ method: 'DELETE', url: `/api/notifications/webhooks/${hq}`, headers: { cookie: admin } })).statusCode).toBe(204);
      await job().runOnce();
      expect(await deliveryOf('queued-then-removed')).toMatchObject({ status: 'sent' });
      expect(robot.received.slice(before).filter((r) => r.url.includes('group=hq-old'))).toHaveLength(0);
    });

    it('inbox API: unread list with keyset pages, read one, read all, only my own items', async () => {
      const cookie = await signInAs(ctx.app, 'patrol2');
      for (let i = 0; i < 5; i++) await send(`inbox-${i}`, { recipients: { userIds: [ids.patrol2!] } });
      const get = (url: string, c = cookie) => ctx.app.inject({ method: 'GET', url, headers: { cookie: c } });
      const post = (url: string, c = cookie) => ctx.app.inject({ method: 'POST', url, headers: { cookie: c } });
      expect((await get('/api/inbox/count')).json()).toEqual({ unread: 5 });
      const p1 = (await get('/api/inbox?unread=true&limit=2')).json();
      expect(p1.items.map((x: { title: string }) => x.title)).toEqual(['inbox-4', 'inbox-3']);
      const p2 = (await get(`/api/inbox?unread=true&limit=2&after=${p1.nextCursor}`)).json();
      const p3 = (await get(`/api/inbox?unread=true&limit=2&after=${p2.nextCursor}`)).json();
      expect([...p2.items, ...p3.items].map((x: { title: string }) => x.title)).toEqual(['inbox-2', 'inbox-1', 'inbox-0']);
      expect(p3.nextCursor).toBeNull();

      const other = await signInAs(ctx.app, 'patrol3');
      expect((await post(`/api/inbox/${p1.items[0].id}/read`, other)).statusCode).toBe(404);
      const r = await post(`/api/inbox/${p1.items[0].id}/read`);
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ unread: 4 });
      expect((await get('/api/inbox?unread=true')).json().items.map((x: { title: string }) => x.title)).not.toContain('inbox-4');
      expect((await get('/api/inbox')).json().items.find((x: { title: string }) => x.title === 'inbox-4').readAt).not.toBeNull();
      expect((await post('/api/inbox/read-all')).json()).toEqual({ marked: 4, unread: 0 });
      expect((await get('/api/inbox?unread=true&bogus=1')).statusCode).toBe(400);
    });

    it('read all marks only what the client was shown: items up to upTo, never one that arrived after the list was loaded', async () => {
      const cookie = await signInAs(ctx.app, 'patrol2');
      const get = (url: string, c = cookie) => ctx.app.inject({ method: 'GET', url, headers: { cookie: c } });
      const readAll = (payload?: object, c = cookie) => ctx.app.inject({ method: 'POST', url: '/api/inbox/read-all', headers: { cookie: c }, ...(payload === undefined ? {} : { payload }) });
      const unreadTitles = async () => (await get('/api/inbox?unread=true&limit=200')).json().items.map((x: { title: string }) => x.title) as string[];
      await readAll();
      // Whichever item the client showed as its newest (a list loaded earlier, a page further down):
      // everything up to it is marked, everything newer — arrivals since — stays unread.
      for (let k = 0; k < 4; k++) {
        for (let i = 0; i < 4; i++) await send(`upto-${k}-${i}`, { recipients: { userIds: [ids.patrol2!] } });
        const shown = (await get('/api/inbox?limit=4')).json().items as { id: string; title: string }[];
        ctx.clock.advance(1000);
        await send(`upto-${k}-late`, { recipients: { userIds: [ids.patrol2!] } });
        const newest = shown[k]!;
        const r = await readAll({ upTo: newest.id });
        expect(r.statusCode, r.body).toBe(200);
        const stillUnread = [...shown.slice(0, k).map((x) => x.title), `upto-${k}-late`];
        expect(r.json()).toEqual({ marked: 4 - k, unread: stillUnread.length });
        expect((await unreadTitles()).sort()).toEqual(stillUnread.sort());
        await readAll();
      }
      // Someone else's item, or one that does not exist: 404 and nothing marked; a malformed upTo: 400 naming it.
      await send('upto-mine', { recipients: { userIds: [ids.patrol2!] } });
      await send('upto-theirs', { recipients: { userIds: [ids.patrol3!] } });
      const other = await signInAs(ctx.app, 'patrol3');
      const theirs = (await get('/api/inbox?limit=1', other)).json().items[0] as { id: string; title: string };
      expect(theirs.title).toBe('upto-theirs');
      expect((await readAll({ upTo: theirs.id })).statusCode).toBe(404);
      expect((await readAll({ upTo: 'no-such-item' })).statusCode).toBe(404);
      for (const bad of [{ upTo: '' }, { upTo: 7 }, { upTo: 'x'.repeat(65) }, { upto: 'x' }]) {
        const res = await readAll(bad);
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
        expect(res.body).toMatch(/upTo|upto/);
      }
      expect(await unreadTitles()).toEqual(['upto-mine']);
      expect((await get('/api/inbox?unread=true', other)).json().items.map((x: { title: string }) => x.title)).toEqual(['upto-theirs']);
      // Without upTo (older clients) every unread item is marked, as before.
      expect((await readAll()).json()).toEqual({ marked: 1, unread: 0 });
      await readAll(undefined, other);
    });
  });
}

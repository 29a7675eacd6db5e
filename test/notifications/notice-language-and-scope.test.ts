import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepCaseDeadlines } from '../../src/domain/cases/deadline-sweep.js';
import { notify, userReachable } from '../../src/domain/notifications/notify.js';
import { newId } from '../../src/domain/shared/ids.js';
import { signInAs } from '../helpers/app.js';
import { usersScopedToCommittees } from '../helpers/committee-scoped-users.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';

for (const dialect of DIALECTS) {
  describe(`notices in the reader's language, role notices within the case's committee [${dialect}]`, () => {
    let f: CaseFixture;
    let op: { own: string; other: string };
    beforeAll(async () => {
      f = await caseFixture(dialect);
      const like = { userId: f.actors.operator.userId, subdistrictId: f.hq, committeeId: f.binRoom.committeeId, at: f.ctx.clock.now() };
      op = await usersScopedToCommittees(f.ctx.handle.db, like, 'lang-op', (k) => `居委值班员${k}`);
    });
    afterAll(async () => f.ctx.close());
    const db = () => f.ctx.handle.db;

    async function dispatched() {
      let c = await f.report(f.actors.patrol1, { description: '湿垃圾桶满溢' });
      c = await f.act(f.actors.operator, c.id, { action: 'file', version: c.version });
      return f.act(f.actors.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1, userId: f.actors.handler1.userId });
    }
    const inbox = async (cookie: string, query: string, headers: Record<string, string> = {}) => {
      const r = await f.ctx.app.inject({ method: 'GET', url: `/api/inbox?limit=200${query}`, headers: { cookie, ...headers } });
      expect(r.statusCode, r.body).toBe(200);
      return r.json().items as { kind: string; title: string; body: string; caseId: string | null }[];
    };

    it("shows a case dispatched notice in English to an English reader and in Chinese to a Chinese one; older notices as written", async () => {
      const c = await dispatched();
      const dueAt = c.stageDueAt as string;
      // The dispatch notice as the case write sends it: a message key and its parameters.
      await db().transaction().execute((trx) =>
        notify(trx, f.ctx.clock, {
          subdistrictId: f.hq, recipients: { userIds: [f.actors.handler1.userId] }, kind: 'case_dispatched', caseId: c.id, dedupeKey: `lang-test:${c.id}`,
          message: { key: 'case_dispatched', params: { number: c.number, description: '湿垃圾桶满溢', dueAt } },
        }),
      );
      // A notice stored before message keys: Chinese words only.
      await db().transaction().execute((trx) =>
        notify(trx, f.ctx.clock, { subdistrictId: f.hq, recipients: { userIds: [f.actors.handler1.userId] }, kind: 'legacy', caseId: c.id, title: `旧通知 ${c.number}`, body: '旧正文', dedupeKey: `legacy:${c.id}` }),
      );
      const local = new Date(Date.parse(dueAt) + 8 * 3_600_000).toISOString();
      const cookie = await signInAs(f.ctx.app, 'handler1');
      for (const [query, headers] of [['&lang=en', {}], ['', { 'accept-language': 'en-US,en;q=0.9,zh-CN;q=0.5' }]] as const) {
        const items = await inbox(cookie, query, headers);
        const en = items.find((i) => i.caseId === c.id && i.title === `New case ${c.number}`);
        expect(en, JSON.stringify(items.filter((i) => i.caseId === c.id))).toBeDefined();
        expect(en!.body).toBe(`湿垃圾桶满溢; handle by ${local.slice(0, 10)} ${local.slice(11, 16)}`);
        expect(items.find((i) => i.kind === 'legacy' && i.caseId === c.id)).toMatchObject({ title: `旧通知 ${c.number}`, body: '旧正文' });
      }
      for (const [query, headers] of [['&lang=zh', { 'accept-language': 'en' }], ['', {}], ['', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' }]] as const) {
        const items = await inbox(cookie, query, headers);
        expect(items.filter((i) => i.caseId === c.id).some((i) => i.title.startsWith('New'))).toBe(false);
        const zh = items.filter((i) => i.caseId === c.id && i.title === `新派单 ${c.number}`);
        expect(zh.length).toBeGreaterThan(0);
        expect(zh.some((i) => i.body === `湿垃圾桶满溢，处置时限 ${local.slice(0, 10).replace(/-/g, '/')} ${local.slice(11, 16)}`)).toBe(true);
      }
      // The stored row keeps the Chinese words too (older readers, the delivery list).
      const row = await db().selectFrom('notifications').selectAll().where('dedupe_key', '=', `lang-test:${c.id}`).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ title: `新派单 ${c.number}`, message_key: 'case_dispatched' });
      expect(JSON.parse(row.params as string)).toEqual({ number: c.number, description: '湿垃圾桶满溢', dueAt });
      expect((await f.ctx.app.inject({ method: 'GET', url: '/api/inbox?lang=fr', headers: { cookie } })).statusCode).toBe(400);
    });

    it('posts to a WeCom robot set to English in English, to a Chinese one in Chinese', async () => {
      const c = await dispatched();
      const admin = await signInAs(f.ctx.app, 'admin');
      const put = (language?: string) =>
        f.ctx.app.inject({ method: 'PUT', url: `/api/notifications/webhooks/${f.hq}`, headers: { cookie: admin }, payload: { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd1234', enabled: true, ...(language ? { language } : {}) } });
      const payloadOf = async (tag: string) => {
        await db().transaction().execute((trx) =>
          notify(trx, f.ctx.clock, {
            subdistrictId: f.hq, recipients: { userIds: [f.actors.handler1.userId] }, kind: 'case_dispatched', caseId: c.id, dedupeKey: `robot:${tag}:${c.id}`,
            message: { key: 'case_dispatched', params: { number: c.number, description: '湿垃圾桶满溢', dueAt: c.stageDueAt } },
          }),
        );
        const d = await db().selectFrom('webhook_deliveries as d').innerJoin('notifications as n', 'n.id', 'd.notification_id').select('d.payload').where('n.dedupe_key', '=', `robot:${tag}:${c.id}`).executeTakeFirstOrThrow();
        return JSON.parse(d.payload).text.content as string;
      };
      let r = await put('en');
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().webhook.language).toBe('en');
      expect(await payloadOf('en')).toMatch(new RegExp(`^\\[CloseLoop\\] New case ${c.number}\\n湿垃圾桶满溢; handle by `));
      // Left out, the robot keeps its language.
      r = await put();
      expect(r.json().webhook.language).toBe('en');
      r = await put('zh');
      expect(r.json().webhook.language).toBe('zh');
      expect(await payloadOf('zh')).toMatch(new RegExp(`^【闭环】新派单 ${c.number}\\n湿垃圾桶满溢，处置时限 `));
      expect((await put('fr')).statusCode).toBe(400);
      await db().deleteFrom('notification_webhooks').where('subdistrict_id', '=', f.hq).execute();
    });

    it("the deadline sweep's notices to the desk reach the case's committee staff, not another committee's", async () => {
      f.ctx.clock.set('2026-07-01T02:00:00Z');
      const c = await dispatched();
      let r = await db().selectFrom('cases').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
      f.ctx.clock.set(new Date(Date.parse(r.stage_due_at as string) + 60_000).toISOString());
      await sweepCaseDeadlines(db(), f.ctx.clock);
      r = await db().selectFrom('cases').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
      expect(r.overdue_at).not.toBeNull();
      const heard = async (userId: string) =>
        (await db().selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id').select('n.kind').where('i.user_id', '=', userId).where('n.case_id', '=', c.id).execute()).map((x) => x.kind);
      expect(await heard(f.actors.operator.userId)).toContain('case_overdue');
      expect(await heard(op.own)).toContain('case_overdue');
      expect(await heard(op.other)).not.toContain('case_overdue');
      // A notice naming the committee outright still wins; null keeps it to the whole subdistrict's staff.
      await db().transaction().execute((trx) =>
        notify(trx, f.ctx.clock, { subdistrictId: f.hq, recipients: { roles: ['operator'], committeeId: null }, kind: 'desk_only', caseId: c.id, title: 't', body: 'b', dedupeKey: `desk-only:${c.id}` }),
      );
      expect(await heard(op.own)).not.toContain('desk_only');
      expect(await heard(f.actors.operator.userId)).toContain('desk_only');
    });

    it('whom a named notice reaches is the one exported rule (userReachable)', async () => {
      const at = f.ctx.clock.now().toISOString();
      const template = await db().selectFrom('users').selectAll().where('id', '=', f.actors.handler1.userId).executeTakeFirstOrThrow();
      const elsewhere = await db().selectFrom('subdistricts').select('id').where('id', '!=', f.hq).orderBy('code').executeTakeFirstOrThrow();
      const people: Record<string, string> = {};
      for (const [k, status, sub, scopedIn] of [
        ['home', 'active', f.hq, false], ['disabled', 'disabled', f.hq, false], ['away', 'active', elsewhere.id, false], ['scopedIn', 'active', elsewhere.id, true], ['awayDisabled', 'disabled', elsewhere.id, true],
      ] as const) {
        const id = newId();
        await db().insertInto('users').values({ ...template, id, username: `reach-${k}`, status, subdistrict_id: sub, handling_unit_id: null, phone: null, created_at: at, updated_at: at } as never).execute();
        if (scopedIn) await db().insertInto('user_scopes').values({ id: newId(), user_id: id, subdistrict_id: f.hq, committee_id: null } as never).execute();
        people[k] = id;
      }
      const ids = Object.values(people);
      await db().transaction().execute((trx) =>
        notify(trx, f.ctx.clock, { subdistrictId: f.hq, recipients: { userIds: ids }, kind: 'reach', title: 't', body: 'b', dedupeKey: `reach:${ids[0]}` }),
      );
      const delivered = new Set((await db().selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id').select('i.user_id').where('n.dedupe_key', '=', `reach:${ids[0]}`).execute()).map((x) => x.user_id));
      const rule = await db()
        .selectFrom('users as x')
        .select(['x.id', userReachable(sql.ref('x.id'), f.hq).as('ok')])
        .where('x.id', 'in', ids)
        .execute();
      const byRule = new Set(rule.filter((x) => x.ok === true || Number(x.ok) === 1).map((x) => x.id));
      expect([...byRule].sort()).toEqual([people.home, people.scopedIn].sort());
      expect([...delivered].sort()).toEqual([...byRule].sort());
    });
  });
}

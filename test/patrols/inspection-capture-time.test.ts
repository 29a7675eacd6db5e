import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { committeeOf } from './factories.js';

// Shanghai is UTC+8: 23:50 on 26 May is 15:50Z; 00:10 on 27 May is 16:10Z.
const CAPTURED = '2026-05-26T23:50:00+08:00';
const SENT = '2026-05-26T16:10:00Z';

for (const dialect of DIALECTS) {
  describe(`inspections captured offline are dated at capture [${dialect}]`, () => {
    let ctx: TestContext;
    let patrolId: string;
    let committee: string;
    let shops: string[];
    let checklist: { id: string; items: { id: string }[] };

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      const db = ctx.handle.db;
      committee = await committeeOf(db, 'cadre01');
      shops = (await db.selectFrom('sites').select('id').where('committee_id', '=', committee).where('kind', '=', 'shop').orderBy('id').execute()).map((s) => s.id);
      patrolId = (await db.selectFrom('users').select('id').where('username', '=', 'patrol1').executeTakeFirstOrThrow()).id;
      const patrol = await signInAs(ctx.app, 'patrol1');
      const list = (await ctx.app.inject({ method: 'GET', url: '/api/checklists?siteKind=shop', headers: { cookie: patrol } })).json().items;
      checklist = (await ctx.app.inject({ method: 'GET', url: `/api/checklists/${list[0].id}`, headers: { cookie: patrol } })).json();
    });
    afterAll(async () => ctx.close());

    const inspect = async (siteId: string, sentAt: string, deviceTime?: string) => {
      ctx.clock.set(sentAt);
      const cookie = await signInAs(ctx.app, 'patrol1');
      const at = await ctx.handle.db.selectFrom('sites').select(['lat', 'lng']).where('id', '=', siteId).executeTakeFirstOrThrow(); // on site: no position flag
      const position = { lat: Number(at.lat), lng: Number(at.lng), accuracyM: 8 };
      const res = await ctx.app.inject({
        method: 'POST', url: '/api/inspections', headers: { cookie },
        payload: { siteId, checklistId: checklist.id, answers: checklist.items.map((i) => ({ itemId: i.id, result: 'pass' })), position, ...(deviceTime && { deviceTime }) },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const row = (id: string) => ctx.handle.db.selectFrom('inspections').select(['local_date', 'recorded_at']).where('id', '=', id).executeTakeFirstOrThrow();
    const flagsOf = async (id: string) =>
      JSON.parse((await ctx.handle.db.selectFrom('inspections').select('evidence_flags').where('id', '=', id).executeTakeFirstOrThrow()).evidence_flags ?? '[]').map((f: { code: string; detail: { minutes?: number } }) => [f.code, f.detail.minutes]);
    const inspectionsOn = async (date: string) => {
      const cookie = await signInAs(ctx.app, 'operator');
      const act = (await ctx.app.inject({ method: 'GET', url: `/api/coverage/activity?date=${date}&committeeId=${committee}`, headers: { cookie } })).json();
      return act.items.find((p: { userId: string }) => p.userId === patrolId)?.inspections ?? 0;
    };

    it('inspected at 23:50 on 26 May and sent at 00:10: it belongs to 26 May, and the schedule counts from the visit', async () => {
      const r = await inspect(shops[0]!, SENT, CAPTURED);
      expect(r.recordedAt).toBe(new Date(CAPTURED).toISOString());
      expect(await row(r.id)).toEqual({ local_date: '2026-05-26', recorded_at: new Date(CAPTURED).toISOString() });
      expect(r.nextDueAt).toBe('2026-06-25T15:50:00.000Z'); // green: 30 days after the visit
      expect(await inspectionsOn('2026-05-26')).toBe(1);
      expect(await inspectionsOn('2026-05-27')).toBe(0);
      // Twenty minutes between capture and arrival: no flag.
      expect(await flagsOf(r.id)).toEqual([]);
    });

    it('a capture sent long after is flagged synced_late with the delay, as a check-in is', async () => {
      const late = await inspect(shops[4]!, SENT, '2026-05-26T21:10:00+08:00');
      expect(await row(late.id)).toEqual({ local_date: '2026-05-26', recorded_at: new Date('2026-05-26T21:10:00+08:00').toISOString() });
      expect(await flagsOf(late.id)).toEqual([['synced_late', 180]]);
    });

    it('a phone clock that is not believable (over 24 h old, or ahead) leaves the server\'s time deciding', async () => {
      const old = await inspect(shops[1]!, SENT, '2026-05-25T20:00:00+08:00');
      expect(await row(old.id)).toEqual({ local_date: '2026-05-27', recorded_at: new Date(SENT).toISOString() });
      const ahead = await inspect(shops[2]!, SENT, '2026-05-27T09:00:00+08:00');
      expect(await row(ahead.id)).toEqual({ local_date: '2026-05-27', recorded_at: new Date(SENT).toISOString() });
      const none = await inspect(shops[3]!, SENT);
      expect(await row(none.id)).toEqual({ local_date: '2026-05-27', recorded_at: new Date(SENT).toISOString() });
      // The refused phone clocks are flagged for review with how far off they were; no device time, no flag.
      expect((await flagsOf(old.id)).map((f: [string, number]) => f[0])).toEqual(['device_time_far']);
      expect(await flagsOf(ahead.id)).toEqual([['device_time_far', 530]]);
      expect(await flagsOf(none.id)).toEqual([]);
    });
  });
}

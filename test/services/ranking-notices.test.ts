import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiMidnight } from '../../src/domain/calendar/office-hours.js';
import { noticeRankingTalks, RANKING_NOTICES_CURSOR, RANKING_TALK_KIND } from '../../src/domain/service-ratings/ranking-notices.js';
import { DIALECTS } from '../helpers/db.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { englishRobot, expectEnglish, seeNotice } from '../notifications/notice-reading.js';
import { actorOf, ratingRow, recordToClone, servicesContext } from './helpers.js';

// Once a month is over, the desk hears who came last in the 好差评 ranking two months running —
// once, however often the job runs — and nobody hears anything when nobody is due a talk.
for (const kind of DIALECTS) {
  describe(`好差评 ranking notices [${kind}]`, () => {
    let ctx: TestContext;
    let hongqiao = '';
    let clone: (n: number) => Promise<string[]>;
    let itemId = '';
    const points: { id: string; name: string; subdistrict_id: string; committee_id: string | null }[] = [];
    const staff: { id: string; display_name: string }[] = [];

    beforeAll(async () => {
      ctx = await servicesContext(kind);
      const db = ctx.handle.db;
      const cadre = await actorOf(ctx, 'cadre01');
      hongqiao = cadre.subdistrictId as string;
      const source = await recordToClone(ctx);
      clone = source.clone;
      itemId = source.row.item_id;
      points.push(...(await db.selectFrom('service_points').select(['id', 'name', 'subdistrict_id', 'committee_id']).where('subdistrict_id', '=', hongqiao).where('kind', '=', 'committee_window').orderBy('code').limit(3).execute()));
      staff.push(...(await db.selectFrom('users').select(['id', 'display_name']).where('username', 'in', ['cadre01', 'cadre02']).orderBy('username').execute()));
    }, 120_000);
    afterAll(async () => ctx?.close());

    /** 12 ratings a point in a month; the weak point's (served by the first person) has `bad` 差评 among them, the others' none. */
    async function rate(month: string, bad: number) {
      const db = ctx.handle.db;
      const start = shanghaiMidnight(`${month}-01`);
      for (const [p, point] of points.entries()) {
        for (let i = 0; i < 12; i++) {
          const [id] = await clone(1);
          await db.insertInto('service_ratings').values(ratingRow({
            recordId: id!, point, itemId, staffId: staff[p === 0 ? 0 : 1]!.id, level: p === 0 && i < bad ? 1 : 5, at: new Date(start + (i + 1) * 86_400_000).toISOString(),
          })).execute();
        }
      }
    }
    const notices = () => ctx.handle.db.selectFrom('notifications').select(['id', 'title', 'body']).where('kind', '=', RANKING_TALK_KIND).execute();
    const inboxOf = async (username: string) =>
      ctx.handle.db.selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id').innerJoin('users as u', 'u.id', 'i.user_id')
        .select('n.title').where('u.username', '=', username).where('n.kind', '=', RANKING_TALK_KIND).execute();

    it('after a month, names the point and the person last two months running to operators and leaders, once', async () => {
      // Clock: 2026-05-26. March and April both have the weak point last; the notice is April's.
      await rate('2026-03', 2);
      await rate('2026-04', 3);
      const robot = await englishRobot(ctx.handle.db, hongqiao);
      expect(await noticeRankingTalks(ctx.handle.db, ctx.clock)).toBe(1);
      await robot.remove();
      const [n, ...more] = await notices();
      expect(more).toEqual([]);
      expect(n!.title).toBe('2026-04 好差评排名：连续两个月末位');
      expect(n!.body).toContain(`服务点：${points[0]!.name}`);
      expect(n!.body).toContain(`工作人员：${staff[0]!.display_name}`);
      expect(n!.body).not.toContain(points[1]!.name);
      expect((await inboxOf('operator')).length).toBe(1);
      expect((await inboxOf('leader')).length).toBe(1);
      expect((await inboxOf('cadre01')).length).toBe(0);
      // In the reader's language; the title starts with the month in both (the inbox links it to that month's ranking).
      const seen = await seeNotice(ctx.app, ctx.handle.db, await signInAs(ctx.app, 'operator'), RANKING_TALK_KIND);
      expect(seen.zh).toEqual({ title: n!.title, body: n!.body });
      expect(seen.zh.body).toBe(`服务点：${points[0]!.name}；工作人员：${staff[0]!.display_name}。2026-03 和 2026-04 好差评排名均为末位，应当约谈。`);
      expect(seen.en).toEqual({
        title: '2026-04 service ratings: last two months running',
        body: `Service points: ${points[0]!.name}; Staff: ${staff[0]!.display_name}. Last in the service-rating ranking in both 2026-03 and 2026-04: a formal talk is due.`,
      });
      expectEnglish(seen.en.body, [points[0]!.name, staff[0]!.display_name]);
      expect(seen.robot).toBe(`[CloseLoop] ${seen.en.title}\n${seen.en.body}`);
      // Again in the same month: the cursor says April is done. Without the cursor, the dedupe key holds.
      expect(await noticeRankingTalks(ctx.handle.db, ctx.clock)).toBe(0);
      await ctx.handle.db.deleteFrom('patrol_job_cursors').where('name', '=', RANKING_NOTICES_CURSOR).execute();
      await noticeRankingTalks(ctx.handle.db, ctx.clock);
      expect((await notices()).length).toBe(1);
      expect((await inboxOf('operator')).length).toBe(1);
    });

    it('tells nobody when nobody is last twice, and moves on to the next month', async () => {
      // May: the weak point recovers (no 差评; everyone at 100 % and ★5: nobody is last).
      await rate('2026-05', 0);
      ctx.clock.set(new Date('2026-06-01T01:00:00Z')); // 09:00 on 1 June, Shanghai
      expect(await noticeRankingTalks(ctx.handle.db, ctx.clock)).toBe(0);
      expect((await notices()).length).toBe(1);
      const cur = await ctx.handle.db.selectFrom('patrol_job_cursors').select('cursor_at').where('name', '=', RANKING_NOTICES_CURSOR).executeTakeFirstOrThrow();
      expect(cur.cursor_at).toBe(new Date(shanghaiMidnight('2026-05-01')).toISOString());
    });
  });
}

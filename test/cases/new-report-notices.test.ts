import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMIT_SKEW_MS, notifyNewReports, operatorsOnDuty } from '../../src/domain/cases/new-report-notices.js';
import { createStaff } from '../../src/domain/staff/staff.js';
import { newReportsPoller } from '../../src/jobs/new-reports.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { englishRobot, expectEnglish, seeNotice } from '../notifications/notice-reading.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

for (const dialect of DIALECTS) {
  describe(`inbox messages for new reports to the operators on duty [${dialect}]`, () => {
    let f: CaseFixture;
    let secondOperator: string;
    beforeAll(async () => {
      f = await caseFixture(dialect);
      f.ctx.clock.set('2026-05-26T02:00:00Z');
      secondOperator = await createStaff(f.ctx.handle.db, f.ctx.clock, f.actors.admin, {
        username: 'operator.night', displayName: '夜班值班员', role: 'operator', password: 'a-long-passphrase-9', scopes: [{ subdistrictId: f.hq }],
      });
    });
    afterAll(async () => f.ctx.close());

    const db = () => f.ctx.handle.db;
    const messagesOf = (userId: string) =>
      db().selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id')
        .select(['n.title', 'n.body', 'n.case_id', 'n.subdistrict_id']).where('i.user_id', '=', userId).where('n.kind', '=', 'cases_reported')
        .orderBy('n.created_at').execute();
    const later = (ms: number) => f.ctx.clock.set(new Date(f.ctx.clock.now().getTime() + ms).toISOString());

    it('with nobody signed in, every operator of the subdistrict is on duty; a signed-in operator alone is, once signed in', async () => {
      expect(new Set(await operatorsOnDuty(db(), f.ctx.clock, f.hq))).toEqual(new Set([f.actors.operator.userId, secondOperator]));
      await signInAs(f.ctx.app, 'operator');
      expect(await operatorsOnDuty(db(), f.ctx.clock, f.hq)).toEqual([f.actors.operator.userId]);
    });

    it('names the reports waiting to be filed in one message per round, once, to the operators on duty of their subdistrict only', async () => {
      // The first round only sets the cursor (nothing reported in its look-back).
      await notifyNewReports(db(), f.ctx.clock);
      later(60_000);
      const a = await f.report(f.actors.patrol1, { description: '厨余垃圾混投' });
      const b = await f.report(f.actors.patrol1, { description: '箱房门未关' });
      const urgent = await f.report(f.actors.patrol1, { categoryId: f.categories.A0101, description: '湿垃圾桶满溢' });
      // Too recent to be sure it committed: the window stops COMMIT_SKEW_MS short of now.
      expect(await notifyNewReports(db(), f.ctx.clock)).toBe(0);
      later(COMMIT_SKEW_MS + 1000);
      const job = newReportsPoller({ db: db(), config: f.ctx.deps.config, clock: f.ctx.clock, logger: { error: (e) => { throw e; } } });
      expect(await job.runOnce()).toBe(2);
      expect(await job.runOnce()).toBe(0);
      const msgs = await messagesOf(f.actors.operator.userId);
      expect(msgs).toHaveLength(1);
      expect(msgs[0]!.title).toBe('新上报 2 件待立案');
      expect(msgs[0]!.body).toContain(a.number);
      expect(msgs[0]!.body).toContain(b.number);
      expect(msgs[0]!.body).not.toContain(urgent.number); // announced on its own at once
      expect(await messagesOf(secondOperator)).toHaveLength(0); // not signed in while another operator is
      expect(await messagesOf(f.actors.xxOperator.userId)).toHaveLength(0);
    });

    it('a report filed before the round is not announced; a single one is linked to its case', async () => {
      const filedFirst = await f.report(f.actors.patrol1, { description: '桶身破损' });
      await f.act(f.actors.operator, filedFirst.id, { action: 'file', version: 1 });
      const single = await f.report(f.actors.patrol1, { description: '垃圾散落' });
      later(COMMIT_SKEW_MS + 1000);
      expect(await notifyNewReports(db(), f.ctx.clock)).toBe(1);
      const last = (await messagesOf(f.actors.operator.userId)).at(-1)!;
      expect(last).toMatchObject({ title: `新上报待立案 ${single.number}`, case_id: single.id, subdistrict_id: f.hq });
      expect(last.body).not.toContain(filedFirst.number);
    });

    it("the round and an urgent report's notice read in the reader's language: inbox in English or Chinese, an English robot in English", async () => {
      const robot = await englishRobot(db(), f.hq);
      later(60_000);
      const a = await f.report(f.actors.patrol1, { description: '厨余垃圾混投' });
      const b = await f.report(f.actors.patrol1, { description: '箱房门未关' });
      const urgent = await f.report(f.actors.patrol1, { categoryId: f.categories.A0101, description: '湿垃圾桶满溢' });
      later(COMMIT_SKEW_MS + 1000);
      expect(await notifyNewReports(db(), f.ctx.clock)).toBe(2);
      const cookie = await signInAs(f.ctx.app, 'operator');
      const cats = await db().selectFrom('case_categories').select(['id', 'name_zh', 'name_en']).where('id', 'in', [f.categories.A0101!, (await db().selectFrom('cases').select('category_id').where('id', '=', a.id).executeTakeFirstOrThrow()).category_id]).execute();
      const cat = (id: string) => cats.find((c) => c.id === id)!;
      const aCat = cat((await db().selectFrom('cases').select('category_id').where('id', '=', a.id).executeTakeFirstOrThrow()).category_id);

      const round = await seeNotice(f.ctx.app, db(), cookie, 'cases_reported');
      expect(round.zh).toEqual({ title: '新上报 2 件待立案', body: `${a.number} ${aCat.name_zh}：厨余垃圾混投\n${b.number} ${aCat.name_zh}：箱房门未关` });
      expect(round.en).toEqual({ title: '2 new reports to file', body: `${a.number} ${aCat.name_en}: 厨余垃圾混投\n${b.number} ${aCat.name_en}: 箱房门未关` });
      expectEnglish(round.en.title + round.en.body, ['厨余垃圾混投', '箱房门未关']);
      expect(round.robot).toBe(`[CloseLoop] ${round.en.title}\n${round.en.body}`);

      const u = await seeNotice(f.ctx.app, db(), cookie, 'case_urgent', urgent.id);
      expect(u.zh).toEqual({ title: `紧急案件待立案 ${urgent.number}`, body: `${cat(f.categories.A0101!).name_zh}：湿垃圾桶满溢` });
      expect(u.en).toEqual({ title: `Urgent case to file ${urgent.number}`, body: `${cat(f.categories.A0101!).name_en}: 湿垃圾桶满溢` });
      expect(u.robot).toBe(`[CloseLoop] ${u.en.title}\n${u.en.body}`);
      await robot.remove();

      // More than are named: the rest are counted, in each language.
      later(60_000);
      for (let i = 0; i < 7; i++) await f.report(f.actors.patrol1, { description: `散落${i}` });
      later(COMMIT_SKEW_MS + 1000);
      expect(await notifyNewReports(db(), f.ctx.clock)).toBe(7);
      const many = await seeNotice(f.ctx.app, db(), cookie, 'cases_reported');
      expect(many.zh.title).toBe('新上报 7 件待立案');
      expect(many.zh.body.split('\n')).toHaveLength(6);
      expect(many.zh.body.split('\n').at(-1)).toBe('另有 2 件');
      expect(many.en.title).toBe('7 new reports to file');
      expect(many.en.body.split('\n').at(-1)).toBe('and 2 more');
      expect(many.robot).toBeNull();
    });
  });
}

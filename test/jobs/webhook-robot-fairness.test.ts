import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { WECOM_ROBOT_RATE } from '../../src/domain/jobs/rate-budget.js';
import { dueDeliveryIds } from '../../src/domain/notifications/deliveries.js';
import { notify } from '../../src/domain/notifications/notify.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DEFAULT_INTERVAL_MS, webhookDeliveryPoller, type WebhookJobOptions } from '../../src/jobs/webhook-deliveries.js';
import { demoContext, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { robotReceiver } from '../helpers/receiver.js';

/** How long one token of a WeCom robot's budget takes to come back (20 a minute). */
const TOKEN_MS = Math.ceil(1 / WECOM_ROBOT_RATE.perMs);

for (const dialect of DIALECTS) {
  describe(`WeCom robots share no queue: one subdistrict's backlog holds back no other [${dialect}]`, () => {
    let ctx: TestContext;
    let db: Db;
    let robot: Awaited<ReturnType<typeof robotReceiver>>;
    let a: string;
    let b: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect, { OUTBOUND_ALLOW_HOSTS: '127.0.0.1', OUTBOUND_ALLOW_HTTP: 'true' });
      db = ctx.handle.db;
      robot = await robotReceiver();
      [a, b] = (await db.selectFrom('subdistricts').select('id').orderBy('code').limit(2).execute()).map((s) => s.id) as [string, string];
      const now = ctx.clock.now().toISOString();
      await db.deleteFrom('notification_webhooks').execute();
      await db
        .insertInto('notification_webhooks')
        .values([a, b].map((s, i) => ({ id: newId(), subdistrict_id: s, url: `${robot.url}&robot=${'AB'[i]}`, enabled: 1, created_at: now, updated_at: now })))
        .execute();
    }, 60_000);
    afterAll(async () => {
      await robot.close();
      await ctx.close();
    });
    beforeEach(async () => {
      await db.deleteFrom('webhook_deliveries').execute();
      await db.deleteFrom('rate_budgets').execute();
      robot.received.length = 0;
    });

    const send = (subdistrictId: string, title: string) =>
      db.transaction().execute((t) => notify(t, ctx.clock, { subdistrictId, recipients: { roles: ['operator'] }, kind: 'case.overdue', title, body: 'b' }));
    /** Titles each robot received, in order. */
    const got = (r: 'A' | 'B') =>
      robot.received.filter((x) => x.url.endsWith(`&robot=${r}`)).map((x) => (JSON.parse(x.body) as { text: { content: string } }).text.content.split('\n')[0]!.replace('【闭环】', ''));
    const instances = (n: number, o: WebhookJobOptions = {}) =>
      Array.from({ length: n }, () =>
        webhookDeliveryPoller({ db, clock: ctx.clock, config: { ...ctx.deps.config, wecomWebhookUrl: '' }, logger: { error: () => {} } }, { random: () => 0.5, ...o }),
      );

    const cases: { name: string; instances: number; backlog: number; o: WebhookJobOptions }[] = [
      { name: 'defaults, one instance', instances: 1, backlog: 60, o: {} },
      { name: 'defaults, two instances', instances: 2, backlog: 60, o: {} },
      // More rows a round than the budget refills: the budget, not the claim, is what runs out.
      { name: 'five a round, one instance', instances: 1, backlog: 60, o: { perRobot: 5 } },
      { name: 'five a round, two instances', instances: 2, backlog: 100, o: { perRobot: 5, batchSize: 8 } },
    ];
    for (const c of cases) {
      it(`every message of B goes out in the round it is due in, while A drains a backlog of ${c.backlog} within its budget (${c.name})`, async () => {
        for (let i = 0; i < c.backlog; i++) await send(a, `A${i}`);
        ctx.clock.advance(1000);
        const jobs = instances(c.instances, c.o);
        const start = ctx.clock.now().getTime();
        const rounds = 20;
        for (let r = 0; r < rounds; r++) {
          await send(b, `B${r}`);
          await Promise.all(jobs.map((j) => j.runOnce()));
          expect(got('B'), `round ${r}`).toEqual(Array.from({ length: r + 1 }, (_, i) => `B${i}`));
          // A's robot never gets more than its budget: the full bucket, then what refilled since.
          const elapsed = ctx.clock.now().getTime() - start;
          expect(got('A').length).toBeLessThanOrEqual(WECOM_ROBOT_RATE.capacity + Math.floor(elapsed * WECOM_ROBOT_RATE.perMs));
          ctx.clock.advance(DEFAULT_INTERVAL_MS);
        }
        for (const j of jobs) await j.destroy();
        const sentA = got('A');
        // None twice; from one instance in the order written (two post side by side, so only
        // roughly); and the robot kept busy: at least its refill rate over the rounds.
        expect(new Set(sentA).size).toBe(sentA.length);
        if (c.instances === 1) expect(sentA).toEqual(Array.from({ length: sentA.length }, (_, i) => `A${i}`));
        expect(sentA.length).toBeGreaterThanOrEqual(Math.min(c.backlog, Math.floor((rounds * DEFAULT_INTERVAL_MS) / TOKEN_MS) - 1));
        // A deferral is not an attempt: every message sent went out on its first.
        const attempts = await db.selectFrom('webhook_deliveries').select(['attempts', 'status']).where('status', '=', 'sent').execute();
        expect(attempts.every((x) => Number(x.attempts) === 1)).toBe(true);
      });
    }

    it('a row that finds its robot budget spent waits, with its subdistrict queue, until a token is back; other robots rows are claimed meanwhile', async () => {
      for (let i = 0; i < 24; i++) await send(a, `A${i}`);
      ctx.clock.advance(1000);
      const [job] = instances(1, { perRobot: 50 });
      await job!.runOnce();
      expect(got('A')).toHaveLength(WECOM_ROBOT_RATE.capacity);
      const refill = new Date(ctx.clock.now().getTime() + TOKEN_MS).toISOString();
      const waiting = await db.selectFrom('webhook_deliveries').select(['status', 'attempts', 'next_attempt_at']).where('subdistrict_id', '=', a).where('status', '!=', 'sent').execute();
      expect(waiting).toHaveLength(4);
      for (const w of waiting) {
        expect(w.status).toBe('pending');
        expect(Number(w.attempts)).toBe(0);
        expect(new Date(w.next_attempt_at).toISOString()).toBe(refill);
      }
      // Until then none of A's rows is due: a message for B queued now is the only one a claim sees.
      await send(b, 'B0');
      const bRow = await db.selectFrom('webhook_deliveries').select('id').where('subdistrict_id', '=', b).executeTakeFirstOrThrow();
      expect(await dueDeliveryIds(db, ctx.clock, 1)).toEqual([bRow.id]);
      ctx.clock.advance(TOKEN_MS - 1);
      expect(await dueDeliveryIds(db, ctx.clock, 50)).toEqual([bRow.id]);
      await job!.runOnce();
      expect(got('B')).toEqual(['B0']);
      // When the token is back, the oldest of A's queue goes first.
      ctx.clock.advance(1);
      await job!.runOnce();
      expect(got('A')).toEqual(Array.from({ length: WECOM_ROBOT_RATE.capacity + 1 }, (_, i) => `A${i}`));
      await job!.destroy();
    });
  });
}

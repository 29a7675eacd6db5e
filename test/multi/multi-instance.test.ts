import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../src/db/index.js';
import { notify } from '../../src/domain/notifications/notify.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { DIALECTS } from '../helpers/db.js';
import { type Cluster, signInOver, startCluster } from '../helpers/instances.js';
import { robotReceiver } from '../helpers/receiver.js';

/** Polls `check` until it returns a value other than undefined, or fails after `ms`. */
async function eventually<T>(ms: number, check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Two real `closeloop serve` processes on one PostgreSQL database.
describe.runIf(DIALECTS.includes('postgres'))('two instances on one PostgreSQL database', () => {
  let cluster: Cluster;
  let db: DatabaseHandle;
  let robot: Awaited<ReturnType<typeof robotReceiver>>;
  let hq: string;

  beforeAll(async () => {
    robot = await robotReceiver();
    cluster = await startCluster({ instances: 2, env: { WECOM_WEBHOOK_URL: robot.url } });
    db = createDatabase({ kind: 'postgres', url: cluster.databaseUrl });
    hq = (await db.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await cluster?.close();
    await robot?.close();
  });

  const api = (i: number) => cluster.instances[i]!.url;

  it('each job runs on one instance: one lease holder per job, and a folded event is counted once', async () => {
    const leases = await eventually(10_000, async () => {
      const rows = await db.db.selectFrom('job_leases').select(['name', 'holder']).execute();
      return rows.length >= 5 ? rows : undefined;
    }, 'every leased job has a holder');
    expect(new Set(leases.map((l) => l.name)).size).toBe(leases.length);

    const before = await db.db.selectFrom('case_rollups_subdistrict_daily').select((eb) => eb.fn.sum<number>('reported').as('n')).where('subdistrict_id', '=', hq).executeTakeFirst();
    const cookie = await signInOver(api(0), 'patrol1');
    const site = await db.db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    const cat = await db.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${api(i % 2)}/api/cases`, {
        method: 'POST',
        headers: { cookie: i % 2 ? await signInOver(api(1), 'patrol1') : cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'patrol', categoryId: cat.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: `多实例测试 ${i}` }),
      });
      expect(res.status, await res.text()).toBe(201);
    }
    // Both instances' rollup pollers run every 250 ms; the three reports are counted exactly once.
    await eventually(10_000, async () => {
      const behind = await db.db.selectFrom('chain_heads as h').innerJoin('rollup_cursors as r', 'r.subdistrict_id', 'h.subdistrict_id')
        .select('h.seq').where('h.subdistrict_id', '=', hq).whereRef('r.seq', '=', 'h.seq').executeTakeFirst();
      return behind ? true : undefined;
    }, 'the rollups caught up');
    await new Promise((r) => setTimeout(r, 600)); // a few more rounds on both instances
    const after = await db.db.selectFrom('case_rollups_subdistrict_daily').select((eb) => eb.fn.sum<number>('reported').as('n')).where('subdistrict_id', '=', hq).executeTakeFirst();
    expect(Number(after?.n ?? 0) - Number(before?.n ?? 0)).toBe(3);
  });

  it('webhook messages queued while both instances deliver reach the robot exactly once each', async () => {
    const titles = Array.from({ length: 8 }, (_, i) => `multi-${i}`);
    for (const title of titles) {
      await db.db.transaction().execute((trx) => notify(trx, systemClock, { subdistrictId: hq, recipients: { roles: ['operator'] }, kind: 'case.overdue', title, body: '两实例' }));
    }
    // Webhook rounds run every 6 s on each instance, 20 messages a minute in all.
    await eventually(30_000, async () => {
      const pending = await db.db.selectFrom('webhook_deliveries').select('id').where('status', 'in', ['pending', 'sending']).execute();
      return pending.length === 0 ? true : undefined;
    }, 'every message delivered');
    for (const title of titles) {
      expect(robot.received.filter((r) => (JSON.parse(r.body) as { text: { content: string } }).text.content.startsWith(`【闭环】${title}\n`))).toHaveLength(1);
    }
    const budget = await db.db.selectFrom('rate_budgets').selectAll().execute();
    expect(budget).toHaveLength(1);
  }, 60_000);
});

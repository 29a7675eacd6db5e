import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { createFileStore } from '../../src/domain/storage/index.js';
import { originalKey } from '../../src/domain/storage/keys.js';
import { createDatabase, type DatabaseHandle } from '../../src/db/index.js';
import { DEMO_PASSWORD } from '../../src/domain/demo/seed-demo.js';
import { seedServicesDemo } from '../../src/domain/demo/seed-services.js';
import { notify } from '../../src/domain/notifications/notify.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { DIALECTS } from '../helpers/db.js';
import { type Cluster, signInOver, startCluster } from '../helpers/instances.js';
import { robotReceiver } from '../helpers/receiver.js';
import { jpegWithExif, multipart } from '../helpers/images.js';
import { pdfText } from '../helpers/pdf-text.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { openDashboardStream } from '../helpers/sse.js';
import { workingDeadline } from '../helpers/working-deadline.js';

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
describe.runIf(DIALECTS.includes('postgres'))('two instances on one PostgreSQL database', { timeout: 90_000 }, () => {
  let cluster: Cluster;
  let db: DatabaseHandle;
  let robot: Awaited<ReturnType<typeof robotReceiver>>;
  let hq: string;
  let s3: TestS3;

  beforeAll(async () => {
    robot = await robotReceiver();
    s3 = await startS3();
    cluster = await startCluster({ instances: 2, env: { WECOM_WEBHOOK_URL: robot.url, OUTBOUND_ALLOW_HOSTS: '127.0.0.1', OUTBOUND_ALLOW_HTTP: 'true', ...s3.env } });
    db = createDatabase({ kind: 'postgres', url: cluster.databaseUrl });
    hq = (await db.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await cluster?.close();
    await robot?.close();
    await s3?.close();
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

  it('a photo uploaded through one instance is served by the other and cited in an enforcement document there', async () => {
    const e1On1 = await signInOver(api(0), 'enforcer1');
    const taken = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');
    const jpeg = await jpegWithExif({ taken, seed: 11 });
    const m = multipart(jpeg);
    const up = await fetch(`${api(0)}/api/photos`, { method: 'POST', headers: { ...m.headers, cookie: e1On1 }, body: m.payload });
    expect(up.status, await up.clone().text()).toBe(201);
    const photo = (await up.json()) as { id: string; url: string; thumbUrl: string };

    const e1On2 = await signInOver(api(1), 'enforcer1');
    const served = await fetch(`${api(1)}${photo.url}`, { headers: { cookie: e1On2 } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(jpeg)).toBe(true);
    expect((await fetch(`${api(1)}${photo.thumbUrl}`, { headers: { cookie: e1On2 } })).headers.get('x-photo-placeholder')).toBeNull();
    // The same scope checks on the other instance: another subdistrict's admin gets a 404.
    expect((await fetch(`${api(1)}${photo.url}`, { headers: { cookie: await signInOver(api(1), 'xx-admin') } })).status).toBe(404);

    const q = db.db;
    const shop = await q.selectFrom('sites').select('id').where('subdistrict_id', '=', hq).where('kind', '=', 'shop').orderBy('id').executeTakeFirstOrThrow();
    const cat = await q.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'B0401').executeTakeFirstOrThrow();
    const basis = await q.selectFrom('legal_bases').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'SH-DWMR-26-1').executeTakeFirstOrThrow();
    const e2 = await q.selectFrom('users').select('id').where('username', '=', 'enforcer2').executeTakeFirstOrThrow();
    const gps = { lng: 121.4215, lat: 31.2001, accuracy: 8 };
    const post = (url: string, body: object) => fetch(`${api(1)}${url}`, { method: 'POST', headers: { cookie: e1On2, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const opened = await post('/api/enforcement/cases', { siteId: shop.id, categoryId: cat.id, gps, legalBasisId: basis.id, facts: '未设置分类标识' });
    expect(opened.status, await opened.clone().text()).toBe(201);
    const ec = (await opened.json()) as { id: string };
    const step = await post(`/api/enforcement/cases/${ec.id}/steps`, {
      kind: 'order', version: 1, coOfficerId: e2.id, gps, photoIds: [photo.id], educationGiven: true, deadlineAt: workingDeadline(Date.now()), deadlineReason: '店主承诺次日完成整改',
    });
    expect(step.status, await step.clone().text()).toBe(201);
    const doc = ((await step.json()) as { document: { id: string; pdfSha256: string; verifyCode: string; content: { photos: { sha256: string }[] } } }).document;
    expect(doc.content.photos.map((p) => p.sha256)).toHaveLength(1);
    // The document made on instance 2 is served by instance 1 from the shared bucket (not a column, not a disk).
    const pdf = await fetch(`${api(0)}/api/enforcement/documents/${doc.id}/pdf`, { headers: { cookie: e1On1 } });
    expect(pdf.status).toBe(200);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(await pdfText(bytes)).toContain('责令');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(doc.pdfSha256);
    const bucket = createFileStore(readConfig({ ...s3.env }).storage);
    try {
      expect((await bucket.get(originalKey(doc.pdfSha256)))?.equals(bytes)).toBe(true);
    } finally {
      await bucket.close();
    }
    expect((await q.selectFrom('enforcement_documents').select('pdf').where('id', '=', doc.id).executeTakeFirstOrThrow()).pdf).toBeNull();
    const verified = await fetch(`${api(0)}/api/enforcement/documents/verify?code=${doc.verifyCode}`, { headers: { cookie: e1On1 } });
    expect(await verified.json()).toMatchObject({ valid: true, checks: { pdf: true } });
    expect((await fetch(`${api(0)}/api/enforcement/documents/${doc.id}/pdf`, { headers: { cookie: await signInOver(api(0), 'xx-admin') } })).status).toBe(404);
  });

  it('an event reported through one instance reaches dashboard streams on both within 1 s, each within its scope', async () => {
    const ops = await Promise.all([0, 1].map(async (i) => openDashboardStream(api(i), await signInOver(api(i), 'operator'))));
    const xx = await openDashboardStream(api(1), await signInOver(api(1), 'xx-operator'));
    try {
      const site = await db.db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      const cat = await db.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'A0301').executeTakeFirstOrThrow();
      const cookie = await signInOver(api(0), 'patrol1');
      for (let round = 0; round < 3; round++) {
        const res = await fetch(`${api(0)}/api/cases`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: JSON.stringify({ source: 'patrol', categoryId: cat.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: `实时推送 ${round}` }),
        });
        const reportedAt = performance.now();
        expect(res.status).toBe(201);
        const id = ((await res.json()) as { id: string }).id;
        for (const s of ops) {
          const ev = await s.waitFor((e) => e.event === 'case' && e.data.caseId === id, 5000);
          expect(ev.at - reportedAt).toBeLessThan(1000);
        }
      }
      // Xianxia's operator on instance 2 saw none of Hongqiao's events.
      expect(xx.events.filter((e) => e.event === 'case')).toHaveLength(0);
    } finally {
      for (const s of [...ops, xx]) s.close();
    }
  });

  it("a ticket issued through one instance reaches the other's window screens and dashboards (the 一网通办 board), each within its scope", async () => {
    // The 一网通办 network (the cluster's database has the case demo only).
    await seedServicesDemo(db.db, systemClock, { password: DEMO_PASSWORD });
    const point = await db.db.selectFrom('service_points').select('id').where('code', '=', 'YW008-CW01').executeTakeFirstOrThrow();
    const item = await db.db.selectFrom('service_point_items').select('item_id').where('point_id', '=', point.id).orderBy('item_id').executeTakeFirstOrThrow();
    const window1 = await openDashboardStream(api(1), await signInOver(api(1), 'cadre01'), {}, '/api/services/stream');
    const op1 = await openDashboardStream(api(1), await signInOver(api(1), 'operator'));
    const xx = await openDashboardStream(api(1), await signInOver(api(1), 'xx-operator'));
    try {
      const res = await fetch(`${api(0)}/api/services/queue/tickets`, {
        method: 'POST',
        headers: { cookie: await signInOver(api(0), 'cadre01'), 'content-type': 'application/json' },
        body: JSON.stringify({ pointId: point.id, itemId: item.item_id }),
      });
      expect(res.status).toBe(201);
      const change = await window1.waitFor((e) => e.event === 'change', 5000);
      expect(change.data).toEqual({ pointId: point.id, kind: 'ticket' });
      const board = await op1.waitFor((e) => e.event === 'services', 5000);
      const cw01 = (board.data.subdistricts as { waits: { pointId: string; tickets: number }[] }[]).flatMap((s) => s.waits).find((w) => w.pointId === point.id);
      expect(cw01?.tickets).toBeGreaterThanOrEqual(1);
      expect(xx.events.filter((e) => e.event === 'services')).toHaveLength(0);
    } finally {
      for (const s of [window1, op1, xx]) s.close();
    }
  });
});

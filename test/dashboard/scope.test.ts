import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/auth/actor.js';
import { reportCase } from '../../src/domain/cases/report-case.js';
import { foldPendingEvents } from '../../src/domain/dashboard/fold-events.js';
import { hubFor } from '../../src/domain/dashboard/hub.js';
import { dashboardRollupsPoller } from '../../src/jobs/dashboard-rollups.js';
import { actorOf, signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { type SseStream, openDashboardStream } from '../helpers/sse.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';

const openStream = (port: number, cookie: string, headers: Record<string, string> = {}) => openDashboardStream(`http://127.0.0.1:${port}`, cookie, headers);

for (const dialect of DIALECTS) {
  describe(`dashboard scope on the API and the stream [${dialect}]`, () => {
    let f: CaseFixture;
    let port: number;
    let committeeB: string;
    let xxOperator: Actor;
    let xxCommittee: string;
    let xxCategory: string;
    const cookies: Record<string, string> = {};
    const get = (who: string, url: string) => f.ctx.app.inject({ method: 'GET', url, headers: { cookie: cookies[who]! } });

    beforeAll(async () => {
      f = await caseFixture(dialect);
      for (const u of ['operator', 'cadre01', 'xx-operator', 'handler1', 'district-admin']) cookies[u] = await signInAs(f.ctx.app, u);
      const db = f.ctx.handle.db;
      committeeB = (await db.selectFrom('committees').select('id').where('subdistrict_id', '=', f.hq).where('code', '=', '002').executeTakeFirstOrThrow()).id;
      xxOperator = await actorOf(f.ctx, 'xx-operator');
      xxCommittee = (await db.selectFrom('committees').select('id').where('subdistrict_id', '=', xxOperator.subdistrictId!).orderBy('code').executeTakeFirstOrThrow()).id;
      xxCategory = (await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', xxOperator.subdistrictId!).where('code', '=', 'A0301').executeTakeFirstOrThrow()).id;
      await f.ctx.app.listen({ port: 0, host: '127.0.0.1' });
      port = (f.ctx.app.server.address() as AddressInfo).port;
    });
    afterAll(async () => f.ctx.close());

    const reportIn = (committeeId: string) => f.report(f.actors.patrol1, { siteId: undefined, committeeId, description: `问题 ${committeeId}` });
    const reportXianxia = () => f.ctx.handle.db.transaction().execute((trx) => reportCase(trx, f.ctx.clock, xxOperator, {
      source: 'citizen', categoryId: xxCategory, committeeId: xxCommittee, lng: 121.37, lat: 31.2, description: '仙霞的问题',
    } as never));

    it('refuses what the viewer may not see (404), roles without the dashboard (403), and bad input (400 naming the field)', async () => {
      expect((await get('cadre01', `/api/dashboard/summary?committeeId=${committeeB}`)).statusCode).toBe(404);
      expect((await get('xx-operator', `/api/dashboard/summary?subdistrictId=${f.hq}`)).statusCode).toBe(404);
      expect((await get('xx-operator', `/api/dashboard/rankings?subdistrictId=${f.hq}`)).statusCode).toBe(404);
      expect((await get('cadre01', `/api/dashboard/map?committeeId=${committeeB}`)).statusCode).toBe(404);
      // A cadre's own map (no filter): only their committee's sites, every one of them.
      const own = (await get('cadre01', '/api/dashboard/map')).json().sites as { committeeId: string }[];
      const mine = await f.ctx.handle.db.selectFrom('user_scopes as us').innerJoin('users as u', 'u.id', 'us.user_id').select('us.committee_id').where('u.username', '=', 'cadre01').executeTakeFirstOrThrow();
      const count = await f.ctx.handle.db.selectFrom('sites').select((eb) => eb.fn.countAll<number>().as('n')).where('committee_id', '=', mine.committee_id!).where('status', '=', 'active').executeTakeFirstOrThrow();
      expect(own).toHaveLength(Number(count.n));
      expect(new Set(own.map((x) => x.committeeId))).toEqual(new Set([mine.committee_id]));
      expect((await get('handler1', '/api/dashboard/summary')).statusCode).toBe(403);
      const noFrom = await get('operator', '/api/dashboard/summary?window=custom');
      expect(noFrom.statusCode).toBe(400);
      expect(noFrom.body).toContain('from');
      const unknown = await get('operator', '/api/dashboard/summary?colour=red');
      expect(unknown.statusCode).toBe(400);
      expect(unknown.body).toContain('colour');
    });

    it('counts only the viewer\'s committee or subdistrict; citywide for the district admin', async () => {
      await f.report(f.actors.patrol1); // committee A (001)
      await reportIn(committeeB);
      await reportXianxia();
      while ((await foldPendingEvents(f.ctx.handle.db, f.ctx.clock)).length);
      const found = async (who: string, q = '') => (await get(who, `/api/dashboard/summary?window=today${q}`)).json().kpis.found;
      expect(await found('cadre01')).toBe(1);
      expect(await found('operator')).toBe(2);
      expect(await found('xx-operator')).toBe(1);
      expect(await found('district-admin')).toBe(3);
      const feed = (await get('cadre01', '/api/dashboard/feed')).json().cases as { committeeId: string }[];
      expect(feed.length).toBe(1);
      expect(feed.every((c) => c.committeeId === f.binRoom.committeeId)).toBe(true);
      const ranks = (await get('district-admin', '/api/dashboard/rankings?of=committee')).json();
      expect(ranks.level).toBe('subdistrict');
    });

    it('streams each viewer only its own events: a cadre of committee A nothing of B, Xianxia nothing of Hongqiao', async () => {
      const poller = dashboardRollupsPoller({ ...f.ctx.deps, logger: { error: (e) => console.error(e) } });
      const [op, cadre, xx] = await Promise.all([
        openStream(port, cookies.operator!), openStream(port, cookies.cadre01!), openStream(port, cookies['xx-operator']!),
      ]);
      expect(hubFor(f.ctx.handle.db).size).toBeGreaterThanOrEqual(3);
      const inB = await reportIn(committeeB);
      const inA = await f.report(f.actors.patrol1);
      await poller.runOnce();
      await op.waitFor((e) => e.event === 'case' && e.data.caseId === inA.id);
      // Markers each viewer may see, sent after: a stream delivers in order, so once the marker is
      // in, anything out of scope sent before it would have arrived too.
      const markA = await f.report(f.actors.patrol1);
      const markXx = await reportXianxia();
      await poller.runOnce();
      await cadre.waitFor((e) => e.event === 'case' && e.data.caseId === markA.id);
      await xx.waitFor((e) => e.event === 'case' && e.data.caseId === markXx.id);
      await op.waitFor((e) => e.event === 'case' && e.data.caseId === markA.id);
      const ids = (s: SseStream) => s.events.filter((e) => e.event === 'case').map((e) => e.data.caseId);
      expect(ids(op)).toEqual(expect.arrayContaining([inB.id, inA.id, markA.id]));
      expect(ids(op)).not.toContain(markXx.id);
      expect(ids(cadre)).toEqual([inA.id, markA.id]);
      expect(ids(xx)).toEqual([markXx.id]);
      // Changed KPIs follow the events, for the viewer's own scope.
      // committee A today: one earlier, inA, markA (the first push may show 2, before markA)
      await cadre.waitFor((e) => e.event === 'kpis' && e.data.found === 3);
      await xx.waitFor((e) => e.event === 'kpis' && e.data.found === 2);

      // Resume: a reconnect with Last-Event-ID gets what it missed (in scope) and nothing else.
      const firstA = cadre.events.find((e) => e.event === 'case' && e.data.caseId === inA.id)!.id!;
      const again = await openStream(port, cookies.cadre01!, { 'last-event-id': firstA });
      expect(again.events.filter((e) => e.event === 'case').map((e) => e.data.caseId)).toEqual([markA.id]);
      for (const s of [op, cadre, xx, again]) s.close();
      await poller.destroy();
    }, 60_000);
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectMissedCheckins } from '../../src/domain/checkins/missed.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { binRoomsOf, committeeOf, insertPhoto } from './factories.js';

const EVENING = '2026-05-26T10:35:00Z';

for (const dialect of DIALECTS) {
  describe(`coverage board, campaigns, activity and today's route [${dialect}]`, () => {
    let ctx: TestContext;
    let operator: string;
    let cadre: string;
    let patrol: string;
    let committee: string;
    let rooms: Awaited<ReturnType<typeof binRoomsOf>>;
    let hq: string;
    const inspected: string[] = [];

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      ctx.clock.set(EVENING);
      const db = ctx.handle.db;
      operator = await signInAs(ctx.app, 'operator');
      cadre = await signInAs(ctx.app, 'cadre01');
      patrol = await signInAs(ctx.app, 'patrol1');
      committee = await committeeOf(db, 'cadre01');
      hq = (await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
      rooms = await binRoomsOf(db, committee);
      for (const room of rooms.slice(0, 2)) {
        const r = await ctx.app.inject({ method: 'POST', url: '/api/checkins', headers: { cookie: cadre }, payload: { siteId: room.id, photoId: await insertPhoto(db, 'cadre01'), qrCode: room.qr_code } });
        expect(r.statusCode).toBe(201);
      }
      for (const kind of ['shop', 'institution'] as const) {
        const site = await db.selectFrom('sites').select('id').where('committee_id', '=', committee).where('kind', '=', kind).orderBy('id').executeTakeFirstOrThrow();
        const cl = (await ctx.app.inject({ method: 'GET', url: `/api/checklists?siteKind=${kind}`, headers: { cookie: patrol } })).json().items[0];
        const items = (await ctx.app.inject({ method: 'GET', url: `/api/checklists/${cl.id}`, headers: { cookie: patrol } })).json().items;
        const r = await ctx.app.inject({ method: 'POST', url: '/api/inspections', headers: { cookie: patrol }, payload: { siteId: site.id, checklistId: cl.id, answers: items.map((i: { id: string }) => ({ itemId: i.id, result: 'pass' })) } });
        expect(r.statusCode).toBe(201);
        inspected.push(site.id);
      }
    });
    afterAll(async () => ctx.close());

    const get = (cookie: string, url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie } });

    it('counts due, covered, missed and pending per kind for the subdistrict, and follows the missed-check-in job', async () => {
      const board = (await get(operator, '/api/coverage/board?from=2026-05-26')).json();
      // sites were created at 10:30 Shanghai: only the evening window of each bin room is due
      expect(board.totals.bin_room).toEqual({ sites: 148, due: 148, covered: 2, missed: 0, pending: 146 });
      expect(board.totals.shop).toEqual({ sites: 788, due: 788, covered: 1, missed: 787, pending: 0 });
      expect(board.totals.institution).toMatchObject({ sites: 71, due: 71, covered: 1, missed: 70 });
      expect(new Set(board.items.map((r: { committeeId: string }) => r.committeeId)).size).toBe(16);

      await detectMissedCheckins(ctx.handle.db, new ManualClock('2026-05-26T12:00:00Z'));
      const after = (await get(operator, '/api/coverage/board?from=2026-05-26&kind=bin_room')).json();
      expect(after.totals.bin_room).toEqual({ sites: 148, due: 148, covered: 2, missed: 146, pending: 0 });
      expect(after.totals.shop).toBeUndefined();
    });

    it("shows a cadre only their committee, and another subdistrict's operator nothing of Hongqiao", async () => {
      const mine = (await get(cadre, '/api/coverage/board?from=2026-05-26')).json();
      expect(new Set(mine.items.map((r: { committeeId: string }) => r.committeeId))).toEqual(new Set([committee]));
      expect(mine.totals.bin_room.sites).toBe(rooms.length);
      const xx = (await get(await signInAs(ctx.app, 'xx-operator'), `/api/coverage/board?from=2026-05-26&subdistrictId=${hq}`)).json();
      expect(xx.items).toEqual([]);
      const bad = await get(operator, '/api/coverage/board?from=2026-05-26&to=2026-05-20');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.fields[0].field).toBe('to');
      expect((await get(await signInAs(ctx.app, 'handler1'), '/api/coverage/board')).statusCode).toBe(403);
    });

    it('tracks sweep campaign progress as sites inspected within the dates over sites in scope', async () => {
      const admin = await signInAs(ctx.app, 'admin');
      const res = await ctx.app.inject({
        method: 'POST', url: '/api/campaigns', headers: { cookie: admin },
        payload: { subdistrictId: hq, name: '单位商铺两周全覆盖排查', siteKinds: ['shop', 'institution'], startDate: '2026-05-26', endDate: '2026-06-08' },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ sites: 859, inspected: 2 });
      expect(res.json().progress).toBeCloseTo(2 / 859, 6);
      const forCadre = (await get(cadre, `/api/campaigns/${res.json().id}`)).json();
      expect(forCadre.byCommittee.every((r: { committeeId: string }) => r.committeeId === committee)).toBe(true);
      expect(forCadre.inspected).toBe(2);
      expect((await get(await signInAs(ctx.app, 'xx-admin'), `/api/campaigns/${res.json().id}`)).statusCode).toBe(404);
      const badCommittee = await ctx.app.inject({ method: 'POST', url: '/api/campaigns', headers: { cookie: admin }, payload: { subdistrictId: hq, name: 'x', siteKinds: ['shop'], committeeIds: ['nope'], startDate: '2026-05-26', endDate: '2026-05-27' } });
      expect(badCommittee.json().error.details.fields[0].field).toBe('committeeIds.0');
    });

    it('reports staff activity per person for the day', async () => {
      const items = (await get(operator, '/api/coverage/activity?date=2026-05-26')).json().items;
      const c = items.find((p: { role: string; checkins: number }) => p.role === 'cadre' && p.checkins > 0);
      expect(c).toMatchObject({ checkins: 2, binRooms: 2, offSite: 0 });
      expect(c.missed).toBe(rooms.length - 2);
      expect(items.find((p: { role: string }) => p.role === 'patrol')).toMatchObject({ inspections: 2, failedInspections: 0 });
    });

    it("lists today's due sites nearest first, leaving out what is already covered", async () => {
      ctx.clock.set(EVENING);
      const here = rooms[3]!;
      const route = (await get(cadre, `/api/coverage/today?lat=${here.lat}&lng=${here.lng}&limit=500`)).json();
      const ids = route.items.map((s: { id: string }) => s.id);
      expect(ids).not.toContain(rooms[0]!.id);
      expect(ids).not.toContain(inspected[0]);
      expect(route.items[0]).toMatchObject({ id: here.id, kind: 'bin_room', distanceM: 0 });
      const d = route.items.map((s: { distanceM: number }) => s.distanceM);
      expect(d).toEqual([...d].sort((a, b) => a - b));
    });
    it('marks bin rooms whose window opens more than half an hour later as later and counts what can be done now; shops and units are due at any hour', async () => {
      type Item = { id: string; kind: string; later: boolean; startsAt: string | null; distanceM: number };
      const here = rooms[3]!;
      try {
        for (const at of ['2026-05-27T02:00:00Z', '2026-05-27T09:10:00Z', '2026-05-27T09:40:00Z', '2026-05-26T22:50:00Z']) {
          ctx.clock.set(at);
          const now = Date.parse(at);
          // A session left idle overnight has ended: sign in again at that hour.
          const res = await get(await signInAs(ctx.app, 'cadre01'), `/api/coverage/today?lat=${here.lat}&lng=${here.lng}&limit=500`);
          expect(res.statusCode, res.body).toBe(200);
          const route = res.json() as { total: number; dueNow: number; nextWindowAt: string | null; items: Item[] };
          expect(route.items.length).toBe(route.total);
          for (const s of route.items) {
            if (s.kind === 'bin_room') {
              expect(s.later, `${s.id} at ${at}`).toBe(Date.parse(s.startsAt!) - now > 30 * 60_000);
            } else expect(s.later).toBe(false);
          }
          const nowPart = route.items.filter((s) => !s.later);
          expect(route.dueNow).toBe(nowPart.length);
          const d = route.items.map((s) => s.distanceM);
          expect(d).toEqual([...d].sort((a, b) => a - b));
          const starts = route.items.filter((s) => s.later).map((s) => s.startsAt!).sort();
          expect(route.nextWindowAt).toBe(starts[0] ?? null);
          // Mid-morning the rooms wait for their evening window while the shops and units are the route.
          if (at === '2026-05-27T02:00:00Z') {
            expect(route.items.filter((s) => s.kind === 'bin_room').every((s) => s.later)).toBe(true);
            expect(nowPart.length).toBeGreaterThan(0);
          }
        }
      } finally {
        ctx.clock.set(EVENING);
      }
    });
  });
}

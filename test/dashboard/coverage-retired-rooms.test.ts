import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, loadActor } from '../../src/domain/auth/actor.js';
import { coverageBoard } from '../../src/domain/coverage/board.js';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { setSiteStatus } from '../../src/domain/registry/sites.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { binRoomsOf, committeeOf, insertPhoto } from '../patrols/factories.js';

// Every bin room of the committee opens once a day, 07:00–09:00 in Shanghai (23:00–01:00 UTC).
const MORNING_ONLY = JSON.stringify([['07:00', '09:00']]);

for (const dialect of DIALECTS) {
  describe(`retiring a bin room leaves the periods it was there for as they were [${dialect}]`, () => {
    let ctx: TestContext;
    let admin: Actor;
    let committeeId: string;
    let rooms: Awaited<ReturnType<typeof binRoomsOf>>;
    const board = async (from: string, to: string) => {
      const b = await coverageBoard(ctx.handle.db, ctx.clock, admin, { committeeId, kind: 'bin_room', from, to });
      const { sites, due, covered, missed, pending } = b.totals.bin_room ?? { sites: 0, due: 0, covered: 0, missed: 0, pending: 0 };
      return { sites, due, covered, missed, pending };
    };

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      const db = ctx.handle.db;
      committeeId = await committeeOf(db, 'cadre01');
      rooms = await binRoomsOf(db, committeeId);
      // Registered long before the periods below, all on one timetable.
      await db.updateTable('sites').set({ disposal_hours: MORNING_ONLY, created_at: '2026-05-01T00:00:00.000Z' }).where('committee_id', '=', committeeId).where('kind', '=', 'bin_room').execute();
      admin = (await loadActor(db, (await db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()).id))!;
      const checkIn = async (at: string, room: (typeof rooms)[number]) => {
        ctx.clock.set(at);
        const cadre = await signInAs(ctx.app, 'cadre01');
        const photoId = await insertPhoto(db, 'cadre01', {});
        const res = await ctx.app.inject({
          method: 'POST', url: '/api/checkins', headers: { cookie: cadre },
          payload: { siteId: room.id, photoId, position: { ...offsetMetres({ lat: Number(room.lat), lng: Number(room.lng) }, 5, 90), accuracyM: 8 } },
        });
        expect(res.statusCode, res.body).toBe(201);
      };
      // Room A is checked in on 1 and 2 June (covered); room B on 1 June only (missed); the others never (missed).
      await checkIn('2026-06-01T00:00:00Z', rooms[0]!);
      await checkIn('2026-06-01T00:10:00Z', rooms[1]!);
      await checkIn('2026-06-02T00:00:00Z', rooms[0]!);
    });
    afterAll(async () => ctx.close());

    it('a period before the retirement keeps its sites, due and missed; later periods count the room only for its sessions before it', async () => {
      const n = rooms.length;
      expect(n).toBeGreaterThanOrEqual(3);
      ctx.clock.set('2026-06-04T11:00:00Z'); // 19:00 on 4 June in Shanghai
      const period = { sites: n, due: n, covered: 1, missed: n - 1, pending: 0 };
      expect(await board('2026-06-01', '2026-06-02')).toEqual(period);

      // Rooms B and C are retired at 20:00 on 4 June, after that day's session.
      ctx.clock.set('2026-06-04T12:00:00Z');
      for (const r of [rooms[1]!, rooms[2]!]) await setSiteStatus(ctx.handle.db, ctx.clock, admin, r.id, 'retired');
      ctx.clock.set('2026-06-10T04:00:00Z');
      expect(await board('2026-06-01', '2026-06-02')).toEqual(period);
      expect(await board('2026-06-01', '2026-06-01')).toEqual({ sites: n, due: n, covered: 2, missed: n - 2, pending: 0 });
      // 4 June's session came before the retirement: every room was due, none checked in.
      expect(await board('2026-06-04', '2026-06-05')).toEqual({ sites: n, due: n, covered: 0, missed: n, pending: 0 });
      // From 5 June on the two rooms are no sites of the period.
      expect(await board('2026-06-05', '2026-06-05')).toEqual({ sites: n - 2, due: n - 2, covered: 0, missed: n - 2, pending: 0 });
      expect(await board('2026-06-08', '2026-06-09')).toEqual({ sites: n - 2, due: n - 2, covered: 0, missed: n - 2, pending: 0 });
    });

    it('a room retired before a session of its retirement day is not due for it, but is a site of that day', async () => {
      const db = ctx.handle.db;
      const n = rooms.length;
      // Room D retired at 06:00 on 12 June, before that day's 07:00 session.
      ctx.clock.set('2026-06-11T22:00:00Z');
      expect(n).toBeGreaterThanOrEqual(4);
      await setSiteStatus(db, ctx.clock, admin, rooms[3]!.id, 'retired');
      const retired = 3; // B, C and D
      ctx.clock.set('2026-06-20T04:00:00Z');
      expect(await board('2026-06-12', '2026-06-12')).toEqual({ sites: n - 2, due: n - retired, covered: 0, missed: n - retired, pending: 0 });
      expect(await board('2026-06-11', '2026-06-11')).toEqual({ sites: n - 2, due: n - 2, covered: 0, missed: n - 2, pending: 0 });
    });
  });
}

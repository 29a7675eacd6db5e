import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { detectMissedCheckins } from '../../src/domain/checkins/missed.js';
import { recordCheckin } from '../../src/domain/checkins/record-checkin.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { newId } from '../../src/domain/shared/ids.js';
import { actorOf, demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { binRoomsOf, committeeOf, insertPhoto } from './factories.js';

type Room = Awaited<ReturnType<typeof binRoomsOf>>[number];

/** The room's window of a day that ends at `end` (the demo rooms open 07:00 or 06:30, 18:00 or 17:30). */
function windowOf(room: Room, date: string, end: string): string {
  const pair = (JSON.parse(room.disposal_hours!) as [string, string][]).find(([, e]) => e === end)!;
  return `${date}@${pair[0]}-${pair[1]}`;
}

/** PostgreSQL: resolves once `work` has settled or one session of this database waits on a lock. */
async function settledOrWaiting(db: Db, work: Promise<unknown>): Promise<void> {
  let settled = false;
  void work.then(() => (settled = true), () => (settled = true));
  const waiting = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db)).rows[0]!.n > 0;
  while (!settled && !(await waiting())) await new Promise((r) => setImmediate(r));
}

for (const dialect of DIALECTS) {
  describe(`a check-in synced after its window was recorded missed [${dialect}]`, () => {
    let ctx: TestContext;
    let committee: string;
    let rooms: Room[];
    let cadreId: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      const db = ctx.handle.db;
      committee = await committeeOf(db, 'cadre01');
      rooms = await binRoomsOf(db, committee);
      cadreId = (await db.selectFrom('users').select('id').where('username', '=', 'cadre01').executeTakeFirstOrThrow()).id;
      await detectMissedCheckins(db, new ManualClock('2026-05-26T09:00:00Z')); // 17:00 Shanghai: the cursor starts here
      // 20:00: every evening window ends and the job records each bin room and its cadres as missed.
      expect(await detectMissedCheckins(db, new ManualClock('2026-05-26T12:00:30Z'))).toBeGreaterThan(0);
    });
    afterAll(async () => ctx.close());

    const missesOf = (siteId: string, windowKey: string) =>
      ctx.handle.db.selectFrom('checkin_misses').select('subject').where('site_id', '=', siteId).where('window_key', '=', windowKey).orderBy('subject').execute();
    const checkIn = async (at: string, payload: Record<string, unknown>) => {
      ctx.clock.set(at);
      const cookie = await signInAs(ctx.app, 'cadre01');
      return ctx.app.inject({ method: 'POST', url: '/api/checkins', headers: { cookie }, payload: { photoId: await insertPhoto(ctx.handle.db, 'cadre01'), ...payload } });
    };
    const operatorGet = async (url: string) => (await ctx.app.inject({ method: 'GET', url, headers: { cookie: await signInAs(ctx.app, 'operator') } })).json();
    const cadreActivity = async () =>
      (await operatorGet(`/api/coverage/activity?date=2026-05-26&committeeId=${committee}`)).items.find((p: { userId: string }) => p.userId === cadreId);

    it('captured on site at 19:50 and synced at 20:10: the window\'s misses go, and activity, the misses list and the board agree with it', async () => {
      const room = rooms[0]!;
      const evening = windowOf(room, '2026-05-26', '20:00');
      expect((await missesOf(room.id, evening)).map((m) => m.subject)).toContain('site');
      expect((await missesOf(room.id, evening)).map((m) => m.subject)).toContain(cadreId);
      const before = await cadreActivity();

      const res = await checkIn('2026-05-26T12:10:00Z', { siteId: room.id, qrCode: room.qr_code, deviceTime: '2026-05-26T19:50:00+08:00' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ windowKey: evening, inWindow: true, status: 'on_site' });

      expect(await missesOf(room.id, evening)).toEqual([]);
      expect(await cadreActivity()).toMatchObject({ checkins: before.checkins + 1, missed: before.missed - 1 });
      const listed = await operatorGet(`/api/checkins/misses?date=2026-05-26&committeeId=${committee}&limit=200`);
      expect(listed.items.some((m: { siteId: string }) => m.siteId === room.id)).toBe(false);
      const board = await operatorGet(`/api/coverage/board?from=2026-05-26&to=2026-05-26&committeeId=${committee}&kind=bin_room`);
      expect(board.items[0]).toMatchObject({ covered: 1, missed: rooms.length - 1 });
      // A later round does not write the miss again.
      expect(await detectMissedCheckins(ctx.handle.db, new ManualClock('2026-05-26T12:15:00Z'))).toBe(0);
      expect(await missesOf(room.id, evening)).toEqual([]);
    });

    it('an off-site check-in synced late leaves the misses in place', async () => {
      const room = rooms[1]!;
      const evening = windowOf(room, '2026-05-26', '20:00');
      const before = await missesOf(room.id, evening);
      expect(before.length).toBeGreaterThan(1);
      const res = await checkIn('2026-05-26T12:20:00Z', {
        siteId: room.id, position: { lat: Number(room.lat) + 0.01, lng: Number(room.lng), accuracyM: 8 }, offSiteReason: '箱房门锁了，在小区门口',
        deviceTime: '2026-05-26T19:40:00+08:00',
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ windowKey: evening, status: 'off_site' });
      expect(await missesOf(room.id, evening)).toEqual(before);
    });

    if (dialect === 'postgres') {
      it('a check-in that meets a round recording its window waits for the round, then clears what the round wrote', async () => {
        const db = ctx.handle.db;
        const room = rooms[2]!;
        const morning = windowOf(room, '2026-05-27', '09:00');
        let release!: () => void;
        let holding!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const held = new Promise<void>((r) => (holding = r));
        // A round in progress, as the job runs it: the cursor row held, the room's miss written, not yet committed.
        const round = db.transaction().execute(async (trx) => {
          await trx.selectFrom('patrol_job_cursors').select('cursor_at').where('name', '=', 'missed-checkins').forUpdate().execute();
          await trx.insertInto('checkin_misses').values({
            id: newId(), subdistrict_id: (await trx.selectFrom('sites').select('subdistrict_id').where('id', '=', room.id).executeTakeFirstOrThrow()).subdistrict_id,
            committee_id: committee, site_id: room.id, subject: 'site', user_id: null, local_date: '2026-05-27', window_key: morning,
            window_end_at: '2026-05-27T01:00:00.000Z', created_at: '2026-05-27T01:00:00.000Z',
          }).execute();
          holding();
          await gate;
        });
        await held;
        const late = checkIn('2026-05-27T01:05:00Z', { siteId: room.id, qrCode: room.qr_code, deviceTime: '2026-05-27T08:50:00+08:00' });
        await settledOrWaiting(db, late);
        release();
        await round;
        const res = await late;
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json().windowKey).toBe(morning);
        expect(await missesOf(room.id, morning)).toEqual([]);
      });

      it('a round that meets a check-in into its window waits for the check-in, and records no miss for that bin room', async () => {
        const db = ctx.handle.db;
        const [room, other] = [rooms[3]!, rooms[4]!];
        const evening = windowOf(room, '2026-05-27', '20:00');
        await detectMissedCheckins(db, new ManualClock('2026-05-27T11:00:00Z')); // 19:00: the cursor before the evening windows end
        const clock = new ManualClock('2026-05-27T11:59:00Z'); // 19:59, the last minute of the window
        const actor = await actorOf(ctx, 'cadre01');
        const photoId = await insertPhoto(db, 'cadre01');
        let release!: () => void;
        let holding!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const held = new Promise<void>((r) => (holding = r));
        const checkin = db.transaction().execute(async (trx) => {
          const out = await recordCheckin(trx, clock, ctx.deps.config.patrol, actor, { siteId: room.id, photoId, qrCode: room.qr_code! });
          holding();
          await gate;
          return out;
        });
        await held;
        const round = detectMissedCheckins(db, new ManualClock('2026-05-27T12:00:30Z'));
        await settledOrWaiting(db, round);
        release();
        expect((await checkin).windowKey).toBe(evening);
        expect(await round).toBeGreaterThan(0);
        expect(await missesOf(room.id, evening)).toEqual([]);
        expect((await missesOf(other.id, windowOf(other, '2026-05-27', '20:00'))).length).toBeGreaterThan(1);
      });
    }
  });
}

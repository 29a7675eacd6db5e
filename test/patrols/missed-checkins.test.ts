import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectMissedCheckins, patternsEndingBetween } from '../../src/domain/checkins/missed.js';
import { acquireLease, LeaseLostError } from '../../src/domain/jobs/lease.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { missedCheckinsPoller } from '../../src/jobs/missed-checkins.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { binRoomsOf, committeeOf, insertPhoto } from './factories.js';

for (const dialect of DIALECTS) {
  describe(`missed check-in detection [${dialect}]`, () => {
    let ctx: TestContext;
    let cadre: string;
    let committee: string;
    let rooms: Awaited<ReturnType<typeof binRoomsOf>>;
    let binRoomTotal: number;
    let cadreIds: Map<string, string[]>;

    beforeAll(async () => {
      ctx = await demoContext(dialect); // sites created 10:30 Shanghai: the morning windows are before them
      const db = ctx.handle.db;
      committee = await committeeOf(db, 'cadre01');
      rooms = await binRoomsOf(db, committee);
      binRoomTotal = (await db.selectFrom('sites').select('id').where('kind', '=', 'bin_room').execute()).length;
      cadreIds = new Map();
      const cadres = await db.selectFrom('users as u').innerJoin('user_scopes as s', 's.user_id', 'u.id').select(['u.id', 's.committee_id']).where('u.role', '=', 'cadre').execute();
      for (const c of cadres) cadreIds.set(c.committee_id!, [...(cadreIds.get(c.committee_id!) ?? []), c.id]);
      cadre = await signInAs(ctx.app, 'cadre01');
    });
    afterAll(async () => ctx.close());

    const job = (clock: ManualClock) => missedCheckinsPoller({ db: ctx.handle.db, config: ctx.deps.config, clock, logger: { error: (e) => { throw e; } } });
    const misses = () => ctx.handle.db.selectFrom('checkin_misses').selectAll().execute();

    it('records nothing before a window ends, then each missed bin room and its cadres once at the boundary', async () => {
      const clock = new ManualClock('2026-05-26T11:59:00Z'); // 19:59 Shanghai, evening windows still open
      expect(await job(clock).runOnce()).toBe(0);
      expect(await misses()).toHaveLength(0);

      // Two of cadre01's bin rooms are covered on site during the window (one by QR).
      ctx.clock.set('2026-05-26T11:00:00Z');
      for (const room of rooms.slice(0, 2)) {
        const res = await ctx.app.inject({
          method: 'POST', url: '/api/checkins', headers: { cookie: cadre },
          payload: { siteId: room.id, photoId: await insertPhoto(ctx.handle.db, 'cadre01'), qrCode: room.qr_code },
        });
        expect(res.statusCode).toBe(201);
      }

      clock.set('2026-05-26T12:00:00Z'); // 20:00 Shanghai: every evening window ends
      const inserted = await job(clock).runOnce();
      const rows = await misses();
      expect(inserted).toBe(rows.length);
      const siteRows = rows.filter((r) => r.subject === 'site');
      expect(siteRows).toHaveLength(binRoomTotal - 2);
      expect(siteRows.some((r) => rooms.slice(0, 2).some((room) => room.id === r.site_id))).toBe(false);
      expect(siteRows.every((r) => /^2026-05-26@(17:30|18:00)-20:00$/.test(r.window_key))).toBe(true);
      // one extra row per cadre of the bin room's committee
      const expectedCadreRows = siteRows.reduce((n, r) => n + (cadreIds.get(r.committee_id)?.length ?? 0), 0);
      expect(rows.filter((r) => r.subject !== 'site')).toHaveLength(expectedCadreRows);
      expect(expectedCadreRows).toBeGreaterThan(0);
    });

    it('writes no second row after a restart, a replay from an old cursor, or a later round', async () => {
      const before = (await misses()).length;
      const restarted = job(new ManualClock('2026-05-26T12:00:30Z'));
      expect(await restarted.runOnce()).toBe(0);
      // Simulate a crash that lost the cursor update: replaying the window inserts nothing.
      await ctx.handle.db.updateTable('patrol_job_cursors').set({ cursor_at: '2026-05-26T11:00:00.000Z' }).execute();
      expect(await detectMissedCheckins(ctx.handle.db, new ManualClock('2026-05-26T12:01:00Z'))).toBe(0);
      expect((await misses()).length).toBe(before);
    });

    it("picks up the next morning's windows across the day boundary", async () => {
      const before = (await misses()).length;
      const clock = new ManualClock('2026-05-27T00:59:00Z'); // 08:59 next day
      expect(await job(clock).runOnce()).toBe(0);
      clock.set('2026-05-27T01:00:00Z'); // 09:00: morning windows end
      const n = await job(clock).runOnce();
      const rows = (await misses()).filter((r) => r.local_date === '2026-05-27' && r.subject === 'site');
      expect(rows).toHaveLength(binRoomTotal);
      expect(n).toBe((await misses()).length - before);
      const listed = (await ctx.app.inject({ method: 'GET', url: '/api/checkins/misses?date=2026-05-27&subject=site', headers: { cookie: cadre } })).json().items;
      expect(listed.length).toBe(rooms.length);
      expect(listed.every((m: { committeeId: string }) => m.committeeId === committee)).toBe(true);
    });

    it('a round in which no window ends reads no bin room; one in which some end reads only the rooms of those hours', async () => {
      const db = ctx.handle.db;
      const quiet = { roomsRead: -1 };
      await detectMissedCheckins(db, new ManualClock('2026-05-27T01:30:00Z'), { stats: quiet }); // 09:30: nothing ends
      expect(quiet.roomsRead).toBe(0);
      const patterns = (await db.selectFrom('sites').select('disposal_hours').distinct().where('kind', '=', 'bin_room').execute()).map((r) => r.disposal_hours!);
      const from = new Date('2026-05-27T01:30:00Z');
      const to = new Date('2026-05-27T12:00:00Z');
      const ending = patternsEndingBetween(patterns, from, to);
      const busy = { roomsRead: -1 };
      await detectMissedCheckins(db, new ManualClock(to.toISOString()), { stats: busy });
      const expected = await db.selectFrom('sites').select('id').where('kind', '=', 'bin_room').where('status', '=', 'active').where('disposal_hours', 'in', ending.length ? ending : ['-']).execute();
      expect(busy.roomsRead).toBe(expected.length);
      expect(busy.roomsRead).toBeGreaterThan(0);
    });

    it('the cursor is written under the job lease: a runner whose lease was taken over rolls back', async () => {
      const db = ctx.handle.db;
      const clock = new ManualClock('2026-05-28T01:00:00Z');
      const stale = await acquireLease(db, clock, 'missed-checkins', 'instance-a', 1000);
      clock.advance(2000);
      expect(await acquireLease(db, clock, 'missed-checkins', 'instance-b', 60_000)).not.toBeNull();
      const cursorBefore = await db.selectFrom('patrol_job_cursors').select('cursor_at').where('name', '=', 'missed-checkins').executeTakeFirstOrThrow();
      await expect(detectMissedCheckins(db, clock, { lease: { held: stale!, ttlMs: 1000 } })).rejects.toBeInstanceOf(LeaseLostError);
      expect(await db.selectFrom('patrol_job_cursors').select('cursor_at').where('name', '=', 'missed-checkins').executeTakeFirstOrThrow()).toEqual(cursorBefore);
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { binRoomsOf, committeeOf, insertPhoto } from './factories.js';

// Shanghai is UTC+8: 07:50 local on 27 May is 23:50Z on 26 May. Every demo bin room's morning window covers 07:50 (07:00 or 06:30 to 09:00).
const CAPTURED = '2026-05-26T23:50:00Z';
const EXIF = '2026-05-26T23:49:00Z';
const SYNC_0930 = '2026-05-27T01:30:00Z';
// 11:20 local: 3.5 h after capture, beyond the EXIF skew bound (120 min) from the sync time.
const SYNC_1120 = '2026-05-27T03:20:00Z';

for (const dialect of DIALECTS) {
  describe(`check-ins captured offline are timed at capture [${dialect}]`, () => {
    let ctx: TestContext;
    let cadre: string;
    let rooms: Awaited<ReturnType<typeof binRoomsOf>>;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      ctx.clock.set(CAPTURED);
      cadre = await signInAs(ctx.app, 'cadre01');
      rooms = await binRoomsOf(ctx.handle.db, await committeeOf(ctx.handle.db, 'cadre01'));
    });
    afterAll(async () => ctx.close());

    const post = (payload: unknown) => ctx.app.inject({ method: 'POST', url: '/api/checkins', headers: { cookie: cadre }, payload: payload as object });
    const near = (room: (typeof rooms)[number]) => ({ ...offsetMetres({ lat: Number(room.lat), lng: Number(room.lng) }, 5, 90), accuracyM: 8 });
    const morning = (room: (typeof rooms)[number]) => {
      const [start, end] = (JSON.parse(room.disposal_hours!) as [string, string][])[0]!;
      return `2026-05-27@${start}-${end}`;
    };
    async function checkinAt(room: (typeof rooms)[number], syncAt: string, deviceTime: string | undefined, exif = EXIF) {
      ctx.clock.set(syncAt);
      const photoId = await insertPhoto(ctx.handle.db, 'cadre01', { takenAt: exif, lat: Number(room.lat), lng: Number(room.lng) });
      const res = await post({ siteId: room.id, photoId, position: near(room), ...(deviceTime ? { deviceTime } : {}) });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    }

    const late = (minutes: number) => ({ code: 'synced_late', photoId: expect.any(String), detail: { minutes } });

    it('captured 07:50 in the morning window and synced 09:30: counts for the morning window, no EXIF-time flag, the late sync visible', async () => {
      const room = rooms[0]!;
      const r = await checkinAt(room, SYNC_0930, CAPTURED);
      expect(r).toMatchObject({ windowKey: morning(room), inWindow: true, firstAt: new Date(CAPTURED).toISOString(), evidenceFlags: [late(100)] });
      const row = await ctx.handle.db.selectFrom('checkins').select(['window_key', 'local_date', 'in_window', 'device_time', 'received_at']).where('id', '=', r.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ window_key: morning(room), local_date: '2026-05-27', in_window: 1, device_time: new Date(CAPTURED).toISOString(), received_at: new Date(SYNC_0930).toISOString() });
    });

    it('a capture synced within 30 minutes is not flagged as late', async () => {
      const r = await checkinAt(rooms[7]!, '2026-05-27T00:15:00Z', CAPTURED);
      expect(r).toMatchObject({ firstAt: new Date(CAPTURED).toISOString(), evidenceFlags: [] });
    });

    it('synced 3.5 h later: still the morning window, and the EXIF time is compared with the capture, not the sync', async () => {
      const r = await checkinAt(rooms[1]!, SYNC_1120, CAPTURED);
      expect(r).toMatchObject({ windowKey: morning(rooms[1]!), inWindow: true, evidenceFlags: [late(210)] });
      // The photo's EXIF time far from the CAPTURE is still flagged.
      const far = await checkinAt(rooms[2]!, SYNC_1120, CAPTURED, '2026-05-26T09:00:00Z');
      expect(far.evidenceFlags.map((f: { code: string }) => f.code)).toEqual(['exif_time_far', 'synced_late']);
      expect(far.evidenceFlags[0].detail.minutes).toBe(14 * 60 + 50);
    });

    it('without a device time the server time decides (09:30 is outside the morning window)', async () => {
      const r = await checkinAt(rooms[3]!, SYNC_0930, undefined, SYNC_0930);
      expect(r).toMatchObject({ windowKey: '2026-05-27@outside', inWindow: false, evidenceFlags: [] });
    });

    it('a device time in the future or older than 24 h is not believed: server time, flagged device_time_far with the skew', async () => {
      const ahead = await checkinAt(rooms[4]!, SYNC_0930, '2026-05-27T03:30:00Z', SYNC_0930);
      expect(ahead).toMatchObject({ windowKey: '2026-05-27@outside', firstAt: new Date(SYNC_0930).toISOString() });
      expect(ahead.evidenceFlags).toEqual([{ code: 'device_time_far', photoId: expect.any(String), detail: { minutes: 120 } }]);
      const old = await checkinAt(rooms[5]!, SYNC_0930, '2026-05-25T23:50:00Z', SYNC_0930);
      expect(old).toMatchObject({ windowKey: '2026-05-27@outside' });
      expect(old.evidenceFlags).toEqual([{ code: 'device_time_far', photoId: expect.any(String), detail: { minutes: -(25 * 60 + 40) } }]);
      // A phone a minute fast (normal drift) is believed, clamped to the server's time.
      const drift = await checkinAt(rooms[6]!, SYNC_0930, '2026-05-27T01:31:00Z', SYNC_0930);
      expect(drift).toMatchObject({ firstAt: new Date(SYNC_0930).toISOString(), evidenceFlags: [] });
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor } from '../../src/domain/auth/actor.js';
import { coverageBoard } from '../../src/domain/coverage/board.js';
import { shanghaiDate } from '../../src/domain/checkins/local-time.js';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { binRoomsOf, committeeOf, insertPhoto } from '../patrols/factories.js';

// 08:00 in Shanghai on a weekday: the morning disposal window of every demo bin room is open.
const MORNING = '2026-06-02T00:00:00Z';

for (const dialect of DIALECTS) {
  describe(`dashboard coverage from remembered subdistrict totals [${dialect}]`, () => {
    let ctx: TestContext;
    let districtAdmin: string;
    let cadre: string;
    const coverage = async (cookie: string) => {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/dashboard/coverage', headers: { cookie } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { kinds: Record<string, { sites: number; due: number; covered: number; missed: number; pending: number }> };
    };

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      ctx.clock.set(MORNING);
      // The two bin rooms checked in below open only in the morning: one check-in covers the day
      // (a room is covered when every session of the day has its check-in).
      const rooms = await binRoomsOf(ctx.handle.db, await committeeOf(ctx.handle.db, 'cadre01'));
      await ctx.handle.db.updateTable('sites').set({ disposal_hours: JSON.stringify([['07:00', '09:00']]) }).where('id', 'in', rooms.slice(0, 2).map((r) => r.id)).execute();
      districtAdmin = await signInAs(ctx.app, 'district-admin');
      cadre = await signInAs(ctx.app, 'cadre01');
    });
    afterAll(async () => ctx.close());

    it('a citywide answer equals the board computed directly, and a check-in shows at once', async () => {
      const db = ctx.handle.db;
      const admin = await loadActor(db, (await db.selectFrom('users').select('id').where('username', '=', 'district-admin').executeTakeFirstOrThrow()).id);
      const today = shanghaiDate(ctx.clock.now());
      const direct = (await coverageBoard(db, ctx.clock, admin!, { from: today, to: today })).totals;
      const before = await coverage(districtAdmin);
      for (const [kind, t] of Object.entries(direct)) expect(before.kinds[kind]).toMatchObject(t);

      // A cadre checks in at a bin room: the next citywide read counts it (no waiting for expiry).
      const room = (await binRoomsOf(db, await committeeOf(db, 'cadre01')))[0]!;
      const photoId = await insertPhoto(db, 'cadre01', {});
      const res = await ctx.app.inject({
        method: 'POST', url: '/api/checkins', headers: { cookie: cadre },
        payload: { siteId: room.id, photoId, position: { ...offsetMetres({ lat: Number(room.lat), lng: Number(room.lng) }, 5, 90), accuracyM: 8 } },
      });
      expect(res.statusCode, res.body).toBe(201);
      const after = await coverage(districtAdmin);
      expect(after.kinds.bin_room!.covered).toBe(before.kinds.bin_room!.covered + 1);
      expect(after.kinds.bin_room!.pending).toBe(before.kinds.bin_room!.pending - 1);
    });

    it('each viewer sees only their scope: a subdistrict admin, another subdistrict, a cadre', async () => {
      const city = await coverage(districtAdmin);
      const hq = await coverage(await signInAs(ctx.app, 'admin'));
      const xx = await coverage(await signInAs(ctx.app, 'xx-admin'));
      const mine = await coverage(cadre);
      expect(hq.kinds.bin_room!.sites + xx.kinds.bin_room!.sites).toBe(city.kinds.bin_room!.sites);
      expect(hq.kinds.bin_room!.covered + xx.kinds.bin_room!.covered).toBe(city.kinds.bin_room!.covered);
      expect(mine.kinds.bin_room!.sites).toBeLessThan(hq.kinds.bin_room!.sites);
      expect(mine.kinds.bin_room!.covered).toBe(1);
    });

    it('a write by another process shows once the remembered entry ages out (at most 75 s)', async () => {
      const db = ctx.handle.db;
      const first = await coverage(districtAdmin);
      // Another process (the CLI, a second server) records a check-in straight into the database.
      const existing = await db.selectFrom('checkins').selectAll().executeTakeFirstOrThrow();
      const room = (await binRoomsOf(db, await committeeOf(db, 'cadre01')))[1]!;
      await db.insertInto('checkins').values({ ...existing, id: `${existing.id}-x`, site_id: room.id, window_key: existing.window_key }).execute();
      expect((await coverage(districtAdmin)).kinds.bin_room!.covered).toBe(first.kinds.bin_room!.covered); // remembered
      ctx.clock.advance(76_000);
      expect((await coverage(districtAdmin)).kinds.bin_room!.covered).toBe(first.kinds.bin_room!.covered + 1);
    });
  });
}

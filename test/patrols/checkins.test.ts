import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { binRoomsOf, committeeOf, count, insertPhoto } from './factories.js';

// 18:35 Shanghai: inside every demo bin room's evening disposal window.
const EVENING = '2026-05-26T10:35:00Z';

for (const dialect of DIALECTS) {
  describe(`check-ins [${dialect}]`, () => {
    let ctx: TestContext;
    let cadre: string;
    let rooms: Awaited<ReturnType<typeof binRoomsOf>>;
    let otherRoom: string;
    let xxCadre: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      ctx.clock.set(EVENING);
      cadre = await signInAs(ctx.app, 'cadre01');
      xxCadre = await signInAs(ctx.app, 'xx-cadre01');
      rooms = await binRoomsOf(ctx.handle.db, await committeeOf(ctx.handle.db, 'cadre01'));
      otherRoom = (await binRoomsOf(ctx.handle.db, await committeeOf(ctx.handle.db, 'cadre02')))[0]!.id;
    });
    afterAll(async () => ctx.close());

    const post = (cookie: string, payload: unknown) => ctx.app.inject({ method: 'POST', url: '/api/checkins', headers: { cookie }, payload: payload as object });
    const near = (room: (typeof rooms)[number], metres: number, accuracyM: number) => ({ ...offsetMetres({ lat: Number(room.lat), lng: Number(room.lng) }, metres, 90), accuracyM });

    it('rejects a check-in without photo or position, naming the field; nothing is written', async () => {
      const before = await count(ctx.handle.db, 'checkins');
      const photoId = await insertPhoto(ctx.handle.db, 'cadre01');
      const noPhoto = await post(cadre, { siteId: rooms[0]!.id, position: near(rooms[0]!, 5, 5) });
      expect(noPhoto.statusCode).toBe(400);
      expect(noPhoto.json().error.details.fields[0].field).toBe('photoId');
      const noPos = await post(cadre, { siteId: rooms[0]!.id, photoId });
      expect(noPos.statusCode).toBe(400);
      expect(noPos.json().error.details.fields[0].field).toBe('position');
      const strangerPhoto = await post(cadre, { siteId: rooms[0]!.id, photoId: await insertPhoto(ctx.handle.db, 'xx-cadre01'), position: near(rooms[0]!, 5, 5) });
      expect(strangerPhoto.statusCode).toBe(400);
      expect(strangerPhoto.json().error.details.fields[0].field).toMatch(/^photoId/);
      expect(await count(ctx.handle.db, 'checkins')).toBe(before);
    });

    it("answers 404 for a bin room outside the caller's scope; nothing is written", async () => {
      const before = await count(ctx.handle.db, 'checkins');
      const photoId = await insertPhoto(ctx.handle.db, 'cadre01');
      expect((await post(cadre, { siteId: otherRoom, photoId, position: { lat: 31.2, lng: 121.41, accuracyM: 5 } })).statusCode).toBe(404);
      const xxPhoto = await insertPhoto(ctx.handle.db, 'xx-cadre01');
      expect((await post(xxCadre, { siteId: rooms[0]!.id, photoId: xxPhoto, position: near(rooms[0]!, 1, 5) })).statusCode).toBe(404);
      expect((await post(await signInAs(ctx.app, 'operator'), { siteId: rooms[0]!.id, photoId, position: near(rooms[0]!, 1, 5) })).statusCode).toBe(403);
      expect(await count(ctx.handle.db, 'checkins')).toBe(before);
    });

    it('accepts inside the fence and folds repeats in the same window into one row', async () => {
      const room = rooms[0]!;
      const first = await post(cadre, { siteId: room.id, photoId: await insertPhoto(ctx.handle.db, 'cadre01'), position: near(room, 20, 10) });
      expect(first.statusCode).toBe(201);
      expect(first.json()).toMatchObject({ status: 'on_site', method: 'gps', inWindow: true, repeatCount: 0 });
      expect(first.json().windowKey).toMatch(/^2026-05-26@(17:30|18:00)-20:00$/);
      const lastPhoto = await insertPhoto(ctx.handle.db, 'cadre01');
      const again = await post(cadre, { siteId: room.id, photoId: lastPhoto, position: near(room, 60, 15) });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id: first.json().id, repeatCount: 1, folded: true });
      const rows = await ctx.handle.db.selectFrom('checkins').selectAll().where('site_id', '=', room.id).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ repeat_count: 1, last_photo_id: lastPhoto, status: 'on_site' });
    });

    it('refuses an off-site check-in without a reason, then records it as off_site with one', async () => {
      const room = rooms[1]!;
      const photoId = await insertPhoto(ctx.handle.db, 'cadre01');
      const refused = await post(cadre, { siteId: room.id, photoId, position: near(room, 300, 20) });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.details.fields[0].field).toBe('offSiteReason');
      expect(refused.json().error.details.geofence).toMatchObject({ reason: 'outside_fence', radiusM: 50 });
      const poor = await post(cadre, { siteId: room.id, photoId, position: near(room, 0, 500) });
      expect(poor.json().error.details.geofence.reason).toBe('accuracy_too_poor');
      expect(await ctx.handle.db.selectFrom('checkins').select('id').where('site_id', '=', room.id).execute()).toHaveLength(0);
      const off = await post(cadre, { siteId: room.id, photoId, position: near(room, 300, 20), offSiteReason: '箱房门锁，隔街拍照' });
      expect(off.statusCode).toBe(201);
      expect(off.json()).toMatchObject({ status: 'off_site' });
      // A later on-site proof in the same window upgrades the folded row.
      const on = await post(cadre, { siteId: room.id, photoId: await insertPhoto(ctx.handle.db, 'cadre01'), position: near(room, 10, 5) });
      expect(on.json()).toMatchObject({ id: off.json().id, status: 'on_site', repeatCount: 1 });
    });

    it("accepts the bin room's QR plate as the alternative proof and refuses a wrong code", async () => {
      const room = rooms[2]!;
      const photoId = await insertPhoto(ctx.handle.db, 'cadre01');
      const wrong = await post(cadre, { siteId: room.id, photoId, qrCode: 'HQ-BR-9999' });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error.details.fields[0].field).toBe('qrCode');
      const ok = await post(cadre, { siteId: room.id, photoId, qrCode: room.qr_code });
      expect(ok.json()).toMatchObject({ status: 'on_site', method: 'qr' });
    });

    it('flags re-used photos and EXIF time or GPS far from the check-in', async () => {
      const db = ctx.handle.db;
      // The same picture used again for another bin room (same uploader → same photo row).
      const used = await db.selectFrom('checkins').select(['photo_id', 'id']).where('site_id', '=', rooms[0]!.id).executeTakeFirstOrThrow();
      const room = rooms[3]!;
      const reused = await post(cadre, { siteId: room.id, photoId: used.photo_id, position: near(room, 5, 5) });
      expect(reused.statusCode).toBe(201);
      expect(reused.json().evidenceFlags).toEqual([{ code: 'reused_photo', photoId: used.photo_id, detail: { recordKind: 'checkin', recordId: used.id } }]);
      const stale = await insertPhoto(db, 'cadre01', { takenAt: '2026-05-25T10:35:00Z', lat: Number(rooms[5]!.lat) + 0.01, lng: Number(rooms[5]!.lng) });
      const res = await post(cadre, { siteId: rooms[5]!.id, photoId: stale, position: near(rooms[5]!, 5, 5) });
      const codes = res.json().evidenceFlags.map((f: { code: string }) => f.code).sort();
      expect(codes).toEqual(['exif_gps_far', 'exif_time_far']);
      const listed = (await ctx.app.inject({ method: 'GET', url: '/api/checkins?flagged=true', headers: { cookie: await signInAs(ctx.app, 'operator') } })).json().items;
      expect(listed.map((c: { id: string }) => c.id).sort()).toEqual([reused.json().id, res.json().id].sort());
      // A clean photo taken now, on site, raises nothing.
      const clean = await insertPhoto(db, 'cadre01', { takenAt: EVENING, lat: Number(rooms[4]!.lat), lng: Number(rooms[4]!.lng) });
      const ok = await post(cadre, { siteId: rooms[4]!.id, photoId: clean, position: near(rooms[4]!, 5, 5) });
      expect(ok.json().evidenceFlags).toEqual([]);
    });

    it('lists only check-ins in scope', async () => {
      const xx = (await ctx.app.inject({ method: 'GET', url: '/api/checkins', headers: { cookie: xxCadre } })).json().items;
      expect(xx).toEqual([]);
      const mine = (await ctx.app.inject({ method: 'GET', url: '/api/checkins?date=2026-05-26', headers: { cookie: cadre } })).json().items;
      expect(mine.length).toBeGreaterThanOrEqual(4);
    });

    it('flags one photo sent at once for two check-ins: the later of the two sees the first', async () => {
      const db = ctx.handle.db;
      for (let round = 0; round < 3; round++) {
        ctx.clock.set(new Date(Date.parse(EVENING) + (round + 1) * 86_400_000)); // a day each: fresh check-in rows
        const cookie = await signInAs(ctx.app, 'cadre01');
        const photo = await insertPhoto(db, 'cadre01');
        const sent = await Promise.all([rooms[0]!, rooms[1]!].map((room) => post(cookie, { siteId: room.id, photoId: photo, position: near(room, 5, 5) })));
        expect(sent.map((r) => r.statusCode), `round ${round}`).toEqual([201, 201]);
        const flagged = sent.filter((r) => r.json().evidenceFlags.some((f: { code: string }) => f.code === 'reused_photo'));
        expect(flagged.length, `round ${round}`).toBe(1);
      }
      ctx.clock.set(EVENING);
    });
  });
}

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { binRoomsOf, committeeOf, count, insertPhoto } from '../patrols/factories.js';

const EVENING = '2026-05-26T10:35:00Z';

/** A multipart body with text fields before the file, as the field app sends it. */
function form(fields: Record<string, string>, bytes: Buffer) {
  const b = `----fld${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(fields).map(([k, v]) => Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  const head = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
  return { payload: Buffer.concat([...parts, head, bytes, Buffer.from(`\r\n--${b}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}

for (const dialect of DIALECTS) {
  describe(`field writes: Idempotency-Key and EXIF fallbacks [${dialect}]`, () => {
    let ctx: TestContext;
    let cadre: string;
    let rooms: Awaited<ReturnType<typeof binRoomsOf>>;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      ctx.clock.set(EVENING);
      cadre = await signInAs(ctx.app, 'cadre01');
      rooms = await binRoomsOf(ctx.handle.db, await committeeOf(ctx.handle.db, 'cadre01'));
    });
    afterAll(async () => ctx.close());

    const post = (url: string, payload: unknown, key?: string) =>
      ctx.app.inject({ method: 'POST', url, headers: { cookie: cadre, ...(key ? { 'idempotency-key': key } : {}) }, payload: payload as object });

    it('a check-in retried with the same Idempotency-Key is stored once and answers the same', async () => {
      const room = rooms[0]!;
      const body = { siteId: room.id, photoId: await insertPhoto(ctx.handle.db, 'cadre01'), position: { ...offsetMetres({ lat: Number(room.lat), lng: Number(room.lng) }, 10, 90), accuracyM: 8 }, deviceTime: EVENING };
      const before = await count(ctx.handle.db, 'checkins');
      const first = await post('/api/checkins', body, 'fld-checkin-0001');
      expect(first.statusCode).toBe(201);
      const again = await post('/api/checkins', body, 'fld-checkin-0001');
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      const rows = await ctx.handle.db.selectFrom('checkins').selectAll().where('site_id', '=', room.id).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.repeat_count).toBe(0);
      expect(await count(ctx.handle.db, 'checkins')).toBe(before + 1);
      // Same key, other body → 422 naming the header; nothing written.
      const other = await post('/api/checkins', { ...body, deviceTime: '2026-05-26T10:36:00Z' }, 'fld-checkin-0001');
      expect(other.statusCode).toBe(422);
      expect(other.json().error.code).toBe('idempotency_mismatch');
      // Without a key the fold rule still applies (200, folded).
      const fold = await post('/api/checkins', body);
      expect(fold.statusCode).toBe(200);
      expect(fold.json().folded).toBe(true);
      // A bad key is 400 naming Idempotency-Key.
      const bad = await post('/api/checkins', body, 'x');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.fields[0].field).toBe('Idempotency-Key');
    });

    it('an inspection (failed item reported → a case) retried with the same key is one inspection and one case', async () => {
      const patrol = await signInAs(ctx.app, 'patrol1');
      const com = await committeeOf(ctx.handle.db, 'cadre01');
      const shopId = (await ctx.handle.db.selectFrom('sites').select('id').where('committee_id', '=', com).where('kind', '=', 'shop').orderBy('id').executeTakeFirstOrThrow()).id;
      const list = (await ctx.app.inject({ method: 'GET', url: '/api/checklists?siteKind=shop', headers: { cookie: patrol } })).json().items;
      const checklist = (await ctx.app.inject({ method: 'GET', url: `/api/checklists/${list[0].id}`, headers: { cookie: patrol } })).json() as { id: string; items: { id: string }[] };
      const photoId = await insertPhoto(ctx.handle.db, 'patrol1');
      const body = {
        siteId: shopId,
        checklistId: checklist.id,
        answers: checklist.items.map((it, i) => (i === 0 ? { itemId: it.id, result: 'fail', resolution: 'reported', photoIds: [photoId], afterPhotoIds: [] } : { itemId: it.id, result: 'pass' })),
      };
      const send = () => ctx.app.inject({ method: 'POST', url: '/api/inspections', headers: { cookie: patrol, 'idempotency-key': 'fld-inspect-0001' }, payload: body });
      const cases = async () => (await ctx.handle.db.selectFrom('cases').select('id').execute()).length;
      const casesBefore = await cases();
      const first = await send();
      expect(first.statusCode).toBe(201);
      const again = await send();
      expect(again.statusCode).toBe(201);
      expect(again.json().id).toBe(first.json().id);
      expect(await ctx.handle.db.selectFrom('inspections').select('id').where('site_id', '=', shopId).execute()).toHaveLength(1);
      expect(await cases()).toBe(casesBefore + 1);
    });

    it('a failed check-in does not burn its key: the retry after fixing nothing fails the same, never 500', async () => {
      const res = await post('/api/checkins', { siteId: rooms[1]!.id, position: { lat: 31.2, lng: 121.4, accuracyM: 5 } }, 'fld-checkin-0002');
      expect(res.statusCode).toBe(400);
      const again = await post('/api/checkins', { siteId: rooms[1]!.id, position: { lat: 31.2, lng: 121.4, accuracyM: 5 } }, 'fld-checkin-0002');
      expect(again.statusCode).toBe(400);
    });

    it('a photo re-encoded without EXIF keeps the original time and GPS sent as fields; bad fields are 400 naming them', async () => {
      const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 120, b: 30 } } }).jpeg().toBuffer();
      const up = (fields: Record<string, string>, bytes = jpeg) => {
        const m = form(fields, bytes);
        return ctx.app.inject({ method: 'POST', url: '/api/photos', payload: m.payload, headers: { ...m.headers, cookie: cadre } });
      };
      const ok = await up({ exifTakenAt: '2026-05-26T18:20:00+08:00', exifLat: '31.2001', exifLng: '121.4002' });
      expect(ok.statusCode).toBe(201);
      expect(ok.json()).toMatchObject({ takenAt: '2026-05-26T10:20:00.000Z', lat: 31.2001, lng: 121.4002 });
      const row = await ctx.handle.db.selectFrom('photos').selectAll().where('id', '=', ok.json().id).executeTakeFirstOrThrow();
      expect(row.exif_taken_at).toBe('2026-05-26T10:20:00.000Z');
      expect(Number(row.exif_lat)).toBeCloseTo(31.2001, 6);

      const other = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 1, b: 3 } } }).jpeg().toBuffer();
      const before = (await ctx.handle.db.selectFrom('photos').select('id').execute()).length;
      for (const [fields, field] of [
        [{ exifLat: '91', exifLng: '121' }, 'exifLat'],
        [{ exifLat: '31.2' }, 'exifLng'],
        [{ exifTakenAt: 'yesterday' }, 'exifTakenAt'],
        [{ exifTakenAt: '0000-01-01T00:00:00Z' }, 'exifTakenAt'],
        [{ exifTakenAt: '0001-01-01T00:00:00Z' }, 'exifTakenAt'],
        [{ exifTakenAt: '9999-12-31T23:59:59+00:00' }, 'exifTakenAt'],
        [{ exifLat: '1e300', exifLng: '121' }, 'exifLat'],
        [{ takenAt: '2026-05-26T10:20:00Z' }, 'takenAt'],
      ] as const) {
        const res = await up(fields as Record<string, string>, other);
        expect(res.statusCode, JSON.stringify(fields)).toBe(400);
        expect(JSON.stringify(res.json().error)).toContain(field);
      }
      expect((await ctx.handle.db.selectFrom('photos').select('id').execute()).length).toBe(before);
    });
  });
}

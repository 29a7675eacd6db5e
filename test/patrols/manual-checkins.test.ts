import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { missedCheckinsPoller } from '../../src/jobs/missed-checkins.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { binRoomsOf, committeeOf, count, insertPhoto } from './factories.js';

// 18:35 Shanghai: inside every demo bin room's evening disposal window.
const EVENING = '2026-05-26T10:35:00Z';

for (const dialect of DIALECTS) {
  describe(`check-ins by manual position [${dialect}]`, () => {
    let ctx: TestContext;
    let cadre: string;
    let operator: string;
    let rooms: Awaited<ReturnType<typeof binRoomsOf>>;
    let otherRoom: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      ctx.clock.set(EVENING);
      cadre = await signInAs(ctx.app, 'cadre01');
      operator = await signInAs(ctx.app, 'operator');
      rooms = await binRoomsOf(ctx.handle.db, await committeeOf(ctx.handle.db, 'cadre01'));
      otherRoom = (await binRoomsOf(ctx.handle.db, await committeeOf(ctx.handle.db, 'cadre02')))[0]!.id;
    });
    afterAll(async () => ctx.close());

    const post = (cookie: string, payload: unknown, key?: string) =>
      ctx.app.inject({ method: 'POST', url: '/api/checkins', headers: { cookie, ...(key ? { 'idempotency-key': key } : {}) }, payload: payload as object });
    const near = (room: (typeof rooms)[number], metres: number, accuracyM: number) => ({ ...offsetMetres({ lat: Number(room.lat), lng: Number(room.lng) }, metres, 90), accuracyM });
    const photo = () => insertPhoto(ctx.handle.db, 'cadre01');
    const field = (res: { json(): any }) => res.json().error.details.fields[0].field;

    it('refuses a manual position without a reason, with "other" but no words, or alongside GPS/QR — naming the field; nothing is written', async () => {
      const before = await count(ctx.handle.db, 'checkins');
      const room = rooms[0]!;
      const photoId = await photo();
      const noReason = await post(cadre, { siteId: room.id, photoId, manual: {} });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().error.code).toBe('validation_failed');
      expect(field(noReason)).toBe('manual.reason');
      const unknown = await post(cadre, { siteId: room.id, photoId, manual: { reason: 'lazy' } });
      expect(unknown.statusCode).toBe(400);
      expect(field(unknown)).toBe('manual.reason');
      const otherNoWords = await post(cadre, { siteId: room.id, photoId, manual: { reason: 'other', note: ' ' } });
      expect(otherNoWords.statusCode).toBe(400);
      expect(field(otherNoWords)).toBe('manual.note');
      const withGps = await post(cadre, { siteId: room.id, photoId, position: near(room, 5, 5), manual: { reason: 'weak_signal' } });
      expect(withGps.statusCode).toBe(400);
      expect(field(withGps)).toBe('manual');
      const withQr = await post(cadre, { siteId: room.id, photoId, qrCode: room.qr_code, manual: { reason: 'weak_signal' } });
      expect(withQr.statusCode).toBe(400);
      expect(field(withQr)).toBe('manual');
      const noPhoto = await post(cadre, { siteId: room.id, manual: { reason: 'geolocation_denied' } });
      expect(field(noPhoto)).toBe('photoId');
      expect(await count(ctx.handle.db, 'checkins')).toBe(before);
    });

    it('answers 404 for a bin room outside the caller\'s scope and 403 to a role that may not check in; nothing is written', async () => {
      const before = await count(ctx.handle.db, 'checkins');
      const photoId = await photo();
      const out = await post(cadre, { siteId: otherRoom, photoId, manual: { reason: 'geolocation_denied' } });
      expect(out.statusCode).toBe(404);
      const xx = await signInAs(ctx.app, 'xx-cadre01');
      expect((await post(xx, { siteId: rooms[0]!.id, photoId: await insertPhoto(ctx.handle.db, 'xx-cadre01'), manual: { reason: 'geolocation_denied' } })).statusCode).toBe(404);
      expect((await post(operator, { siteId: rooms[0]!.id, photoId, manual: { reason: 'geolocation_denied' } })).statusCode).toBe(403);
      expect(await count(ctx.handle.db, 'checkins')).toBe(before);
    });

    it('records method manual with its reason and no measured position; a retry with the same key is the same one row', async () => {
      const room = rooms[1]!;
      const payload = { siteId: room.id, photoId: await photo(), manual: { reason: 'indoor_no_fix', note: '地下室箱房没有信号' } };
      const res = await post(cadre, payload, 'manual-key-1');
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ method: 'manual', status: 'on_site', manualReason: 'indoor_no_fix', distanceM: null, repeatCount: 0 });
      const again = await post(cadre, payload, 'manual-key-1');
      expect(again.json().id).toBe(res.json().id);
      const rows = await ctx.handle.db.selectFrom('checkins').selectAll().where('site_id', '=', room.id).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ method: 'manual', manual_reason: 'indoor_no_fix', manual_note: '地下室箱房没有信号', lat: null, lng: null, accuracy_m: null, off_site_reason: null, repeat_count: 0 });
    });

    it('is flagged for the operator (flagged list with its reason, per-person count) and counts as covered: no missed window', async () => {
      const room = rooms[2]!;
      const res = await post(cadre, { siteId: room.id, photoId: await photo(), manual: { reason: 'geolocation_denied' } });
      expect(res.statusCode).toBe(201);
      const flagged = (await ctx.app.inject({ method: 'GET', url: '/api/checkins?flagged=true', headers: { cookie: operator } })).json().items;
      const mine = flagged.find((c: { id: string }) => c.id === res.json().id);
      expect(mine).toMatchObject({ method: 'manual', manualReason: 'geolocation_denied', manualNote: null, evidenceFlags: [] });
      // Another subdistrict's operator sees none of them.
      const xxOperator = await signInAs(ctx.app, 'xx-operator');
      const theirs = (await ctx.app.inject({ method: 'GET', url: '/api/checkins?flagged=true&method=manual', headers: { cookie: xxOperator } })).json().items;
      expect(theirs).toEqual([]);
      const byMethod = (await ctx.app.inject({ method: 'GET', url: '/api/checkins?method=manual', headers: { cookie: operator } })).json().items;
      expect(byMethod.map((c: { siteId: string }) => c.siteId).sort()).toEqual([rooms[1]!.id, room.id].sort());
      const activity = (await ctx.app.inject({ method: 'GET', url: '/api/coverage/activity?date=2026-05-26', headers: { cookie: operator } })).json().items;
      expect(activity.find((p: { name: string; manual: number }) => p.manual > 0)).toMatchObject({ manual: 2, offSite: 0 });

      const job = missedCheckinsPoller({ db: ctx.handle.db, config: ctx.deps.config, clock: new ManualClock('2026-05-26T12:00:00Z'), logger: { error: (e) => { throw e; } } });
      await job.runOnce();
      const missed = await ctx.handle.db.selectFrom('checkin_misses').select('site_id').where('subject', '=', 'site').where('site_id', 'in', [rooms[1]!.id, room.id, rooms[3]!.id]).execute();
      expect(missed.map((m) => m.site_id)).toEqual([rooms[3]!.id]);
    });

    it('folds by proof strength: a later GPS fix upgrades a manual row, a later manual never downgrades GPS, off-site never replaces manual', async () => {
      ctx.clock.set('2026-05-27T10:35:00Z');
      cadre = await signInAs(ctx.app, 'cadre01'); // a day later: the session has expired
      const [a, b] = [rooms[4]!, rooms[5]!];
      const manual = await post(cadre, { siteId: a.id, photoId: await photo(), manual: { reason: 'weak_signal' } });
      const off = await post(cadre, { siteId: a.id, photoId: await photo(), position: near(a, 400, 10), offSiteReason: '隔街拍照' });
      expect(off.json()).toMatchObject({ id: manual.json().id, method: 'manual', status: 'on_site', manualReason: 'weak_signal', repeatCount: 1 });
      const gps = await post(cadre, { siteId: a.id, photoId: await photo(), position: near(a, 5, 5) });
      expect(gps.json()).toMatchObject({ id: manual.json().id, method: 'gps', status: 'on_site', manualReason: null, repeatCount: 2 });

      const first = await post(cadre, { siteId: b.id, photoId: await photo(), position: near(b, 5, 5) });
      const later = await post(cadre, { siteId: b.id, photoId: await photo(), manual: { reason: 'other', note: '手机重启后没有定位' } });
      expect(later.json()).toMatchObject({ id: first.json().id, method: 'gps', manualReason: null, repeatCount: 1 });
      const row = await ctx.handle.db.selectFrom('checkins').selectAll().where('id', '=', first.json().id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ method: 'gps', manual_reason: null, manual_note: null });
      expect(row.lat).not.toBeNull();
    });

    it('the database itself refuses a manual row without a reason and an unknown method', async () => {
      const base = await ctx.handle.db.selectFrom('checkins').selectAll().where('method', '=', 'manual').executeTakeFirstOrThrow();
      const clone = { ...base, id: `${base.id}-x`, window_key: `${base.window_key}-x` };
      await expect(ctx.handle.db.insertInto('checkins').values({ ...clone, manual_reason: null }).execute()).rejects.toThrow();
      await expect(ctx.handle.db.insertInto('checkins').values({ ...clone, method: 'telepathy' as never }).execute()).rejects.toThrow();
      await expect(ctx.handle.db.insertInto('checkins').values({ ...clone, manual_reason: 'bored' as never }).execute()).rejects.toThrow();
    });
  });
}

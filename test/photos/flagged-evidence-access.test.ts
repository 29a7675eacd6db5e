import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { signInAs } from '../helpers/app.js';
import { usersScopedToCommittees } from '../helpers/committee-scoped-users.js';
import { DIALECTS } from '../helpers/db.js';
import { jpegWithExif } from '../helpers/images.js';
import { binRoomsOf, committeeOf } from '../patrols/factories.js';
import { photoPurgeContext } from './helpers.js';

// 18:35 Shanghai: inside every demo bin room's evening disposal window; the pictures' EXIF says
// 10:30 that morning, so the check-in and the inspection are flagged (capture time far off).
const EVENING = '2026-05-26T10:35:00Z';

/**
 * The photos of flagged check-ins and inspections are opened by whoever may list those records
 * (patrols.read, in scope: the same scope condition as the lists), not only by their uploader or
 * through a case; nobody outside that scope sees them.
 */
for (const dialect of DIALECTS) {
  describe(`photos of flagged check-ins and inspections [${dialect}]`, () => {
    let t: Awaited<ReturnType<typeof photoPurgeContext>>;
    let checkinPhoto: string;
    let inspectionPhoto: string;
    let checkinId: string;
    let inspectionId: string;
    const cookies: Record<string, string> = {};

    beforeAll(async () => {
      t = await photoPurgeContext(dialect, 'closeloop-flagged-photos-');
      const { ctx } = t;
      const db = ctx.handle.db;
      ctx.clock.set(EVENING);
      for (const u of ['cadre01', 'cadre02', 'operator', 'leader', 'handler1', 'xx-operator', 'xx-leader']) cookies[u] = await signInAs(ctx.app, u);
      const committee = await committeeOf(db, 'cadre01');
      const op = await db.selectFrom('users').select(['id', 'subdistrict_id']).where('username', '=', 'operator').executeTakeFirstOrThrow();
      // Operators each scoped to one committee: cadre01's, and another of the same subdistrict.
      await usersScopedToCommittees(db, { userId: op.id, subdistrictId: op.subdistrict_id!, committeeId: committee, at: ctx.clock.now() }, 'committee-operator');
      for (const k of ['own', 'other']) cookies[`committee-operator-${k}`] = await signInAs(ctx.app, `committee-operator-${k}`);

      const room = (await binRoomsOf(db, committee))[0]!;
      checkinPhoto = (await t.upload(cookies.cadre01!, await jpegWithExif({ seed: 1 }))).id;
      const checkin = await ctx.app.inject({
        method: 'POST', url: '/api/checkins', headers: { cookie: cookies.cadre01! },
        payload: { siteId: room.id, photoId: checkinPhoto, position: { ...offsetMetres({ lat: Number(room.lat), lng: Number(room.lng) }, 5, 90), accuracyM: 5 } },
      });
      expect(checkin.statusCode, checkin.body).toBe(201);
      expect(checkin.json().evidenceFlags.length).toBeGreaterThan(0);
      checkinId = checkin.json().id;

      const site = await db.selectFrom('sites').select(['id', 'kind', 'lat', 'lng']).where('committee_id', '=', committee).where('kind', '=', 'shop').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
      const list = (await ctx.app.inject({ method: 'GET', url: `/api/checklists?siteKind=${site.kind}`, headers: { cookie: cookies.cadre01! } })).json().items;
      const checklist = (await ctx.app.inject({ method: 'GET', url: `/api/checklists/${list[0].id}`, headers: { cookie: cookies.cadre01! } })).json() as { id: string; items: { id: string }[] };
      inspectionPhoto = (await t.upload(cookies.cadre01!, await jpegWithExif({ seed: 2 }))).id;
      // Every item passes (no case is raised, so no case grants the photo); the first carries the picture.
      const inspected = await ctx.app.inject({
        method: 'POST', url: '/api/inspections', headers: { cookie: cookies.cadre01! },
        payload: {
          siteId: site.id, checklistId: checklist.id, position: { lat: Number(site.lat), lng: Number(site.lng), accuracyM: 5 },
          answers: checklist.items.map((i, n) => ({ itemId: i.id, result: 'pass', ...(n === 0 && { photoIds: [inspectionPhoto] }) })),
        },
      });
      expect(inspected.statusCode, inspected.body).toBe(201);
      expect(inspected.json().evidenceFlags.map((f: { code: string }) => f.code)).toContain('exif_time_far');
      expect(inspected.json().cases).toEqual([]);
      inspectionId = inspected.json().id;
    });
    afterAll(async () => t.close());

    const get = (who: string, url: string) => t.ctx.app.inject({ method: 'GET', url, headers: { cookie: cookies[who]! } });

    it('the flagged lists name the photos: the check-in its photo, the inspection its answers’ photos', async () => {
      const checkins = (await get('operator', '/api/checkins?flagged=true')).json().items as { id: string; photoId: string }[];
      expect(checkins.find((c) => c.id === checkinId)?.photoId).toBe(checkinPhoto);
      const inspections = (await get('operator', '/api/inspections?flagged=true')).json().items as { id: string; photoIds: string[] }[];
      expect(inspections.find((i) => i.id === inspectionId)?.photoIds).toEqual([inspectionPhoto]);
    });

    for (const [what, photo] of [['check-in', () => checkinPhoto], ['inspection', () => inspectionPhoto]] as const) {
      it(`the ${what}'s photo, thumbnail and original, opens for those who may list the record in scope and the uploader`, async () => {
        for (const who of ['cadre01', 'operator', 'leader', 'committee-operator-own']) {
          for (const url of [`/api/photos/${photo()}/thumb`, `/api/photos/${photo()}`]) {
            const res = await get(who, url);
            expect(res.statusCode, `${who} ${url}`).toBe(200);
            expect(res.headers['content-type']).toContain('image/jpeg');
          }
          expect((await get(who, `/api/photos/${photo()}/meta`)).json().id).toBe(photo());
        }
      });

      it(`the ${what}'s photo is not_found for another committee, another subdistrict and a role that may not list it`, async () => {
        for (const who of ['cadre02', 'committee-operator-other', 'xx-operator', 'xx-leader', 'handler1']) {
          for (const url of [`/api/photos/${photo()}/thumb`, `/api/photos/${photo()}`, `/api/photos/${photo()}/meta`]) {
            const res = await get(who, url);
            expect(res.statusCode, `${who} ${url}`).toBe(404);
            expect(res.json().error.code).toBe('not_found');
          }
        }
      });
    }
  });
}

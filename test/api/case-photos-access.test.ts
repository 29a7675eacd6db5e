import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { jpegWithExif, multipart } from '../helpers/images.js';

/** Photos attached to a case are served to whoever may see that case, and to no one else. */
for (const dialect of DIALECTS) {
  describe(`photo access through cases [${dialect}]`, () => {
    let ctx: TestContext;
    let photoDir: string;
    const cookie: Record<string, string> = {};
    let photo: { id: string; url: string; thumbUrl: string };
    let looseRes: { id: string; url: string };
    let caseId: string;
    let unit1: string;

    beforeAll(async () => {
      photoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-case-photos-'));
      ctx = await demoContext(dialect, { PHOTO_DIR: photoDir });
      const db = ctx.handle.db;
      const hq = (await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
      const coms = await db.selectFrom('committees').select('id').where('subdistrict_id', '=', hq).orderBy('code').limit(2).execute();
      const cadreOf = async (committeeId: string) =>
        (
          await db
            .selectFrom('users')
            .innerJoin('user_scopes', 'user_scopes.user_id', 'users.id')
            .select('users.username')
            .where('users.role', '=', 'cadre')
            .where('user_scopes.committee_id', '=', committeeId)
            .executeTakeFirstOrThrow()
        ).username;
      const users = {
        patrol: 'patrol1', patrol2: 'patrol2', operator: 'operator', handler: 'handler1', handler2: 'handler2',
        cadreA: await cadreOf(coms[0]!.id), cadreB: await cadreOf(coms[1]!.id), xx: 'xx-admin',
      };
      for (const [k, u] of Object.entries(users)) cookie[k] = await signInAs(ctx.app, u);

      const upload = async (seed: number) => {
        const m = multipart(await jpegWithExif({ seed }));
        const res = await ctx.app.inject({ method: 'POST', url: '/api/photos', payload: m.payload, headers: { ...m.headers, cookie: cookie.patrol! } });
        expect(res.statusCode).toBe(201);
        return res.json();
      };
      photo = await upload(1);
      looseRes = await upload(2);
      expect(looseRes.id).not.toBe(photo.id);
      const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('committee_id', '=', coms[1]!.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      const category = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'A0301').executeTakeFirstOrThrow();
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/cases',
        headers: { cookie: cookie.patrol! },
        payload: { source: 'patrol', categoryId: category.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: '满溢', photoIds: [photo.id] },
      });
      expect(res.statusCode).toBe(201);
      caseId = res.json().id;
      unit1 = (await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
    });
    afterAll(async () => {
      await ctx.close();
      fs.rmSync(photoDir, { recursive: true, force: true });
    });

    const get = (who: string, url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie: cookie[who]! } });

    it("serves a case photo to the cadre of the case's committee", async () => {
      const res = await get('cadreB', photo.url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('image/jpeg');
      expect((await get('cadreB', photo.thumbUrl)).statusCode).toBe(200);
    });

    it("a cadre of committee A cannot fetch a photo attached to committee B's case: 404", async () => {
      for (const url of [photo.url, photo.thumbUrl, `/api/photos/${photo.id}/meta`]) {
        const res = await get('cadreA', url);
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('not_found');
      }
    });

    it('another subdistrict gets 404; a photo not attached to any case stays private to its uploader (and operators)', async () => {
      expect((await get('xx', photo.url)).statusCode, 'xx').toBe(404);
      expect((await get('cadreB', looseRes.url)).statusCode, 'cadreB loose').toBe(404);
      expect((await get('patrol', looseRes.url)).statusCode).toBe(200);
      expect((await get('operator', looseRes.url)).statusCode).toBe(200);
      // Field staff see the whole subdistrict's cases, not everyone's loose photos.
      expect((await get('patrol2', looseRes.url)).statusCode).toBe(404);
      expect((await get('handler', looseRes.url)).statusCode).toBe(404);
    });

    it('a handling unit sees the photos of cases dispatched to it, and only those', async () => {
      expect((await get('handler', photo.url)).statusCode).toBe(404);
      const op = { cookie: cookie.operator! };
      const filed = await ctx.app.inject({ method: 'POST', url: `/api/cases/${caseId}/transitions`, headers: op, payload: { action: 'file', version: 1 } });
      expect(filed.statusCode).toBe(200);
      const sent = await ctx.app.inject({ method: 'POST', url: `/api/cases/${caseId}/transitions`, headers: op, payload: { action: 'dispatch', version: 2, unitId: unit1 } });
      expect(sent.statusCode).toBe(200);
      expect((await get('handler', photo.url)).statusCode).toBe(200);
      expect((await get('handler2', photo.url)).statusCode).toBe(404);
    });
  });
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeUnattachedPhotos } from '../../src/domain/photos/purge.js';
import { filesFor } from '../../src/domain/storage/index.js';
import { originalKey, thumbKey } from '../../src/domain/storage/keys.js';
import { createJobs } from '../../src/jobs/index.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { jpegWithExif, multipart } from '../helpers/images.js';

const DAY = 86_400_000;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const dialect of DIALECTS) {
  describe(`photos no record refers to are purged after UNATTACHED_PHOTO_RETENTION_DAYS [${dialect}]`, () => {
    let ctx: TestContext;
    let photoDir: string;
    beforeAll(async () => {
      photoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-purge-'));
      ctx = await demoContext(dialect, { PHOTO_DIR: photoDir, UNATTACHED_PHOTO_RETENTION_DAYS: '30' });
    });
    afterAll(async () => {
      await ctx.close();
      fs.rmSync(photoDir, { recursive: true, force: true });
    });

    const upload = async (cookie: string, bytes: Buffer) => {
      const m = multipart(bytes);
      const res = await ctx.app.inject({ method: 'POST', url: '/api/photos', payload: m.payload, headers: { ...m.headers, cookie } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string; sha256: string; url: string };
    };
    const exists = async (id: string) => !!(await ctx.handle.db.selectFrom('photos').select('id').where('id', '=', id).executeTakeFirst());
    const later = (days: number) => ({ now: () => new Date(ctx.clock.now().getTime() + days * DAY) });

    it('deletes the rows and files of old unattached photos only; keeps every photo a record cites, recent ones, and content another row still has', async () => {
      const db = ctx.handle.db;
      const patrol = await signInAs(ctx.app, 'patrol1');
      const patrol2 = await signInAs(ctx.app, 'patrol2');
      const loose = await upload(patrol, await jpegWithExif({ seed: 101 }));
      const onCase = await upload(patrol, await jpegWithExif({ seed: 102 }));
      const onlyInAnswerJson = await upload(patrol, await jpegWithExif({ seed: 103 }));
      const evidenceUse = await upload(patrol, await jpegWithExif({ seed: 104 }));
      const sharedBytes = await jpegWithExif({ seed: 105 });
      const sharedLoose = await upload(patrol2, sharedBytes);
      const sharedKept = await upload(patrol, sharedBytes);

      // A case cites onCase (case_photos and its event's photo list).
      const hq = (await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
      const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      const category = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'A0301').executeTakeFirstOrThrow();
      const reported = await ctx.app.inject({
        method: 'POST', url: '/api/cases', headers: { cookie: patrol },
        payload: { source: 'patrol', categoryId: category.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: '满溢', photoIds: [onCase.id, sharedKept.id] },
      });
      expect(reported.statusCode, reported.body).toBe(201);
      // An inspection answer's photo list names one, and nothing else does (no evidence use): it is still cited.
      const shop = await db.selectFrom('sites').select('id').where('subdistrict_id', '=', hq).where('kind', '=', 'shop').orderBy('id').executeTakeFirstOrThrow();
      const list = (await ctx.app.inject({ method: 'GET', url: '/api/checklists?siteKind=shop', headers: { cookie: patrol } })).json().items;
      const checklist = (await ctx.app.inject({ method: 'GET', url: `/api/checklists/${list[0].id}`, headers: { cookie: patrol } })).json() as { id: string; items: { id: string }[] };
      const inspected = await ctx.app.inject({
        method: 'POST', url: '/api/inspections', headers: { cookie: patrol },
        payload: { siteId: shop.id, checklistId: checklist.id, answers: checklist.items.map((i) => ({ itemId: i.id, result: 'pass' })) },
      });
      expect(inspected.statusCode, inspected.body).toBe(201);
      const answer = await db.selectFrom('inspection_answers').select('id').where('inspection_id', '=', inspected.json().id).orderBy('id').executeTakeFirstOrThrow();
      await db.updateTable('inspection_answers').set({ photo_ids: JSON.stringify([onlyInAnswerJson.id]) }).where('id', '=', answer.id).execute();
      // An evidence use (a check-in's photo) names one.
      await db.insertInto('evidence_photo_uses').values({
        id: `use-${dialect}`, subdistrict_id: hq, photo_id: evidenceUse.id, sha256: evidenceUse.sha256, record_kind: 'checkin', record_id: 'some-checkin', used_at: ctx.clock.now().toISOString(),
      }).execute();

      const files = filesFor(ctx.deps.config);
      expect(await files.has(originalKey(loose.sha256))).toBe(true);
      expect(await files.has(thumbKey(loose.sha256))).toBe(true);
      // The files were written when the photos were uploaded, by the test's clock (the purge leaves a
      // file written or renewed within the orphan grace period: an upload of the same bytes in flight).
      const uploadedAt = ctx.clock.now();
      for (const f of fs.readdirSync(photoDir, { recursive: true, withFileTypes: true })) if (f.isFile()) fs.utimesSync(path.join(f.parentPath, f.name), uploadedAt, uploadedAt);

      // Before the retention age nothing goes.
      expect(await purgeUnattachedPhotos(db, later(29), files, { olderThanDays: 30 })).toEqual({ photos: 0, files: 0 });
      expect(await exists(loose.id)).toBe(true);

      const r = await purgeUnattachedPhotos(db, later(31), files, { olderThanDays: 30, batchSize: 2 });
      expect(await exists(loose.id)).toBe(false);
      expect(await files.has(originalKey(loose.sha256))).toBe(false);
      expect(await files.has(thumbKey(loose.sha256))).toBe(false);
      for (const kept of [onCase, onlyInAnswerJson, evidenceUse, sharedKept]) {
        expect(await exists(kept.id), kept.id).toBe(true);
        expect(await files.has(originalKey(kept.sha256))).toBe(true);
      }
      // Another uploader's copy of the same content is attached: this row goes, the file stays.
      expect(await exists(sharedLoose.id)).toBe(false);
      expect(await files.has(originalKey(sha(sharedBytes)))).toBe(true);
      expect(r.files).toBeGreaterThanOrEqual(2);
      expect(r.photos).toBeGreaterThanOrEqual(2);
      // A second round finds nothing more, and the kept photos are served as before.
      expect(await purgeUnattachedPhotos(db, later(31), files, { olderThanDays: 30 })).toEqual({ photos: 0, files: 0 });
      expect((await ctx.app.inject({ method: 'GET', url: onCase.url, headers: { cookie: patrol } })).statusCode).toBe(200);
      expect((await ctx.app.inject({ method: 'GET', url: loose.url, headers: { cookie: patrol } })).statusCode).toBe(404);
    });

    it('runs as the unattached-photos job, with the configured age', async () => {
      const patrol = await signInAs(ctx.app, 'patrol1');
      const p = await upload(patrol, await jpegWithExif({ seed: 106 }));
      expect(ctx.deps.config.retention.unattachedPhotoDays).toBe(30);
      const jobAt = (days: number) => createJobs({ db: ctx.handle.db, config: ctx.deps.config, clock: later(days), holder: `t-${days}-${dialect}` }).find((j) => j.name === 'unattached-photos')!;
      await jobAt(29).runOnce();
      expect(await exists(p.id)).toBe(true);
      await jobAt(31).runOnce();
      expect(await exists(p.id)).toBe(false);
    });
  });
}

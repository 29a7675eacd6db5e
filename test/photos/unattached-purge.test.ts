import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeUnattachedPhotos } from '../../src/domain/photos/purge.js';
import { filesFor } from '../../src/domain/storage/index.js';
import { originalKey, thumbKey } from '../../src/domain/storage/keys.js';
import { createJobs } from '../../src/jobs/index.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { jpegWithExif } from '../helpers/images.js';
import { hongqiaoId, passedInspectionAnswer, photoPurgeContext, reportAtBinRoom } from './helpers.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const dialect of DIALECTS) {
  describe(`photos no record refers to are purged after UNATTACHED_PHOTO_RETENTION_DAYS [${dialect}]`, () => {
    let env: Awaited<ReturnType<typeof photoPurgeContext>>;
    let ctx: TestContext;
    let photoDir: string;
    beforeAll(async () => {
      env = await photoPurgeContext(dialect, 'closeloop-purge-', { UNATTACHED_PHOTO_RETENTION_DAYS: '30' });
      ({ ctx, photoDir } = env);
    });
    afterAll(async () => env?.close());

    const upload = (cookie: string, bytes: Buffer) => env.upload(cookie, bytes);
    const exists = (id: string) => env.exists(id);
    const later = (days: number) => env.later(days);

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
      await reportAtBinRoom(ctx, patrol, [onCase.id, sharedKept.id]);
      // An inspection answer's photo list names one, and nothing else does (no evidence use): it is still cited.
      const answer = await passedInspectionAnswer(ctx, patrol);
      await db.updateTable('inspection_answers').set({ photo_ids: JSON.stringify([onlyInAnswerJson.id]) }).where('id', '=', answer).execute();
      // An evidence use (a check-in's photo) names one.
      await db.insertInto('evidence_photo_uses').values({
        id: `use-${dialect}`, subdistrict_id: await hongqiaoId(ctx), photo_id: evidenceUse.id, sha256: evidenceUse.sha256, record_kind: 'checkin', record_id: 'some-checkin', used_at: ctx.clock.now().toISOString(),
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

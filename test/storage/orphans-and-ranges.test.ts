import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storePhotoFiles, recordPhoto, savePhoto } from '../../src/domain/photos/upload.js';
import { purgeUnattachedPhotos } from '../../src/domain/photos/purge.js';
import { filesFor } from '../../src/domain/storage/index.js';
import { originalKey, thumbKey } from '../../src/domain/storage/keys.js';
import { LocalFileStore } from '../../src/domain/storage/local-store.js';
import { ORPHAN_FILE_GRACE_MS, sweepOrphanFiles } from '../../src/domain/storage/orphans.js';
import { actorOf, demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { jpegWithExif, multipart } from '../helpers/images.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { orderDocument } from '../enforcement/helpers.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const HOUR = 3600_000;
/** The sweep's clock: real time (file ages are the store's), moved by `ms`. */
const inFuture = (ms: number) => ({ now: () => new Date(Date.now() + ms) });

let s3: TestS3;
let tmp: string;
beforeAll(async () => {
  s3 = await startS3();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-orphans-'));
});
afterAll(async () => {
  await s3.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

for (const dialect of DIALECTS) {
  for (const backend of ['local', 's3'] as const) {
    describe(`files no row refers to, and byte ranges, on ${backend} storage [${dialect}]`, () => {
      let ctx: TestContext;
      const prefix = `orphans-${dialect}`;
      beforeAll(async () => {
        const dir = path.join(tmp, `${backend}-${dialect}`);
        ctx = await demoContext(dialect, backend === 's3' ? { ...s3.env, S3_PREFIX: prefix, PHOTO_DIR: dir } : { PHOTO_DIR: dir });
      });
      afterAll(async () => ctx?.close());

      const files = () => filesFor(ctx.deps.config);
      /** Makes a stored object look `ms` old: its file's modification time (s3rver's LastModified is its file's). */
      const age = (key: string, ms: number) => {
        const file = backend === 'local' ? (files() as LocalFileStore).pathOf(key) : path.join(s3.directory, s3.bucket, prefix, `${key}._S3rver_object`);
        const t = new Date(Date.now() - ms);
        fs.utimesSync(file, t, t);
      };
      const upload = async (cookie: string, bytes: Buffer) => {
        const m = multipart(bytes);
        const res = await ctx.app.inject({ method: 'POST', url: '/api/photos', payload: m.payload, headers: { ...m.headers, cookie } });
        expect(res.statusCode, res.body).toBe(201);
        return res.json() as { id: string; sha256: string; url: string; thumbUrl: string };
      };
      const get = (url: string, cookie: string, headers: Record<string, string> = {}) => ctx.app.inject({ method: 'GET', url, headers: { cookie, ...headers } });

      it('serves one byte range of a photo as 206, a range past the end as 416, several ranges or a stale If-Range as the whole; scope first', async () => {
        const patrol = await signInAs(ctx.app, 'patrol1');
        const jpeg = await jpegWithExif({ seed: 401 });
        const p = await upload(patrol, jpeg);
        const n = jpeg.length;

        const first = await get(p.url, patrol, { range: 'bytes=0-9' });
        expect(first.statusCode).toBe(206);
        expect(first.headers['content-range']).toBe(`bytes 0-9/${n}`);
        expect(first.headers['content-length']).toBe('10');
        expect(first.headers['accept-ranges']).toBe('bytes');
        expect(first.rawPayload.equals(jpeg.subarray(0, 10))).toBe(true);
        const rest = await get(p.url, patrol, { range: 'bytes=100-' });
        expect(rest.statusCode).toBe(206);
        expect(rest.headers['content-range']).toBe(`bytes 100-${n - 1}/${n}`);
        expect(rest.rawPayload.equals(jpeg.subarray(100))).toBe(true);
        const suffix = await get(p.url, patrol, { range: 'bytes=-5' });
        expect(suffix.statusCode).toBe(206);
        expect(suffix.rawPayload.equals(jpeg.subarray(n - 5))).toBe(true);
        const clamped = await get(p.url, patrol, { range: `bytes=${n - 3}-${n + 100}`, 'if-range': `"${p.sha256}"` });
        expect(clamped.statusCode).toBe(206);
        expect(clamped.headers['content-range']).toBe(`bytes ${n - 3}-${n - 1}/${n}`);
        expect(clamped.rawPayload.equals(jpeg.subarray(n - 3))).toBe(true);

        const past = await get(p.url, patrol, { range: `bytes=${n}-` });
        expect(past.statusCode).toBe(416);
        expect(past.headers['content-range']).toBe(`bytes */${n}`);
        expect(past.headers['cache-control']).toBeUndefined();

        for (const headers of <Record<string, string>[]>[{ range: 'bytes=0-1,4-5' }, { range: 'bytes=0-9', 'if-range': '"another-version"' }, { range: 'bytes=9-2' }, { range: 'items=0-9' }]) {
          const whole = await get(p.url, patrol, headers);
          expect(whole.statusCode, JSON.stringify(headers)).toBe(200);
          expect(whole.rawPayload.equals(jpeg)).toBe(true);
        }
        const thumb = await get(p.thumbUrl, patrol, { range: 'bytes=0-1' });
        expect(thumb.statusCode).toBe(206);
        expect(thumb.rawPayload.equals(Buffer.from([0xff, 0xd8]))).toBe(true);

        // Out of scope: the same 404 with or without a range, nothing of the file.
        const xx = await signInAs(ctx.app, 'xx-admin');
        for (const range of ['bytes=0-9', `bytes=${n}-`]) expect((await get(p.url, xx, { range })).statusCode).toBe(404);
      });

      let documentSha = '';
      it('serves one byte range of an enforcement document PDF as 206 and a range past the end as 416; scope first', async () => {
        const e1 = await signInAs(ctx.app, 'enforcer1');
        const doc = await orderDocument(ctx, e1);
        documentSha = doc.pdfSha256;
        const whole = await get(doc.pdfUrl, e1);
        expect(whole.statusCode).toBe(200);
        const pdf = whole.rawPayload;
        expect(whole.headers.etag).toBe(`"${sha(pdf)}"`);

        const head = await get(doc.pdfUrl, e1, { range: 'bytes=0-4', 'if-range': whole.headers.etag as string });
        expect(head.statusCode).toBe(206);
        expect(head.headers['content-range']).toBe(`bytes 0-4/${pdf.length}`);
        expect(head.rawPayload.toString('latin1')).toBe('%PDF-');
        const tail = await get(doc.pdfUrl, e1, { range: 'bytes=-6' });
        expect(tail.statusCode).toBe(206);
        expect(tail.rawPayload.equals(pdf.subarray(pdf.length - 6))).toBe(true);
        const past = await get(doc.pdfUrl, e1, { range: `bytes=${pdf.length}-` });
        expect(past.statusCode).toBe(416);
        expect(past.headers['content-range']).toBe(`bytes */${pdf.length}`);
        const multi = await get(doc.pdfUrl, e1, { range: 'bytes=0-4,10-20' });
        expect(multi.statusCode).toBe(200);
        expect(multi.rawPayload.equals(pdf)).toBe(true);
        const xx = await signInAs(ctx.app, 'xx-admin');
        expect((await get(doc.pdfUrl, xx, { range: 'bytes=0-4' })).statusCode).toBe(404);
      });

      it('sweeps files whose upload never got its row, after the grace period, and keeps every file a photo or document row has', async () => {
        const db = ctx.handle.db;
        const patrol = await actorOf(ctx, 'patrol1');
        const kept = await upload(await signInAs(ctx.app, 'patrol1'), await jpegWithExif({ seed: 402 }));
        // An upload whose transaction rolled back after its files were written.
        const lostBytes = await jpegWithExif({ seed: 403 });
        await expect(db.transaction().execute(async (trx) => {
          await savePhoto(trx, ctx.clock, patrol, files(), lostBytes);
          throw new Error('rolled back');
        })).rejects.toThrow('rolled back');
        const lost = sha(lostBytes);
        expect(await db.selectFrom('photos').select('id').where('sha256', '=', lost).executeTakeFirst()).toBeUndefined();
        expect(await files().has(originalKey(lost))).toBe(true);
        expect(await files().has(thumbKey(lost))).toBe(true);

        // Within the grace period nothing goes: it could be an upload about to commit.
        expect((await sweepOrphanFiles(db, inFuture(ORPHAN_FILE_GRACE_MS - HOUR), files())).deleted).toBe(0);
        expect(await files().has(originalKey(lost))).toBe(true);

        const r = await sweepOrphanFiles(db, inFuture(ORPHAN_FILE_GRACE_MS + HOUR), files(), { batchSize: 2 });
        expect(r.deleted).toBe(2);
        expect(await files().has(originalKey(lost))).toBe(false);
        expect(await files().has(thumbKey(lost))).toBe(false);
        for (const key of [originalKey(kept.sha256), thumbKey(kept.sha256), originalKey(documentSha)]) expect(await files().has(key), key).toBe(true);
        expect((await sweepOrphanFiles(db, inFuture(ORPHAN_FILE_GRACE_MS + HOUR), files())).deleted).toBe(0);
      });

      it('an upload that finds an old orphan with its bytes renews it, so the sweep leaves the file its row is about to name', async () => {
        const db = ctx.handle.db;
        const bytes = await jpegWithExif({ seed: 404 });
        await storePhotoFiles(files(), bytes);
        const key = originalKey(sha(bytes));
        age(key, 2 * ORPHAN_FILE_GRACE_MS);
        age(thumbKey(sha(bytes)), 2 * ORPHAN_FILE_GRACE_MS);
        // The same bytes uploaded again: files written (found there), row not yet recorded.
        const stored = await storePhotoFiles(files(), bytes);
        expect((await sweepOrphanFiles(db, inFuture(HOUR), files())).deleted).toBe(0);
        expect(await files().has(key)).toBe(true);
        const photo = await recordPhoto(db, ctx.clock, await actorOf(ctx, 'patrol1'), stored);
        const served = await get(photo.url, await signInAs(ctx.app, 'patrol1'));
        expect(served.statusCode).toBe(200);
        expect(served.rawPayload.equals(bytes)).toBe(true);
      });

      it('the unattached-photo purge leaves the file of a photo it deletes while another user\'s upload of the same bytes is in flight', async () => {
        const db = ctx.handle.db;
        const days = (n: number) => ({ now: () => new Date(Date.now() - n * 24 * HOUR) });
        const bytes = await jpegWithExif({ seed: 405 });
        const key = originalKey(sha(bytes));
        // Patrol 1's photo, uploaded 40 days ago and never used.
        const old = await recordPhoto(db, days(40), await actorOf(ctx, 'patrol1'), await storePhotoFiles(files(), bytes));
        for (const k of [key, thumbKey(sha(bytes))]) age(k, 40 * 24 * HOUR);
        // Patrol 2 uploads the same bytes: files found there (and renewed), row not yet recorded.
        const stored = await storePhotoFiles(files(), bytes);
        const purged = await purgeUnattachedPhotos(db, days(0), files(), { olderThanDays: 30 });
        expect(purged.photos).toBeGreaterThan(0);
        expect(await db.selectFrom('photos').select('id').where('id', '=', old.id).executeTakeFirst()).toBeUndefined();
        expect(await files().has(key)).toBe(true);
        const photo = await recordPhoto(db, ctx.clock, await actorOf(ctx, 'patrol2'), stored);
        const served = await get(photo.url, await signInAs(ctx.app, 'patrol2'));
        expect(served.statusCode).toBe(200);
        expect(served.rawPayload.equals(bytes)).toBe(true);
        // With no upload in flight, the purge still takes the files of a photo it deletes.
        const alone = await jpegWithExif({ seed: 406 });
        const gone = await recordPhoto(db, days(40), await actorOf(ctx, 'patrol1'), await storePhotoFiles(files(), alone));
        for (const k of [originalKey(sha(alone)), thumbKey(sha(alone))]) age(k, 40 * 24 * HOUR);
        await purgeUnattachedPhotos(db, days(0), files(), { olderThanDays: 30 });
        expect(await db.selectFrom('photos').select('id').where('id', '=', gone.id).executeTakeFirst()).toBeUndefined();
        expect(await files().has(originalKey(sha(alone)))).toBe(false);
        expect(await files().has(thumbKey(sha(alone)))).toBe(false);
      });
    });
  }
}

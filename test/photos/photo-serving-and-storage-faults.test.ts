import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileStore } from '../../src/domain/storage/file-store.js';
import { createFileStore, filesFor } from '../../src/domain/storage/index.js';
import { originalKey } from '../../src/domain/storage/keys.js';
import { LocalFileStore } from '../../src/domain/storage/local-store.js';
import { migrateFiles } from '../../src/domain/storage/migrate.js';
import { StorageUnavailableError } from '../../src/domain/storage/errors.js';
import { buildApp } from '../../src/server/app.js';
import { open311Status } from '../../src/server/open311/errors.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { jpegWithExif, multipart } from '../helpers/images.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { testLogOptions } from '../helpers/test-logs.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const s3Config = (s3: TestS3, bucket = s3.bucket, prefix = '') => ({
  kind: 's3' as const, endpoint: s3.endpoint, bucket, region: 'us-east-1', forcePathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix,
});

let s3: TestS3;
let tmp: string;
beforeAll(async () => {
  s3 = await startS3();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-photo-faults-'));
});
afterAll(async () => {
  await s3.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('file stores replace and delete, on a local folder and on S3', () => {
  const backends: [string, () => FileStore][] = [
    ['local', () => new LocalFileStore(path.join(tmp, 'contract'))],
    ['s3', () => createFileStore(s3Config(s3, s3.bucket, 'contract'))],
  ];
  for (const [name, make] of backends) {
    it(`${name}: put replaces an object's bytes; delete removes it and is quiet when it is gone`, async () => {
      const store = make();
      try {
        const bytes = Buffer.from(`replace me ${name}`);
        const key = originalKey(sha(bytes));
        await store.putOnce(key, Buffer.from('wrong bytes'));
        await store.put(key, bytes);
        expect((await store.get(key))!.equals(bytes)).toBe(true);
        await store.delete(key);
        expect(await store.has(key)).toBe(false);
        await store.delete(key);
        await expect(store.delete('../etc/passwd')).rejects.toThrow(/not a file storage key/);
      } finally {
        await store.close();
      }
    });
  }

  it('a store that fails (endpoint down, bucket missing) throws storage_unavailable, not its own error', async () => {
    const missing = createFileStore(s3Config(s3, 'no-such-bucket'));
    const key = originalKey(sha(Buffer.from('x')));
    await expect(missing.putOnce(key, Buffer.from('x'))).rejects.toMatchObject({ code: 'storage_unavailable' });
    await expect(missing.get(key)).rejects.toMatchObject({ code: 'storage_unavailable' });
    await missing.close();
    const down = createFileStore({ ...s3Config(s3), endpoint: 'http://127.0.0.1:9' });
    await expect(down.has(key)).rejects.toMatchObject({ code: 'storage_unavailable' });
    await down.close();
    // A local folder that cannot be written (a file where the folder should be).
    const blocker = path.join(tmp, 'not-a-folder');
    fs.writeFileSync(blocker, 'x');
    await expect(new LocalFileStore(blocker).putOnce(key, Buffer.from('x'))).rejects.toMatchObject({ code: 'storage_unavailable' });
    // Open311 media (a case photo's bytes) says 503 too, not the 400 of a bad request.
    expect(open311Status(new StorageUnavailableError('open', new Error('connect ECONNREFUSED')))).toBe(503);
  });
});

for (const dialect of DIALECTS) {
  describe(`serving photos, and a file store that fails [${dialect}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect, { ...s3.env, S3_PREFIX: `faults-${dialect}` });
    });
    afterAll(async () => ctx.close());

    const upload = (app: TestContext['app'], cookie: string, bytes: Buffer) => {
      const m = multipart(bytes);
      return app.inject({ method: 'POST', url: '/api/photos', payload: m.payload, headers: { ...m.headers, cookie } });
    };

    it('answers 304 to a browser that has the photo (If-None-Match), without reading the store; 404s carry no year-long cache header', async () => {
      const patrol = await signInAs(ctx.app, 'patrol1');
      const res = await upload(ctx.app, patrol, await jpegWithExif({ seed: 201 }));
      expect(res.statusCode).toBe(201);
      const p = res.json();
      const first = await ctx.app.inject({ method: 'GET', url: p.url, headers: { cookie: patrol } });
      expect(first.statusCode).toBe(200);
      expect(first.headers.etag).toBe(`"${p.sha256}"`);
      for (const inm of [first.headers.etag as string, `W/${first.headers.etag}`, `"other", ${first.headers.etag}`]) {
        const again = await ctx.app.inject({ method: 'GET', url: p.url, headers: { cookie: patrol, 'if-none-match': inm } });
        expect(again.statusCode, inm).toBe(304);
        expect(again.rawPayload.length).toBe(0);
        expect(again.headers.etag).toBe(first.headers.etag);
      }
      const thumb = await ctx.app.inject({ method: 'GET', url: p.thumbUrl, headers: { cookie: patrol } });
      const thumbAgain = await ctx.app.inject({ method: 'GET', url: p.thumbUrl, headers: { cookie: patrol, 'if-none-match': thumb.headers.etag as string } });
      expect(thumbAgain.statusCode).toBe(304);
      // Another tag, or someone who may not see the photo: no 304.
      expect((await ctx.app.inject({ method: 'GET', url: p.url, headers: { cookie: patrol, 'if-none-match': '"other"' } })).statusCode).toBe(200);
      const xx = await signInAs(ctx.app, 'xx-admin');
      const hidden = await ctx.app.inject({ method: 'GET', url: p.url, headers: { cookie: xx, 'if-none-match': first.headers.etag as string } });
      expect(hidden.statusCode).toBe(404);
      expect(hidden.headers['cache-control'] ?? '').not.toMatch(/immutable/);
    });

    it('a bucket that is missing or an endpoint that is down answers 503 storage_unavailable with Retry-After, on upload and on read, never 500', async () => {
      const patrol = await signInAs(ctx.app, 'patrol1');
      const stored = (await upload(ctx.app, patrol, await jpegWithExif({ seed: 202 }))).json();
      for (const storage of [s3Config(s3, 'no-such-bucket'), { ...s3Config(s3), endpoint: 'http://127.0.0.1:9' }]) {
        const app = await buildApp({ ...ctx.deps, config: { ...ctx.deps.config, storage } }, testLogOptions('photo-faults'));
        try {
          const cookie = await signInAs(app, 'patrol1');
          const up = await upload(app, cookie, await jpegWithExif({ seed: 203 }));
          expect(up.statusCode, up.body).toBe(503);
          expect(up.json().error.code).toBe('storage_unavailable');
          expect(up.headers['retry-after']).toBe('5');
          for (const url of [stored.url, stored.thumbUrl]) {
            const got = await app.inject({ method: 'GET', url, headers: { cookie } });
            expect(got.statusCode, `${url} ${got.body}`).toBe(503);
            expect(got.json().error.code).toBe('storage_unavailable');
            expect(got.headers['cache-control'] ?? '').not.toMatch(/immutable/);
          }
        } finally {
          await app.close();
        }
      }
      // Nothing was recorded for the refused upload.
      const rows = await ctx.handle.db.selectFrom('photos').select('id').where('sha256', '=', sha(await jpegWithExif({ seed: 203 }))).execute();
      expect(rows).toEqual([]);
    });

    it('storage migrate replaces an object the target holds with wrong bytes (a copy cut off earlier) and verifies it', async () => {
      const patrol = await signInAs(ctx.app, 'patrol1');
      const bytes = await jpegWithExif({ seed: 204 });
      expect((await upload(ctx.app, patrol, bytes)).statusCode).toBe(201);
      const target = new LocalFileStore(path.join(tmp, `migrate-target-${dialect}`));
      const key = originalKey(sha(bytes));
      await target.putOnce(key, bytes.subarray(0, 100));
      const first = await migrateFiles(ctx.handle.db, filesFor(ctx.deps.config), target);
      expect(first.mismatched).toEqual([]);
      expect(first.missing).toEqual([]);
      expect(first.repaired).toBe(1);
      expect(first.verified).toBe(first.objects);
      expect((await target.get(key))!.equals(bytes)).toBe(true);
      const again = await migrateFiles(ctx.handle.db, filesFor(ctx.deps.config), target);
      expect(again).toMatchObject({ copied: 0, repaired: 0, alreadyThere: again.objects, verified: again.objects, mismatched: [] });
    });
  });
}

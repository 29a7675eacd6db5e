import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { storageFromArg } from '../../src/cli/storage-commands.js';
import type { FileStore } from '../../src/domain/storage/file-store.js';
import { createFileStore, filesFor } from '../../src/domain/storage/index.js';
import { originalKey, thumbKey } from '../../src/domain/storage/keys.js';
import { LocalFileStore } from '../../src/domain/storage/local-store.js';
import { migrateFiles } from '../../src/domain/storage/migrate.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { jpegWithExif, multipart } from '../helpers/images.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { pdfText } from '../helpers/pdf-text.js';
import { orderDocument } from '../enforcement/helpers.js';
import { testLogOptions } from '../helpers/test-logs.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const s3Config = (s3: TestS3, prefix = '') => ({
  kind: 's3' as const, endpoint: s3.endpoint, bucket: s3.bucket, region: 'us-east-1', forcePathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix,
});

let s3: TestS3;
let tmp: string;
beforeAll(async () => {
  s3 = await startS3();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-files-'));
});
afterAll(async () => {
  await s3.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('file stores: the same contract on a local folder and on S3', () => {
  const backends: [string, () => FileStore][] = [
    ['local', () => new LocalFileStore(path.join(tmp, 'contract'))],
    ['s3', () => createFileStore(s3Config(s3, 'contract'))],
  ];
  for (const [name, make] of backends) {
    it(`${name}: stores once by content key, reads back whole or as a stream, lists, refuses foreign keys`, async () => {
      const store = make();
      try {
        const bytes = Buffer.from(`photo bytes ${name}`);
        const key = originalKey(sha(bytes));
        expect(await store.has(key)).toBe(false);
        expect(await store.get(key)).toBeNull();
        expect(await store.open(key)).toBeNull();
        expect(await store.putOnce(key, bytes)).toBe(true);
        expect(await store.putOnce(key, bytes)).toBe(false);
        expect(await store.has(key)).toBe(true);
        expect((await store.get(key))!.equals(bytes)).toBe(true);
        const opened = (await store.open(key))!;
        expect(opened.size).toBe(bytes.length);
        const chunks: Buffer[] = [];
        for await (const c of opened.body) chunks.push(Buffer.from(c));
        expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
        await store.putOnce(thumbKey(sha(bytes)), Buffer.from('thumb'));
        const listed: string[] = [];
        for await (const k of store.list()) listed.push(k);
        expect(listed.sort()).toEqual([key, thumbKey(sha(bytes))].sort());
        for (const bad of ['../etc/passwd', 'ab/cd/short', `${key}/../x`, `zz/${key}`, `00/00/${sha(bytes)}`]) {
          await expect(store.putOnce(bad, bytes)).rejects.toThrow(/not a file storage key/);
        }
      } finally {
        await store.close();
      }
    });
  }

  for (const [name, make] of backends) {
    it(`${name}: writes a seed's generated objects in bulk, readable as any other, again without harm, and refuses foreign keys before writing`, async () => {
      const store = make();
      try {
        const objects = Array.from({ length: 40 }, (_, i) => Buffer.from(`generated ${name} ${i}`)).flatMap((b) => [
          { key: originalKey(sha(b)), bytes: b },
          { key: thumbKey(sha(b)), bytes: Buffer.from(`thumb of ${sha(b)}`) },
        ]);
        await store.putGenerated(objects);
        await store.putGenerated(objects.slice(0, 4));
        for (const o of objects) expect((await store.get(o.key))!.equals(o.bytes), o.key).toBe(true);
        const listed: string[] = [];
        for await (const k of store.list()) listed.push(k);
        expect(listed).toEqual(expect.arrayContaining(objects.map((o) => o.key)));
        const bytes = Buffer.from('not written');
        await expect(store.putGenerated([{ key: originalKey(sha(bytes)), bytes }, { key: `../${originalKey(sha(bytes))}`, bytes }])).rejects.toThrow(/not a file storage key/);
        expect(await store.has(originalKey(sha(bytes)))).toBe(false);
        if (store instanceof LocalFileStore) expect(fs.readdirSync(path.join(store.dir, 'tmp'))).toEqual([]);
      } finally {
        await store.close();
      }
    });
  }

  it('configuration: STORAGE_BACKEND=s3 needs a bucket; endpoint, region and path style are read from the environment', () => {
    expect(() => readConfig({ STORAGE_BACKEND: 's3' })).toThrow(/S3_BUCKET/);
    expect(() => readConfig({ STORAGE_BACKEND: 'ftp' })).toThrow(/STORAGE_BACKEND/);
    expect(readConfig({ ...s3.env, S3_REGION: 'cn-shanghai', S3_PREFIX: 'city/photos' }).storage).toEqual({ ...s3Config(s3, 'city/photos'), region: 'cn-shanghai' });
    expect(readConfig({ DATA_DIR: tmp }).storage).toEqual({ kind: 'local', dir: path.join(tmp, 'photos') });
    const config = readConfig({ DATA_DIR: tmp });
    expect(storageFromArg('s3://other-bucket/archive', config, s3.env)).toMatchObject({ kind: 's3', bucket: 'other-bucket', prefix: 'archive', endpoint: s3.endpoint });
    expect(storageFromArg('local:/srv/photos', config)).toEqual({ kind: 'local', dir: '/srv/photos' });
    expect(() => storageFromArg('ftp://x', config)).toThrow(/not a storage backend/);
  });
});

for (const dialect of DIALECTS) {
  describe(`photos on S3-compatible storage [${dialect}]`, () => {
    let ctx: TestContext;
    let localDir: string;
    beforeAll(async () => {
      localDir = fs.mkdtempSync(path.join(tmp, `local-${dialect}-`));
      ctx = await demoContext(dialect, { ...s3.env, S3_PREFIX: `api-${dialect}`, PHOTO_DIR: localDir });
    });
    afterAll(async () => ctx.close());

    const upload = async (cookie: string, bytes: Buffer) => {
      const m = multipart(bytes, 'p.jpg', 'image/jpeg', 'file');
      return ctx.app.inject({ method: 'POST', url: '/api/photos', payload: m.payload, headers: { ...m.headers, cookie } });
    };

    it('uploads go to the bucket (nothing on the local disk) and are served through the app with the same scope checks', async () => {
      const patrol = await signInAs(ctx.app, 'patrol1');
      const jpeg = await jpegWithExif({ seed: 3 });
      const res = await upload(patrol, jpeg);
      expect(res.statusCode).toBe(201);
      const p = res.json();
      expect(p.sha256).toBe(sha(jpeg));
      expect(fs.readdirSync(localDir)).toEqual([]);
      const store = filesFor(ctx.deps.config);
      expect((await store.get(originalKey(p.sha256)))!.equals(jpeg)).toBe(true);
      expect(await store.has(thumbKey(p.sha256))).toBe(true);

      const orig = await ctx.app.inject({ method: 'GET', url: p.url, headers: { cookie: patrol } });
      expect(orig.statusCode).toBe(200);
      expect(orig.rawPayload.equals(jpeg)).toBe(true);
      expect(orig.headers['content-length']).toBe(String(jpeg.length));
      const thumb = await ctx.app.inject({ method: 'GET', url: p.thumbUrl, headers: { cookie: patrol } });
      expect(thumb.statusCode).toBe(200);
      expect(thumb.headers['content-type']).toBe('image/jpeg');
      expect(thumb.headers['x-photo-placeholder']).toBeUndefined();
      // Another subdistrict's admin may not see it, wherever the bytes live.
      const xx = await signInAs(ctx.app, 'xx-admin');
      expect((await ctx.app.inject({ method: 'GET', url: p.url, headers: { cookie: xx } })).statusCode).toBe(404);
    });

    let documentSha = '';
    it('enforcement documents go to the bucket too and are served and verified through the app with the same scope checks', async () => {
      const e1 = await signInAs(ctx.app, 'enforcer1');
      const doc = await orderDocument(ctx, e1);
      documentSha = doc.pdfSha256;

      // The bytes are an object of the shared store named by their hash, not a column, not a local file.
      const row = await ctx.handle.db.selectFrom('enforcement_documents').select(['pdf', 'pdf_sha256']).where('id', '=', doc.id).executeTakeFirstOrThrow();
      expect(row.pdf).toBeNull();
      const store = filesFor(ctx.deps.config);
      const stored = (await store.get(originalKey(doc.pdfSha256)))!;
      expect(sha(stored)).toBe(doc.pdfSha256);
      expect(fs.readdirSync(localDir)).toEqual([]);

      const served = await ctx.app.inject({ method: 'GET', url: doc.pdfUrl, headers: { cookie: e1 } });
      expect(served.statusCode).toBe(200);
      expect(served.headers['content-type']).toBe('application/pdf');
      expect(served.rawPayload.equals(stored)).toBe(true);
      expect(await pdfText(served.rawPayload)).toContain('责令');
      const verified = await ctx.app.inject({ method: 'GET', url: `/api/enforcement/documents/verify?code=${doc.verifyCode}`, headers: { cookie: e1 } });
      expect(verified.json()).toMatchObject({ valid: true, checks: { content: true, code: true, pdf: true } });
      // Another subdistrict's admin gets a 404 for the file and no document for the code.
      const xx = await signInAs(ctx.app, 'xx-admin');
      expect((await ctx.app.inject({ method: 'GET', url: doc.pdfUrl, headers: { cookie: xx } })).statusCode).toBe(404);

      // A store that lost the object: the PDF is a clean 404 and verification says the PDF check failed.
      const emptyStore = { ...ctx.deps, config: { ...ctx.deps.config, storage: { kind: 'local' as const, dir: path.join(tmp, `empty-${dialect}`) } } };
      const { buildApp } = await import('../../src/server/app.js');
      const other = await buildApp(emptyStore, testLogOptions('file-storage'));
      try {
        const e1Other = await signInAs(other, 'enforcer1');
        const gone = await other.inject({ method: 'GET', url: doc.pdfUrl, headers: { cookie: e1Other } });
        expect(gone.statusCode).toBe(404);
        expect(gone.json().error.code).toBe('not_found');
        const failed = await other.inject({ method: 'GET', url: `/api/enforcement/documents/verify?code=${doc.verifyCode}`, headers: { cookie: e1Other } });
        expect(failed.json()).toMatchObject({ valid: false, checks: { content: true, code: true, pdf: false } });
      } finally {
        await other.close();
      }
    });

    it('storage migrate copies every file between backends, verifies each hash, and reports a corrupt source', async () => {
      const from = createFileStore({ kind: 'local', dir: path.join(tmp, `migrate-src-${dialect}`) });
      const to = createFileStore(s3Config(s3, `migrated-${dialect}`));
      const back = createFileStore({ kind: 'local', dir: path.join(tmp, `migrate-back-${dialect}`) });
      // The photos uploaded so far live in the bucket: move them to a local folder first (s3 → local).
      const toLocal = await migrateFiles(ctx.handle.db, filesFor(ctx.deps.config), from);
      const rows = await ctx.handle.db.selectFrom('photos').select(['storage_key', 'thumb_key']).execute();
      const docs = await ctx.handle.db.selectFrom('enforcement_documents').select('pdf_sha256').execute();
      const keys = new Set([...rows.flatMap((r) => [r.storage_key, r.thumb_key].filter(Boolean)), ...docs.map((d) => originalKey(d.pdf_sha256))]);
      expect(keys.has(originalKey(documentSha))).toBe(true);
      expect(toLocal).toMatchObject({ objects: keys.size, copied: keys.size, verified: keys.size, missing: [], mismatched: [] });
      // local → another bucket prefix, and again (idempotent: nothing copied twice, all verified)
      expect(await migrateFiles(ctx.handle.db, from, to)).toMatchObject({ copied: keys.size, verified: keys.size, mismatched: [] });
      expect(await migrateFiles(ctx.handle.db, from, to)).toMatchObject({ copied: 0, alreadyThere: keys.size, verified: keys.size });

      // A source file whose bytes no longer match its name is reported and not copied.
      const [one] = rows;
      fs.writeFileSync(path.join(tmp, `migrate-src-${dialect}`, one!.storage_key), 'tampered');
      const r = await migrateFiles(ctx.handle.db, from, back);
      expect(r.mismatched).toEqual([one!.storage_key]);
      expect(await back.has(one!.storage_key)).toBe(false);
      for (const s of [from, to, back]) await s.close();
    });

    it('storage migrate moves the PDF of a document issued before PDFs left the database into the store, verified', async () => {
      const db = ctx.handle.db;
      const template = await db.selectFrom('enforcement_documents').selectAll().where('pdf_sha256', '=', documentSha).executeTakeFirstOrThrow();
      const bytes = Buffer.from('%PDF-1.4 a document issued before the move');
      const legacy = { ...template, id: 'legacy-doc-1', seq: 9001, verify_code: 'LEGA-CY00-0000-0001', pdf: bytes, pdf_sha256: sha(bytes) };
      await db.insertInto('enforcement_documents').values(legacy).execute();
      try {
        const target = createFileStore({ kind: 'local', dir: path.join(tmp, `legacy-${dialect}`) });
        const r = await migrateFiles(db, filesFor(ctx.deps.config), target);
        expect(r).toMatchObject({ missing: [], mismatched: [] });
        expect(r.verified).toBe(r.objects);
        expect((await target.get(originalKey(sha(bytes))))!.equals(bytes)).toBe(true);
        expect((await target.get(originalKey(documentSha)))!.length).toBeGreaterThan(1000);
        // Its row's bytes are served as before.
        const e1 = await signInAs(ctx.app, 'enforcer1');
        const served = await ctx.app.inject({ method: 'GET', url: `/api/enforcement/documents/${legacy.id}/pdf`, headers: { cookie: e1 } });
        expect(served.rawPayload.equals(bytes)).toBe(true);
        // Row bytes that no longer match their recorded hash are reported, not copied.
        await db.updateTable('enforcement_documents').set({ pdf: Buffer.from('tampered') }).where('id', '=', legacy.id).execute();
        const again = await migrateFiles(db, filesFor(ctx.deps.config), createFileStore({ kind: 'local', dir: path.join(tmp, `legacy2-${dialect}`) }));
        expect(again.mismatched).toEqual([originalKey(sha(bytes))]);
      } finally {
        await db.deleteFrom('enforcement_documents').where('id', '=', legacy.id).execute();
      }
    });
  });
}

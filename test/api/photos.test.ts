import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertPhotosUsable } from '../../src/domain/photos/usable.js';
import { actorOf, demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { heicSamples, jpegWithExif, multipart, solid } from '../helpers/images.js';

const MAX = 300_000;

/** Every regular file under a folder (the photo store), relative paths. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

for (const dialect of DIALECTS) {
  describe(`photos API [${dialect}]`, () => {
    let ctx: TestContext;
    let photoDir: string;
    let patrol: string;
    let operator: string;
    let cadre: string;
    let xxAdmin: string;

    beforeAll(async () => {
      photoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-photos-'));
      ctx = await demoContext(dialect, { PHOTO_DIR: photoDir, UPLOAD_MAX_BYTES: String(MAX) });
      patrol = await signInAs(ctx.app, 'patrol1');
      operator = await signInAs(ctx.app, 'operator');
      cadre = await signInAs(ctx.app, 'cadre01');
      xxAdmin = await signInAs(ctx.app, 'xx-admin');
    });
    afterAll(async () => {
      await ctx.close();
      fs.rmSync(photoDir, { recursive: true, force: true });
    });

    const upload = (cookie: string, bytes: Buffer, filename = 'p.jpg', type = 'image/jpeg', field = 'file') => {
      const m = multipart(bytes, filename, type, field);
      return ctx.app.inject({ method: 'POST', url: '/api/photos', payload: m.payload, headers: { ...m.headers, cookie } });
    };
    const get = (cookie: string, url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie } });
    const photoRows = () => ctx.handle.db.selectFrom('photos').selectAll().execute();

    it('stores a JPEG with its EXIF time (Shanghai) and GPS as WGS-84 numbers, and a 320 px thumbnail', async () => {
      const jpeg = await jpegWithExif();
      const res = await upload(patrol, jpeg);
      expect(res.statusCode).toBe(201);
      const p = res.json();
      expect(p).toMatchObject({ mime: 'image/jpeg', width: 800, height: 600, takenAt: '2026-05-26T02:30:00.000Z', url: `/api/photos/${p.id}`, thumbUrl: `/api/photos/${p.id}/thumb` });
      expect(p.lat).toBeCloseTo(31 + 12 / 60 + 34.56 / 3600, 6);
      expect(p.lng).toBeCloseTo(121 + 24 / 60 + 12.34 / 3600, 6);
      expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
      const stored = path.join(photoDir, p.sha256.slice(0, 2), p.sha256.slice(2, 4), p.sha256);
      expect(fs.readFileSync(stored).equals(jpeg)).toBe(true);

      const orig = await get(patrol, p.url);
      expect(orig.statusCode).toBe(200);
      expect(orig.headers['content-type']).toBe('image/jpeg');
      expect(orig.headers['cache-control']).toMatch(/^private/);
      expect(orig.headers['x-content-type-options']).toBe('nosniff');
      expect(orig.rawPayload.equals(jpeg)).toBe(true);

      const thumb = await get(patrol, p.thumbUrl);
      expect(thumb.statusCode).toBe(200);
      expect(thumb.headers['content-type']).toBe('image/jpeg');
      const tm = await sharp(thumb.rawPayload).metadata();
      expect([tm.width, tm.height]).toEqual([320, 240]);
    });

    it('honours EXIF orientation: a portrait photo stored sideways reports portrait size and gets an upright thumbnail', async () => {
      const sideways = await solid(800, 600).jpeg().withMetadata({ orientation: 6 }).toBuffer();
      const res = await upload(patrol, sideways, 'portrait.jpg');
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ width: 600, height: 800 });
      const tm = await sharp((await get(patrol, res.json().thumbUrl)).rawPayload).metadata();
      expect([tm.width, tm.height]).toEqual([240, 320]);
    });

    it('stores a PNG (no EXIF: nulls)', async () => {
      const png = await solid(100, 50).png().toBuffer();
      const res = await upload(patrol, png, 'a.png', 'image/png');
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ mime: 'image/png', width: 100, height: 50, takenAt: null, lat: null, lng: null });
      expect((await get(patrol, res.json().url)).headers['content-type']).toBe('image/png');
    });

    it('accepts WebP', async () => {
      const res = await upload(patrol, await solid(60, 40).webp().toBuffer(), 'a.webp', 'image/webp');
      expect(res.statusCode).toBe(201);
      expect(res.json().mime).toBe('image/webp');
    });

    it('rejects a text file named .jpg with 415, naming what it is, and stores nothing', async () => {
      const before = { rows: (await photoRows()).length, files: filesUnder(photoDir).length };
      const res = await upload(patrol, Buffer.from('just some text, not a picture\n'.repeat(20)), 'fake.jpg', 'image/jpeg');
      expect(res.statusCode).toBe(415);
      expect(res.json().error).toMatchObject({ code: 'unsupported_media_type', details: { field: 'file', detected: 'unknown' } });
      const pdf = await upload(patrol, Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'), 'x.jpg');
      expect(pdf.statusCode).toBe(415);
      expect(pdf.json().error.details.detected).toBe('application/pdf');
      expect({ rows: (await photoRows()).length, files: filesUnder(photoDir).length }).toEqual(before);
    });

    it('rejects an oversized upload with 413 and leaves no file and no row', async () => {
      const before = { rows: (await photoRows()).length, files: filesUnder(photoDir).length };
      const big = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
        .png()
        .toBuffer();
      expect(big.length).toBeGreaterThan(MAX);
      const res = await upload(patrol, big, 'big.png', 'image/png');
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('payload_too_large');
      expect({ rows: (await photoRows()).length, files: filesUnder(photoDir).length }).toEqual(before);
    });

    it('rejects a request without a file part, or with another field name', async () => {
      const wrong = await upload(patrol, await solid(10, 10).png().toBuffer(), 'a.png', 'image/png', 'photo');
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error.details.fields[0].field).toBe('photo');
      const json = await ctx.app.inject({ method: 'POST', url: '/api/photos', payload: { a: 1 }, headers: { cookie: patrol } });
      expect(json.statusCode).toBe(415);
      const anon = await ctx.app.inject({ method: 'POST', url: '/api/photos', ...multipart(await solid(10, 10).png().toBuffer()) });
      expect(anon.statusCode).toBe(401);
    });

    it('a truncated or malformed multipart body is a 400 naming the file, never a 500, and stores nothing', async () => {
      const before = { rows: (await photoRows()).length, files: filesUnder(photoDir).length };
      const m = multipart(await jpegWithExif({ seed: 11 }));
      const cut = await ctx.app.inject({ method: 'POST', url: '/api/photos', payload: m.payload.subarray(0, m.payload.length - 3000), headers: { ...m.headers, cookie: patrol } });
      const garbage = await ctx.app.inject({ method: 'POST', url: '/api/photos', payload: Buffer.from('garbage'), headers: { ...m.headers, cookie: patrol } });
      const noBoundary = await ctx.app.inject({ method: 'POST', url: '/api/photos', payload: '', headers: { 'content-type': 'multipart/form-data', cookie: patrol } });
      const empty = await upload(patrol, Buffer.alloc(0));
      for (const res of [cut, garbage, noBoundary, empty]) {
        expect(res.statusCode).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'file' }] } });
      }
      expect({ rows: (await photoRows()).length, files: filesUnder(photoDir).length }).toEqual(before);
    });

    it('stores the same bytes once: same uploader → same photo; another uploader → own row, same file', async () => {
      const jpeg = await jpegWithExif({ seed: 7 });
      const a = (await upload(patrol, jpeg)).json();
      const filesAfterFirst = filesUnder(photoDir).length;
      const b = (await upload(patrol, jpeg, 'again.jpg')).json();
      expect(b.id).toBe(a.id);
      const c = await upload(operator, jpeg, 'op.jpg');
      expect(c.statusCode).toBe(201);
      expect(c.json().id).not.toBe(a.id);
      expect(c.json().sha256).toBe(a.sha256);
      expect(filesUnder(photoDir).length).toBe(filesAfterFirst);
      expect(filesUnder(photoDir).filter((f) => f.endsWith(a.sha256))).toHaveLength(1);
      expect((await photoRows()).filter((r) => r.sha256 === a.sha256)).toHaveLength(2);
      expect(filesUnder(path.join(photoDir, 'tmp'))).toHaveLength(0);
    });

    it('the same photo uploaded twice at the same moment by one person is one row and one file', async () => {
      const jpeg = await jpegWithExif({ seed: 5 });
      const [r1, r2] = await Promise.all([upload(patrol, jpeg, 'a.jpg'), upload(patrol, jpeg, 'b.jpg')]);
      expect([r1.statusCode, r2.statusCode]).toEqual([201, 201]);
      expect(r1.json().id).toBe(r2.json().id);
      expect((await photoRows()).filter((r) => r.sha256 === r1.json().sha256)).toHaveLength(1);
      expect(filesUnder(photoDir).filter((f) => f.endsWith(r1.json().sha256))).toHaveLength(1);
      expect(filesUnder(path.join(photoDir, 'tmp'))).toHaveLength(0);
    });

    it('HEIC: a decodable one gets a thumbnail; an HEVC one sharp cannot decode is kept, sized from its header, with a placeholder thumbnail', async () => {
      const { decodable, hevc } = await heicSamples();
      const ok = await upload(patrol, decodable, 'IMG_0001.HEIC', 'image/heic');
      expect(ok.statusCode).toBe(201);
      expect(ok.json()).toMatchObject({ mime: 'image/heic', width: 640, height: 480, hasThumb: true });
      const r = await upload(patrol, hevc, 'IMG_0002.HEIC', 'image/heic');
      expect(r.statusCode).toBe(201);
      expect(r.json()).toMatchObject({ mime: 'image/heic', width: 640, height: 480, hasThumb: false });
      const orig = await get(patrol, r.json().url);
      expect(orig.headers['content-type']).toBe('image/heic');
      expect(orig.rawPayload.equals(hevc)).toBe(true);
      const t = await get(patrol, r.json().thumbUrl);
      expect(t.statusCode).toBe(200);
      expect(t.headers['content-type']).toBe('image/jpeg');
      expect(t.headers['x-photo-placeholder']).toBe('1');
    });

    it('HEIC: a file with a HEIF brand but no primary image with a size (a page, a cut-off photo) is refused, 415, nothing stored', async () => {
      const ftyp = Buffer.alloc(24);
      ftyp.writeUInt32BE(24, 0);
      ftyp.write('ftypheic', 4, 'latin1');
      ftyp.write('mif1heic', 16, 'latin1');
      const { hevc } = await heicSamples();
      const metaAt = hevc.indexOf('meta', 0, 'latin1') - 4;
      const before = (await photoRows()).length;
      for (const bytes of [
        Buffer.concat([ftyp, Buffer.from('<html><script>alert(1)</script> ispe not a picture</html>')]),
        hevc.subarray(0, metaAt + 40),
      ]) {
        const r = await upload(patrol, bytes, 'x.heic', 'image/heic');
        expect(r.statusCode).toBe(415);
        expect(r.json().error).toMatchObject({ code: 'unsupported_media_type' });
        expect(JSON.stringify(r.json().error)).toContain('file');
      }
      expect(await photoRows()).toHaveLength(before);
    });

    it('serves a photo only to its uploader, whole-subdistrict staff, or (later) via a case in scope: others get 404', async () => {
      const p = (await upload(patrol, await jpegWithExif({ seed: 21 }))).json();
      expect((await get(operator, p.url)).statusCode).toBe(200);
      for (const who of [xxAdmin, cadre]) {
        for (const url of [p.url, p.thumbUrl, `/api/photos/${p.id}/meta`]) {
          const res = await get(who, url);
          expect(res.statusCode).toBe(404);
          expect(res.json().error.code).toBe('not_found');
        }
      }
      expect((await get(patrol, '/api/photos/nope')).statusCode).toBe(404);
    });

    it('assertPhotosUsable names the first photo the actor may not use', async () => {
      const mine = (await upload(patrol, await jpegWithExif({ seed: 33 }))).json();
      const patrolActor = await actorOf(ctx, 'patrol1');
      await expect(assertPhotosUsable(ctx.handle.db, patrolActor, [mine.id])).resolves.toBeUndefined();
      await expect(assertPhotosUsable(ctx.handle.db, await actorOf(ctx, 'operator'), [mine.id])).resolves.toBeUndefined();
      await expect(assertPhotosUsable(ctx.handle.db, await actorOf(ctx, 'xx-admin'), [mine.id], 'afterPhotoIds')).rejects.toMatchObject({
        code: 'validation_failed',
        details: { fields: [{ field: 'afterPhotoIds.0' }] },
      });
      await expect(assertPhotosUsable(ctx.handle.db, await actorOf(ctx, 'patrol2'), [mine.id])).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(assertPhotosUsable(ctx.handle.db, patrolActor, [mine.id, 'missing'])).rejects.toMatchObject({
        details: { fields: [{ field: 'photoIds.1' }] },
      });
    });
  });
}

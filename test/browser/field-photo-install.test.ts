/// <reference lib="dom" />
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { describeBrowser, eventually, newContext, PHONE, signInThroughForm } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';

/** A camera JPEG with EXIF: taken 08:15:30 (phone local time, Shanghai) at 31°12'30"N 121°24'36"E; noisy so it must be recompressed. */
async function exifCameraJpeg() {
  const width = 2400;
  const height = 1800;
  const raw = Buffer.alloc(width * height * 3);
  let x = 12345;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    raw[i] = (x >>> 16) & 0xff;
  }
  const buffer = await sharp(raw, { raw: { width, height, channels: 3 } })
    .withExif({
      IFD0: { Make: 'Xiaomi', Model: 'Redmi Note' },
      IFD2: { DateTimeOriginal: '2026:11:26 08:15:30' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 12/1 3000/100', GPSLongitudeRef: 'E', GPSLongitude: '121/1 24/1 3600/100' },
    })
    .jpeg({ quality: 92 })
    .toBuffer();
  return { name: 'IMG_20261126_081530.jpg', mimeType: 'image/jpeg', buffer };
}

describeBrowser('field app: EXIF kept through phone compression; installable (manifest, icons)', () => {
  const suite = browserSuite();


  it("a camera photo is shrunk on the phone (≤ 1600 px, ≤ 400 KB) and the stored photo keeps the original's EXIF time and GPS", async () => {
    const room = await suite.server.db.selectFrom('sites').select(['id', 'lat', 'lng']).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    const here = offsetMetres({ lat: Number(room.lat), lng: Number(room.lng) }, 10, 90);
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: here.lat, longitude: here.lng, accuracy: 10 }, permissions: ['geolocation'] });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'patrol1', '/m/sign-in');
    await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
    await page.goto(`/m/checkin/${room.id}`);
    await page.getByTestId('checkin-site').waitFor();
    const original = await exifCameraJpeg();
    expect(original.buffer.length).toBeGreaterThan(1024 * 1024);
    // A camera-sized file crosses to the browser in chunks over the DevTools pipe and is then
    // decoded and shrunk on the page: on a loaded 2-core machine that can take longer than a
    // click's 10 s.
    const uploaded = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/photos' && r.request().method() === 'POST', { timeout: 60_000 });
    await page.getByTestId('checkin-photo').setInputFiles(original, { timeout: 60_000 });
    const res = await uploaded;
    expect(res.status()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await page.getByTestId('checkin-photo-done').waitFor();
    const photo = await suite.server.db.selectFrom('photos').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(Math.max(photo.width!, photo.height!)).toBeLessThanOrEqual(1600);
    expect(Number(photo.bytes)).toBeLessThanOrEqual(400 * 1024);
    // 08:15:30 on the phone's clock in Shanghai (UTC+8).
    expect(photo.exif_taken_at).toBe('2026-11-26T00:15:30.000Z');
    expect(Number(photo.exif_lat)).toBeCloseTo(31 + 12 / 60 + 30 / 3600, 5);
    expect(Number(photo.exif_lng)).toBeCloseTo(121 + 24 / 60 + 36 / 3600, 5);
    await ctx.close();
  });

  it('/m links a web app manifest (standalone, scope /m) whose icons are real PNGs of the stated sizes; manifest and icons also open offline', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'patrol1', '/m/sign-in');
    await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
    const href = await page.locator('link[rel=manifest]').getAttribute('href');
    expect(href).toBeTruthy();
    const res = await fetch(new URL(href!, suite.server.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/manifest\+json|application\/json/);
    const m = (await res.json()) as { name: string; short_name: string; start_url: string; scope: string; display: string; icons: { src: string; sizes: string; type: string; purpose?: string }[] };
    expect(m.name).toBeTruthy();
    expect(m.short_name).toBeTruthy();
    expect(m.display).toBe('standalone');
    expect(m.start_url.startsWith(m.scope)).toBe(true);
    const sizes = new Set<number>();
    for (const icon of m.icons) {
      const r = await fetch(new URL(icon.src, suite.server.url));
      expect(r.status, icon.src).toBe(200);
      expect(r.headers.get('content-type')).toBe('image/png');
      const meta = await sharp(Buffer.from(await r.arrayBuffer())).metadata();
      expect(`${meta.width}x${meta.height}`, icon.src).toBe(icon.sizes);
      if (!icon.purpose || icon.purpose.includes('any')) sizes.add(meta.width!);
    }
    expect(sizes.has(192) && sizes.has(512)).toBe(true);
    const apple = await page.locator('link[rel=apple-touch-icon]').getAttribute('href');
    expect((await fetch(new URL(apple!, suite.server.url))).status).toBe(200);
    // The service worker controls /m and has the manifest and every icon: they open offline too.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    await eventually(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    await ctx.setOffline(true);
    const offline = await page.evaluate(async (urls) => Promise.all(urls.map(async (u) => (await fetch(u)).status)), [href!, apple!, ...m.icons.map((i) => i.src)]);
    expect(offline.every((s) => s === 200)).toBe(true);
    await ctx.close();
  });
});

import sharp from 'sharp';
import type { App } from '../../src/server/route.js';

let png: Buffer | null = null;
/** A tiny real PNG, uploaded through the photos API as the given user. */
export async function uploadPhoto(app: App, cookie: string, bytes?: Buffer, filename = 'p.png', type = 'image/png'): Promise<{ status: number; id?: string; body: any }> {
  png ??= await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
  // Vary the content so each upload is a distinct photo (storage is content-addressed).
  const content = bytes ?? Buffer.concat([png, Buffer.from(String(Math.random()))]);
  const boundary = `----cases${Date.now()}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await app.inject({ method: 'POST', url: '/api/photos', headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
  const body = res.json();
  return { status: res.statusCode, id: body.id, body };
}

import { solveChallenge } from '../../src/domain/public-reports/proof-of-work.js';
import type { App } from '../../src/server/route.js';

/** A multipart body of text fields and an optional photo (field `photo`). */
export function reportBody(fields: Record<string, string>, photo?: Buffer) {
  const boundary = `----public${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (photo) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`), photo, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export async function solvedChallenge(app: App, ip = '127.0.0.1') {
  const c = (await app.inject({ method: 'GET', url: '/api/public/reports/challenge', remoteAddress: ip })).json() as { challenge: string; bits: number };
  return { challenge: c.challenge, nonce: solveChallenge(c.challenge, c.bits) };
}

export async function submitReport(app: App, fields: Record<string, string>, photo: Buffer | undefined, opts: { ip?: string; pow?: { challenge: string; nonce: string } | null } = {}) {
  const ip = opts.ip ?? '127.0.0.1';
  const pow = opts.pow === undefined ? await solvedChallenge(app, ip) : opts.pow;
  const body = reportBody(fields, photo);
  return app.inject({
    method: 'POST', url: '/api/public/reports', remoteAddress: ip, payload: body.payload,
    headers: { ...body.headers, ...(pow ? { 'x-pow-challenge': pow.challenge, 'x-pow-nonce': pow.nonce } : {}) },
  });
}

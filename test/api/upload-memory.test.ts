import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPLOAD_LIMITS } from '../../src/domain/shared/upload-limits.js';
import { writeBigLedger, writeZipBomb } from '../helpers/hostile-xlsx.js';
import { type ServerProcess, signInOverHttp, startNodeFlags, startServerProcess } from '../helpers/server-process.js';

/**
 * Four of the largest allowed uploads of each hostile kind at once (sixteen requests in flight)
 * against a real server process with the heap cap of `npm start`: every one answered 4xx (the
 * photo within the limits 201), the process alive, its resident memory sampled throughout and
 * kept under the cap. SQLite only: the uploads are refused before any database work.
 */
const RSS_CAP_BYTES = 512 * 1024 * 1024;
const AT_ONCE = 4;

describe('four of the largest uploads at once against a server process', { timeout: 240_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-memory-'));
  let server: ServerProcess;
  let admin: string;
  let patrol: string;
  const files: Record<string, Buffer> = {};

  beforeAll(async () => {
    expect(startNodeFlags()).toContain('--max-old-space-size=512');
    await writeZipBomb(path.join(dir, 'bomb.xlsx'), 1024, true);
    await writeZipBomb(path.join(dir, 'bomb-lying.xlsx'), 1024, false);
    await writeBigLedger(path.join(dir, 'ledger.xlsx'), 380_000);
    for (const name of ['bomb.xlsx', 'bomb-lying.xlsx', 'ledger.xlsx']) files[name] = fs.readFileSync(path.join(dir, name));
    // The largest picture allowed: just under the pixel limit, as PNG (no shrink-on-load).
    const side = Math.floor(Math.sqrt(UPLOAD_LIMITS.image_pixels)) - 8;
    files['photo.png'] = await sharp({ create: { width: side, height: side, channels: 3, background: '#3a7' } }).png().toBuffer();
    // Seeded beforehand in its own process (the first `npm start` seeds in the serving process, whose
    // native memory keeps about 80 MB of that work: docs/operations.md).
    server = await startServerProcess({}, { seedFirst: true });
    admin = await signInOverHttp(server.url, 'admin');
    patrol = await signInOverHttp(server.url, 'patrol1');
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const send = async (url: string, cookie: string, name: string) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(files[name]!)]), name);
    const res = await fetch(`${server.url}${url}`, { method: 'POST', headers: { cookie, origin: server.url }, body: form });
    return { name, status: res.status, body: (await res.json()) as { error?: { code: string; details?: { limit?: string } } } };
  };

  it('stays under the memory cap and answers every request', async () => {
    const uploads = () => [
      ...Array.from({ length: AT_ONCE }, () => send('/api/import/sites?dryRun=true', admin, 'bomb.xlsx')),
      ...Array.from({ length: AT_ONCE }, () => send('/api/import/sites?dryRun=true', admin, 'bomb-lying.xlsx')),
      ...Array.from({ length: AT_ONCE }, () => send('/api/import/sites?dryRun=true', admin, 'ledger.xlsx')),
      ...Array.from({ length: AT_ONCE }, () => send('/api/photos', patrol, 'photo.png')),
    ];
    let peak = server.rss();
    const sampler = setInterval(() => {
      if (server.child.exitCode === null) peak = Math.max(peak, server.rss());
    }, 20);
    try {
      const results = await Promise.all(uploads());
      for (const r of results) {
        if (r.name === 'photo.png') expect(r.status, JSON.stringify(r.body)).toBe(201);
        else {
          expect(r.status, `${r.name}: ${JSON.stringify(r.body)}`).toBe(413);
          expect(r.body.error?.code).toBe('upload_limit_exceeded');
        }
      }
    } finally {
      clearInterval(sampler);
    }
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    console.log(`peak RSS with ${AT_ONCE * 4} hostile uploads in flight: ${Math.round(peak / 1024 / 1024)} MiB (cap ${RSS_CAP_BYTES / 1024 / 1024} MiB)`);
    expect(peak).toBeLessThan(RSS_CAP_BYTES);
    expect(server.output()).not.toMatch(/heap out of memory/i);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { demoContext, type TestContext } from '../helpers/app.js';
import { testLogOptions } from '../helpers/test-logs.js';

describe('built assets go gzipped to clients that accept it (phones on slow links)', () => {
  let ctx: TestContext;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let dir: string;
  const js = `export const x = ${JSON.stringify('闭环 '.repeat(2000))};\n`;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-gzip-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'assets/app-abc123.js'), js);
    fs.writeFileSync(path.join(dir, 'assets/logo-abc123.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    for (const f of ['index.html', 'm.html']) fs.writeFileSync(path.join(dir, f), '<!doctype html><title>t</title>');
    ctx = await demoContext('sqlite');
    app = await buildApp(ctx.deps, { webDir: dir, ...testLogOptions('static-gzip') });
  });
  afterAll(async () => {
    await app.close();
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gzips JS with an immutable cache header; plain without Accept-Encoding; other files untouched; no path escape', async () => {
    const gz = await app.inject({ method: 'GET', url: '/assets/app-abc123.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(gz.statusCode).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toContain('immutable');
    expect(gz.headers['content-type']).toMatch(/javascript/);
    expect(gz.rawPayload.length).toBeLessThan(Buffer.byteLength(js) / 5);
    expect(zlib.gunzipSync(gz.rawPayload).toString()).toBe(js);
    const plain = await app.inject({ method: 'GET', url: '/assets/app-abc123.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(js);
    const png = await app.inject({ method: 'GET', url: '/assets/logo-abc123.png', headers: { 'accept-encoding': 'gzip' } });
    expect(png.headers['content-encoding']).toBeUndefined();
    const escape = await app.inject({ method: 'GET', url: '/assets/..%2F..%2Fetc%2Fpasswd', headers: { 'accept-encoding': 'gzip' } });
    expect(escape.headers['content-encoding']).toBeUndefined();
    expect(escape.statusCode).toBe(404);
  });
});

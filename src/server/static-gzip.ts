import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyReply } from 'fastify';
import { acceptsGzip } from './http-cache.js';

/** Gzipped bytes of built JS/CSS assets, made once per file (assets are content-hashed, immutable). */
const cache = new Map<string, Buffer>();
const COMPRESSIBLE = /\.(js|css)$/;

/**
 * The gzipped body for `rel` under `webDir` when the client accepts gzip and the file is worth
 * compressing, else null. On a phone's slow link this is the difference between ~400 KB and
 * ~130 KB of initial JS (the field app's budget is counted gzipped).
 */
export function gzippedAsset(webDir: string, rel: string, acceptEncoding: string | string[] | undefined): Buffer | null {
  if (!COMPRESSIBLE.test(rel)) return null;
  if (!acceptsGzip(acceptEncoding)) return null;
  const file = path.join(webDir, rel);
  let hit = cache.get(file);
  if (!hit) {
    hit = zlib.gzipSync(fs.readFileSync(file), { level: 9 });
    cache.set(file, hit);
  }
  return hit;
}

/**
 * A JSON answer gzipped for a client that accepts it (the public point page lists up to a
 * hundred items: ~30 KB of JSON, ~4 KB gzipped on a phone's slow link); plain JSON otherwise.
 */
export function jsonMaybeGzipped(acceptEncoding: string | string[] | undefined, reply: FastifyReply, body: unknown): unknown {
  const text = JSON.stringify(body);
  if (text.length < 1024 || !acceptsGzip(acceptEncoding)) return body;
  return reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding').type('application/json; charset=utf-8').send(zlib.gzipSync(text));
}

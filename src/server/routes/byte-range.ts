import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ByteRange } from '../../domain/storage/file-store.js';

/**
 * What a GET's Range header asks of a representation of `size` bytes (RFC 9110 §14):
 * - `null`: serve the whole (200): no Range, another unit, a malformed header, several ranges
 *   (allowed: a server may ignore Range; a multipart/byteranges answer is not worth it for photos
 *   and PDFs), or an If-Range naming another version than `etag` (or a date: we send no Last-Modified);
 * - `'unsatisfiable'`: 416, the one range starts at or past the end;
 * - a range, its end clamped to the last byte.
 */
export function requestedRange(req: FastifyRequest, size: number, etag: string): ByteRange | 'unsatisfiable' | null {
  const header = req.headers.range;
  if (typeof header !== 'string') return null;
  const ifRange = req.headers['if-range'];
  if (typeof ifRange === 'string' && ifRange.trim() !== `"${etag}"`) return null;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim());
  if (!m) return null;
  const [, first, last] = m as unknown as [string, string, string];
  if (!first && !last) return null;
  if (!first) {
    // A suffix: the last N bytes.
    const n = Number(last);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  const end = last ? Number(last) : size - 1;
  if (last && end < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

/** Answers 416 for a range past the end of `size` bytes. */
export function sendUnsatisfiable(reply: FastifyReply, size: number) {
  return reply.status(416).header('content-range', `bytes */${size}`).send();
}

/** Sets the status and headers of a 206 answer carrying `range` of `size` bytes. */
export function partialHeaders(reply: FastifyReply, range: ByteRange, size: number) {
  return reply
    .status(206)
    .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
    .header('content-length', range.end - range.start + 1);
}

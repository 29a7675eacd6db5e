import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PhotoTable } from '../../db/schema.js';
import { findVisiblePhoto } from '../../domain/photos/access.js';
import { placeholderThumb } from '../../domain/photos/images.js';
import { type FileStore, filesFor } from '../../domain/storage/index.js';
import { photoDto, savePhoto } from '../../domain/photos/upload.js';
import { DomainError, invalidField, notFound } from '../../domain/shared/errors.js';
import { def } from '../route.js';
import { partialHeaders, requestedRange, sendUnsatisfiable } from './byte-range.js';
import { parseCaptureExif } from './capture-fields.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

/**
 * Optional fields sent BEFORE `file` by the field app, which re-encodes phone photos (dropping
 * their EXIF): the original's capture time and GPS, stored only when the file has none.
 */
const EXIF_FIELDS = { takenAt: 'exifTakenAt', lat: 'exifLat', lng: 'exifLng' };

function exifFallback(fields: Record<string, unknown>, now: Date) {
  const plain: Record<string, string> = {};
  for (const [name, f] of Object.entries(fields)) {
    if (name === 'file') continue;
    const v = (Array.isArray(f) ? f[0] : f) as { type?: string; value?: unknown } | undefined;
    if (v?.type !== 'field') throw invalidField(name, 'unknown file field; send the photo as field file');
    plain[name] = String(v.value);
  }
  return parseCaptureExif(now, EXIF_FIELDS, plain);
}

/** The bytes of the one `file` part, within the size limit; malformed bodies are 400, never 500. */
async function readFilePart(req: FastifyRequest, now: Date): Promise<{ bytes: Buffer; fallback: ReturnType<typeof exifFallback> }> {
  let bytes: Buffer;
  let fallback: ReturnType<typeof exifFallback>;
  try {
    const part = await req.file();
    if (!part) throw invalidField('file', 'required');
    fallback = exifFallback(part.fields as Record<string, unknown>, now);
    if (part.fieldname !== 'file') throw invalidField(part.fieldname, 'unknown field; send the photo as field file');
    // Throws FST_REQ_FILE_TOO_LARGE past the limit; nothing has been stored yet.
    bytes = await part.toBuffer();
    if (part.file.truncated) throw new DomainError('payload_too_large', 'The upload is larger than allowed');
  } catch (err) {
    if (err instanceof DomainError) throw err;
    const e = err as { code?: string; statusCode?: number; message?: string };
    if (e.code === 'FST_REQ_FILE_TOO_LARGE' || e.statusCode === 413) {
      throw new DomainError('payload_too_large', 'The upload is larger than allowed', { field: 'file' });
    }
    throw invalidField('file', `malformed or incomplete multipart body (${String(e.message ?? err).slice(0, 100)})`);
  }
  if (!bytes.length) throw invalidField('file', 'empty file');
  return { bytes, fallback };
}

export const upload = def({
  schema: {
    tags: ['photos'],
    summary: 'Upload a photo (multipart field `file`; JPEG, PNG, WebP or HEIC; size limit UPLOAD_MAX_BYTES); optional fields exifTakenAt, exifLat, exifLng before it are the original EXIF, kept when the file has none',
    consumes: ['multipart/form-data'],
  },
  handler: async ({ req, reply, deps, actor }) => {
    if (!req.isMultipart()) {
      throw new DomainError('unsupported_media_type', 'Send the photo as multipart/form-data with a field named file', { field: 'file' });
    }
    const { bytes, fallback } = await readFilePart(req, deps.clock.now());
    const photo = await savePhoto(deps.db, deps.clock, actor, filesFor(deps.config), bytes, fallback);
    reply.status(201);
    return photo;
  },
});

/** Whether an If-None-Match header names this entity tag (or is `*`); weak tags compare equal. */
export function etagMatches(header: string | string[] | undefined, etag: string): boolean {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return false;
  return value.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === `"${etag}"`;
  });
}

/**
 * Streams a stored file through the app (the caller checked scope), from whichever backend. The
 * bytes under an id never change (content-addressed), so the tag is their hash and a browser
 * that already has them gets 304 without the store being read. One byte range is served as 206
 * (read as a range from the store), one past the end is 416; several ranges get the whole file.
 */
async function sendFile(req: FastifyRequest, reply: FastifyReply, files: FileStore, key: string, mime: string, etag: string) {
  // Cache headers only on answers that carry the file: a 404 or 503 must not be kept a year.
  const cacheable = () => reply
    .header('etag', `"${etag}"`)
    .header('cache-control', 'private, max-age=31536000, immutable')
    .header('accept-ranges', 'bytes')
    .header('x-content-type-options', 'nosniff');
  if (etagMatches(req.headers['if-none-match'], etag)) return cacheable().status(304).send();
  if (typeof req.headers.range === 'string') {
    const st = await files.stat(key);
    if (!st) throw notFound('Photo file');
    const range = requestedRange(req, st.size, etag);
    if (range === 'unsatisfiable') return sendUnsatisfiable(reply, st.size);
    if (range) {
      const part = await files.open(key, range);
      if (!part) throw notFound('Photo file');
      return partialHeaders(cacheable().type(mime), range, st.size).send(part.body);
    }
  }
  const file = await files.open(key);
  if (!file) throw notFound('Photo file');
  return cacheable().type(mime).header('content-length', file.size).send(file.body);
}

export const original = def({
  schema: { tags: ['photos'], summary: 'A photo, to those who may see it (uploader, or a case, check-in or inspection in scope)', params: IdParams },
  handler: async ({ req, reply, deps, actor }) => {
    const p: PhotoTable = await findVisiblePhoto(deps.db, actor, req.params.id);
    return sendFile(req, reply, filesFor(deps.config), p.storage_key, p.mime, p.sha256);
  },
});

export const thumb = def({
  schema: { tags: ['photos'], summary: 'Its JPEG thumbnail (a grey placeholder when none could be made, e.g. HEIC)', params: IdParams },
  handler: async ({ req, reply, deps, actor }) => {
    const p = await findVisiblePhoto(deps.db, actor, req.params.id);
    if (p.thumb_key) return sendFile(req, reply, filesFor(deps.config), p.thumb_key, 'image/jpeg', `${p.sha256}-t`);
    reply
      .type('image/jpeg')
      .header('cache-control', 'private, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .header('x-photo-placeholder', '1');
    return reply.send(await placeholderThumb());
  },
});

export const meta = def({
  schema: { tags: ['photos'], summary: 'A photo’s metadata (EXIF time and GPS, size)', params: IdParams },
  handler: async ({ req, deps, actor }) => photoDto(await findVisiblePhoto(deps.db, actor, req.params.id)),
});

import fs from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PhotoTable } from '../../db/schema.js';
import { findVisiblePhoto } from '../../domain/photos/access.js';
import { placeholderThumb } from '../../domain/photos/images.js';
import { keyPath } from '../../domain/photos/storage.js';
import { photoDto, savePhoto } from '../../domain/photos/upload.js';
import { DomainError, invalidField, notFound } from '../../domain/shared/errors.js';
import { def } from '../route.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

/** The bytes of the one `file` part, within the size limit; malformed bodies are 400, never 500. */
async function readFilePart(req: FastifyRequest): Promise<Buffer> {
  let bytes: Buffer;
  try {
    const part = await req.file();
    if (!part) throw invalidField('file', 'required');
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
  return bytes;
}

export const upload = def({
  schema: {
    tags: ['photos'],
    summary: 'Upload a photo (multipart field `file`; JPEG, PNG, WebP or HEIC; size limit UPLOAD_MAX_BYTES)',
    consumes: ['multipart/form-data'],
  },
  handler: async ({ req, reply, deps, actor }) => {
    if (!req.isMultipart()) {
      throw new DomainError('unsupported_media_type', 'Send the photo as multipart/form-data with a field named file', { field: 'file' });
    }
    const bytes = await readFilePart(req);
    const photo = await savePhoto(deps.db, deps.clock, actor, deps.config.photoDir, bytes);
    reply.status(201);
    return photo;
  },
});

async function sendFile(reply: FastifyReply, photoDir: string, key: string, mime: string, etag: string) {
  const file = keyPath(photoDir, key);
  let size: number;
  try {
    size = (await fs.promises.stat(file)).size;
  } catch {
    throw notFound('Photo file');
  }
  reply
    .type(mime)
    .header('content-length', size)
    .header('etag', `"${etag}"`)
    .header('cache-control', 'private, max-age=31536000, immutable')
    .header('x-content-type-options', 'nosniff');
  return reply.send(fs.createReadStream(file));
}

export const original = def({
  schema: { tags: ['photos'], summary: 'A photo, to those who may see it (uploader, or a case in scope)', params: IdParams },
  handler: async ({ req, reply, deps, actor }) => {
    const p: PhotoTable = await findVisiblePhoto(deps.db, actor, req.params.id);
    return sendFile(reply, deps.config.photoDir, p.storage_key, p.mime, p.sha256);
  },
});

export const thumb = def({
  schema: { tags: ['photos'], summary: 'Its JPEG thumbnail (a grey placeholder when none could be made, e.g. HEIC)', params: IdParams },
  handler: async ({ req, reply, deps, actor }) => {
    const p = await findVisiblePhoto(deps.db, actor, req.params.id);
    if (p.thumb_key) return sendFile(reply, deps.config.photoDir, p.thumb_key, 'image/jpeg', `${p.sha256}-t`);
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

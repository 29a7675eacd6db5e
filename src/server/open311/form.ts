import type { FastifyRequest } from 'fastify';
import type { IntakeInput } from '../../domain/open311/intake.js';
import { DomainError, invalidField } from '../../domain/shared/errors.js';

/** A POST requests body decoded into the spec's fields, from a form or a multipart body. */
export interface ParsedPost {
  input: IntakeInput;
  apiKey?: string;
  jurisdictionId?: string;
  /** Uploaded photo bytes (multipart field media / file / photo). */
  files: Buffer[];
}

const SCALARS = [
  'service_code', 'lat', 'long', 'address_string', 'address_id', 'email', 'device_id', 'account_id', 'first_name', 'last_name', 'phone', 'description', 'media_url',
] as const;
const FILE_FIELDS = new Set(['media', 'file', 'photo']);
const ATTRIBUTE_RE = /^attribute\[([^\]]+)\](\[\])?$/;
export const MAX_FILES = 3;

/**
 * A form or multipart body is a string to the app-wide NUL check (src/server/nul-characters.ts),
 * which sees only parsed objects: its fields are checked here as they are decoded, with the same
 * 400 naming the field (PostgreSQL refuses U+0000 in text columns).
 */
export function rejectNul(name: string, value: string): void {
  if (name.includes('\u0000')) throw invalidField('body', 'contains a NUL character');
  if (value.includes('\u0000')) throw invalidField(name, 'contains a NUL character');
}

class Collector {
  input: IntakeInput = { attribute: {} };
  apiKey?: string;
  jurisdictionId?: string;
  files: Buffer[] = [];

  #seen = new Set<string>();

  field(name: string, value: string) {
    rejectNul(name, value);
    const scalar = name === 'api_key' || name === 'jurisdiction_id' || (SCALARS as readonly string[]).includes(name);
    // A field the spec names once, sent twice, has no one meaning: refused rather than one value taken.
    if (scalar && this.#seen.has(name)) throw invalidField(name, 'given more than once');
    if (scalar) this.#seen.add(name);
    if (name === 'api_key') this.apiKey = value;
    else if (name === 'jurisdiction_id') this.jurisdictionId = value;
    else if ((SCALARS as readonly string[]).includes(name)) {
      (this.input as unknown as Record<string, string>)[name] = value;
    } else {
      const m = ATTRIBUTE_RE.exec(name);
      if (!m) return; // The spec allows extensions: fields it does not name are ignored.
      const code = m[1]!;
      const prev = this.input.attribute[code];
      if (m[2] || prev !== undefined) {
        this.input.attribute[code] = [...(prev === undefined ? [] : Array.isArray(prev) ? prev : [prev]), value];
      } else {
        this.input.attribute[code] = value;
      }
    }
  }

  result(): ParsedPost {
    return { input: this.input, apiKey: this.apiKey, jurisdictionId: this.jurisdictionId, files: this.files };
  }
}

export function parseForm(body: string): ParsedPost {
  const c = new Collector();
  for (const [k, v] of new URLSearchParams(body)) c.field(k, v);
  return c.result();
}

export async function parseMultipart(req: FastifyRequest): Promise<ParsedPost> {
  const c = new Collector();
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        c.field(part.fieldname, String(part.value));
        continue;
      }
      if (!FILE_FIELDS.has(part.fieldname)) {
        await part.toBuffer();
        throw new DomainError('validation_failed', `${part.fieldname}: unknown file field; send photos as media`, { field: part.fieldname });
      }
      const bytes = await part.toBuffer();
      if (part.file.truncated) throw new DomainError('payload_too_large', 'The photo is larger than allowed', { field: part.fieldname });
      if (!bytes.length) throw new DomainError('validation_failed', `${part.fieldname}: empty file`, { field: part.fieldname });
      if (c.files.length >= MAX_FILES) throw new DomainError('validation_failed', `at most ${MAX_FILES} photos`, { field: part.fieldname });
      c.files.push(bytes);
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    const e = err as { code?: string; statusCode?: number; message?: string };
    if (e.code === 'FST_REQ_FILE_TOO_LARGE' || e.statusCode === 413) throw new DomainError('payload_too_large', 'The photo is larger than allowed', { field: 'media' });
    throw new DomainError('validation_failed', `malformed multipart body (${String(e.message ?? err).slice(0, 100)})`, { field: 'body' });
  }
  return c.result();
}

/** Query-string values count too (jurisdiction_id and api_key are often sent there). */
export function queryParam(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown> | undefined)?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s.trim() !== '' ? s : undefined;
}

/**
 * Open311 posts are form-encoded (the spec's required format). Parsed here, inside the Open311
 * routes only, to a string decoded by URLSearchParams (repeated attribute[code][] kept in order).
 */
export function acceptForms(app: { hasContentTypeParser(t: string): boolean; removeContentTypeParser(t: string): void; addContentTypeParser: (...a: any[]) => void }) {
  const type = 'application/x-www-form-urlencoded';
  if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
  app.addContentTypeParser(type, { parseAs: 'string' }, (_req: unknown, body: string, done: (e: Error | null, b?: unknown) => void) => done(null, body));
}

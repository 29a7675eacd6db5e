import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Db } from '../../db/index.js';
import type { Jurisdiction } from '../../domain/open311/jurisdictions.js';
import { type PageEntry, type RequestFilter, requestPage, requestsByIds } from '../../domain/open311/requests.js';
import { publicVersion } from '../../domain/open311/versions.js';
import { type Format, renderItem, renderList, type Value } from './render.js';

/**
 * GET requests answers, cached per process at two levels, both checked against the database on
 * every request so that no instance ever serves an answer older than the last public change:
 *
 * - whole answers, per jurisdiction and normalised query, with their entity tag and (on demand)
 *   their gzipped bytes; an answer is reused while the subdistrict's public version
 *   (domain/open311/versions.ts: its chain head and its change counter — one indexed statement)
 *   is the one it was built at. Windows relative to "now" (no start/end given) also expire after
 *   a few seconds, as their edge moves with the clock;
 * - the rendered bytes of each request, reused while its case's last event and the subdistrict's
 *   change counter are unchanged. An answer that is not cached reads only the page of ids (and each
 *   case's last event) and renders just the requests that changed since they were last rendered.
 */
const RELATIVE_TTL_MS = 5_000;
const MAX_ENTRIES = 500;
/** An answer of 1,000 requests is ~0.65 MB: the caches are bounded by size (oldest dropped first). */
export const MAX_CACHE_BYTES = 32 * 1024 * 1024;
export const MAX_FRAGMENT_BYTES = 48 * 1024 * 1024;
/** What a cached request costs besides its bytes (key, map entry, buffer header). */
const FRAGMENT_OVERHEAD = 200;

export interface Answer {
  version: string;
  at: number;
  body: Buffer;
  etag: string;
  gzip?: Promise<Buffer>;
}
interface Fragment {
  /** The position of its case's last event and the subdistrict's change counter it was rendered at. */
  seq: string;
  counter: string;
  bytes: Buffer;
}
interface Cache {
  answers: Map<string, Answer>;
  answerBytes: number;
  /** Per variant (format and media base), per case id: the lookup of every request of a page costs no key building. */
  fragments: Map<string, Map<string, Fragment>>;
  fragmentCount: number;
  fragmentBytes: number;
}
const caches = new WeakMap<Db, Cache>();

function cacheOf(db: Db): Cache {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = { answers: new Map(), answerBytes: 0, fragments: new Map(), fragmentCount: 0, fragmentBytes: 0 }));
  return c;
}

const gzip = promisify(zlib.gzip);
/**
 * An answer's entity tag, from what its bytes are made of rather than from the bytes (hashing an
 * answer of ~0.65 MB cost more than assembling it): its format and media base, the subdistrict's
 * change counter and each request in order with the position of its case's last event — the very
 * stamps under which the fragment cache holds each request's bytes, so equal tags mean equal bytes.
 */
const etagOf = (q: ListQuery, counter: string, parts: PageEntry[]) => {
  const h = createHash('sha1').update(`${q.format}|${q.mediaBase}|${counter}`);
  for (const p of parts) h.update(`|${p.id}.${p.seq}`);
  return `"${h.digest('base64url')}"`;
};

export interface ListQuery {
  format: Format;
  /** The URL the answer's media links start with. */
  mediaBase: string;
  filter: RequestFilter;
  now: Date;
}

/** The GET requests answer for `q` over jurisdiction `j`, from the cache when nothing public changed since. */
export async function cachedList(db: Db, j: Jurisdiction, q: ListQuery): Promise<Answer> {
  const cache = cacheOf(db);
  const version = await publicVersion(db, j.id);
  const relative = !q.filter.start && !q.filter.end && !q.filter.ids?.length;
  const key = `${j.id}|${q.format}|${q.mediaBase}|${JSON.stringify(q.filter)}`;
  const hit = cache.answers.get(key);
  if (hit && hit.version === version.key && (!relative || Date.now() - hit.at < RELATIVE_TTL_MS)) return hit;

  const page = await requestPage(db, j, q.now, q.filter);
  const { items, included } = await renderRequests(db, cache, j, q, page, version.counter);
  const body = renderList(q.format, 'service_requests', items);
  const answer: Answer = { version: version.key, at: Date.now(), body, etag: etagOf(q, version.counter, included) };
  if (hit) {
    cache.answers.delete(key);
    cache.answerBytes -= hit.body.length;
  }
  if (body.length > MAX_CACHE_BYTES / 4) return answer;
  while (cache.answers.size && (cache.answers.size >= MAX_ENTRIES || cache.answerBytes + body.length > MAX_CACHE_BYTES)) {
    const [oldest, e] = cache.answers.entries().next().value!;
    cache.answers.delete(oldest);
    cache.answerBytes -= e.body.length;
  }
  cache.answers.set(key, answer);
  cache.answerBytes += body.length;
  return answer;
}

/** The page's requests rendered, from the fragment cache where their stamp still holds. */
async function renderRequests(db: Db, cache: Cache, j: Jurisdiction, q: ListQuery, page: PageEntry[], counter: string): Promise<{ items: Buffer[]; included: PageEntry[] }> {
  const variant = `${q.format}|${q.mediaBase}`;
  let rendered = cache.fragments.get(variant);
  if (!rendered) cache.fragments.set(variant, (rendered = new Map()));
  const out: (Buffer | undefined)[] = page.map((p) => {
    const f = rendered.get(p.id);
    return f && f.seq === p.seq && f.counter === counter ? f.bytes : undefined;
  });
  const missing = page.filter((_, i) => !out[i]);
  if (missing.length) {
    const fresh = await requestsByIds(db, j, missing.map((p) => p.id), q.mediaBase);
    page.forEach((p, i) => {
      if (out[i]) return;
      const r = fresh.get(p.id);
      // Gone between the two reads (marked abusive meanwhile): left out, as a fresh read would.
      if (!r) return;
      const bytes = Buffer.from(renderItem(q.format, 'service_requests', r as unknown as Value));
      out[i] = bytes;
      putFragment(cache, rendered, p.id, { seq: p.seq, counter, bytes });
    });
  }
  const items: Buffer[] = [];
  const included: PageEntry[] = [];
  page.forEach((p, i) => {
    if (!out[i]) return;
    items.push(out[i]);
    included.push(p);
  });
  return { items, included };
}

function putFragment(cache: Cache, rendered: Map<string, Fragment>, id: string, f: Fragment) {
  const drop = (from: Map<string, Fragment>, key: string, e: Fragment) => {
    from.delete(key);
    cache.fragmentCount--;
    cache.fragmentBytes -= e.bytes.length + FRAGMENT_OVERHEAD;
  };
  const old = rendered.get(id);
  if (old) drop(rendered, id, old);
  const size = f.bytes.length + FRAGMENT_OVERHEAD;
  // Oldest first: of this variant, then of the others (a size bound over all of them).
  for (const from of [rendered, ...cache.fragments.values()]) {
    while (from.size && cache.fragmentBytes + size > MAX_FRAGMENT_BYTES) {
      const [oldest, e] = from.entries().next().value!;
      drop(from, oldest, e);
    }
  }
  rendered.set(id, f);
  cache.fragmentCount++;
  cache.fragmentBytes += size;
}

/** The answer gzipped (compressed off the event loop, once per cached answer). */
export function gzipped(answer: Answer): Promise<Buffer> {
  answer.gzip ??= gzip(answer.body);
  return answer.gzip;
}

/** How many answers and bytes a database's cache holds (for tests and metrics). */
export function cacheSize(db: Db): { entries: number; bytes: number; fragments: number; fragmentBytes: number } {
  const c = caches.get(db);
  return { entries: c?.answers.size ?? 0, bytes: c?.answerBytes ?? 0, fragments: c?.fragmentCount ?? 0, fragmentBytes: c?.fragmentBytes ?? 0 };
}

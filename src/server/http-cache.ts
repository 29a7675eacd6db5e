/**
 * Conditional and compressed answers (RFC 9110): whether the client accepts gzip, whether its
 * If-None-Match names the current entity tag.
 */

/** True when Accept-Encoding lists gzip (or *) without q=0. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const part of value.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/** True when If-None-Match is * or lists `etag` (weak comparison, as the method is GET). */
export function etagMatches(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  const value = Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch;
  if (!value) return false;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return value.split(',').some((t) => t.trim() === '*' || opaque(t) === wanted);
}

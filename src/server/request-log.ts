import { randomUUID } from 'node:crypto';

/**
 * Request logs without personal data. The URL is logged as its path with the query string's
 * values dropped (search terms, phone numbers: `?q&limit`), path segments that are not plain
 * identifiers replaced, and phone-number / ID-number shapes masked anywhere in a message.
 * Request ids come from a valid X-Request-Id (so a proxy's id follows the request) or are new
 * UUIDs, and are returned in the X-Request-Id response header.
 */
const MOBILE = /(?<![\d])(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)/g;
const LANDLINE = /(?<![\d-])0\d{2,3}-\d{7,8}(?![\d])/g;
const ID_NUMBER = /(?<!\d)\d{17}[\dXx](?!\d)/g;
const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]{1,64}$/;
const QUERY_KEY = /^[A-Za-z0-9_.[\]-]{1,40}$/;
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;
/**
 * Paths whose next segment is a bearer secret (a citizen's link to rate a service, manage a
 * booking or follow a report): whoever reads it may act on it, so it is never logged. The API's
 * and the public pages' own paths, each with the route names that may follow it instead.
 */
const SECRET_AFTER: [prefix: string, routes: string[]][] = [
  ['/api/public/rate/', []],
  ['/api/public/appointments/', []],
  ['/api/public/reports/', ['challenge', 'categories']],
  ['/rate/', ['feedback']],
  ['/rate/feedback/', []],
  ['/booking/', []],
  ['/report/t/', []],
  // Open311's token look-up (tokens/{token}.json): the same tracking token as /report/t/.
  ['/open311/v2/tokens/', []],
];

/** Masks phone numbers and resident ID numbers in free text. */
export function redactText(text: string): string {
  return text.replace(MOBILE, '[phone]').replace(ID_NUMBER, '[id-number]').replace(LANDLINE, '[phone]');
}

/** The URL as logged: path with plain segments kept, query keys without their values. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const pathPart = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);
  let path = '';
  for (const [i, seg] of pathPart.split('/').entries()) {
    if (i > 0) path += '/';
    if (seg === '') continue;
    if (SECRET_AFTER.some(([prefix, routes]) => path === prefix && !routes.includes(seg))) path += '[token]';
    else path += PLAIN_SEGMENT.test(seg) && redactText(seg) === seg ? seg : '[redacted]';
  }
  if (!query) return path;
  const keys = query
    .split('&')
    .filter(Boolean)
    .map((pair) => decodeSafe(pair.split('=')[0] ?? ''))
    .map((k) => (QUERY_KEY.test(k) && redactText(k) === k ? k : '[key]'));
  return `${path}?${keys.join('&')}`;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** X-Request-Id when it is a sane token, else a new UUID. */
export function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** pino serializers: the request line redacted; error messages and stacks masked. */
export const logSerializers = {
  req(req: { method?: string; url?: string; id?: string }) {
    return { method: req.method, url: redactUrl(req.url ?? '') };
  },
  err(err: Error & { code?: string; statusCode?: number }) {
    return {
      type: err.name,
      code: err.code,
      statusCode: err.statusCode,
      message: redactText(String(err.message ?? '')),
      stack: redactText(err.stack ?? ''),
    };
  },
};

import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/shared/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for cookie-authenticated writes (OWASP: "verify origin with standard headers").
 * A browser sends Origin with every POST/PUT/PATCH/DELETE and Sec-Fetch-Site with every request;
 * a write whose Origin is another site, or that the browser itself labels cross-site or
 * same-site (a sibling host), is refused before the handler runs — SameSite=Lax alone lets a
 * top-level cross-site form POST through in older browsers and on a sibling subdomain. Sign-in is
 * covered too (login CSRF). Bearer-token calls carry no ambient credential and are not checked;
 * neither are clients that send neither header (they are not browsers, so hold no victim's cookie).
 */
export async function csrfHook(req: FastifyRequest, _reply: FastifyReply) {
  if (SAFE_METHODS.has(req.method) || !req.url.startsWith('/api/')) return;
  if (req.headers.authorization?.startsWith('Bearer ')) return;
  const fetchSite = req.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string' && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    throw csrfRejected(`Sec-Fetch-Site: ${fetchSite}`);
  }
  const origin = req.headers.origin;
  if (origin === undefined) return;
  if (!sameHost(origin, req.host)) throw csrfRejected(`Origin ${origin.slice(0, 100)}`);
}

/** Origin's host equals the Host the request was sent to (default ports normalised per the Origin's scheme). */
function sameHost(origin: string, requestHost: string): boolean {
  try {
    if (origin === 'null') return false;
    const o = new URL(origin);
    return o.host === new URL(`${o.protocol}//${requestHost}`).host;
  } catch {
    return false;
  }
}

const csrfRejected = (why: string) =>
  new DomainError('csrf_rejected', `Cross-site request refused (${why}); send writes from this site's own pages or with a bearer token`, { reason: why });

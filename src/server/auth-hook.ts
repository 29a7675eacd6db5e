import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { resolveSession } from '../domain/auth/session-lifecycle.js';
import { actorForApiToken } from '../domain/auth/sessions.js';
import type { Deps } from './deps.js';

export const SESSION_COOKIE = 'cl_session';

/** The session cookie: httpOnly, SameSite=Lax, Secure when served over HTTPS, ending with the session. */
export function setSessionCookie(reply: FastifyReply, config: Config, token: string, expiresAt: string) {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.cookieSecure,
    path: '/',
    expires: new Date(expiresAt),
  });
}

/** Resolves the caller from the session cookie (browser) or a bearer token (integrations). */
export function authHook(deps: Deps) {
  // Resolved sessions are reused for a moment (domain/auth/session-cache.ts): every request of a
  // signed-in client read its session. A write by another connection is heard through PostgreSQL's
  // NOTIFY, or on SQLite through the file's data version (db/auth-writes.ts).
  const cacheMs = deps.config.sessionCacheMs;
  return async (req: FastifyRequest, reply: FastifyReply) => {
    req.actor = null;
    req.sessionToken = null;
    req.tokenScopes = null;
    if (!req.url.startsWith('/api/')) return;
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const found = await actorForApiToken(deps.db, deps.clock, header.slice(7).trim());
      req.actor = found?.actor ?? null;
      req.tokenScopes = found?.scopes ?? null;
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const session = await resolveSession(deps.db, deps.clock, { idleMs: deps.config.sessionIdleMs, cacheMs }, token);
      req.actor = session?.actor ?? null;
      req.sessionToken = session ? (session.rotatedToken ?? token) : null;
      // A wall display reads what its owner reads and writes nothing: the read scope of a token.
      if (session?.wall) req.tokenScopes = ['read'];
      if (session?.rotatedToken) setSessionCookie(reply, deps.config, session.rotatedToken, session.expiresAt);
    }
  };
}

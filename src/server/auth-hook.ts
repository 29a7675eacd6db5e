import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorForApiToken, actorForSession } from '../domain/auth/sessions.js';
import type { Deps } from './deps.js';

export const SESSION_COOKIE = 'cl_session';

/** Resolves the caller from the session cookie (browser) or a bearer token (integrations). */
export function authHook(deps: Deps) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    req.actor = null;
    req.sessionToken = null;
    if (!req.url.startsWith('/api/')) return;
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      req.actor = await actorForApiToken(deps.db, deps.clock, header.slice(7).trim());
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      req.sessionToken = token;
      req.actor = await actorForSession(deps.db, deps.clock, token);
    }
  };
}

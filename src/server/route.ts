import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  RawServerDefault,
  RouteGenericInterface,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from '../domain/auth/actor.js';
import { assertMay, PERMISSIONS, type RouteAccess, TOKEN_GRANTS, type TokenScope } from '../domain/auth/permissions.js';
import { DomainError } from '../domain/shared/errors.js';
import type { Deps } from './deps.js';

export type ZodRequest<S extends FastifySchema> = FastifyRequest<
  RouteGenericInterface,
  RawServerDefault,
  IncomingMessage,
  S,
  ZodTypeProvider
>;
export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, any, ZodTypeProvider>;

export interface RouteDef<S extends FastifySchema> {
  schema: S;
  /** 'public' routes need no sign-in; everything else does. */
  access?: 'public' | 'signed-in';
  /** Open to a person who must first change the password an administrator set (me, sign-out, the change itself). */
  beforePasswordChange?: true;
  handler: (ctx: { req: ZodRequest<S>; reply: FastifyReply; deps: Deps; actor: Actor }) => Promise<unknown>;
}

export const def = <S extends FastifySchema>(d: RouteDef<S>) => d;

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    sessionToken: string | null;
    /** The scopes of the bearer token the caller used; null for a browser session or no sign-in. */
    tokenScopes: TokenScope[] | null;
  }
}

export function requireActor(req: FastifyRequest): Actor {
  if (!req.actor) throw new DomainError('unauthenticated', 'Sign in first');
  return req.actor;
}

/**
 * Registers one route; the list of calls in routes/index.ts is the whole API. `access` names the
 * action of the permission table (domain/auth/permissions.ts) the route performs: before the body is
 * read, a caller whose role does not hold it, or whose bearer token's scopes do not grant it, is
 * answered 403 forbidden (401 unauthenticated without a sign-in).
 */
export function mount(app: App, deps: Deps, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, access: RouteAccess, d: RouteDef<any>) {
  if ((access === 'public') !== (d.access === 'public')) {
    throw new Error(`${method} ${url}: the route says access ${d.access ?? 'signed-in'}, the route list says ${access}`);
  }
  const checksPasswordChange = d.access !== 'public' && !d.beforePasswordChange;
  app.route({
    method,
    url,
    // The action and the token scopes that grant it, published in the OpenAPI document (x- extensions).
    schema: {
      ...d.schema,
      'x-permission': access,
      ...(access === 'public' ? {} : { 'x-roles': [...PERMISSIONS[access]], 'x-token-scopes': [...TOKEN_GRANTS[access]] }),
    },
    config: { access },
    // Callback-style hooks: no promise per request.
    onRequest: (req, _reply, done) => {
      if (access === 'public') return done();
      try {
        assertMay(requireActor(req), access, req.tokenScopes);
      } catch (e) {
        return done(e as Error);
      }
      done();
    },
    // Before the body is validated: "change your password first" whatever was sent.
    preValidation: (req, _reply, done) => {
      if (checksPasswordChange && req.actor?.mustChangePassword) {
        return done(new DomainError('password_change_required', 'Choose your own password first: POST /api/me/password'));
      }
      done();
    },
    handler: async (req, reply) => {
      const actor = d.access === 'public' ? (req.actor as Actor) : requireActor(req);
      const result = await d.handler({ req: req as any, reply, deps, actor });
      if (reply.sent) return reply;
      return result;
    },
  });
}

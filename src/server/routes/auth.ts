import { z } from 'zod';
import { permissionsOf } from '../../domain/auth/permissions.js';
import { placeTree } from '../../domain/registry/places.js';
import { createApiToken, createWallSession, endSession, listApiTokens, revokeApiToken } from '../../domain/auth/sessions.js';
import { signIn } from '../../domain/auth/sign-in.js';
import { TOKEN_SCOPES } from '../../domain/auth/permissions.js';
import { setTokenMaxDays, TOKEN_MAX_DAYS_LIMIT, tokenMaxDays, tokenSettings } from '../../domain/auth/token-settings.js';
import { SESSION_COOKIE, setSessionCookie } from '../auth-hook.js';
import { changeOwnPassword } from '../../domain/auth/change-password.js';
import type { Db } from '../../db/index.js';
import { snapshotRow } from '../../domain/audit/snapshot.js';
import { audited } from '../audited.js';
import { def } from '../route.js';

export const signInRoute = def({
  access: 'public',
  schema: {
    tags: ['auth'],
    summary: 'Sign in with username and password; sets an httpOnly session cookie',
    body: z.strictObject({ username: z.string().trim().min(1).max(100), password: z.string().min(1).max(200) }),
  },
  handler: async ({ req, reply, deps }) => {
    const { config } = deps;
    const session = await signIn(
      deps.db,
      deps.clock,
      { ...config.login, sessionTtlMs: config.sessionTtlMs, refuseDemoPasswords: config.production },
      {
        username: req.body.username,
        password: req.body.password,
        ip: req.ip,
        userAgent: req.headers['user-agent'] ?? null,
        previousToken: req.sessionToken,
      },
    );
    setSessionCookie(reply, config, session.token, session.expiresAt);
    return { ok: true, expiresAt: session.expiresAt, mustChangePassword: session.mustChangePassword };
  },
});

export const signOutRoute = def({
  access: 'public',
  beforePasswordChange: true,
  schema: { tags: ['auth'], summary: 'End the browser session' },
  handler: async ({ req, reply, deps }) => {
    if (req.sessionToken) await endSession(deps.db, req.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  },
});

export const me = def({
  beforePasswordChange: true,
  schema: { tags: ['auth'], summary: 'The signed-in person, their permissions and the places they see' },
  handler: async ({ deps, actor }) => ({
    user: {
      id: actor.userId,
      username: actor.username,
      displayName: actor.displayName,
      role: actor.role,
      handlingUnitId: actor.handlingUnitId,
      // null: a district-level person (global settings are theirs to change).
      subdistrictId: actor.subdistrictId,
      scope: actor.scope,
      mustChangePassword: actor.mustChangePassword === true,
    },
    permissions: permissionsOf(actor.role),
    places: await placeTree(deps.db, actor),
  }),
});

export const listTokens = def({
  schema: { tags: ['auth'], summary: 'My API tokens' },
  handler: async ({ deps, actor }) => ({ items: await listApiTokens(deps.db, actor) }),
});

export const createToken = def({
  schema: {
    tags: ['auth'],
    summary:
      'Create a bearer API token for an integration (shown once): its scopes (read, field, integration, admin; always within my role) and lifetime (at most the administrator\'s maximum, which is also the default). From a browser session only: no token creates a token.',
    body: z.strictObject({
      name: z.string().trim().min(1).max(100),
      scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).max(TOKEN_SCOPES.length).default(['read']),
      ttlDays: z.number().int().min(1).max(TOKEN_MAX_DAYS_LIMIT).optional(),
    }),
  },
  handler: async ({ req, reply, deps, actor }) => {
    reply.status(201);
    return audited(
      { req, deps, actor },
      { action: 'token.create', entity: 'token', entityId: (t) => t.id, after: (trx, t) => snapshotRow(trx, 'api_tokens', 'id', t.id) },
      (trx: Db) => createApiToken(trx, deps.clock, actor, { name: req.body.name, scopes: req.body.scopes, ttlDays: req.body.ttlDays }),
    );
  },
});

export const getTokenSettings = def({
  schema: { tags: ['auth'], summary: 'The longest lifetime an API token may have (administrators)' },
  handler: async ({ deps, actor }) => tokenSettings(deps.db, actor),
});

export const putTokenSettings = def({
  schema: {
    tags: ['auth'],
    summary: 'Set the longest lifetime an API token may have, in days (district-level administrators; audited). Tokens older than it stop working.',
    body: z.strictObject({ maxDays: z.number().int().min(1).max(TOKEN_MAX_DAYS_LIMIT) }),
  },
  handler: async ({ req, deps, actor }) => {
    const snapshot = async (trx: Db) => ({ maxDays: await tokenMaxDays(trx) });
    return audited(
      { req, deps, actor },
      { action: 'settings.token_lifetime', entity: 'setting', entityId: 'api_tokens.max_days', subdistrictId: null, districtId: null, before: snapshot, after: snapshot },
      (trx: Db) => setTokenMaxDays(trx, deps.clock, actor, req.body.maxDays),
    );
  },
});

export const revokeToken = def({
  schema: { tags: ['auth'], summary: 'Revoke one of my API tokens', params: z.strictObject({ id: z.string().min(1) }) },
  handler: async ({ req, deps, actor }) => {
    await audited(
      { req, deps, actor },
      {
        action: 'token.revoke',
        entity: 'token',
        entityId: req.params.id,
        before: (trx) => snapshotRow(trx, 'api_tokens', 'id', req.params.id),
        after: (trx) => snapshotRow(trx, 'api_tokens', 'id', req.params.id),
      },
      (trx: Db) => revokeApiToken(trx, deps.clock, actor, req.params.id),
    );
    return { ok: true };
  },
});

export const changePassword = def({
  beforePasswordChange: true,
  schema: {
    tags: ['auth'],
    summary: 'Set my own password (required at first sign-in after an administrator set it); other sessions end, this one gets a new id',
    body: z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(1).max(200) }),
  },
  handler: async ({ req, reply, deps, actor }) => {
    const res = await audited(
      { req, deps, actor },
      { action: 'user.password.change', entity: 'user', entityId: actor.userId, subdistrictId: actor.subdistrictId, after: (_trx, r) => ({ otherSessionsEnded: r.endedSessions }) },
      (trx: Db) => changeOwnPassword(trx, deps.clock, actor, req.body, req.sessionToken),
    );
    if (res.renewed) setSessionCookie(reply, deps.config, res.renewed.token, res.renewed.expiresAt);
    return { ok: true };
  },
});

export const createWallSessionRoute = def({
  schema: {
    tags: ['auth'],
    summary:
      'Use this screen as a wall display: my browser session is replaced by a wall display session (read-only, no idle limit, ending after WALL_SESSION_DAYS; audited with its label). From a browser session only.',
    body: z.strictObject({ label: z.string().trim().min(1).max(40) }),
  },
  handler: async ({ req, reply, deps, actor }) => {
    const wall = await audited(
      { req, deps, actor },
      {
        action: 'session.wall',
        entity: 'session',
        entityId: (w) => w.id,
        subdistrictId: actor.subdistrictId,
        // The label and expiry only: never the token.
        after: (_trx, w) => ({ kind: 'wall', label: req.body.label, expiresAt: w.expiresAt }),
      },
      (trx: Db) =>
        createWallSession(trx, deps.clock, actor, req.sessionToken, {
          ttlMs: deps.config.wallSessionMs,
          ip: req.ip,
          userAgent: req.headers['user-agent'] ?? null,
        }),
    );
    setSessionCookie(reply, deps.config, wall.token, wall.expiresAt);
    reply.status(201);
    return { ok: true, expiresAt: wall.expiresAt };
  },
});

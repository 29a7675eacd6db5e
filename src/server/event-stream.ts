import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, loadActor } from '../domain/auth/actor.js';
import { sessionLapsed } from '../domain/auth/session-lifecycle.js';
import { actorForApiToken } from '../domain/auth/sessions.js';
import { hashSecret } from '../domain/auth/tokens.js';
import { SESSION_COOKIE, setSessionCookie } from './auth-hook.js';
import type { Deps } from './deps.js';

export const HEARTBEAT_MS = 15_000;
/** A viewer whose socket holds more than this unsent is dropped; its EventSource reconnects (with Last-Event-ID). */
export const MAX_BUFFERED_BYTES = 256 * 1024;

export interface EventStream {
  /** Writes an SSE chunk as is (heartbeats, `ready`); a client too slow to take it is dropped rather than buffered without bound. */
  write(chunk: string): void;
  /**
   * Writes data for the viewer, in call order, once the viewer is known to still be allowed to
   * see it (a check no older than the recheck interval); otherwise the stream closes unsent.
   */
  send(chunk: string | (() => string)): void;
  close(): void;
  readonly closed: boolean;
  /** Runs when the stream closes, by either side (unsubscribe, clear timers). */
  onClose(fn: () => void): void;
}

export interface EventStreamOptions {
  /** Whether the viewer may still watch (signed in, same role and scope); false closes the stream. */
  stillAllowed?: () => Promise<boolean>;
  /** How often stillAllowed runs, and the oldest answer `send` trusts. */
  recheckMs?: number;
  /** The stream ends after this long: the browser's EventSource reconnects and is signed in anew. */
  maxLifetimeMs?: number;
  /** The clock the age of a check is measured on (the app's clock). */
  now?: () => number;
  /** Extra response headers (a renewed session cookie). */
  headers?: Record<string, string>;
}

/**
 * Opens a server-sent-events answer on a hijacked reply: the headers (no caching or proxy
 * buffering), the client's reconnect delay, a comment heartbeat that keeps proxies from closing an
 * idle stream, backpressure, and clean-up when the client goes away.
 *
 * A stream outlives the request that authenticated it, so the viewer is re-checked while it is
 * open: every `recheckMs`, and before data is sent when the last check is older than that (a
 * signed-out, disabled or re-scoped account gets nothing more); and it ends after
 * `maxLifetimeMs` whatever happens.
 */
export function openEventStream(reply: FastifyReply, o: EventStreamOptions = {}): EventStream {
  const raw = reply.raw;
  const now = o.now ?? Date.now;
  const recheckMs = o.recheckMs ?? HEARTBEAT_MS;
  reply.hijack();
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...o.headers,
  });
  raw.write('retry: 2000\n\n');
  let closed = false;
  const cleanups: (() => void)[] = [];
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    if (recheck) clearInterval(recheck);
    if (lifetime) clearTimeout(lifetime);
    for (const fn of cleanups) fn();
    raw.end();
  };
  const write = (chunk: string) => {
    if (closed) return;
    if (raw.writableLength > MAX_BUFFERED_BYTES) {
      close();
      return;
    }
    raw.write(chunk);
  };

  // The request that opened the stream was just authenticated.
  let checkedAt = now();
  let checking: Promise<boolean> | null = null;
  const check = (): Promise<boolean> => {
    if (closed) return Promise.resolve(false);
    if (!o.stillAllowed) return Promise.resolve(true);
    checking ??= (async () => {
      let ok = true;
      try {
        const startedAt = now();
        ok = await o.stillAllowed!();
        if (ok) checkedAt = startedAt;
      } catch {
        // The database did not answer (it is failing over): keep the stream, the next check retries.
      } finally {
        checking = null;
      }
      if (!ok) close();
      return ok && !closed;
    })();
    return checking;
  };
  const fresh = () => (closed ? Promise.resolve(false) : now() - checkedAt < recheckMs ? Promise.resolve(true) : check());
  let queue: Promise<void> = Promise.resolve();
  // What waits behind a re-check counts against the same bound as the socket's buffer: a check
  // that hangs (the database failing over, the pool exhausted) must not let a viewer's stream
  // pile up without limit; past it the stream closes and the browser reconnects.
  let queued = 0;
  const send = (chunk: string | (() => string)) => {
    if (closed) return;
    const size = typeof chunk === 'string' ? chunk.length : 1024;
    if (queued + size + raw.writableLength > MAX_BUFFERED_BYTES) {
      close();
      return;
    }
    queued += size;
    queue = queue.then(async () => {
      try {
        if (await fresh()) write(typeof chunk === 'string' ? chunk : chunk());
      } finally {
        queued -= size;
      }
    });
  };

  const heartbeat = setInterval(() => write(`: ping ${Date.now()}\n\n`), HEARTBEAT_MS);
  const recheck = o.stillAllowed ? setInterval(() => void check(), recheckMs) : null;
  const lifetime = o.maxLifetimeMs ? setTimeout(close, o.maxLifetimeMs) : null;
  raw.on('close', close);
  return {
    write,
    send,
    close,
    get closed() {
      return closed;
    },
    onClose: (fn) => {
      if (closed) fn();
      else cleanups.push(fn);
    },
  };
}

/**
 * The stream options of a signed-in viewer: its credential is resolved again as the request
 * pipeline does, and the stream closes when it no longer resolves (signed out, signed out
 * everywhere, account disabled, session expired or idle, token revoked) or resolves to another
 * grant than the stream was opened with (role, scope, handling unit, token scopes).
 *
 * Read-only: a browser session whose role or scope changed is due a new id (rotate_pending); the
 * stream closes without taking it (it could not send the cookie any more), leaving it to the
 * browser's next request, its reconnect included (renewedSessionCookie). And an open stream is not
 * activity, so it does not hold an idle session open (a wall display session has no idle limit,
 * so its stream runs until the session expires or is ended).
 */
export async function viewerStreamOptions(deps: Deps, req: FastifyRequest, reply: FastifyReply, actor: Actor): Promise<EventStreamOptions> {
  const base = { recheckMs: deps.config.liveStream.recheckMs, maxLifetimeMs: deps.config.liveStream.maxLifetimeMs, now: () => deps.clock.now().getTime() };
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const secret = header.slice(7).trim();
    const scopes = [...(req.tokenScopes ?? [])].sort().join(',');
    return {
      ...base,
      stillAllowed: async () => {
        const found = await actorForApiToken(deps.db, deps.clock, secret);
        return !!found && sameGrant(found.actor, actor) && [...found.scopes].sort().join(',') === scopes;
      },
    };
  }
  const token = req.sessionToken;
  if (!token) return { ...base, stillAllowed: async () => false };
  const tokenHash = hashSecret(token);
  const renewed = await renewedSessionCookie(deps, req, reply, token, tokenHash);
  return {
    ...base,
    ...(renewed && { headers: { 'set-cookie': renewed } }),
    stillAllowed: async () => {
      const s = await deps.db
        .selectFrom('sessions')
        .select(['user_id', 'expires_at', 'last_seen_at', 'rotate_pending', 'kind'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!s || Number(s.rotate_pending) === 1) return false;
      // A wall display's stream stays open past the idle limit (it has none), not past its expiry.
      if (sessionLapsed(s, deps.config.sessionIdleMs, deps.clock.now().getTime())) return false;
      const current = await loadActor(deps.db, s.user_id);
      return !!current && sameGrant(current, actor);
    },
  };
}

/**
 * The cookie of a session that got a new id on this very request (its role or scope changed; often
 * a stream's reconnect is the first request after the change). The auth hook queued it on the
 * reply, but a hijacked reply skips the hook that sends it, and without it the browser would hold
 * a dead id: signed out. Same cookie as setSessionCookie writes.
 */
async function renewedSessionCookie(deps: Deps, req: FastifyRequest, reply: FastifyReply, token: string, tokenHash: string): Promise<string | null> {
  if (req.cookies[SESSION_COOKIE] === token) return null;
  const s = await deps.db.selectFrom('sessions').select('expires_at').where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!s) return null;
  let header: string | null = null;
  const capture = { setCookie: (name: string, value: string, opts: object) => (header = reply.server.serializeCookie(name, value, opts)) };
  setSessionCookie(capture as unknown as FastifyReply, deps.config, token, s.expires_at);
  return header;
}

/** The same person with the same role, handling unit and scope (what a stream's filtering depends on). */
function sameGrant(a: Actor, b: Actor): boolean {
  const scope = (x: Actor) => x.scope.map((s) => `${s.subdistrictId}/${s.committeeId ?? ''}`).sort().join(',');
  return a.userId === b.userId && a.role === b.role && a.subdistrictId === b.subdistrictId && a.handlingUnitId === b.handlingUnitId
    && !!a.mustChangePassword === !!b.mustChangePassword && scope(a) === scope(b);
}

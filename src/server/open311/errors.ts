import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/shared/errors.js';
import { BUSY_RETRY_AFTER_S, isBusy, isConnectionError, UNAVAILABLE_RETRY_AFTER_S } from '../error-handler.js';
import { formatOf, send } from './render.js';

/**
 * Open311 errors, as the spec assigns them: 404 for what does not exist, 403 for a missing or
 * wrong api_key, 400 for every other failure (429 when a client exceeds its rate, 503 when the
 * database is busy or cannot be reached, both with Retry-After). The body is <errors><error><code/><description/></error></errors> (a JSON array
 * of {code, description}); the code is the HTTP status, as the spec advises.
 */
export function open311Status(err: unknown): number {
  if (err instanceof DomainError) {
    if (err.code === 'forbidden') return 403;
    if (err.code === 'not_found') return 404;
    if (err.code === 'rate_limited') return 429;
    if (err.code === 'storage_unavailable') return 503;
    return 400;
  }
  const fe = err as FastifyError;
  if (fe?.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return fe.statusCode === 404 ? 404 : 400;
  // A busy or unreachable database: the request did not happen; retry shortly (as the rest of the API says).
  if (isBusy(err) || isConnectionError(err)) return 503;
  return 500;
}

export function sendOpen311Error(req: FastifyRequest, reply: FastifyReply, err: unknown) {
  const status = open311Status(err);
  let description: string;
  if (status === 500) {
    req.log.error({ err }, 'unhandled error in open311');
    description = 'Something went wrong on our side; it has been logged';
  } else if (status === 503 && err instanceof DomainError) {
    // The file store (a photo's bytes), not the database.
    req.log.error({ err: err.cause }, 'file storage unavailable; answered 503');
    reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S));
    description = err.message;
  } else if (status === 503) {
    const busy = isBusy(err);
    if (busy) req.log.warn({ code: (err as { code?: string }).code }, 'database busy; answered 503');
    else req.log.error({ err }, 'database unavailable; answered 503');
    reply.header('retry-after', String(busy ? BUSY_RETRY_AFTER_S : UNAVAILABLE_RETRY_AFTER_S));
    description = busy ? 'The database is busy; retry in a moment' : 'The database cannot be reached; retry in a moment';
  } else {
    description = (err as Error).message || 'The request is invalid';
  }
  if (err instanceof DomainError && err.code === 'rate_limited') {
    const after = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if (after) reply.header('retry-after', String(after));
  }
  return send(reply, formatOf(req.url), 'errors', [{ code: status, description }], status);
}

export function sendOpen311NotFound(req: FastifyRequest, reply: FastifyReply) {
  return sendOpen311Error(req, reply, new DomainError('not_found', `No such Open311 resource: ${req.method} ${req.url.split('?')[0]}`));
}

export const isOpen311Url = (url: string) => url.startsWith('/open311/');

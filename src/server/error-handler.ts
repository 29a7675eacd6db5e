import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { DomainError, type ErrorCode } from '../domain/shared/errors.js';
import { isOpen311Url, sendOpen311Error, sendOpen311NotFound } from './open311/errors.js';

/** The one place that knows HTTP statuses for domain error codes. */
export const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  not_found: 404,
  forbidden: 403,
  csrf_rejected: 403,
  unauthenticated: 401,
  invalid_credentials: 401,
  account_locked: 423,
  rate_limited: 429,
  conflict: 409,
  stale_version: 409,
  duplicate: 409,
  payload_too_large: 413,
  upload_limit_exceeded: 413,
  unsupported_media_type: 415,
  import_failed: 422,
  idempotency_mismatch: 422,
  transition_not_allowed: 409,
  step_out_of_order: 409,
  fine_out_of_range: 422,
  procedure_period_open: 409,
  fine_exceeds_prior_notice: 422,
  hearing_not_available: 409,
  document_not_served: 409,
  document_already_served: 409,
  officer_without_certificate: 422,
  challenge_failed: 403,
  challenge_replayed: 409,
  password_change_required: 403,
  demo_password_refused: 403,
  has_open_cases: 409,
  storage_unavailable: 503,
};

export interface FieldError {
  field: string;
  /** The reason in English, for people reading the API. */
  reason: string;
  /** A stable rule id the apps translate (required, too_small, too_big, invalid_option, invalid_format, invalid_type, unknown_field, invalid). */
  rule?: string;
  /** The rule's figures: minimum, maximum, origin (string | number | array), format, expected. */
  params?: Record<string, string | number>;
}

type Issue = { code?: string; message?: string; minimum?: unknown; maximum?: unknown; origin?: unknown; format?: unknown; expected?: unknown };

/** The translatable rule of a zod issue (zod's own codes, with "missing" and "empty text" as required). */
export function ruleOf(issue: Issue): Pick<FieldError, 'rule' | 'params'> {
  const params: Record<string, string | number> = {};
  for (const k of ['minimum', 'maximum', 'origin', 'format', 'expected'] as const) {
    const v = issue[k];
    if (typeof v === 'string' || typeof v === 'number') params[k] = v;
    else if (typeof v === 'bigint') params[k] = Number(v);
  }
  switch (issue.code) {
    case 'invalid_type':
      return /received undefined|received null/.test(issue.message ?? '') ? { rule: 'required' } : { rule: 'invalid_type', params };
    case 'too_small':
      return (params.origin === 'string' || params.origin === 'array') && params.minimum === 1 ? { rule: 'required' } : { rule: 'too_small', params };
    case 'too_big':
      return { rule: 'too_big', params };
    case 'invalid_value':
    case 'invalid_enum_value':
    case 'invalid_union':
      return { rule: 'invalid_option' };
    case 'invalid_format':
    case 'invalid_string':
      return { rule: 'invalid_format', params };
    default:
      return { rule: 'invalid' };
  }
}

function send(reply: FastifyReply, status: number, code: string, message: string, details?: unknown) {
  return reply.status(status).send({ error: { code, message, details: details ?? null } });
}

function pathToField(location: string | undefined, instancePath: string): string {
  const p = instancePath.replace(/^\//, '').replace(/\//g, '.');
  return p || location || 'body';
}

export function fieldsFromZod(err: ZodError, prefix = ''): FieldError[] {
  return err.issues.flatMap((i): FieldError[] => {
    const base = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => ({ field: base ? `${base}.${k}` : k, reason: 'unknown field', rule: 'unknown_field' }));
    }
    return [{ field: base || 'body', reason: i.message, ...ruleOf(i as Issue) }];
  });
}

export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  // Open311 clients parse the spec's own error bodies, in the format they asked for.
  if (isOpen311Url(request.url)) return sendOpen311Error(request, reply, error);
  if (error instanceof DomainError) {
    const retryAfter = error.code === 'rate_limited' || error.code === 'storage_unavailable' ? (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds : undefined;
    // The file store's own fault (endpoint down, bucket missing, disk full): the operator must hear of it.
    if (error.code === 'storage_unavailable') request.log.error({ err: error.cause }, 'file storage unavailable; answered 503');
    if (typeof retryAfter === 'number' && retryAfter > 0) reply.header('retry-after', String(Math.ceil(retryAfter)));
    return send(reply, STATUS[error.code], error.code, error.message, error.details);
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const location = (error as FastifyError).validationContext;
    const fields: FieldError[] = error.validation.flatMap((v): FieldError[] => {
      const field = pathToField(location, v.instancePath);
      const keys = (v.params as { keys?: string[] } | undefined)?.keys;
      if (v.keyword === 'unrecognized_keys' && keys) {
        const prefix = v.instancePath.replace(/^\/+/, '').replace(/\//g, '.');
        return keys.map((k) => ({ field: prefix ? `${prefix}.${k}` : k, reason: 'unknown field', rule: 'unknown_field' }));
      }
      return [{ field, reason: v.message ?? 'invalid', ...ruleOf({ ...(v.params as Issue), code: v.keyword, message: v.message }) }];
    });
    const first = fields[0];
    return send(reply, 400, 'validation_failed', first ? `${first.field}: ${first.reason}` : 'Invalid request', {
      location,
      fields,
    });
  }
  if (error instanceof ZodError) {
    const fields = fieldsFromZod(error);
    return send(reply, 400, 'validation_failed', `${fields[0]?.field}: ${fields[0]?.reason}`, { fields });
  }
  const fe = error as FastifyError;
  if (fe.code === 'FST_REQ_FILE_TOO_LARGE' || fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) {
    return send(reply, 413, 'payload_too_large', 'The upload is larger than allowed');
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fe.statusCode === 415 || fe.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
    return send(reply, 415, 'unsupported_media_type', fe.message);
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Malformed JSON, empty body with a JSON content type, and similar client faults: the body is the field.
    return send(reply, fe.statusCode, 'bad_request', fe.message, { fields: [{ field: 'body', reason: fe.message, rule: 'invalid' }] });
  }
  if (isBusy(error)) {
    // A lock held elsewhere (lock_timeout, SQLite's busy timeout) or a statement over its time:
    // the request did not happen; the client may retry shortly (on this or another instance).
    request.log.warn({ code: (error as { code?: string }).code }, 'database busy; answered 503');
    reply.header('retry-after', String(BUSY_RETRY_AFTER_S));
    return send(reply, 503, 'database_busy', 'The database is busy; retry in a moment');
  }
  if (isConnectionError(error)) {
    // The database cannot be reached (down, restarting, failing over, a network fault): nothing
    // was done that the client must know of; it may retry shortly. Logged for the operator.
    request.log.error({ err: error }, 'database unavailable; answered 503');
    reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S));
    return send(reply, 503, 'database_unavailable', 'The database cannot be reached; retry in a moment');
  }
  request.log.error({ err: error }, 'unhandled error');
  return send(reply, 500, 'internal_error', 'Something went wrong on our side; it has been logged');
}

/**
 * Faults the router finds before any route runs (a path parameter longer than the router allows,
 * a URL that cannot be decoded): answered in the same error shape, naming the path.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (isOpen311Url(request.url)) return sendOpen311Error(request, reply, error);
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const reason = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path segment is too long' : 'the URL cannot be read';
  return send(reply, status, 'bad_request', `path: ${reason}`, { fields: [{ field: 'path', reason, rule: 'invalid' }] });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  if (isOpen311Url(request.url)) return sendOpen311NotFound(request, reply);
  return send(reply, 404, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`);
}

/** Seconds a client is told to wait after a busy database. */
export const BUSY_RETRY_AFTER_S = 2;

/**
 * Database answers that mean "busy, retry": PostgreSQL lock_not_available (lock_timeout),
 * query_canceled (statement_timeout), serialization failure and deadlock; SQLite BUSY/LOCKED.
 */
const BUSY_CODES = new Set(['55P03', '57014', '40001', '40P01', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);

export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && BUSY_CODES.has(code);
}

/** Seconds a client is told to wait when the database cannot be reached. */
export const UNAVAILABLE_RETRY_AFTER_S = 5;

/** Socket errors of a connection that could not be made or was lost (with the message pg gives them). */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now (57P01-03) and class 08
 * (connection exceptions); pg's own messages for a connection closed under it or not made in time.
 */
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03']);
const CONNECTION_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly)/;

/** Whether `error` means the database could not be reached or the connection was lost (not a fault of the query). */
export function isConnectionError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_ERRNOS.has(code) || CONNECTION_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true;
  // Node reports a refused connection to every address of a host as one AggregateError.
  return error instanceof AggregateError && error.errors.some(isConnectionError);
}

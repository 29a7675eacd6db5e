import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Db, isUniqueViolation } from '../db/index.js';
import { prepared, preparedInsert } from '../db/prepared.js';
import type { Actor } from '../domain/auth/actor.js';
import { canonicalJson } from '../domain/cases/hash-chain.js';
import { DomainError, invalidField } from '../domain/shared/errors.js';
import type { Deps } from './deps.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_RE = /^[A-Za-z0-9._:-]{8,128}$/;

const storedKey = prepared((db: Db, userId: string, key: string) =>
  db.selectFrom('idempotency_keys').select(['route', 'request_hash', 'status_code', 'response']).where('user_id', '=', userId).where('key', '=', key),
);
const claimKey = preparedInsert('idempotency_keys');
const storeResponse = prepared((db: Db, status: number, response: string, userId: string, key: string) =>
  db.updateTable('idempotency_keys').set({ status_code: status, response }).where('user_id', '=', userId).where('key', '=', key),
);

async function replay(deps: Deps, reply: FastifyReply, actor: Actor, key: string, route: string, hash: string) {
  const row = await storedKey.first(deps.db, actor.userId, key);
  if (!row) return undefined;
  if (row.route !== route || row.request_hash !== hash) {
    throw new DomainError('idempotency_mismatch', 'This Idempotency-Key was already used for a different request', { field: 'Idempotency-Key' });
  }
  reply.status(row.status_code ?? 200);
  reply.header('idempotent-replayed', 'true');
  return { value: row.response === null ? null : JSON.parse(row.response) };
}

/**
 * Runs a write in one transaction. With an `Idempotency-Key` header, the key, user, route and a
 * hash of the request are stored in the SAME transaction as the result, so a retry gets the
 * stored response (same status) instead of doing the work twice, and the same key with another
 * body gets 422 idempotency_mismatch. Concurrent first attempts collide on the primary key: the
 * loser waits for the winner's commit and replays its response. Failures are not stored.
 * `selfAtomic`: without a key, the work is given the database itself, as it is atomic on its own
 * (a case transition: one statement on PostgreSQL, else its own transaction).
 */
export async function idempotentWrite<T>(
  deps: Deps,
  req: FastifyRequest,
  reply: FastifyReply,
  actor: Actor,
  opts: { route: string; status?: number; selfAtomic?: boolean },
  work: (trx: Db) => Promise<T>,
): Promise<T | unknown> {
  const status = opts.status ?? 200;
  const header = req.headers[IDEMPOTENCY_HEADER];
  if (header === undefined) {
    const result = await (opts.selfAtomic ? work(deps.db) : deps.db.transaction().execute(work));
    reply.status(status);
    return result;
  }
  const key = Array.isArray(header) ? header[0] : header;
  if (!key || !KEY_RE.test(key)) throw invalidField('Idempotency-Key', 'use 8–128 letters, digits, . _ : -');
  const hash = createHash('sha256')
    .update(`${req.method} ${opts.route}\n${canonicalJson(req.params ?? {})}\n${canonicalJson(req.body ?? null)}`)
    .digest('hex');
  const previous = await replay(deps, reply, actor, key, opts.route, hash);
  if (previous) return previous.value;
  try {
    const result = await deps.db.transaction().execute(async (trx) => {
      const now = deps.clock.now().toISOString();
      await claimKey.run(trx, { user_id: actor.userId, key, route: opts.route, request_hash: hash, status_code: null, response: null, created_at: now });
      const value = await work(trx);
      await storeResponse.run(trx, status, JSON.stringify(value ?? null), actor.userId, key);
      return value;
    });
    reply.status(status);
    return result;
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const again = await replay(deps, reply, actor, key, opts.route, hash);
    if (again) return again.value;
    throw e;
  }
}

import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/index.js';
import type { Actor } from '../domain/auth/actor.js';
import { recordAudit } from '../domain/audit/record-audit.js';
import { inTransaction } from '../domain/shared/in-transaction.js';
import type { Deps } from './deps.js';

export interface AuditSpec<T> {
  action: string;
  entity: string;
  /** the changed entity's id; a function when it is known only after the change (a creation) */
  entityId?: string | null | ((result: T) => string | null);
  subdistrictId?: string | null | ((result: T) => string | null | undefined);
  /** without a subdistrict: the district (null = a change of the whole instance); default: the one district of the snapshot's `scopes`, else the actor's */
  districtId?: string | null;
  /** the entity's state before the change (omit for a creation) */
  before?: (trx: Db) => Promise<unknown>;
  /** the entity's state after the change (default: nothing, e.g. a deletion) */
  after?: (trx: Db, result: T, entityId: string | null) => Promise<unknown> | unknown;
}

/** The subdistrict a snapshot belongs to, when its row says so. */
function subdistrictOf(snapshot: unknown): string | undefined {
  if (!snapshot || typeof snapshot !== 'object') return undefined;
  const s = snapshot as Record<string, unknown>;
  const v = s.subdistrict_id ?? s.subdistrictId;
  return typeof v === 'string' ? v : undefined;
}

/** The subdistricts a snapshot's scopes reach (a staff member's), when it lists them. */
function scopesOf(snapshot: unknown): string[] {
  if (!snapshot || typeof snapshot !== 'object') return [];
  const scopes = (snapshot as Record<string, unknown>).scopes;
  if (!Array.isArray(scopes)) return [];
  return scopes.flatMap((s) => (s && typeof s === 'object' && typeof (s as Record<string, unknown>).subdistrictId === 'string' ? [(s as { subdistrictId: string }).subdistrictId] : []));
}

/**
 * Runs an administrative change and records it in the audit log in one transaction: before is
 * read, the change made, after read, and the entry appended to the chain — or none of it.
 */
export function audited<T>(
  c: { req: FastifyRequest; deps: Deps; actor: Actor },
  spec: AuditSpec<NoInfer<T>>,
  work: (trx: Db) => Promise<T>,
): Promise<T> {
  return inTransaction(c.deps.db, async (trx) => {
    const before = spec.before ? await spec.before(trx) : undefined;
    const result = await work(trx);
    const entityId = typeof spec.entityId === 'function' ? spec.entityId(result) : (spec.entityId ?? null);
    const after = spec.after ? await spec.after(trx, result, entityId) : undefined;
    const subdistrictId =
      typeof spec.subdistrictId === 'function' ? spec.subdistrictId(result) : (spec.subdistrictId ?? subdistrictOf(after) ?? subdistrictOf(before));
    await recordAudit(trx, c.deps.clock, {
      actor: c.actor,
      action: spec.action,
      entity: spec.entity,
      entityId,
      ...(subdistrictId !== undefined ? { subdistrictId } : {}),
      ...(spec.districtId !== undefined ? { districtId: spec.districtId } : {}),
      concerns: [...scopesOf(after), ...scopesOf(before)],
      before,
      after,
      ip: c.req.ip,
    });
    return result;
  });
}

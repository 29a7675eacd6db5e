import { createHash } from 'node:crypto';
import type { AuditLogTable } from '../../db/schema.js';
import { canonicalJson } from '../cases/hash-chain.js';

/** prev_hash of the first entry of the audit chain (the same genesis as case-event chains). */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/**
 * The fields an audit entry's hash covers: everything except the hash itself and `district_id`.
 * The district is scoping metadata added after the chain began (migration 2026-12-11T0700),
 * derived from hashed fields (the subdistrict's district, else the actor's); leaving it out keeps
 * every entry written before it verifying as written, without rewriting history.
 */
export type ChainedAuditEntry = Omit<AuditLogTable, 'hash' | 'district_id'>;

function chainedView(e: ChainedAuditEntry) {
  return {
    id: e.id,
    seq: Number(e.seq),
    at: e.at,
    actor_user_id: e.actor_user_id,
    actor_username: e.actor_username,
    actor_role: e.actor_role,
    ip: e.ip,
    action: e.action,
    entity: e.entity,
    entity_id: e.entity_id,
    subdistrict_id: e.subdistrict_id,
    before_json: e.before_json,
    after_json: e.after_json,
    prev_hash: e.prev_hash,
  };
}

/** hash = SHA-256(prev_hash + "\n" + canonical JSON of the entry's fields), hex — as case events. */
export function auditHash(e: ChainedAuditEntry): string {
  return createHash('sha256').update(`${e.prev_hash}\n${canonicalJson(chainedView(e))}`).digest('hex');
}

import type { Db } from '../../db/index.js';
import { type ChainProblem, walkChain } from '../shared/chain-walk.js';
import { AUDIT_GENESIS_HASH, auditHash } from './audit-hash.js';

export interface AuditBrokenLink {
  entryId: string | null;
  seq: number;
  problem: ChainProblem;
  detail: string;
}

export interface AuditChainReport {
  entries: number;
  ok: boolean;
  broken: AuditBrokenLink | null;
}

/**
 * Recomputes the audit chain from the genesis hash and names the first broken link, exactly as
 * verifyChain does for case events (the same walk): an altered entry, a missing one (gap in seq),
 * a reordered or inserted one, or a head that does not match the last entry (the tail was cut off).
 */
export async function verifyAuditChain(db: Db): Promise<AuditChainReport> {
  const r = await walkChain({
    noun: 'entry',
    nouns: 'entries',
    genesis: AUDIT_GENESIS_HASH,
    page: (fromSeq, limit) => db.selectFrom('audit_log').selectAll().where('seq', '>=', fromSeq).orderBy('seq').limit(limit).execute(),
    hashOf: (e) => auditHash(e),
    head: () => db.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 'audit').executeTakeFirst(),
  });
  const broken = r.broken && { entryId: r.broken.id, seq: r.broken.seq, problem: r.broken.problem, detail: r.broken.detail };
  return { entries: r.links, ok: !broken, broken };
}

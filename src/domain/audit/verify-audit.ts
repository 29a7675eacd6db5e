import type { Db } from '../../db/index.js';
import { AUDIT_GENESIS_HASH, auditHash } from './audit-hash.js';

export interface AuditBrokenLink {
  entryId: string | null;
  seq: number;
  problem: 'altered' | 'missing' | 'reordered' | 'head_mismatch';
  detail: string;
}

export interface AuditChainReport {
  entries: number;
  ok: boolean;
  broken: AuditBrokenLink | null;
}

const BATCH = 2000;

/**
 * Recomputes the audit chain from the genesis hash and names the first broken link, exactly as
 * verifyChain does for case events: an altered entry, a missing one (gap in seq), a reordered or
 * inserted one, or a head that does not match the last entry (the tail was cut off).
 */
export async function verifyAuditChain(db: Db): Promise<AuditChainReport> {
  let prevHash = AUDIT_GENESIS_HASH;
  let expectSeq = 1;
  let count = 0;
  const fail = (broken: AuditBrokenLink): AuditChainReport => ({ entries: count, ok: false, broken });
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>=', expectSeq).orderBy('seq').limit(BATCH).execute();
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expectSeq) {
        return fail({ entryId: r.id, seq: expectSeq, problem: 'missing', detail: `entry seq ${expectSeq} is missing: the chain jumps to seq ${seq} (entry ${r.id})` });
      }
      if (r.prev_hash !== prevHash) {
        return fail({ entryId: r.id, seq, problem: 'reordered', detail: `prev_hash ${r.prev_hash.slice(0, 12)}… is not the hash of entry seq ${seq - 1} (${prevHash.slice(0, 12)}…): entries were reordered or inserted` });
      }
      const recomputed = auditHash(r);
      if (recomputed !== r.hash) {
        return fail({ entryId: r.id, seq, problem: 'altered', detail: `stored hash ${r.hash.slice(0, 12)}… but the content hashes to ${recomputed.slice(0, 12)}…: the entry was altered` });
      }
      prevHash = r.hash;
      expectSeq = seq + 1;
      count++;
    }
    if (rows.length < BATCH) break;
  }
  const head = await db.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 'audit').executeTakeFirst();
  const headSeq = head ? Number(head.seq) : 0;
  if (headSeq !== expectSeq - 1 || (head && head.hash !== prevHash)) {
    return fail({ entryId: null, seq: headSeq, problem: headSeq > expectSeq - 1 ? 'missing' : 'head_mismatch', detail: `chain head says seq ${headSeq}, but the entries end at seq ${expectSeq - 1}` });
  }
  return { entries: count, ok: true, broken: null };
}

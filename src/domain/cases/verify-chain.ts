import type { Db } from '../../db/index.js';
import { GENESIS_HASH, eventHash } from './hash-chain.js';

export interface BrokenLink {
  eventId: string | null;
  seq: number;
  problem: 'altered' | 'missing' | 'reordered' | 'head_mismatch';
  detail: string;
}

export interface ChainReport {
  subdistrictId: string;
  events: number;
  ok: boolean;
  broken: BrokenLink | null;
}

const BATCH = 2000;

/**
 * Recomputes a subdistrict's chain from the genesis hash and names the first broken link:
 * an altered event (its stored hash no longer matches its content), a missing one (a gap in seq),
 * a reordered or inserted one (prev_hash not the previous event's hash), or a head that does not
 * match the last event (the tail was cut off).
 */
export async function verifyChain(db: Db, subdistrictId: string): Promise<ChainReport> {
  let prevHash = GENESIS_HASH;
  let expectSeq = 1;
  let count = 0;
  const fail = (broken: BrokenLink): ChainReport => ({ subdistrictId, events: count, ok: false, broken });
  for (;;) {
    const rows = await db
      .selectFrom('case_events')
      .selectAll()
      .where('subdistrict_id', '=', subdistrictId)
      .where('seq', '>=', expectSeq)
      .orderBy('seq')
      .limit(BATCH)
      .execute();
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expectSeq) {
        return fail({ eventId: r.id, seq: expectSeq, problem: 'missing', detail: `event seq ${expectSeq} is missing: the chain jumps to seq ${seq} (event ${r.id})` });
      }
      if (r.prev_hash !== prevHash) {
        return fail({ eventId: r.id, seq, problem: 'reordered', detail: `prev_hash ${r.prev_hash.slice(0, 12)}… is not the hash of event seq ${seq - 1} (${prevHash.slice(0, 12)}…): events were reordered or inserted` });
      }
      const recomputed = eventHash(r);
      if (recomputed !== r.hash) {
        return fail({ eventId: r.id, seq, problem: 'altered', detail: `stored hash ${r.hash.slice(0, 12)}… but the content hashes to ${recomputed.slice(0, 12)}…: the event was altered` });
      }
      prevHash = r.hash;
      expectSeq = seq + 1;
      count++;
    }
    if (rows.length < BATCH) break;
  }
  const head = await db.selectFrom('chain_heads').select(['seq', 'hash']).where('subdistrict_id', '=', subdistrictId).executeTakeFirst();
  const headSeq = head ? Number(head.seq) : 0;
  if (headSeq !== expectSeq - 1 || (head && head.hash !== prevHash)) {
    return fail({ eventId: null, seq: headSeq, problem: headSeq > expectSeq - 1 ? 'missing' : 'head_mismatch', detail: `chain head says seq ${headSeq}, but the events end at seq ${expectSeq - 1}` });
  }
  return { subdistrictId, events: count, ok: true, broken: null };
}

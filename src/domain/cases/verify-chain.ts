import type { Db } from '../../db/index.js';
import { type ChainProblem, walkChain } from '../shared/chain-walk.js';
import { GENESIS_HASH, eventHash } from './hash-chain.js';

export interface BrokenLink {
  eventId: string | null;
  seq: number;
  problem: ChainProblem;
  detail: string;
}

export interface ChainReport {
  subdistrictId: string;
  events: number;
  ok: boolean;
  broken: BrokenLink | null;
}

/**
 * Recomputes a subdistrict's chain from the genesis hash and names the first broken link:
 * an altered event (its stored hash no longer matches its content), a missing one (a gap in seq),
 * a reordered or inserted one (prev_hash not the previous event's hash), or a head that does not
 * match the last event (the tail was cut off).
 */
export async function verifyChain(db: Db, subdistrictId: string): Promise<ChainReport> {
  const r = await walkChain({
    noun: 'event',
    nouns: 'events',
    genesis: GENESIS_HASH,
    page: (fromSeq, limit) => db.selectFrom('case_events').selectAll().where('subdistrict_id', '=', subdistrictId).where('seq', '>=', fromSeq).orderBy('seq').limit(limit).execute(),
    hashOf: (e) => eventHash(e),
    head: () => db.selectFrom('chain_heads').select(['seq', 'hash']).where('subdistrict_id', '=', subdistrictId).executeTakeFirst(),
  });
  const broken = r.broken && { eventId: r.broken.id, seq: r.broken.seq, problem: r.broken.problem, detail: r.broken.detail };
  return { subdistrictId, events: r.links, ok: !broken, broken };
}

/** How a hash chain breaks: a changed link, a gap in seq, a link out of order, a head that does not match the last link. */
export type ChainProblem = 'altered' | 'missing' | 'reordered' | 'head_mismatch';

export interface ChainLink {
  id: string;
  seq: number | string | bigint;
  prev_hash: string;
  hash: string;
}

export interface ChainWalk<R extends ChainLink> {
  /** What a link is called in the messages, one and many ('event', 'events'). */
  noun: string;
  nouns: string;
  genesis: string;
  /** Up to `limit` links from seq `fromSeq` on, in seq order. */
  page: (fromSeq: number, limit: number) => Promise<R[]>;
  /** The hash the link's content gives. */
  hashOf: (link: R) => string;
  /** The chain's head as stored, if any. */
  head: () => Promise<{ seq: number | string | bigint; hash: string } | undefined>;
}

export interface WalkResult {
  links: number;
  broken: { id: string | null; seq: number; problem: ChainProblem; detail: string } | null;
}

const BATCH = 2000;

/**
 * Recomputes a chain from its genesis hash and names the first broken link: an altered link (its
 * stored hash no longer matches its content), a missing one (a gap in seq), a reordered or
 * inserted one (prev_hash not the previous link's hash), or a head that does not match the last
 * link (the tail was cut off). The one walk behind the case-event chains and the audit chain.
 */
export async function walkChain<R extends ChainLink>(c: ChainWalk<R>): Promise<WalkResult> {
  let prevHash = c.genesis;
  let expectSeq = 1;
  let links = 0;
  const fail = (broken: NonNullable<WalkResult['broken']>): WalkResult => ({ links, broken });
  for (;;) {
    const rows = await c.page(expectSeq, BATCH);
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expectSeq) {
        return fail({ id: r.id, seq: expectSeq, problem: 'missing', detail: `${c.noun} seq ${expectSeq} is missing: the chain jumps to seq ${seq} (${c.noun} ${r.id})` });
      }
      if (r.prev_hash !== prevHash) {
        return fail({ id: r.id, seq, problem: 'reordered', detail: `prev_hash ${r.prev_hash.slice(0, 12)}… is not the hash of ${c.noun} seq ${seq - 1} (${prevHash.slice(0, 12)}…): ${c.nouns} were reordered or inserted` });
      }
      const recomputed = c.hashOf(r);
      if (recomputed !== r.hash) {
        return fail({ id: r.id, seq, problem: 'altered', detail: `stored hash ${r.hash.slice(0, 12)}… but the content hashes to ${recomputed.slice(0, 12)}…: the ${c.noun} was altered` });
      }
      prevHash = r.hash;
      expectSeq = seq + 1;
      links++;
    }
    if (rows.length < BATCH) break;
  }
  const head = await c.head();
  const headSeq = head ? Number(head.seq) : 0;
  if (headSeq !== expectSeq - 1 || (head && head.hash !== prevHash)) {
    return fail({ id: null, seq: headSeq, problem: headSeq > expectSeq - 1 ? 'missing' : 'head_mismatch', detail: `chain head says seq ${headSeq}, but the ${c.nouns} end at seq ${expectSeq - 1}` });
  }
  return { links, broken: null };
}

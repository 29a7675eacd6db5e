import type { Db } from '../../db/index.js';

/**
 * Today's coverage totals of a whole subdistrict, remembered in this process.
 *
 * A citywide coverage answer sums ~215 subdistricts whose board reads every active site; each
 * subdistrict's totals are the same for every viewer who sees that whole subdistrict, so they are
 * computed once and kept until something changes them:
 *  - a write in this process that moves coverage (check-in, inspection, missed window, grade or
 *    schedule, site created/changed/retired) calls `coverageChanged(subdistrictId)`, and only that
 *    subdistrict is recomputed on the next read (≈ 1 ms);
 *  - anything else — writes by another process (the CLI), shops turning overdue as time passes —
 *    is picked up when the entry ages out (45–75 s, jittered so the city does not expire at once).
 * Viewers scoped to single committees never read from here (their board is small and exact).
 */
const MIN_AGE_MS = 45_000;
const JITTER_MS = 30_000;
const MAX_ENTRIES = 5_000;

export interface KindTotals {
  sites: number;
  due: number;
  covered: number;
  missed: number;
  pending: number;
}
export type CoverageTotals = Record<string, KindTotals>;

const generations = new Map<string, number>();
let everything = 0;
/** Per database: a process may serve more than one (the tests do), whose ids may repeat. */
const memos = new WeakMap<Db, Map<string, { generation: string; expiresAt: number; totals: CoverageTotals }>>();

const generationOf = (subdistrictId: string) => `${everything}:${generations.get(subdistrictId) ?? 0}`;

/** Something that moves coverage changed in this subdistrict (or, without an id, anywhere). */
export function coverageChanged(subdistrictId?: string | null): void {
  if (subdistrictId) generations.set(subdistrictId, (generations.get(subdistrictId) ?? 0) + 1);
  else everything++;
}

/** The subdistrict's totals for `date`, from memory when still current, else from `compute`. */
export async function subdistrictTotals(db: Db, subdistrictId: string, date: string, nowMs: number, compute: () => Promise<CoverageTotals>): Promise<CoverageTotals> {
  let memo = memos.get(db);
  if (!memo) memos.set(db, (memo = new Map()));
  const key = `${subdistrictId}|${date}`;
  const generation = generationOf(subdistrictId);
  const hit = memo.get(key);
  if (hit && hit.generation === generation && hit.expiresAt > nowMs) return hit.totals;
  const totals = await compute();
  // A write that landed while computing leaves the entry stale: store it under the generation read before.
  if (memo.size >= MAX_ENTRIES) memo.clear();
  memo.set(key, { generation, expiresAt: nowMs + MIN_AGE_MS + Math.random() * JITTER_MS, totals });
  return totals;
}

export function addTotals(into: CoverageTotals, add: CoverageTotals): CoverageTotals {
  for (const [kind, t] of Object.entries(add)) {
    const s = (into[kind] ??= { sites: 0, due: 0, covered: 0, missed: 0, pending: 0 });
    s.sites += t.sites;
    s.due += t.due;
    s.covered += t.covered;
    s.missed += t.missed;
    s.pending += t.pending;
  }
  return into;
}

/** Small deterministic PRNG (mulberry32) for reproducible demo data. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** A copy that continues from here, leaving this stream as it is. */
    fork: () => seededRandom(0).restart(a),
    int: (min: number, maxInclusive: number) => min + Math.floor(next() * (maxInclusive - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T,
    chance: (p: number) => next() < p,
    /** Continues from a saved state (for fork). */
    restart(state: number) {
      a = state >>> 0;
      return this;
    },
  };
}
export type Random = ReturnType<typeof seededRandom>;

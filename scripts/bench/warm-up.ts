/**
 * How long a load benchmark runs before it counts: the server measured in steady state, as one that
 * has run for a while. V8 is still tiering up the hot paths (and the heap still sizing itself) over
 * the first seconds; measured from 2 s on, the server's CPU per request came out about a tenth
 * higher than from 8 s on. BENCH_WARMUP_SECONDS overrides the 5 s.
 */
export const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);

import { noticeRankingTalks } from '../domain/service-ratings/ranking-notices.js';
import type { JobDeps } from './index.js';
import { createPoller, leaseFor } from './poller.js';

/** A month's notices go out within this interval of its end (the round is one cursor read otherwise). */
export const INTERVAL_MS = 15 * 60_000;

/** Tells each subdistrict's desk who came last in the 好差评 ranking two months running, once a month is over. */
export function ratingRankingNoticesPoller(deps: JobDeps) {
  const poller = createPoller({
    name: 'rating-ranking-notices',
    intervalMs: INTERVAL_MS,
    clock: deps.clock,
    logger: deps.logger,
    lease: leaseFor(deps),
    poll: (held) => noticeRankingTalks(deps.db, deps.clock, held ? { lease: { held, ttlMs: poller.leaseTtlMs! } } : {}),
  });
  return poller;
}

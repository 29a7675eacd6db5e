import { noticeRankingTalks } from '../domain/service-ratings/ranking-notices.js';
import type { JobDeps } from './index.js';
import { leasedPoller } from './poller.js';

/** A month's notices go out within this interval of its end (the round is one cursor read otherwise). */
export const INTERVAL_MS = 15 * 60_000;

/** Tells each subdistrict's desk who came last in the 好差评 ranking two months running, once a month is over. */
export function ratingRankingNoticesPoller(deps: JobDeps) {
  return leasedPoller(deps, 'rating-ranking-notices', INTERVAL_MS, (o) => noticeRankingTalks(deps.db, deps.clock, o));
}

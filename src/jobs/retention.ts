import { purgeExpired } from '../domain/retention/purge.js';
import type { JobDeps } from './index.js';
import { leasedPoller } from './poller.js';

export const INTERVAL_MS = 10 * 60_000;

/** Purges expired sessions and old operational rows (src/domain/retention/purge.ts). */
export function retentionPoller(deps: JobDeps) {
  return leasedPoller(deps, 'retention', INTERVAL_MS, async () => {
    const n = await purgeExpired(deps.db, deps.clock, { signInEventsDays: deps.config.retention.signInEventsDays, signInThrottle: deps.config.login });
    return n.sessions + n.signInEvents + n.signInThrottle + n.webhookDeliveries + n.open311Deliveries + n.open311Idempotency + n.rateLimitWindows;
  });
}

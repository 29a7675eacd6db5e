import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../../domain/shared/errors.js';
import { def } from '../route.js';

const digest = (s: string) => createHash('sha256').update(s).digest();
/** Constant-time over equal-length digests (a token's string length says nothing of its UTF-8 bytes). */
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/**
 * Prometheus scrape endpoint on the app's port, only when METRICS_TOKEN is set (bearer token);
 * otherwise it does not exist here (METRICS_PORT serves it on a separate listener instead).
 */
export const metrics = def({
  access: 'public',
  schema: { hide: true },
  handler: async ({ req, reply, deps }) => {
    const token = deps.config.metrics.token;
    if (!token || !deps.metrics) throw new DomainError('not_found', 'No route GET /metrics');
    const given = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7).trim() : '';
    if (!same(given, token)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new DomainError('unauthenticated', 'A valid metrics token is required');
    }
    return reply.type(deps.metrics.contentType).send(await deps.metrics.text());
  },
});

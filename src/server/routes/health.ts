import { z } from 'zod';
import { pingDatabase } from '../../db/index.js';
import { stalledJobs } from '../../domain/jobs/stalls.js';
import { replicaReads } from '../deps.js';
import { def } from '../route.js';

export const healthz = def({
  access: 'public',
  schema: { hide: true },
  handler: async () => ({ status: 'ok' }),
});

export const readyz = def({
  access: 'public',
  schema: { hide: true },
  handler: async ({ req, deps, reply }) => {
    if (deps.lifecycle?.draining) {
      reply.status(503).header('retry-after', '1');
      return { status: 'draining', database: deps.dbKind };
    }
    const details: Record<string, unknown> = {};
    try {
      await pingDatabase(deps.db);
      // Details, not a verdict: a stalled job is for operators to see; the instance still serves.
      details.stalledJobs = await stalledJobs(deps.db, deps.clock);
      const replica = replicaReads(deps);
      if (replica) {
        // Tries the replica (unless its breaker is open); reads fall back to the primary, which answered above.
        await pingDatabase(replica.db);
        const failure = replica.unloggedFailure();
        if (failure) req.log.warn({ err: failure }, 'read replica unreachable: reads go to the primary');
        details.readReplica = replica.status();
      }
    } catch (err) {
      // The cause is for the operator's log; an unauthenticated caller learns only that it failed.
      req.log.error({ err }, 'readiness: the database cannot be reached');
      reply.status(503);
      return { status: 'unavailable', database: deps.dbKind, reason: 'database_unreachable' };
    }
    return { status: 'ready', database: deps.dbKind, details };
  },
});

export const clientConfig = def({
  access: 'public',
  schema: { tags: ['meta'], summary: 'Settings the web apps need before sign-in', querystring: z.strictObject({}) },
  // The geofence lets the phone say whether a check-in will count before it is sent.
  handler: async ({ deps }) => ({ map: deps.config.map, checkin: { geofenceM: deps.config.patrol.geofenceM, maxAccuracyM: deps.config.patrol.maxAccuracyM } }),
});

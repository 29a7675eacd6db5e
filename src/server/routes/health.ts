import { z } from 'zod';
import { pingDatabase } from '../../db/index.js';
import { stalledJobs } from '../../domain/jobs/stalls.js';
import { def } from '../route.js';

export const healthz = def({
  access: 'public',
  schema: { hide: true },
  handler: async () => ({ status: 'ok' }),
});

export const readyz = def({
  access: 'public',
  schema: { hide: true },
  handler: async ({ deps, reply }) => {
    if (deps.lifecycle?.draining) {
      reply.status(503).header('retry-after', '1');
      return { status: 'draining', database: deps.dbKind };
    }
    try {
      await pingDatabase(deps.db);
      // Details, not a verdict: a stalled job is for operators to see; the instance still serves.
      const stalled = await stalledJobs(deps.db, deps.clock);
      return { status: 'ready', database: deps.dbKind, details: { stalledJobs: stalled } };
    } catch (err) {
      reply.status(503);
      return { status: 'unavailable', database: deps.dbKind, error: String((err as Error).message) };
    }
  },
});

export const clientConfig = def({
  access: 'public',
  schema: { tags: ['meta'], summary: 'Settings the web apps need before sign-in', querystring: z.strictObject({}) },
  // The geofence lets the phone say whether a check-in will count before it is sent.
  handler: async ({ deps }) => ({ map: deps.config.map, checkin: { geofenceM: deps.config.patrol.geofenceM, maxAccuracyM: deps.config.patrol.maxAccuracyM } }),
});

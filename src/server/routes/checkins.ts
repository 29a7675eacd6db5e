import { z } from 'zod';
import { CHECKIN_METHODS, CHECKIN_STATUSES } from '../../db/schema.js';
import { CheckinInput } from '../../domain/checkins/checkin-input.js';
import { CHECKINS_PAGE_DEFAULT, CHECKINS_PAGE_MAX, listCheckins, listMisses, MISSES_PAGE_DEFAULT, MISSES_PAGE_MAX } from '../../domain/checkins/list-checkins.js';
import { recordCheckin } from '../../domain/checkins/record-checkin.js';
import { idempotentWrite } from '../idempotency.js';
import { def } from '../route.js';
import { pageQuery } from './paging.js';
import { CalendarDay } from '../../domain/calendar/day-schema.js';


export const create = def({
  schema: {
    tags: ['patrols'],
    summary: 'Check in at a bin room (photo + GPS inside the geofence, or the QR plate, or a manual position with a reason — flagged for review); repeats in a window fold',
    body: CheckinInput,
  },
  // Idempotency-Key: the field app's outbox retries with the key fixed at capture; a replay
  // returns the stored answer instead of checking in twice.
  handler: async ({ req, reply, deps, actor }) => {
    const res = (await idempotentWrite(deps, req, reply, actor, { route: 'POST /api/checkins', status: 201 }, (trx) =>
      recordCheckin(trx, deps.clock, deps.config.patrol, actor, req.body),
    )) as Awaited<ReturnType<typeof recordCheckin>>;
    if (res.folded) reply.status(200);
    return res;
  },
});

export const list = def({
  schema: {
    tags: ['patrols'],
    summary: 'Check-ins in my scope, newest first, in pages (after → nextCursor; flagged=true: photo evidence flags or a manual position)',
    querystring: z.strictObject({
      date: CalendarDay.optional(),
      committeeId: z.string().optional(),
      siteId: z.string().optional(),
      userId: z.string().optional(),
      status: z.enum(CHECKIN_STATUSES).optional(),
      method: z.enum(CHECKIN_METHODS).optional(),
      flagged: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
      ...pageQuery(CHECKINS_PAGE_MAX, CHECKINS_PAGE_DEFAULT),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const { after, limit, ...f } = req.query;
    return listCheckins(deps.db, actor, f, { after, limit });
  },
});

export const misses = def({
  schema: {
    tags: ['patrols'],
    summary: 'Missed check-ins (per bin room and per responsible cadre) in my scope, the latest window first, in pages (after → nextCursor)',
    querystring: z.strictObject({
      date: CalendarDay.optional(),
      committeeId: z.string().optional(),
      userId: z.string().optional(),
      subject: z.enum(['site', 'cadre']).optional(),
      ...pageQuery(MISSES_PAGE_MAX, MISSES_PAGE_DEFAULT),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const { after, limit, ...f } = req.query;
    return listMisses(deps.db, actor, f, { after, limit });
  },
});

import type { Db } from '../../db/index.js';
import { z } from 'zod';
import { GRADES, SITE_KINDS } from '../../db/schema.js';
import { shanghaiDate } from '../../domain/checkins/local-time.js';
import { staffActivity } from '../../domain/coverage/activity.js';
import { coverageBoard } from '../../domain/coverage/board.js';
import { CAMPAIGNS_PAGE_DEFAULT, CAMPAIGNS_PAGE_MAX, CampaignInput, campaignProgress, createCampaign, listCampaigns } from '../../domain/coverage/campaigns.js';
import { getIntervals } from '../../domain/coverage/intervals.js';
import { setInterval } from '../../domain/coverage/set-interval.js';
import { todaysRoute } from '../../domain/coverage/todays-route.js';
import { siteTimeline } from '../../domain/site-history/timeline.js';
import { audited } from '../audited.js';
import { intervalOf } from '../../domain/audit/snapshot.js';
import { snapshotRow } from '../../domain/audit/snapshot.js';
import { def } from '../route.js';
import { pageQuery } from './paging.js';
import { CalendarDay } from '../../domain/calendar/day-schema.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const board = def({
  schema: {
    tags: ['coverage'],
    summary: 'Coverage board per committee and kind for a period (default today): due, covered, missed, pending',
    querystring: z.strictObject({
      subdistrictId: z.string().optional(),
      committeeId: z.string().optional(),
      kind: z.enum(SITE_KINDS).optional(),
      from: CalendarDay.optional(),
      to: CalendarDay.optional(),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const today = shanghaiDate(deps.clock.now());
    const from = req.query.from ?? req.query.to ?? today;
    return coverageBoard(deps.db, deps.clock, actor, { ...req.query, from, to: req.query.to ?? from });
  },
});

export const activity = def({
  schema: {
    tags: ['coverage'],
    summary: 'Staff activity per person for a day (default today)',
    querystring: z.strictObject({ date: CalendarDay.optional(), committeeId: z.string().optional() }),
  },
  handler: async ({ req, deps, actor }) =>
    staffActivity(deps.db, actor, { date: req.query.date ?? shanghaiDate(deps.clock.now()), committeeId: req.query.committeeId }),
});

export const today = def({
  schema: {
    tags: ['coverage'],
    summary: "Today's route for the field app: sites still due today in my scope, nearest first; bin rooms whose window opens later are marked later, with the count due now",
    querystring: z.strictObject({
      lat: z.coerce.number().min(-90).max(90).optional(),
      lng: z.coerce.number().min(-180).max(180).optional(),
      kind: z.enum(SITE_KINDS).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const { lat, lng, kind, limit } = req.query;
    return todaysRoute(deps.db, deps.clock, actor, { near: lat !== undefined && lng !== undefined ? { lat, lng } : undefined, kind, limit });
  },
});

export const campaigns = def({
  schema: {
    tags: ['coverage'],
    summary: 'Sweep campaigns with progress, the latest start first, in pages (after → nextCursor)',
    querystring: z.strictObject(pageQuery(CAMPAIGNS_PAGE_MAX, CAMPAIGNS_PAGE_DEFAULT)),
  },
  handler: async ({ req, deps, actor }) => listCampaigns(deps.db, actor, req.query),
});

export const campaign = def({
  schema: { tags: ['coverage'], summary: 'One sweep campaign with progress per committee and kind', params: IdParams },
  handler: async ({ req, deps, actor }) => campaignProgress(deps.db, actor, req.params.id),
});

export const createCampaignRoute = def({
  schema: { tags: ['coverage'], summary: 'Start a sweep campaign (administrators)', body: CampaignInput },
  handler: async ({ req, reply, deps, actor }) => {
    const c = await audited(
      { req, deps, actor },
      { action: 'campaign.create', entity: 'campaign', entityId: (c) => c.id, after: (trx, c) => snapshotRow(trx, 'campaigns', 'id', c.id) },
      (trx: Db) => createCampaign(trx, deps.clock, actor, req.body),
    );
    reply.status(201);
    return c;
  },
});

export const intervals = def({
  schema: {
    tags: ['coverage'],
    summary: 'Days between inspections per site kind and compliance grade',
    querystring: z.strictObject({ subdistrictId: z.string().min(1) }),
  },
  handler: async ({ req, deps, actor }) => getIntervals(deps.db, actor, req.query.subdistrictId),
});

export const setIntervalRoute = def({
  schema: {
    tags: ['coverage'],
    summary: 'Change one interval (administrators); affected sites are rescheduled',
    body: z.strictObject({
      subdistrictId: z.string().min(1),
      siteKind: z.enum(SITE_KINDS),
      grade: z.enum(GRADES),
      days: z.number().int().min(1).max(366),
    }),
  },
  handler: async ({ req, deps, actor }) =>
    audited(
      { req, deps, actor },
      {
        action: 'inspection_interval.update',
        entity: 'inspection_interval',
        entityId: `${req.body.siteKind}/${req.body.grade}`,
        subdistrictId: req.body.subdistrictId,
        before: (trx) => intervalOf(trx, req.body),
        after: (trx) => intervalOf(trx, req.body),
      },
      (trx: Db) => setInterval(trx, deps.clock, actor, req.body),
    ),
});

export const siteHistory = def({
  schema: {
    tags: ['coverage'],
    summary: "A site's timeline: check-ins, missed windows, inspections, cases, grade changes",
    params: IdParams,
    querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
  },
  handler: async ({ req, deps, actor }) => siteTimeline(deps.db, actor, req.params.id, req.query.limit),
});

import { z } from 'zod';
import { CASE_SOURCES, CASE_STATUSES } from '../../db/schema.js';
import { BulkDispatchInput, bulkDispatch } from '../../domain/cases/bulk-dispatch.js';
import { CHINA_BOUNDS, ReportInput, TransitionInput } from '../../domain/cases/case-input.js';
import { dispatchSuggestions } from '../../domain/cases/dispatch-suggestions.js';
import { findDuplicates } from '../../domain/cases/duplicates.js';
import { getCase } from '../../domain/cases/get-case.js';
import { QUEUES, listCases, queueCounts } from '../../domain/cases/list-cases.js';
import { reportCase } from '../../domain/cases/report-case.js';
import { transitionCase } from '../../domain/cases/transition-case.js';
import { idempotentWrite } from '../idempotency.js';
import { reader } from '../deps.js';
import { def } from '../route.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });
const instant = z.iso.datetime({ offset: true });

const CaseListQuery = z.strictObject({
  queue: z.enum(QUEUES).optional(),
  committeeId: z.string().max(64).optional(),
  categoryId: z.string().max(64).optional(),
  siteId: z.string().max(64).optional(),
  unitId: z.string().max(64).optional(),
  source: z.enum(CASE_SOURCES).optional(),
  status: z.enum(CASE_STATUSES).optional(),
  from: instant.optional(),
  to: instant.optional(),
  q: z.string().trim().min(1).max(100).optional(),
  after: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const list = def({
  schema: { tags: ['cases'], summary: 'Case desk: queue (to_file, to_dispatch, overdue, to_check, mine), filters, search; keyset-paginated', querystring: CaseListQuery },
  handler: async ({ req, deps, actor }) => {
    const { after, limit, ...filter } = req.query;
    return listCases(reader(deps), actor, filter, { after, limit }, deps.clock.now());
  },
});

export const queues = def({
  schema: { tags: ['cases'], summary: 'Size of each case-desk queue (capped)' },
  handler: async ({ deps, actor }) => queueCounts(deps.db, actor, deps.clock.now()),
});

export const myTasks = def({
  schema: {
    tags: ['cases'],
    summary: 'My tasks: cases waiting on me or my handling unit, and handled cases I reported that wait for my check',
    querystring: z.strictObject({ after: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
  },
  handler: async ({ req, deps, actor }) => listCases(deps.db, actor, { queue: 'mine' }, req.query, deps.clock.now()),
});

export const get = def({
  schema: { tags: ['cases'], summary: 'One case with its timeline (people, roles, photos, GPS) and the actions I may take', params: IdParams },
  handler: async ({ req, deps, actor }) =>
    getCase(deps.db, deps.clock, actor, req.params.id, { fence: { radiusM: deps.config.patrol.geofenceM, maxAccuracyM: deps.config.patrol.maxAccuracyM } }),
});

export const report = def({
  schema: { tags: ['cases'], summary: 'Report a problem (any source); Idempotency-Key supported', body: ReportInput },
  handler: async ({ req, reply, deps, actor }) =>
    idempotentWrite(deps, req, reply, actor, { route: 'POST /api/cases', status: 201, selfAtomic: true }, (db) => reportCase(db, deps.clock, actor, req.body)),
});

export const transition = def({
  schema: { tags: ['cases'], summary: 'Apply a lifecycle action; send the case version you read (409 stale_version otherwise)', params: IdParams, body: TransitionInput },
  handler: async ({ req, reply, deps, actor }) =>
    idempotentWrite(deps, req, reply, actor, { route: 'POST /api/cases/:id/transitions', selfAtomic: true }, (db) =>
      transitionCase(db, deps.clock, actor, req.params.id, req.body),
    ),
});

export const suggestions = def({
  schema: { tags: ['cases'], summary: "Where to dispatch: the site's responsible party, the category's default unit kind", params: IdParams },
  handler: async ({ req, deps, actor }) => dispatchSuggestions(deps.db, actor, req.params.id),
});

export const bulk = def({
  schema: { tags: ['cases'], summary: 'Dispatch many filed cases to one unit or person (all-or-nothing)', body: BulkDispatchInput },
  handler: async ({ req, reply, deps, actor }) =>
    idempotentWrite(deps, req, reply, actor, { route: 'POST /api/cases/bulk-dispatch' }, (trx) => bulkDispatch(trx, deps.clock, actor, req.body)),
});

export const duplicates = def({
  schema: {
    tags: ['cases'],
    summary: 'Open cases of the same category near a point, reported recently (offered before reporting)',
    querystring: z.strictObject({
      categoryId: z.string().min(1).max(64),
      lng: z.coerce.number().min(CHINA_BOUNDS.minLng, 'outside China').max(CHINA_BOUNDS.maxLng, 'outside China'),
      lat: z.coerce.number().min(CHINA_BOUNDS.minLat, 'outside China').max(CHINA_BOUNDS.maxLat, 'outside China'),
      radius: z.coerce.number().int().min(1).max(2000).optional(),
      hours: z.coerce.number().int().min(1).max(24 * 30).optional(),
    }),
  },
  handler: async ({ req, deps, actor }) => ({
    items: await findDuplicates(deps.db, deps.clock, actor, {
      ...req.query,
      radiusM: req.query.radius ?? deps.config.duplicates.radiusM,
      windowHours: req.query.hours ?? deps.config.duplicates.windowHours,
    }),
  }),
});

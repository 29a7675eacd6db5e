import type { Db } from '../../db/index.js';
import { z } from 'zod';
import { SITE_KINDS } from '../../db/schema.js';
import { ChecklistInput } from '../../domain/inspections/checklist-input.js';
import { getChecklist, listChecklists, publishChecklist } from '../../domain/inspections/checklists.js';
import { InspectionInput } from '../../domain/inspections/inspection-input.js';
import { getInspection, INSPECTIONS_PAGE_DEFAULT, INSPECTIONS_PAGE_MAX, listInspections } from '../../domain/inspections/list-inspections.js';
import { recordInspection } from '../../domain/inspections/record-inspection.js';
import { idempotentWrite } from '../idempotency.js';
import { snapshotRow } from '../../domain/audit/snapshot.js';
import { audited } from '../audited.js';
import { def } from '../route.js';
import { pageQuery } from './paging.js';
import { CalendarDay } from '../../domain/calendar/day-schema.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const checklists = def({
  schema: {
    tags: ['inspections'],
    summary: 'Checklist versions in my subdistricts (newest first, without items)',
    querystring: z.strictObject({ siteKind: z.enum(SITE_KINDS).optional(), subdistrictId: z.string().optional() }),
  },
  handler: async ({ req, deps, actor }) => ({ items: await listChecklists(deps.db, actor, req.query) }),
});

export const checklist = def({
  schema: { tags: ['inspections'], summary: 'One checklist version with its items', params: IdParams },
  handler: async ({ req, deps, actor }) => getChecklist(deps.db, actor, req.params.id),
});

export const publish = def({
  schema: {
    tags: ['inspections'],
    summary: 'Publish a new checklist version (administrators); past inspections keep theirs',
    body: ChecklistInput,
  },
  handler: async ({ req, reply, deps, actor }) => {
    const c = await audited(
      { req, deps, actor },
      { action: 'checklist.publish', entity: 'checklist', entityId: (c) => c.id, after: (trx, c) => snapshotRow(trx, 'checklists', 'id', c.id) },
      (trx: Db) => publishChecklist(trx, deps.clock, actor, req.body),
    );
    reply.status(201);
    return c;
  },
});

export const record = def({
  schema: {
    tags: ['inspections'],
    summary: 'Record an inspection against an exact checklist version; failed items become cases (fixed on the spot or reported)',
    body: InspectionInput,
  },
  handler: async ({ req, reply, deps, actor }) =>
    idempotentWrite(deps, req, reply, actor, { route: 'POST /api/inspections', status: 201 }, (trx) =>
      recordInspection(trx, deps.clock, deps.config.patrol, actor, req.body),
    ),
});

export const list = def({
  schema: {
    tags: ['inspections'],
    summary: 'Inspections in my scope, newest first, in pages (after → nextCursor; caseId finds the inspection a case came from)',
    querystring: z.strictObject({
      date: CalendarDay.optional(),
      siteId: z.string().optional(),
      inspectorId: z.string().optional(),
      committeeId: z.string().optional(),
      caseId: z.string().optional(),
      flagged: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
      ...pageQuery(INSPECTIONS_PAGE_MAX, INSPECTIONS_PAGE_DEFAULT),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const { after, limit, ...f } = req.query;
    return listInspections(deps.db, actor, f, { after, limit });
  },
});

export const get = def({
  schema: { tags: ['inspections'], summary: 'One inspection with its answers and the cases it raised', params: IdParams },
  handler: async ({ req, deps, actor }) => getInspection(deps.db, actor, req.params.id),
});

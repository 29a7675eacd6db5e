import { z } from 'zod';
import { SITE_KINDS, SITE_STATUSES } from '../../db/schema.js';
import { SiteInput, SitePatch } from '../../domain/registry/site-input.js';
import { createSite, getSite, listSites, setSiteStatus, siteMarkers, updateSite } from '../../domain/registry/sites.js';
import { snapshotRow } from '../../domain/audit/snapshot.js';
import { audited } from '../audited.js';
import type { Db } from '../../db/index.js';
import { reader } from '../deps.js';
import { def } from '../route.js';

const bbox = z
  .string()
  .regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, 'expected minLng,minLat,maxLng,maxLat')
  .transform((s) => s.split(',').map(Number) as [number, number, number, number]);

const SiteFilterQuery = z.strictObject({
  subdistrictId: z.string().optional(),
  committeeId: z.string().optional(),
  gridId: z.string().optional(),
  kind: z.enum(SITE_KINDS).optional(),
  status: z.enum([...SITE_STATUSES, 'all']).optional(),
  q: z.string().trim().max(100).optional(),
  bbox: bbox.optional(),
});

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const list = def({
  schema: {
    tags: ['sites'],
    summary: 'Sites (bin rooms, units, shops) in my scope, keyset-paginated',
    querystring: SiteFilterQuery.extend({
      after: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const { after, limit, ...filter } = req.query;
    return listSites(reader(deps), actor, filter, { after, limit });
  },
});

export const markers = def({
  schema: { tags: ['sites'], summary: 'All matching sites as light map markers, up to 20,000 (capped: true when the filter matches more)', querystring: SiteFilterQuery },
  handler: async ({ req, deps, actor }) => siteMarkers(deps.db, actor, req.query),
});

export const get = def({
  schema: { tags: ['sites'], summary: 'One site', params: IdParams },
  handler: async ({ req, deps, actor }) => getSite(deps.db, actor, req.params.id),
});

const siteAudit = (action: string, id: string) => ({
  action,
  entity: 'site',
  entityId: id,
  before: (trx: Db) => snapshotRow(trx, 'sites', 'id', id),
  after: (trx: Db) => snapshotRow(trx, 'sites', 'id', id),
});

export const create = def({
  schema: { tags: ['sites'], summary: 'Add a site (administrators)', body: SiteInput },
  handler: async ({ req, reply, deps, actor }) => {
    const id = await audited(
      { req, deps, actor },
      { action: 'site.create', entity: 'site', entityId: (id) => id, after: (trx, id) => snapshotRow(trx, 'sites', 'id', id) },
      (trx: Db) => createSite(trx, deps.clock, actor, req.body, { ip: req.ip }),
    );
    reply.status(201);
    return getSite(deps.db, actor, id);
  },
});

export const update = def({
  schema: { tags: ['sites'], summary: 'Edit a site; send the version you read', params: IdParams, body: SitePatch },
  handler: async ({ req, deps, actor }) =>
    audited({ req, deps, actor }, siteAudit('site.update', req.params.id), (trx) => updateSite(trx, deps.clock, actor, req.params.id, req.body, { ip: req.ip })),
});

export const retire = def({
  schema: {
    tags: ['sites'],
    summary: 'Retire a site (never deleted)',
    description: 'A site with open cases → 409 `has_open_cases` (details.cases, details.count) unless the body says `confirmOpenCases: true`.',
    params: IdParams,
    body: z.strictObject({ confirmOpenCases: z.boolean().optional() }).nullish(),
  },
  handler: async ({ req, deps, actor }) =>
    audited({ req, deps, actor }, siteAudit('site.retire', req.params.id), (trx) =>
      setSiteStatus(trx, deps.clock, actor, req.params.id, 'retired', { confirmOpenCases: req.body?.confirmOpenCases }),
    ),
});

export const restore = def({
  schema: { tags: ['sites'], summary: 'Bring a retired site back', params: IdParams },
  handler: async ({ req, deps, actor }) =>
    audited({ req, deps, actor }, siteAudit('site.restore', req.params.id), (trx) => setSiteStatus(trx, deps.clock, actor, req.params.id, 'active')),
});

import { z } from 'zod';
import { POINT_KINDS, POINT_STATUSES, RECORD_STATUSES } from '../../db/schema.js';
import { ItemInput, VersionInput } from '../../domain/services-catalogue/item-input.js';
import { createItem, getItem, listCatalogue, publishVersion } from '../../domain/services-catalogue/catalogue.js';
import { GridInput, PointInput, PointOfferInput, PointStatusInput } from '../../domain/service-network/point-input.js';
import { createGrid, createPoint, getPoint, listPoints, POINTS_PAGE_DEFAULT, POINTS_PAGE_MAX, setPointOffer, setPointStatus } from '../../domain/service-network/points.js';
import { gridCoverage } from '../../domain/service-network/grid-coverage.js';
import { lifeCircle } from '../../domain/service-network/life-circle.js';
import { listServiceGrids } from '../../domain/service-network/grids.js';
import { WINDOW_POINTS_PAGE_DEFAULT, WINDOW_POINTS_PAGE_MAX, windowPoints } from '../../domain/service-network/window-points.js';
import { RecordInput, RecordStepInput, RevealInput } from '../../domain/service-records/record-input.js';
import { createRecord, getRecord, listRecords, listReveals, overdueRecords, RECORDS_PAGE_MAX, revealId, stepRecord } from '../../domain/service-records/records.js';
import { AppealDecisionInput, AppealInput, CallbackInput, ResolveInput } from '../../domain/service-ratings/rating-input.js';
import { listRatings, RATINGS_PAGE_MAX } from '../../domain/service-ratings/ratings.js';
import { RANKING_DIMENSIONS, rankingWorkbook, ratingRanking } from '../../domain/service-ratings/ranking.js';
import { appealRating, badRatingKpi, decideAppeal, followupOf, recordCallback, resolveBadRating } from '../../domain/service-ratings/followups.js';
import { SettingsInput, putServiceSettings, readServiceSettings } from '../../domain/service-ratings/settings.js';
import type { Db } from '../../db/index.js';
import { snapshotRow } from '../../domain/audit/snapshot.js';
import { audited } from '../audited.js';
import { def } from '../route.js';
import { Cursor, pageQuery } from './paging.js';
import { CalendarDay } from '../../domain/calendar/day-schema.js';

const Id = z.string().min(1).max(64);
const Instant = z.iso.datetime({ offset: true });
const tags = ['services'];

// ── Catalogue (事项目录 / 办事指南) ──
export const catalogue = def({
  schema: {
    tags, summary: 'The service-item catalogue as it reads on a date (default today): categories, items, the guide version in effect',
    querystring: z.strictObject({ date: CalendarDay.optional(), categoryId: Id.optional(), q: z.string().trim().max(100).optional() }),
  },
  handler: async ({ req, deps }) => listCatalogue(deps.db, deps.clock, req.query),
});
export const item = def({
  schema: { tags, summary: 'A service item with every guide version', params: z.strictObject({ id: Id }) },
  handler: async ({ req, deps }) => getItem(deps.db, deps.clock, req.params.id),
});
export const createItemRoute = def({
  schema: { tags, summary: 'Add a service item with its first guide version (administrators)', body: ItemInput },
  handler: async ({ req, reply, deps, actor }) => {
    const out = await audited(
      { req, deps, actor },
      { action: 'service_item.create', entity: 'service_item', entityId: (r) => r.id, subdistrictId: null, districtId: null, after: (_trx, r) => r },
      (trx: Db) => createItem(trx, deps.clock, actor, req.body),
    );
    reply.status(201);
    return out;
  },
});
export const publishVersionRoute = def({
  schema: { tags, summary: 'Publish a new guide version from a date (records keep the version they used)', params: z.strictObject({ id: Id }), body: VersionInput },
  handler: async ({ req, reply, deps, actor }) => {
    const out = await audited(
      { req, deps, actor },
      {
        action: 'service_item.publish_version', entity: 'service_item', entityId: req.params.id, subdistrictId: null, districtId: null,
        before: (trx) => getItem(trx, deps.clock, req.params.id), after: (_trx, r) => r,
      },
      (trx: Db) => publishVersion(trx, deps.clock, actor, req.params.id, req.body),
    );
    reply.status(201);
    return out;
  },
});

// ── Network ──
export const points = def({
  schema: {
    tags, summary: 'Service points in my scope (a committee sees its windows, a subdistrict its network), in pages in the order of their ids (after → nextCursor)',
    querystring: z.strictObject({
      subdistrictId: Id.optional(), kind: z.enum(POINT_KINDS).optional(), status: z.enum(POINT_STATUSES).optional(), gridId: Id.optional(),
      after: Id.optional(), limit: z.coerce.number().int().min(1).max(POINTS_PAGE_MAX).default(POINTS_PAGE_DEFAULT),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const { after, limit, ...filter } = req.query;
    return listPoints(deps.db, actor, filter, { after, limit });
  },
});
export const point = def({
  schema: { tags, summary: 'A service point with its sessions, items and staff', params: z.strictObject({ id: Id }) },
  handler: async ({ req, deps, actor }) => getPoint(deps.db, actor, req.params.id),
});
export const createPointRoute = def({
  schema: { tags, summary: 'Add a service point (administrators of its subdistrict)', body: PointInput },
  handler: async ({ req, reply, deps, actor }) => {
    const out = await audited(
      { req, deps, actor },
      { action: 'service_point.create', entity: 'service_point', entityId: (r) => r.id, after: (_trx, r) => r },
      (trx: Db) => createPoint(trx, deps.clock, actor, req.body),
    );
    reply.status(201);
    return out;
  },
});
export const pointStatus = def({
  schema: { tags, summary: 'Mark a point built or closed, with the date', params: z.strictObject({ id: Id }), body: PointStatusInput },
  handler: async ({ req, deps, actor }) =>
    audited(
      { req, deps, actor },
      { action: 'service_point.status', entity: 'service_point', entityId: req.params.id, before: (trx) => getPoint(trx, actor, req.params.id), after: (_trx, r) => r },
      (trx: Db) => setPointStatus(trx, deps.clock, actor, req.params.id, req.body),
    ),
});
export const pointOffer = def({
  schema: { tags, summary: "Replace a point's opening sessions, items offered and/or staff", params: z.strictObject({ id: Id }), body: PointOfferInput },
  handler: async ({ req, deps, actor }) =>
    audited(
      { req, deps, actor },
      { action: 'service_point.offer', entity: 'service_point', entityId: req.params.id, before: (trx) => getPoint(trx, actor, req.params.id), after: (_trx, r) => r },
      (trx: Db) => setPointOffer(trx, deps.clock, actor, req.params.id, req.body),
    ),
});
export const myWindowPoints = def({
  schema: {
    tags, summary: 'The points I serve at (the window screen): staff their own points, the desk every staffed point in scope; by code, in pages (after → nextCursor)',
    querystring: z.strictObject(pageQuery(WINDOW_POINTS_PAGE_MAX, WINDOW_POINTS_PAGE_DEFAULT)),
  },
  handler: async ({ req, deps, actor }) => windowPoints(deps.db, actor, req.query),
});
export const grids = def({
  schema: { tags, summary: 'Police grids (警务网格) of my subdistricts', querystring: z.strictObject({ subdistrictId: Id.optional() }) },
  handler: async ({ req, deps, actor }) => ({ items: await listServiceGrids(deps.db, actor, req.query) }),
});
export const createGridRoute = def({
  schema: { tags, summary: 'Add a police grid (administrators)', body: GridInput },
  handler: async ({ req, reply, deps, actor }) => {
    const out = await audited(
      { req, deps, actor },
      { action: 'service_grid.create', entity: 'service_grid', entityId: (r) => r.id, after: (trx, r) => snapshotRow(trx, 'service_grids', 'id', r.id) },
      (trx: Db) => createGrid(trx, deps.clock, actor, req.body),
    );
    reply.status(201);
    return out;
  },
});
export const coverage = def({
  schema: {
    tags, summary: 'Self-service zones per grid: built / planned / none on asOf, and whether every grid is covered by `by` (default year end)',
    querystring: z.strictObject({ asOf: CalendarDay.optional(), by: CalendarDay.optional(), subdistrictId: Id.optional() }),
  },
  handler: async ({ req, deps, actor }) => gridCoverage(deps.db, deps.clock, actor, req.query),
});
export const lifeCircleRoute = def({
  schema: {
    tags, summary: "15-minute life circle: residential sites and committees farther than distanceM from a built point offering the item (for an item not 全市通办, a point of the site's own subdistrict)",
    querystring: z.strictObject({ itemId: Id, distanceM: z.coerce.number().int().optional(), subdistrictId: Id.optional() }),
  },
  handler: async ({ req, deps, actor }) => lifeCircle(deps.db, deps.clock, actor, req.query),
});

// ── Records (办件) ──
export const records = def({
  schema: {
    tags, summary: 'Service records in my scope, ID numbers masked, newest accepted first, in pages (after → nextCursor)',
    querystring: z.strictObject({
      pointId: Id.optional(), itemId: Id.optional(), ticketId: Id.optional(), status: z.enum(RECORD_STATUSES).optional(), overdue: z.enum(['true', 'false']).optional(),
      from: Instant.optional(), to: Instant.optional(), after: Cursor.optional(), limit: z.coerce.number().int().min(1).max(RECORDS_PAGE_MAX).optional(),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const { after, limit, overdue: late, ...filter } = req.query;
    return listRecords(deps.db, deps.clock, actor, { ...filter, overdue: late === 'true' }, { after, limit });
  },
});
export const overdue = def({
  schema: {
    tags, summary: 'Open records past their promised limit (operations centre), oldest due first, in pages (after → nextCursor)',
    querystring: z.strictObject({ after: Cursor.optional(), limit: z.coerce.number().int().min(1).max(RECORDS_PAGE_MAX).optional() }),
  },
  handler: async ({ req, deps, actor }) => overdueRecords(deps.db, deps.clock, actor, req.query),
});
export const record = def({
  schema: { tags, summary: 'A service record, ID numbers masked', params: z.strictObject({ id: Id }) },
  handler: async ({ req, deps, actor }) => getRecord(deps.db, deps.clock, actor, req.params.id),
});
export const createRecordRoute = def({
  schema: { tags, summary: 'Record a service at a point (window staff); answers the rating link token once', body: RecordInput },
  handler: async ({ req, reply, deps, actor }) => {
    const out = await deps.db.transaction().execute((trx) => createRecord(trx, deps.clock, actor, req.body));
    reply.status(201);
    return out;
  },
});
export const stepRecordRoute = def({
  schema: { tags, summary: 'Hand off / return (收受分离), complete (办结), not accept (不予受理), send back (退件), or mark a posted result delivered (deliver)', params: z.strictObject({ id: Id }), body: RecordStepInput },
  handler: async ({ req, deps, actor }) => deps.db.transaction().execute((trx) => stepRecord(trx, deps.clock, actor, req.params.id, req.body)),
});
export const reveal = def({
  schema: { tags, summary: 'Show a full ID number (roles that need it; every reveal is logged)', params: z.strictObject({ id: Id }), body: RevealInput },
  handler: async ({ req, deps, actor }) => deps.db.transaction().execute((trx) => revealId(trx, deps.clock, actor, req.params.id, req.body, req.ip)),
});
export const reveals = def({
  schema: { tags, summary: 'Who saw the full ID numbers of a record, when and why', params: z.strictObject({ id: Id }) },
  handler: async ({ req, deps, actor }) => ({ items: await listReveals(deps.db, actor, req.params.id) }),
});

// ── Ratings (好差评) ──
export const ratings = def({
  schema: {
    tags, summary: 'Ratings in my scope with the follow-up of each 差评, newest first, in pages (after → nextCursor)',
    querystring: z.strictObject({
      pointId: Id.optional(), bad: z.enum(['true', 'false']).optional(), from: Instant.optional(), to: Instant.optional(),
      after: Cursor.optional(), limit: z.coerce.number().int().min(1).max(RATINGS_PAGE_MAX).optional(),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const { after, limit, bad, ...filter } = req.query;
    return listRatings(deps.db, actor, { ...filter, bad: bad === undefined ? undefined : bad === 'true' }, { after, limit });
  },
});
export const followup = def({
  schema: { tags, summary: 'The follow-up of a 差评', params: z.strictObject({ id: Id }) },
  handler: async ({ req, deps, actor }) => followupOf(deps.db, actor, req.params.id),
});
export const callback = def({
  schema: { tags, summary: '回访: record the contact with the rater', params: z.strictObject({ id: Id }), body: CallbackInput },
  handler: async ({ req, deps, actor }) => deps.db.transaction().execute((trx) => recordCallback(trx, deps.clock, actor, req.params.id, req.body)),
});
export const resolve = def({
  schema: { tags, summary: 'Rectify or explain (the case is handled; the desk checks and closes it)', params: z.strictObject({ id: Id }), body: ResolveInput },
  handler: async ({ req, deps, actor }) => deps.db.transaction().execute((trx) => resolveBadRating(trx, deps.clock, actor, req.params.id, req.body)),
});
export const appeal = def({
  schema: { tags, summary: 'Appeal a malicious or mistaken rating (the person rated)', params: z.strictObject({ id: Id }), body: AppealInput },
  handler: async ({ req, deps, actor }) => deps.db.transaction().execute((trx) => appealRating(trx, deps.clock, actor, req.params.id, req.body)),
});
export const appealDecision = def({
  schema: { tags, summary: 'Decide an appeal (a second person); upheld voids the rating', params: z.strictObject({ id: Id }), body: AppealDecisionInput },
  // Voiding a rating changes a point's public 好评率 and the monthly ranking that decides who is
  // called in for a talk: who decided, from where, why and with what outcome is audited.
  handler: async ({ req, deps, actor }) =>
    audited(
      { req, deps, actor },
      {
        action: 'service_rating.appeal_decision', entity: 'service_rating', entityId: req.params.id,
        before: (trx) => snapshotRow(trx, 'service_ratings', 'id', req.params.id),
        after: async (trx, r) => ({ ...(await snapshotRow(trx, 'service_ratings', 'id', req.params.id)), decision: { upheld: r.appealUpheld, note: req.body.note ?? null } }),
      },
      (trx: Db) => decideAppeal(trx, deps.clock, actor, req.params.id, req.body),
    ),
});
export const kpi = def({
  schema: { tags, summary: 'Named 差评 followed up on time (target 100 %)', querystring: z.strictObject({ from: Instant, to: Instant, subdistrictId: Id.optional() }) },
  handler: async ({ req, deps, actor }) => badRatingKpi(deps.db, deps.clock, actor, req.query),
});
/** A Shanghai calendar month, 'YYYY-MM'. */
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM');
export const ranking = def({
  schema: {
    tags, summary: 'The monthly ranking of points, staff or items by their ratings (好评率), with who is last two months running (约谈)',
    querystring: z.strictObject({
      month: Month, by: z.enum(RANKING_DIMENSIONS).default('point'), subdistrictId: Id.optional(),
    }),
  },
  handler: async ({ req, deps, actor }) => ratingRanking(deps.db, actor, req.query),
});
export const rankingXlsx = def({
  schema: {
    tags, summary: 'The monthly ranking as .xlsx: a sheet each for points, staff and items',
    querystring: z.strictObject({ month: Month, subdistrictId: Id.optional() }),
  },
  handler: async ({ req, reply, deps, actor }) => {
    const { buffer, filename } = await rankingWorkbook(deps.db, actor, req.query);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'no-store')
      .send(buffer);
  },
});
export const settings = def({
  schema: { tags, summary: 'Front-office settings of a subdistrict (差评 rectification days, rating window, no-show grace)', params: z.strictObject({ subdistrictId: Id }) },
  handler: async ({ req, deps, actor }) => readServiceSettings(deps.db, actor, req.params.subdistrictId),
});
export const putSettings = def({
  schema: { tags, summary: 'Change the front-office settings of a subdistrict (administrators)', params: z.strictObject({ subdistrictId: Id }), body: SettingsInput },
  handler: async ({ req, deps, actor }) =>
    audited(
      { req, deps, actor },
      {
        action: 'service_settings.update', entity: 'service_settings', entityId: req.params.subdistrictId, subdistrictId: req.params.subdistrictId,
        before: (trx) => snapshotRow(trx, 'service_settings', 'subdistrict_id', req.params.subdistrictId),
        after: (trx) => snapshotRow(trx, 'service_settings', 'subdistrict_id', req.params.subdistrictId),
      },
      (trx: Db) => putServiceSettings(trx, deps.clock, actor, req.params.subdistrictId, req.body),
    ),
});

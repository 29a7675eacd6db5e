import { type Db, isUniqueViolation } from '../../db/index.js';
import type { ServicePointTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict, assertSeesCommittee, scopeCondition } from '../auth/scope.js';
import { parseInput } from '../cases/case-input.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { keysetPage, pageLimit } from '../shared/keyset-page.js';
import { GridInput, PointInput, PointOfferInput, PointStatusInput } from './point-input.js';
import { cancelUnservedBookings } from '../service-queue/office-cancel.js';
import { retireTerminal } from '../service-terminals/health.js';
import type { z } from 'zod';

export interface ServicePoint {
  id: string;
  subdistrictId: string;
  committeeId: string | null;
  gridId: string | null;
  kind: ServicePointTable['kind'];
  code: string;
  name: string;
  building: string | null;
  address: string;
  lng: number;
  lat: number;
  phone: string | null;
  staffed: boolean;
  status: ServicePointTable['status'];
  plannedOn: string | null;
  targetOn: string | null;
  builtOn: string | null;
  closedOn: string | null;
  version: number;
}

/** The columns a point's DTO reads (not the terminal token's hash, not the row's timestamps). */
const DTO_COLUMNS = [
  'id', 'subdistrict_id', 'committee_id', 'grid_id', 'kind', 'code', 'name', 'building', 'address', 'lng', 'lat', 'phone', 'staffed', 'status',
  'planned_on', 'target_on', 'built_on', 'closed_on', 'version',
] as const satisfies readonly (keyof ServicePointTable)[];

export const pointDto = (p: Pick<ServicePointTable, (typeof DTO_COLUMNS)[number]>): ServicePoint => ({
  id: p.id, subdistrictId: p.subdistrict_id, committeeId: p.committee_id, gridId: p.grid_id, kind: p.kind, code: p.code, name: p.name,
  building: p.building, address: p.address, lng: p.lng, lat: p.lat, phone: p.phone, staffed: p.staffed === 1, status: p.status,
  plannedOn: p.planned_on, targetOn: p.target_on, builtOn: p.built_on, closedOn: p.closed_on, version: p.version,
});

/** Points per page of the point list: a subdistrict's network fits in one, a city (some 5,000) in a few. */
export const POINTS_PAGE_DEFAULT = 1000;
export const POINTS_PAGE_MAX = 2000;

/**
 * Points the actor sees: a committee's staff their committee's windows, the subdistrict its whole
 * network. Paged in the order of their ids: `nextCursor` names the last point of the page when more
 * follow, and `after` starts the next page there. A page never silently drops points.
 */
export async function listPoints(
  db: Db,
  actor: Actor,
  filter: { subdistrictId?: string; kind?: string; status?: string; gridId?: string } = {},
  page: { after?: string; limit?: number } = {},
): Promise<{ items: ServicePoint[]; nextCursor: string | null }> {
  assertCan(actor, 'services.read');
  const limit = pageLimit(page.limit, POINTS_PAGE_DEFAULT, POINTS_PAGE_MAX);
  let q = db.selectFrom('service_points').select(DTO_COLUMNS).where(scopeCondition(actor, 'service_points.subdistrict_id', 'service_points.committee_id'));
  if (filter.subdistrictId) q = q.where('subdistrict_id', '=', filter.subdistrictId);
  if (filter.kind) q = q.where('kind', '=', filter.kind as ServicePointTable['kind']);
  if (filter.status) q = q.where('status', '=', filter.status as ServicePointTable['status']);
  if (filter.gridId) q = q.where('grid_id', '=', filter.gridId);
  if (page.after) q = q.where('id', '>', page.after);
  const { page: rows, nextCursor } = keysetPage(await q.orderBy('id').limit(limit + 1).execute(), limit, (p) => p.id);
  return { items: rows.map(pointDto), nextCursor };
}

export async function loadVisiblePoint(db: Db, actor: Actor, id: string): Promise<ServicePointTable> {
  const p = await db.selectFrom('service_points').selectAll().where('id', '=', id).executeTakeFirst();
  if (!p) throw notFound('Service point', id);
  assertSeesCommittee(actor, p.subdistrict_id, p.committee_id, 'Service point');
  return p;
}

/** A point with its sessions, items offered and staff. */
export async function getPoint(db: Db, actor: Actor, id: string) {
  assertCan(actor, 'services.read');
  const p = await loadVisiblePoint(db, actor, id);
  return { ...pointDto(p), ...(await pointOffer(db, id)) };
}

export async function pointOffer(db: Db, pointId: string) {
  const [sessions, items, staff] = await Promise.all([
    db.selectFrom('service_point_sessions').select(['id', 'weekday', 'starts', 'ends', 'capacity']).where('point_id', '=', pointId).orderBy('weekday').orderBy('starts').execute(),
    db.selectFrom('service_point_items').select('item_id').where('point_id', '=', pointId).execute(),
    db
      .selectFrom('service_point_staff')
      .innerJoin('users', 'users.id', 'service_point_staff.user_id')
      .select(['users.id', 'users.display_name as displayName', 'users.role'])
      .where('service_point_staff.point_id', '=', pointId)
      .execute(),
  ]);
  return { sessions, itemIds: items.map((i) => i.item_id).sort(), staff };
}

async function checkPlace(db: Db, actor: Actor, input: z.output<typeof PointInput>) {
  const sub = await db.selectFrom('subdistricts').select(['id', 'district_id']).where('id', '=', input.subdistrictId).executeTakeFirst();
  if (!sub) throw invalidField('subdistrictId', 'unknown subdistrict');
  assertOwnsSubdistrict(actor, sub.id, 'Subdistrict');
  if (input.committeeId) {
    const c = await db.selectFrom('committees').select('subdistrict_id').where('id', '=', input.committeeId).executeTakeFirst();
    if (!c || c.subdistrict_id !== sub.id) throw invalidField('committeeId', 'not a committee of this subdistrict');
  } else if (input.kind === 'committee_window') {
    throw invalidField('committeeId', 'required for a committee window');
  }
  if (input.kind === 'building_window' && !input.building) throw invalidField('building', 'required for a building window');
  if (input.gridId) {
    const g = await db.selectFrom('service_grids').select('subdistrict_id').where('id', '=', input.gridId).executeTakeFirst();
    if (!g || g.subdistrict_id !== sub.id) throw invalidField('gridId', 'not a grid of this subdistrict');
  }
  if (input.status === 'built' && !input.builtOn) throw invalidField('builtOn', 'required when the point is built');
  if (input.status === 'built' && input.plannedOn && input.builtOn! < input.plannedOn) throw invalidField('builtOn', 'a point is built after it was planned');
  if (input.status === 'closed') throw invalidField('status', 'a new point is planned or built');
}

async function writeOffer(db: Db, pointId: string, subdistrictId: string, o: { sessions?: PointInput['sessions']; itemIds?: string[]; staffIds?: string[] }) {
  if (o.itemIds) {
    const ids = [...new Set(o.itemIds)];
    if (ids.length) {
      const found = await db.selectFrom('service_items').select('id').where('id', 'in', ids).where('active', '=', 1).execute();
      if (found.length !== ids.length) throw invalidField('itemIds', 'unknown or inactive item');
    }
    await db.deleteFrom('service_point_items').where('point_id', '=', pointId).execute();
    if (ids.length) await db.insertInto('service_point_items').values(ids.map((item_id) => ({ point_id: pointId, item_id }))).execute();
  }
  if (o.staffIds) {
    const ids = [...new Set(o.staffIds)];
    if (ids.length) {
      const found = await db.selectFrom('users').select('id').where('id', 'in', ids).where('subdistrict_id', '=', subdistrictId).where('status', '=', 'active').execute();
      if (found.length !== ids.length) throw invalidField('staffIds', 'unknown person or not staff of this subdistrict');
    }
    await db.deleteFrom('service_point_staff').where('point_id', '=', pointId).execute();
    if (ids.length) await db.insertInto('service_point_staff').values(ids.map((user_id) => ({ point_id: pointId, user_id }))).execute();
  }
  if (o.sessions) {
    await db.deleteFrom('service_point_sessions').where('point_id', '=', pointId).execute();
    if (o.sessions.length) {
      await db
        .insertInto('service_point_sessions')
        .values(o.sessions.map((s) => ({ id: newId(), point_id: pointId, weekday: s.weekday, starts: s.starts, ends: s.ends, capacity: s.capacity })))
        .execute();
    }
  }
}

/** Creates a point with its sessions, items and staff. The caller owns the transaction. */
export async function createPoint(db: Db, clock: Clock, actor: Actor, raw: PointInput) {
  assertCan(actor, 'services.network.write');
  const input = parseInput(PointInput, raw);
  await checkPlace(db, actor, input);
  const duplicate = () => new DomainError('duplicate', 'code: already used by another point', { fields: [{ field: 'code', reason: 'already used' }] });
  const dup = await db.selectFrom('service_points').select('id').where('code', '=', input.code).executeTakeFirst();
  if (dup) throw duplicate();
  const at = clock.now().toISOString();
  const id = newId();
  // A concurrent creation of the same code gets past the check: the unique index answers it.
  await db
    .insertInto('service_points')
    .values({
      id, subdistrict_id: input.subdistrictId, committee_id: input.committeeId, grid_id: input.gridId, kind: input.kind, code: input.code,
      name: input.name, building: input.building, address: input.address, lng: input.lng, lat: input.lat, phone: input.phone,
      staffed: input.staffed ? 1 : 0, status: input.status, planned_on: input.plannedOn, target_on: input.targetOn,
      built_on: input.status === 'built' ? input.builtOn : null, closed_on: null, terminal_token_hash: null, version: 1, created_at: at, updated_at: at,
    })
    .execute()
    .catch((e: unknown) => {
      throw isUniqueViolation(e) ? duplicate() : e;
    });
  await writeOffer(db, id, input.subdistrictId, input);
  return getPoint(db, actor, id);
}

async function bumpVersion(db: Db, p: ServicePointTable, version: number, set: Partial<ServicePointTable>, at: string) {
  if (p.version !== version) throw new DomainError('stale_version', 'The point was changed by someone else; reload it', { current: pointDto(p) });
  const r = await db
    .updateTable('service_points')
    .set({ ...set, version: p.version + 1, updated_at: at })
    .where('id', '=', p.id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new DomainError('stale_version', 'The point was changed by someone else; reload it');
}

/** planned → built → closed, each with its date (a built point may also close; nothing reopens). */
export async function setPointStatus(db: Db, clock: Clock, actor: Actor, id: string, raw: PointStatusInput) {
  assertCan(actor, 'services.network.write');
  const input = parseInput(PointStatusInput, raw);
  const p = await loadVisiblePoint(db, actor, id);
  assertOwnsSubdistrict(actor, p.subdistrict_id, 'Service point');
  if (p.status === 'closed') throw new DomainError('transition_not_allowed', 'status: the point is closed', { fields: [{ field: 'status', reason: 'the point is closed' }] });
  if (input.status === p.status) throw invalidField('status', `the point is already ${p.status}`);
  const set: Partial<ServicePointTable> = { status: input.status };
  if (p.planned_on && input.on < p.planned_on) throw invalidField('on', `not before the point was planned (${p.planned_on})`);
  if (input.status === 'built') set.built_on = input.on;
  else {
    if (p.built_on && input.on < p.built_on) throw invalidField('on', 'a point closes after it was built');
    set.closed_on = input.on;
  }
  await bumpVersion(db, p, input.version, set, clock.now().toISOString());
  // A closed point serves nobody: its bookings are cancelled by the office.
  if (input.status === 'closed') {
    await cancelUnservedBookings(db, clock.now(), { pointId: id }, 'point_closed');
    // Its terminal, if down, will never report again: the outage ends and its case is cancelled.
    await retireTerminal(db, clock, id);
  }
  return getPoint(db, actor, id);
}

/** Replaces a point's sessions, items and/or staff (whichever are given). */
export async function setPointOffer(db: Db, clock: Clock, actor: Actor, id: string, raw: PointOfferInput) {
  assertCan(actor, 'services.network.write');
  const input = parseInput(PointOfferInput, raw);
  const p = await loadVisiblePoint(db, actor, id);
  assertOwnsSubdistrict(actor, p.subdistrict_id, 'Service point');
  await bumpVersion(db, p, input.version, {}, clock.now().toISOString());
  await writeOffer(db, id, p.subdistrict_id, input);
  // Bookings of a session the week no longer has, or of an item no longer offered, are cancelled by the office.
  if (input.sessions || input.itemIds) await cancelUnservedBookings(db, clock.now(), { pointId: id }, 'session_removed');
  return getPoint(db, actor, id);
}

export async function createGrid(db: Db, clock: Clock, actor: Actor, raw: GridInput) {
  assertCan(actor, 'services.network.write');
  const input = parseInput(GridInput, raw);
  const sub = await db.selectFrom('subdistricts').select(['id', 'district_id']).where('id', '=', input.subdistrictId).executeTakeFirst();
  if (!sub) throw invalidField('subdistrictId', 'unknown subdistrict');
  assertOwnsSubdistrict(actor, sub.id, 'Subdistrict');
  const duplicate = () => new DomainError('duplicate', 'code: already used by another grid', { fields: [{ field: 'code', reason: 'already used' }] });
  const dup = await db.selectFrom('service_grids').select('id').where('code', '=', input.code).executeTakeFirst();
  if (dup) throw duplicate();
  const id = newId();
  await db
    .insertInto('service_grids')
    .values({ id, district_id: sub.district_id, subdistrict_id: sub.id, code: input.code, name: input.name, lng: input.lng, lat: input.lat, created_at: clock.now().toISOString() })
    .execute()
    .catch((e: unknown) => {
      throw isUniqueViolation(e) ? duplicate() : e;
    });
  return { id, ...input };
}

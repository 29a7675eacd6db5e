import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { CaseStatus } from '../../db/schema.js';
import { SERVICE_CASE_STANDARDS } from '../service-ratings/system-case.js';
import { DomainError } from '../shared/errors.js';
import { hashToken } from '../shared/tokens.js';
import type { Jurisdiction } from './jurisdictions.js';
import { maskContacts } from './public-text.js';
import { CLOSED_STATUSES, OPEN_CASE_STATUSES, type Open311Status, open311Status, PUBLIC_ACTIONS, statusNotes, w3cDate } from './public-stage.js';

/** A service request as GET requests returns it, fields in the spec's order. Never any reporter data. */
export interface Open311Request {
  service_request_id: string;
  status: Open311Status;
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string;
  service_notice: string;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string;
  address_id: string | null;
  zipcode: string | null;
  lat: number;
  long: number;
  media_url: string | null;
}

export interface RequestFilter {
  ids?: string[];
  serviceCodes?: string[];
  start?: string;
  end?: string;
  statuses?: Open311Status[];
}

/** The spec's response volume: a span of 90 days or the first 1000 requests, whichever is smaller. */
export const DEFAULT_SPAN_DAYS = 90;
export const MAX_REQUESTS = 1000;
const DAY_MS = 86_400_000;

/** The requested_datetime window a query covers, per the spec's defaults. */
export function requestWindow(now: Date, start?: string, end?: string): { from: string; to: string } {
  const span = DEFAULT_SPAN_DAYS * DAY_MS;
  const s = start ? Date.parse(start) : undefined;
  const e = end ? Date.parse(end) : undefined;
  let from: number;
  let to: number;
  if (s !== undefined && e !== undefined) {
    if (s > e) throw new DomainError('validation_failed', 'start_date is after end_date', { field: 'start_date' });
    if (e - s > span) throw new DomainError('validation_failed', `start_date to end_date may not span more than ${DEFAULT_SPAN_DAYS} days`, { field: 'end_date' });
    from = s;
    to = e;
  } else if (s !== undefined) {
    from = s;
    to = s + span;
  } else if (e !== undefined) {
    from = e - span;
    to = e;
  } else {
    to = now.getTime();
    from = to - span;
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/**
 * A case born from a 差评 (the follow-up of a bad service rating): its description holds the rater's
 * words and the service record's number, and rater data is protected, so Open311 never shows it
 * (lists, single requests, updates, webhooks, media). Known by the follow-up beside it or — while the
 * rating's transaction is still opening it — as the system's case in the 差评整改 standard.
 */
export function ratingCase(alias = 'c'): RawBuilder<SqlBool> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<SqlBool>`(exists (select 1 from service_rating_followups rf where rf.case_id = ${col('id')}) or (${col('reporter_role')} = ${'system'} and exists (select 1 from case_categories rc where rc.id = ${col('category_id')} and rc.code = ${SERVICE_CASE_STANDARDS.bad_rating.code})))`;
}

/** What Open311 may show of the cases of alias: not a report marked abusive (joined as o), not a case born from a 差评. */
export const publicCase = (alias = 'c'): RawBuilder<SqlBool> => sql<SqlBool>`not ${ratingCase(alias)}`;

function baseQuery(db: Db, subdistrictId: string) {
  return db
    .selectFrom('cases as c')
    .innerJoin('case_categories as cat', 'cat.id', 'c.category_id')
    .innerJoin('subdistricts as s', 's.id', 'c.subdistrict_id')
    .innerJoin('committees as com', 'com.id', 'c.committee_id')
    .leftJoin('handling_units as u', 'u.id', 'c.assigned_unit_id')
    .leftJoin('sites as site', 'site.id', 'c.site_id')
    .leftJoin('open311_requests as o', 'o.case_id', 'c.id')
    .leftJoin('cases as m', 'm.id', 'c.merged_into_id')
    .where('c.subdistrict_id', '=', subdistrictId)
    .where((eb) => eb.or([eb('o.abusive', 'is', null), eb('o.abusive', '=', 0)]))
    .where(publicCase('c'))
    .select((eb) => [
      'c.id', 'c.number', 'c.status', 'c.description', 'c.lng', 'c.lat', 'c.reported_at', 'c.filed_at', 'c.dispatched_at', 'c.handled_at',
      'c.closed_at', 'c.cancelled_at', 'c.updated_at', 'c.stage_due_at', 'c.rework_pending', 'c.reopen_count',
      'cat.code as service_code', 'cat.name_zh as service_name', 'cat.handle_hours',
      's.name as subdistrict_name', 'com.name as committee_name', 'u.name as unit_name',
      'site.id as site_id', 'site.name as site_name', 'site.address as site_address',
      'o.address_string', 'o.media_url as client_media_url',
      // A 差评's case is never named, not even as the case another was merged into.
      sql<string | null>`case when ${ratingCase('m')} then null else m.number end`.as('merged_into_number'),
      eb
        .selectFrom('case_photos as p')
        .select('p.photo_id')
        .whereRef('p.case_id', '=', 'c.id')
        .where('p.purpose', '=', 'before')
        .orderBy('p.id')
        .limit(1)
        .as('photo_id'),
      // The last public change: the newest event the public sees (a failed check, a release from hold…), not internal steps.
      eb
        .selectFrom('case_events as e')
        .select((x) => x.fn.max('e.at').as('at'))
        .whereRef('e.case_id', '=', 'c.id')
        .where('e.action', 'in', [...PUBLIC_ACTIONS])
        .as('public_at'),
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

function lastPublicChange(r: Row): string {
  const at = r.public_at as unknown;
  return at ? (at instanceof Date ? at.toISOString() : String(at)) : r.reported_at;
}

function toRequest(r: Row, mediaBase: string): Open311Request {
  const status = r.status as CaseStatus;
  const reached = ['dispatched', 'handled', 'closed', 'on_hold'].includes(status);
  return {
    service_request_id: r.number,
    status: open311Status(status),
    status_notes: statusNotes({ status, unitName: r.unit_name, reworking: Number(r.rework_pending ?? 0) === 1, reopenCount: Number(r.reopen_count), mergedIntoNumber: r.merged_into_number }),
    service_name: r.service_name,
    service_code: r.service_code,
    description: maskContacts(r.description),
    agency_responsible: reached && r.unit_name ? r.unit_name : `${r.subdistrict_name}城运中心`,
    service_notice: `城运中心核实立案后派遣处置，处置时限 ${Number(r.handle_hours)} 小时；整改经独立核查通过方可结案`,
    requested_datetime: w3cDate(r.reported_at)!,
    updated_datetime: w3cDate(lastPublicChange(r))!,
    expected_datetime: CLOSED_STATUSES.includes(status) ? null : w3cDate(r.stage_due_at),
    address: r.site_address ? `${r.site_name}，${r.site_address}，${r.committee_name}，${r.subdistrict_name}` : r.address_string ? `${maskContacts(r.address_string)}，${r.subdistrict_name}` : `${r.committee_name}，${r.subdistrict_name}`,
    address_id: r.site_id,
    zipcode: null,
    lat: Number(r.lat),
    long: Number(r.lng),
    media_url: r.photo_id ? `${mediaBase}/media/${r.photo_id}.jpg` : r.client_media_url,
  };
}

/** A request GET requests lists, and the position of its case's last event: its fields change only when that moves. */
export interface PageEntry {
  id: string;
  seq: string;
}

/**
 * GET requests: which requests the spec's filters and defaults select over one jurisdiction,
 * newest first — ids only, read from the (subdistrict, reported time) index, each with the
 * position of its case's last event (every change of a case appends one).
 */
export async function requestPage(db: Db, j: Jurisdiction, now: Date, f: RequestFilter): Promise<PageEntry[]> {
  let q = db
    .selectFrom('cases as c')
    .leftJoin('open311_requests as o', 'o.case_id', 'c.id')
    .where('c.subdistrict_id', '=', j.id)
    .where((eb) => eb.or([eb('o.abusive', 'is', null), eb('o.abusive', '=', 0)]))
    .where(publicCase('c'))
    .select((eb) => ['c.id', eb.selectFrom('case_events as e').select((x) => x.fn.max('e.seq').as('s')).whereRef('e.case_id', '=', 'c.id').as('seq')]);
  if (f.ids?.length) {
    // service_request_id overrides all other arguments.
    q = q.where('c.number', 'in', f.ids);
  } else {
    const w = requestWindow(now, f.start, f.end);
    q = q.where('c.reported_at', '>=', w.from).where('c.reported_at', '<=', w.to);
    if (f.serviceCodes?.length) {
      const codes = f.serviceCodes;
      q = q.where('c.category_id', 'in', (eb) => eb.selectFrom('case_categories').select('id').where('subdistrict_id', '=', j.id).where('code', 'in', codes));
    }
    if (f.statuses?.length === 1) q = q.where('c.status', 'in', f.statuses[0] === 'open' ? [...OPEN_CASE_STATUSES] : [...CLOSED_STATUSES]);
  }
  const rows = await q.orderBy('c.reported_at', 'desc').orderBy('c.id', 'desc').limit(MAX_REQUESTS).execute();
  return rows.map((r) => ({ id: r.id, seq: String(r.seq ?? '') }));
}

/** The requests of the jurisdiction with these case ids (any order; abusive reports are left out). */
export async function requestsByIds(db: Db, j: Jurisdiction, ids: string[], mediaBase: string): Promise<Map<string, Open311Request>> {
  const out = new Map<string, Open311Request>();
  for (let i = 0; i < ids.length; i += MAX_REQUESTS) {
    const rows = await baseQuery(db, j.id).where('c.id', 'in', ids.slice(i, i + MAX_REQUESTS)).execute();
    for (const r of rows) out.set(r.id, toRequest(r, mediaBase));
  }
  return out;
}

/** GET requests: the spec's filters and defaults over one jurisdiction, newest first. */
export async function queryRequests(db: Db, j: Jurisdiction, now: Date, f: RequestFilter, mediaBase: string): Promise<Open311Request[]> {
  const page = await requestPage(db, j, now, f);
  const byId = await requestsByIds(db, j, page.map((p) => p.id), mediaBase);
  return page.flatMap((p) => byId.get(p.id) ?? []);
}

/**
 * GET tokens/{token}: the service_request_id of the jurisdiction's request with this tracking
 * token, or 404. Only the token's hash is stored: the lookup is by the hash.
 */
export async function requestNumberByToken(db: Db, j: Jurisdiction, token: string): Promise<string> {
  const row = await db
    .selectFrom('open311_requests as o')
    .innerJoin('cases as c', 'c.id', 'o.case_id')
    .select('c.number')
    .where('o.token_hash', '=', hashToken(token))
    .where('o.subdistrict_id', '=', j.id)
    .executeTakeFirst();
  if (!row) throw new DomainError('not_found', `token ${token} was not found`, { field: 'token' });
  return row.number;
}

/** GET requests/{id}: one request of the jurisdiction, or 404. */
export async function getRequest(db: Db, j: Jurisdiction, number: string, mediaBase: string): Promise<Open311Request> {
  const row = await baseQuery(db, j.id).where('c.number', '=', number).executeTakeFirst();
  if (!row) throw new DomainError('not_found', `service_request_id ${number} was not found`, { field: 'service_request_id' });
  return toRequest(row, mediaBase);
}

/** A photo attached to a non-abusive case (not a 差评's) as before/after evidence: the only photos Open311 shows. */
export async function publicPhoto(db: Db, photoId: string) {
  return db
    .selectFrom('case_photos as p')
    .innerJoin('photos as ph', 'ph.id', 'p.photo_id')
    .innerJoin('cases as c', 'c.id', 'p.case_id')
    .leftJoin('open311_requests as o', 'o.case_id', 'p.case_id')
    .where(publicCase('c'))
    .select(['ph.id', 'ph.storage_key', 'ph.thumb_key', 'ph.mime'])
    .where('p.photo_id', '=', photoId)
    .where('p.purpose', 'in', ['before', 'after'])
    .where((eb) => eb.or([eb('o.abusive', 'is', null), eb('o.abusive', '=', 0)]))
    .executeTakeFirst();
}


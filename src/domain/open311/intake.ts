import { createHash } from 'node:crypto';
import type { Db } from '../../db/index.js';
import { prepared, preparedInsert } from '../../db/prepared.js';
import type { CaseSource, CaseTable, Open311Channel } from '../../db/schema.js';
import { insideChina } from '../cases/case-input.js';
import { nextCaseNumber } from '../cases/case-number.js';
import { linkPhotos } from '../cases/case-photos.js';
import { DUPLICATE_DEFAULTS, distanceM } from '../cases/duplicates.js';
import { appendCaseEvent } from '../cases/events.js';
import { canonicalJson } from '../cases/hash-chain.js';
import { subdistrictPrefix } from '../cases/hot-queries.js';
import { OPEN_STATUSES } from '../cases/lifecycle.js';
import { stageColumns } from '../cases/stage-deadlines.js';
import { notify } from '../notifications/notify.js';
import { recordPhoto, type StoredPhotoFiles } from '../photos/upload.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { hashToken, newToken } from '../shared/tokens.js';
import { intakeActor } from './intake-actor.js';
import type { Jurisdiction } from './jurisdictions.js';
import type { VerifiedKey } from './keys.js';
import { locate } from './locate.js';
import { refused } from './refusal.js';
import { type AttributeValues, findServiceCategory, serviceAttributes, validateAttributes } from './services.js';

/** A POST requests body, as the spec names its fields (already decoded from form or multipart). */
export interface IntakeInput {
  service_code?: string;
  lat?: string;
  long?: string;
  address_string?: string;
  address_id?: string;
  email?: string;
  device_id?: string;
  account_id?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  description?: string;
  media_url?: string;
  attribute: AttributeValues;
  /** Photos already recorded (uploads waiting for the filing go in IntakeOptions.photos). */
  photoIds?: string[];
}

export type IntakeCaller = { kind: 'key'; key: VerifiedKey } | { kind: 'web' };

export interface IntakeResult {
  caseId: string;
  serviceRequestId: string;
  token: string;
  serviceNotice: string;
  replayed: boolean;
}

const insertCase = preparedInsert('cases');
const priorFiling = prepared((db: Db, scope: string, idemKey: string) =>
  db
    .selectFrom('open311_idempotency as i')
    .innerJoin('cases as c', 'c.id', 'i.case_id')
    .innerJoin('case_categories as cat', 'cat.id', 'c.category_id')
    .select(['i.case_id', 'i.request_hash', 'i.created_at', 'i.token', 'c.number', 'c.subdistrict_id', 'cat.handle_hours'])
    .where('i.scope', '=', scope)
    .where('i.idem_key', '=', idemKey),
);
const insertRequest = preparedInsert('open311_requests');
const insertIdempotency = preparedInsert('open311_idempotency');

/** A retry within this window returns the first filing instead of filing again. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;
const DESCRIPTION_MAX = 4000;

const optional = (v: string | undefined) => {
  const t = v?.trim();
  return t ? t : undefined;
};

function number(field: 'lat' | 'long', v: string | undefined): number | undefined {
  const t = optional(v);
  if (t === undefined) return undefined;
  if (!/^-?\d+(\.\d+)?$/.test(t)) throw refused(field, 'must be a decimal number (WGS-84)', `${field} must be a decimal number (WGS-84)`);
  return Number(t);
}

/** The request as a stable hash (field order and the key itself do not matter). */
export function requestHash(input: IntakeInput): string {
  const { photoIds: _p, ...rest } = input;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

function checkContact(input: IntakeInput) {
  const email = optional(input.email);
  if (email && (email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email))) throw refused('email', 'is not an e-mail address', 'email is not an e-mail address');
  const phone = optional(input.phone);
  if (phone && !/^\+?[0-9 ()-]{3,20}$/.test(phone)) throw refused('phone', 'is not a phone number (digits, spaces, brackets and - only)', 'phone is not a phone number');
  for (const f of ['device_id', 'account_id', 'first_name', 'last_name'] as const) {
    const v = optional(input[f]);
    if (v && v.length > 200) throw refused(f, 'at most 200 characters', `${f} is longer than 200 characters`);
  }
  const media = optional(input.media_url);
  if (media && (media.length > 2000 || !/^https?:\/\/\S+$/.test(media))) throw refused('media_url', 'must be an http(s) URL', 'media_url must be an http(s) URL');
  return {
    email: email ?? null, phone: phone ?? null, device_id: optional(input.device_id) ?? null, account_id: optional(input.account_id) ?? null,
    first_name: optional(input.first_name) ?? null, last_name: optional(input.last_name) ?? null,
  };
}

export interface IntakeOptions {
  clientToken?: string;
  /** The name the caller gave the client token (Open311: the Idempotency-Key header; the public page: client_token). */
  clientTokenField?: string;
  duplicateRadiusM?: number;
  duplicateWindowHours?: number;
  clientHash?: string;
  /**
   * Uploaded photos whose files are stored but not yet recorded: recorded (as the intake
   * account's) in the filing's transaction once the request is accepted, so a refused request,
   * a replayed retry or a rolled-back filing leaves no photo row behind.
   */
  photos?: StoredPhotoFiles[];
}

type Checked =
  | { replay: IntakeResult }
  | {
      replay: null; hash: string; scope: string; idemKey: string | null; staleIdem: boolean; now: Date;
      service: Awaited<ReturnType<typeof findServiceCategory>>; attributes: AttributeValues; contact: ReturnType<typeof checkContact>;
      place: Awaited<ReturnType<typeof locate>>; description: string;
    };

/** Every check of a filing, in order, writing nothing: the earlier filing of a retry, or what to file. */
async function check(db: Db, clock: Clock, caller: IntakeCaller, j: Jurisdiction, input: IntakeInput, opts: IntakeOptions): Promise<Checked> {
  if (caller.kind === 'key' && !caller.key.subdistrictIds.includes(j.id)) {
    throw new DomainError('forbidden', `This api_key may not file into jurisdiction ${j.jurisdictionId}`, { field: 'api_key' });
  }
  const hash = requestHash(input);
  const scope = caller.kind === 'key' ? caller.key.id : 'web';
  const deviceId = optional(input.device_id);
  // The hash is of the body alone: a device's same words filed into another jurisdiction (a key may
  // serve several) are another request, so the jurisdiction is part of a device's key.
  const idemKey = opts.clientToken ? `token:${opts.clientToken}` : deviceId ? `device:${deviceId}:${j.id}:${hash}` : null;
  const now = clock.now();
  let staleIdem = false;
  if (idemKey) {
    const prior = await priorFiling.first(db, scope, idemKey);
    if (prior && now.getTime() - Date.parse(prior.created_at) < IDEMPOTENCY_WINDOW_MS) {
      // A token first used in another jurisdiction names another request: never answer with a case of another jurisdiction.
      if (prior.request_hash !== hash || prior.subdistrict_id !== j.id) {
        const field = opts.clientTokenField ?? 'Idempotency-Key';
        throw new DomainError('idempotency_mismatch', 'This client token was already used for a different request', { field, fields: [{ field, reason: 'already used for a different request' }] });
      }
      // The retry gets the first answer again, notice included (the token from the idempotency row:
      // open311_requests keeps only its hash).
      if (prior.token === null) throw new Error(`idempotency row ${scope}/${idemKey} has no token`);
      return { replay: { caseId: prior.case_id, serviceRequestId: prior.number, token: prior.token, serviceNotice: serviceNotice(Number(prior.handle_hours)), replayed: true } };
    }
    staleIdem = !!prior;
  }

  const service = await findServiceCategory(db, j.id, input.service_code);
  const attributes = validateAttributes(await serviceAttributes(db, service, { roomValues: input.attribute.bin_room !== undefined }), input.attribute);
  const contact = checkContact(input);
  const lat = number('lat', input.lat);
  const long = number('long', input.long);
  if ((lat === undefined) !== (long === undefined)) {
    throw refused(lat === undefined ? 'lat' : 'long', 'send lat and long together', 'lat and long must both be sent');
  }
  if (lat !== undefined && !insideChina(long!, lat)) throw refused('lat', 'lies outside this jurisdiction', 'lat/long lies outside this jurisdiction');
  const place = await locate(db, j.id, {
    lat, long, addressId: optional(input.address_id), addressString: optional(input.address_string),
    binRoomId: typeof attributes.bin_room === 'string' ? attributes.bin_room : undefined,
  });
  const description = optional(input.description) ?? service.category.name_zh;
  if (description.length > DESCRIPTION_MAX) throw refused('description', `at most ${DESCRIPTION_MAX} characters`, `description is limited to ${DESCRIPTION_MAX} characters`);
  if (/<\s*\/?\s*[a-z!]/i.test(description)) throw refused('description', 'may not contain HTML or code', 'description may not contain HTML or code');
  return { replay: null, hash, scope, idemKey, staleIdem, now, service, attributes, contact, place, description };
}

/**
 * The checks of fileRequest without its writes (run before a caller does costly work such as
 * storing photos): the earlier filing when the request is a retry within the idempotency window,
 * null when it would be filed; a refusal throws exactly what fileRequest would throw. fileRequest
 * checks again in its transaction: this is a look ahead, not a reservation.
 */
export async function checkRequest(db: Db, clock: Clock, caller: IntakeCaller, j: Jurisdiction, input: IntakeInput, opts: IntakeOptions = {}): Promise<IntakeResult | null> {
  return (await check(db, clock, caller, j, input, opts)).replay;
}

/**
 * POST requests: files a service request as a case (reported → the operations centre files it
 * like any other). Idempotent on a client token, or on device_id + the request's hash, within a
 * day: a retry returns the first filing. Nearby open cases of the same service are offered to the
 * operators as possible duplicates — never merged here. The caller owns the transaction.
 */
export async function fileRequest(db: Db, clock: Clock, caller: IntakeCaller, j: Jurisdiction, input: IntakeInput, opts: IntakeOptions = {}): Promise<IntakeResult> {
  const checked = await check(db, clock, caller, j, input, opts);
  if (checked.replay) return checked.replay;
  const { hash, scope, idemKey, now, service, attributes, contact, place, description } = checked;
  if (checked.staleIdem && idemKey) await db.deleteFrom('open311_idempotency').where('scope', '=', scope).where('idem_key', '=', idemKey).execute();

  const photoIds = [...(input.photoIds ?? [])];
  if (opts.photos?.length) {
    const uploader = await intakeActor(db, clock, j.id);
    for (const p of opts.photos) photoIds.push((await recordPhoto(db, clock, uploader, p)).id);
  }

  const category = service.category;
  const at = now.toISOString();
  const sub = await subdistrictPrefix.first(db, j.id);
  if (!sub) throw new Error(`subdistrict ${j.id} is missing`);
  const number_ = await nextCaseNumber(db, j.id, sub.case_prefix ?? `S${sub.code}`, now);
  const stage = await stageColumns(db, j.id, category, 'reported', now);
  const source: CaseSource = caller.kind === 'web' ? 'citizen' : caller.key.kind === 'hotline' ? 'hotline' : 'open311';
  const channel: Open311Channel = caller.kind === 'web' ? 'web' : caller.key.kind;
  const reporterRole = caller.kind === 'web' ? 'public' : 'integration';
  const row: CaseTable = {
    id: newId(), subdistrict_id: j.id, committee_id: place.committeeId, grid_id: null, site_id: place.siteId, category_id: category.id,
    number: number_, source, status: 'reported', pending_request: null, requested_due_at: null, description, lng: place.lng, lat: place.lat,
    reporter_id: null, reporter_role: reporterRole, assigned_unit_id: null, assigned_user_id: null, merged_into_id: null, status_reason: null,
    rework_count: 0, redispatch_count: 0, reopen_count: 0, extension_count: 0, overdue_count: 0, version: 1, reported_at: at, filed_at: null,
    dispatched_at: null, handled_at: null, closed_at: null, cancelled_at: null, ...stage, handle_due_at: null, handled_on_time: null,
    closed_on_time: null, updated_at: at,
  };
  await insertCase.run(db, row);

  const duplicates = await nearbyOpen(db, row, opts.duplicateRadiusM ?? DUPLICATE_DEFAULTS.radiusM, opts.duplicateWindowHours ?? DUPLICATE_DEFAULTS.windowHours, now);
  const via = caller.kind === 'web' ? '市民随手拍' : caller.key.kind === 'hotline' ? '12345 热线' : `Open311（${caller.key.name}）`;
  if (category.severity === 'urgent' || duplicates.length) {
    // Notify before the event: appending it locks the chain head until commit (see transition-case.ts).
    await notify(db, clock, {
      subdistrictId: j.id, recipients: { roles: ['operator'], committeeId: row.committee_id }, kind: duplicates.length ? 'case_possible_duplicate' : 'case_urgent', caseId: row.id,
      // Stored language-neutrally, read in each reader's language (notifications/messages.ts).
      message: {
        key: duplicates.length ? 'case_possible_duplicate' : 'case_urgent',
        params: {
          number: number_, categoryZh: category.name_zh, categoryEn: category.name_en, description, duplicates: duplicates.map((d) => d.number).join(','),
          channel: caller.kind === 'web' ? 'web' : caller.key.kind === 'hotline' ? 'hotline' : 'open311', source: caller.kind === 'web' ? null : caller.key.name,
        },
      },
      dedupeKey: `open311:${row.id}`,
    });
  }
  // The Open311 side first: the report event's webhooks look up which key filed the case.
  // Only the token's hash is stored with the request (docs/security.md).
  const token = newToken();
  await insertRequest.run(db, {
    case_id: row.id, subdistrict_id: j.id, key_id: caller.kind === 'key' ? caller.key.id : null, channel, token_hash: hashToken(token), service_code: category.code,
    address_string: optional(input.address_string) ?? null, address_id: place.siteId, attributes: JSON.stringify(attributes),
    media_url: optional(input.media_url) ?? null, contact: JSON.stringify(contact), abusive: 0, abusive_reason: null,
    abusive_at: null, abusive_by: null, client_hash: opts.clientHash ?? null, feedback: null, feedback_at: null, created_at: at,
  });
  const event = await appendCaseEvent(db, clock, {
    subdistrictId: j.id, caseId: row.id, action: 'report', fromStatus: null, toStatus: 'reported',
    actor: { userId: null, role: reporterRole }, gps: { lng: place.lng, lat: place.lat, accuracy: null },
    note: `${via}：${description}`, photoIds, changes: { status: [null, 'reported'] },
  });
  if (photoIds.length) await linkPhotos(db, row, event.id, photoIds, 'before');

  if (idemKey) {
    // The plain token lives here only until the retention job deletes the row after the replay window.
    await insertIdempotency.run(db, { scope, idem_key: idemKey, case_id: row.id, request_hash: hash, token, created_at: at });
  }
  return { caseId: row.id, serviceRequestId: number_, token, serviceNotice: serviceNotice(Number(category.handle_hours)), replayed: false };
}

export const serviceNotice = (handleHours: number) =>
  `已受理。城运中心核实立案后派遣处置，处置时限 ${handleHours} 小时；整改经独立核查通过方可结案`;

const openNear = prepared((db: Db, subdistrictId: string, categoryId: string, id: string, since: string, lngLo: number, lngHi: number, latLo: number, latHi: number) =>
  db
    .selectFrom('cases')
    .select(['id', 'number', 'lng', 'lat'])
    .where('subdistrict_id', '=', subdistrictId)
    .where('category_id', '=', categoryId)
    .where('status', 'in', OPEN_STATUSES)
    .where('id', '!=', id)
    .where('reported_at', '>=', since)
    .where('lng', '>=', lngLo)
    .where('lng', '<=', lngHi)
    .where('lat', '>=', latLo)
    .where('lat', '<=', latHi)
    .limit(20),
);

/** Open cases of the same category within the duplicate radius and window. */
async function nearbyOpen(db: Db, c: CaseTable, radiusM: number, windowHours: number, now: Date) {
  const since = new Date(now.getTime() - windowHours * 3600_000).toISOString();
  const dLat = radiusM / 111_320;
  const dLng = radiusM / (111_320 * Math.cos((c.lat * Math.PI) / 180));
  const rows = await openNear.all(db, c.subdistrict_id, c.category_id, c.id, since, c.lng - dLng, c.lng + dLng, c.lat - dLat, c.lat + dLat);
  return rows.filter((r) => distanceM(c.lng, c.lat, Number(r.lng), Number(r.lat)) <= radiusM);
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';
import type { CaseStatus, DeliveryStatus } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { fullSubdistricts } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { pageLimit, readKeysetPage } from '../shared/keyset-page.js';
import { liveWebhookKeys } from './key-cache.js';
import { PUBLIC_ACTIONS } from './public-stage.js';
import { ratingCase } from './requests.js';
import { toUpdate, type UpdateFacts } from './updates.js';

/**
 * Signed webhooks per Open311 integration. Every public change of a case (a case event of
 * PUBLIC_ACTIONS) enqueues one delivery per live key with a webhook that may hear of it — the
 * key's own filings, or with scope `readable` every case of its subdistricts — in the transaction
 * that makes the change. The job (src/jobs/open311-webhooks.ts) POSTs the update, exactly as
 * servicerequestupdates.json would list it, signed:
 *
 *   X-Closeloop-Timestamp: <unix seconds at sending>
 *   X-Closeloop-Signature: sha256=<hex HMAC-SHA256(webhook secret, timestamp + "." + raw body)>
 *
 * Each attempt is signed afresh (a receiver rejects timestamps more than 5 minutes off).
 */
export const TIMESTAMP_HEADER = 'x-closeloop-timestamp';
export const SIGNATURE_HEADER = 'x-closeloop-signature';
export const DELIVERY_HEADER = 'x-closeloop-delivery';
export const JURISDICTION_HEADER = 'x-closeloop-jurisdiction';
export const SIGNATURE_TOLERANCE_S = 300;

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The receiver's check (also what the docs show): signature matches and the timestamp is recent. */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string, nowS = Math.floor(Date.now() / 1000)): boolean {
  const t = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || Math.abs(nowS - t) > SIGNATURE_TOLERANCE_S) return false;
  const expected = Buffer.from(signWebhook(secret, t, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const PUBLIC = new Set<string>(PUBLIC_ACTIONS);

const requestOf = prepared((db: Db, caseId: string) => db.selectFrom('open311_requests').select(['key_id', 'abusive']).where('case_id', '=', caseId));
const numberOf = prepared((db: Db, caseId: string) =>
  db.selectFrom('cases as c').select(['c.number', ratingCase('c').as('from_rating')]).where('c.id', '=', caseId),
);

export interface PublicChange {
  eventId: string;
  subdistrictId: string;
  caseId: string;
  action: string;
  toStatus: CaseStatus;
  at: string;
  photoIds: string[];
  /** The `keys` counter if the transaction read it already (liveWebhookKeys). */
  keysVersion?: string;
}

/**
 * Inside the transaction of the change: one pending delivery per key that may hear of it. The
 * payload holds only public facts of the update (never the reporter's data, never the staff's
 * note). A report marked abusive sends nothing more, a case born from a 差评 nothing at all.
 * Returns how many were enqueued.
 */
export async function enqueueWebhooks(trx: Db, e: PublicChange): Promise<number> {
  const rows = await webhookDeliveries(trx, e);
  if (rows.length) await trx.insertInto('open311_deliveries').values(rows).execute();
  return rows.length;
}

/** The deliveries a public change enqueues (enqueueWebhooks), read but not written: none for most changes. */
export async function webhookDeliveries(trx: Db, e: PublicChange) {
  if (!PUBLIC.has(e.action)) return [];
  const keys = (await liveWebhookKeys(trx, e.keysVersion)).filter((k) => k.subdistrictIds.includes(e.subdistrictId));
  if (!keys.length) return [];
  const req = await requestOf.first(trx, e.caseId);
  if (req && Number(req.abusive) === 1) return [];
  const targets = keys.filter((k) => k.scope === 'readable' || (req && k.id === req.key_id));
  if (!targets.length) return [];
  const c = await numberOf.first(trx, e.caseId);
  // A 差评's case is never public (requests.ts ratingCase): no integration hears of it.
  if (!c || Number(c.from_rating)) return [];
  const facts: UpdateFacts = { id: e.eventId, action: e.action, to_status: e.toStatus, at: e.at, photo_ids: JSON.stringify(e.photoIds), number: c.number };
  const payload = JSON.stringify(facts);
  return targets.map((k) => ({
    id: newId(), key_id: k.id, subdistrict_id: e.subdistrictId, case_id: e.caseId, event_id: e.eventId, url: null, payload, status: 'pending' as const,
    attempts: 0, next_attempt_at: e.at, claim_token: null, claimed_until: null, last_error: null, response_code: null, sent_at: null,
    created_at: e.at, updated_at: e.at,
  }));
}

/**
 * What an attempt needs besides the claimed row: the key's live address and secret, the
 * jurisdiction code, and `outOfScope` — why the key may no longer hear of this change, read at
 * the attempt, not when it was queued: an administrator who took the subdistrict off the key, or
 * narrowed its webhook scope to `own` for a case another key filed, stops what is still queued.
 */
export async function deliveryTarget(db: Db, deliveryId: string) {
  const row = await db
    .selectFrom('open311_deliveries as d')
    .innerJoin('open311_keys as k', 'k.id', 'd.key_id')
    .innerJoin('subdistricts as s', 's.id', 'd.subdistrict_id')
    .innerJoin('districts as di', 'di.id', 's.district_id')
    .leftJoin('open311_requests as o', 'o.case_id', 'd.case_id')
    .select([
      'k.webhook_url', 'k.webhook_secret', 'k.revoked_at', 'k.subdistrict_ids', 'k.webhook_scope', 'd.key_id', 'd.subdistrict_id',
      'o.key_id as filed_by', 's.code', 'di.code as district_code', 'o.abusive',
    ])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { subdistrict_ids, webhook_scope, key_id, subdistrict_id, filed_by, ...target } = row;
  const outOfScope = !(JSON.parse(subdistrict_ids) as string[]).includes(subdistrict_id)
    ? 'subdistrict no longer in the key\'s scope'
    : webhook_scope !== 'readable' && filed_by !== key_id
      ? 'case not filed by this key (webhook scope own)'
      : null;
  return { ...target, outOfScope };
}

export interface DeliveryView {
  /** The delivery id, sent as X-Closeloop-Delivery (the same on every retry). */
  id: string;
  serviceRequestId: string;
  updateId: string;
  /** The update sent: its Open311 status and public description. */
  eventStatus: string;
  eventDescription: string;
  status: DeliveryStatus;
  attempts: number;
  responseCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
  createdAt: string;
}

/** The key's row when the administrator may see it (it reaches into one of their subdistricts), and those subdistricts. */
async function keyInScope(db: Db, actor: Actor, keyId: string) {
  assertCan(actor, 'open311.keys');
  const key = await db.selectFrom('open311_keys').select(['id', 'subdistrict_ids', 'revoked_at']).where('id', '=', keyId).executeTakeFirst();
  const mine = fullSubdistricts(actor);
  if (!key || !(JSON.parse(key.subdistrict_ids) as string[]).some((s) => mine.includes(s))) throw notFound('Open311 key', keyId);
  return { key, mine };
}

const deliveryColumns = ['d.id', 'c.number', 'd.event_id', 'd.payload', 'd.status', 'd.attempts', 'd.response_code', 'd.last_error', 'd.next_attempt_at', 'd.sent_at', 'd.created_at'] as const;

function deliveryView(r: {
  id: string; number: string; event_id: string; payload: string; status: DeliveryStatus; attempts: number; response_code: number | null;
  last_error: string | null; next_attempt_at: string; sent_at: string | null; created_at: string;
}): DeliveryView {
  const update = toUpdate(JSON.parse(r.payload) as UpdateFacts, null);
  return {
    id: r.id,
    serviceRequestId: r.number,
    updateId: r.event_id,
    eventStatus: update.status,
    eventDescription: update.description,
    status: r.status,
    attempts: Number(r.attempts),
    responseCode: r.response_code === null ? null : Number(r.response_code),
    lastError: r.last_error,
    nextAttemptAt: r.status === 'pending' || r.status === 'sending' ? new Date(r.next_attempt_at).toISOString() : null,
    sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/**
 * A key's delivery log for an administrator: newest first, only deliveries about the
 * administrator's own subdistricts.
 */
export const KEY_DELIVERIES_PAGE_DEFAULT = 100;
export const KEY_DELIVERIES_PAGE_MAX = 500;

/** A key's webhook deliveries about the actor's subdistricts, newest first, in pages (`after` → `nextCursor`). */
export async function listDeliveries(
  db: Db,
  actor: Actor,
  keyId: string,
  f: { status?: DeliveryStatus; after?: string; limit?: number } = {},
): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
  const { mine } = await keyInScope(db, actor, keyId);
  const limit = pageLimit(f.limit, KEY_DELIVERIES_PAGE_DEFAULT, KEY_DELIVERIES_PAGE_MAX);
  if (!mine.length) throw new DomainError('forbidden', 'No subdistrict in your scope');
  let q = db
    .selectFrom('open311_deliveries as d')
    .innerJoin('cases as c', 'c.id', 'd.case_id')
    .select(deliveryColumns)
    .where('d.key_id', '=', keyId)
    .where('d.subdistrict_id', 'in', mine);
  if (f.status) q = q.where('d.status', '=', f.status);
  const { page, nextCursor } = await readKeysetPage(
    q, { keys: ['d.created_at', 'd.id'], kinds: ['string', 'string'], order: 'desc' }, { after: f.after, limit }, (r) => [r.created_at, r.id],
  );
  return { items: page.map(deliveryView), nextCursor };
}

/**
 * Queues a failed delivery again, due now with a fresh round of attempts (the receiver was down
 * longer than the backoff lasted). Only failed deliveries of a live key, about the
 * administrator's own subdistricts.
 */
export async function retryKeyDelivery(db: Db, clock: Clock, actor: Actor, keyId: string, deliveryId: string): Promise<DeliveryView> {
  const { key, mine } = await keyInScope(db, actor, keyId);
  const find = () =>
    db
      .selectFrom('open311_deliveries as d')
      .innerJoin('cases as c', 'c.id', 'd.case_id')
      .select(deliveryColumns)
      .where('d.id', '=', deliveryId)
      .where('d.key_id', '=', keyId)
      .where('d.subdistrict_id', 'in', mine.length ? mine : [''])
      .executeTakeFirst();
  const row = await find();
  if (!row) throw notFound('Delivery', deliveryId);
  if (key.revoked_at) throw new DomainError('conflict', 'This key is revoked: its deliveries are not sent');
  if (row.status !== 'failed') throw invalidField('status', `only failed deliveries can be retried (this one is ${row.status})`);
  const now = clock.now().toISOString();
  await db
    .updateTable('open311_deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, claim_token: null, claimed_until: null, updated_at: now })
    .where('id', '=', deliveryId)
    .where('status', '=', 'failed')
    .execute();
  return deliveryView((await find())!);
}

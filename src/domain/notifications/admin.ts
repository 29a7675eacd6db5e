import type { Db } from '../../db/index.js';
import type { DeliveryStatus, NoticeLanguage } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict, fullSubdistricts } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { checkOutboundUrl, type OutboundPolicy, STRICT_OUTBOUND } from '../shared/outbound-policy.js';

/** Administrators' view of the webhook channel: the outbox, retries, and per-subdistrict robot URLs. */
export interface DeliveryDto {
  id: string;
  notificationId: string;
  subdistrictId: string;
  title: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
}

export async function listDeliveries(
  db: Db,
  actor: Actor,
  q: { status?: DeliveryStatus; after?: string; limit: number },
): Promise<{ items: DeliveryDto[]; nextCursor: string | null }> {
  assertCan(actor, 'notifications.admin');
  const subs = fullSubdistricts(actor);
  if (!subs.length) return { items: [], nextCursor: null };
  let query = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('notifications as n', 'n.id', 'd.notification_id')
    .select(['d.id', 'd.notification_id', 'd.subdistrict_id', 'n.title', 'd.status', 'd.attempts', 'd.next_attempt_at', 'd.last_error', 'd.sent_at', 'd.created_at'])
    .where('d.subdistrict_id', 'in', subs);
  if (q.status) query = query.where('d.status', '=', q.status);
  if (q.after) query = query.where('d.id', '<', q.after);
  const rows = await query.orderBy('d.id', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      notificationId: r.notification_id,
      subdistrictId: r.subdistrict_id,
      title: r.title,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastError: r.last_error,
      sentAt: r.sent_at,
      createdAt: r.created_at,
    })),
    nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}

/** Puts a failed delivery back in the queue with a fresh set of attempts. */
export async function retryDelivery(db: Db, clock: Clock, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'notifications.admin');
  const row = await db.selectFrom('webhook_deliveries').select(['id', 'subdistrict_id', 'status']).where('id', '=', id).executeTakeFirst();
  if (!row || !fullSubdistricts(actor).includes(row.subdistrict_id)) throw notFound('Delivery', id);
  if (row.status !== 'failed') throw invalidField('status', `only failed deliveries can be retried (this one is ${row.status})`);
  const now = clock.now().toISOString();
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .execute();
}

/** The robot URL holds its key: show only where it points. */
export const maskUrl = (url: string) => url.replace(/([?&]key=)[^&]{4,}([^&]{4})/i, '$1…$2');

export async function getSubdistrictWebhook(db: Db, actor: Actor, subdistrictId: string) {
  assertCan(actor, 'notifications.admin');
  assertOwnsSubdistrict(actor, subdistrictId, 'Subdistrict');
  const row = await db.selectFrom('notification_webhooks').selectAll().where('subdistrict_id', '=', subdistrictId).executeTakeFirst();
  return row ? { subdistrictId, url: maskUrl(row.url), enabled: row.enabled === 1, language: row.language, updatedAt: row.updated_at } : null;
}

export async function putSubdistrictWebhook(
  db: Db,
  clock: Clock,
  actor: Actor,
  subdistrictId: string,
  input: { url: string; enabled: boolean; language?: NoticeLanguage },
  policy: OutboundPolicy = STRICT_OUTBOUND,
) {
  assertCan(actor, 'notifications.admin');
  assertOwnsSubdistrict(actor, subdistrictId, 'Subdistrict');
  checkOutboundUrl(input.url, policy);
  const now = clock.now().toISOString();
  await db
    .insertInto('notification_webhooks')
    .values({ id: newId(), subdistrict_id: subdistrictId, url: input.url, enabled: input.enabled ? 1 : 0, language: input.language ?? 'zh', created_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.column('subdistrict_id').doUpdateSet({ url: input.url, enabled: input.enabled ? 1 : 0, ...(input.language ? { language: input.language } : {}), updated_at: now }),
    )
    .execute();
  return getSubdistrictWebhook(db, actor, subdistrictId);
}

export async function deleteSubdistrictWebhook(db: Db, actor: Actor, subdistrictId: string): Promise<void> {
  assertCan(actor, 'notifications.admin');
  assertOwnsSubdistrict(actor, subdistrictId, 'Subdistrict');
  await db.deleteFrom('notification_webhooks').where('subdistrict_id', '=', subdistrictId).execute();
}

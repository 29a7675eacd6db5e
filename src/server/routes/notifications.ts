import type { Db } from '../../db/index.js';
import { z } from 'zod';
import { DELIVERY_STATUSES } from '../../db/schema.js';
import {
  deleteSubdistrictWebhook,
  getSubdistrictWebhook,
  listDeliveries,
  putSubdistrictWebhook,
  retryDelivery,
} from '../../domain/notifications/admin.js';
import { listInbox, markAllRead, markRead, unreadCount } from '../../domain/notifications/inbox.js';
import { NOTICE_LANGUAGES, languageFromHeader } from '../../domain/notifications/messages.js';
import { snapshotRow } from '../../domain/audit/snapshot.js';
import { audited } from '../audited.js';
import { def } from '../route.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });
const Page = { after: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) };

export const inbox = def({
  schema: {
    tags: ['notifications'],
    summary: 'My inbox, newest first (keyset: pass nextCursor as after)',
    description: 'Each notice in the reader\'s language: lang (the language the app is set to), else the Accept-Language header, else Chinese.',
    querystring: z.strictObject({ unread: z.enum(['true', 'false']).optional(), lang: z.enum(NOTICE_LANGUAGES).optional(), ...Page }),
  },
  handler: async ({ req, deps, actor }) =>
    listInbox(
      deps.db, actor, { unread: req.query.unread === 'true', after: req.query.after, limit: req.query.limit },
      req.query.lang ?? languageFromHeader(req.headers['accept-language']),
    ),
});

export const inboxCount = def({
  schema: { tags: ['notifications'], summary: 'How many unread items are in my inbox' },
  handler: async ({ deps, actor }) => ({ unread: await unreadCount(deps.db, actor) }),
});

export const readOne = def({
  schema: { tags: ['notifications'], summary: 'Mark one of my inbox items read', params: IdParams },
  handler: async ({ req, deps, actor }) => markRead(deps.db, deps.clock, actor, req.params.id),
});

export const readAll = def({
  schema: {
    tags: ['notifications'],
    summary: 'Mark my inbox read up to upTo, the newest item I was shown (without upTo: all of it)',
    description:
      'upTo: the id of the newest item the client listed (the first of its page). Items newer than it — arrived after the list was loaded — stay unread. ' +
      'An id that is not one of my items is 404. Without a body or upTo every unread item is marked (older clients).',
    // nullish: older clients POST with no body at all.
    body: z.strictObject({ upTo: z.string().min(1).max(64).optional() }).nullish(),
  },
  handler: async ({ req, deps, actor }) => markAllRead(deps.db, deps.clock, actor, req.body?.upTo),
});

export const deliveries = def({
  schema: {
    tags: ['notifications'],
    summary: 'Webhook deliveries of my subdistricts (administrators), e.g. status=failed',
    querystring: z.strictObject({ status: z.enum(DELIVERY_STATUSES).optional(), ...Page }),
  },
  handler: async ({ req, deps, actor }) => listDeliveries(deps.db, actor, req.query),
});

export const retry = def({
  schema: { tags: ['notifications'], summary: 'Queue a failed delivery again (administrators)', params: IdParams },
  handler: async ({ req, reply, deps, actor }) => {
    await audited(
      { req, deps, actor },
      {
        action: 'webhook_delivery.retry',
        entity: 'webhook_delivery',
        entityId: req.params.id,
        // The delivery's state only: its URL holds the robot's key and its payload the staff's phones.
        before: (trx) => deliveryState(trx, req.params.id),
        after: (trx) => deliveryState(trx, req.params.id),
      },
      (trx: Db) => retryDelivery(trx, deps.clock, actor, req.params.id),
    );
    reply.status(204);
    return null;
  },
});

const deliveryState = async (db: Db, id: string) =>
  (await db.selectFrom('webhook_deliveries').select(['id', 'subdistrict_id', 'status', 'attempts', 'next_attempt_at', 'response_code', 'sent_at']).where('id', '=', id).executeTakeFirst()) ?? null;

const SubParams = z.strictObject({ subdistrictId: z.string().min(1).max(64) });

export const getWebhook = def({
  schema: { tags: ['notifications'], summary: "A subdistrict's WeCom robot URL (masked); null = the global one", params: SubParams },
  handler: async ({ req, deps, actor }) => ({ webhook: await getSubdistrictWebhook(deps.db, actor, req.params.subdistrictId) }),
});

export const putWebhook = def({
  schema: {
    tags: ['notifications'],
    summary: "Set a subdistrict's WeCom / 政务微信 group-robot webhook URL",
    params: SubParams,
    // language: the group's, for the robot's messages; left out, the robot keeps its own (new robots: Chinese).
    body: z.strictObject({ url: z.string().min(1).max(500), enabled: z.boolean().default(true), language: z.enum(NOTICE_LANGUAGES).optional() }),
  },
  handler: async ({ req, deps, actor }) => ({
    webhook: await audited(
      { req, deps, actor },
      {
        action: 'webhook.put',
        entity: 'webhook',
        entityId: req.params.subdistrictId,
        subdistrictId: req.params.subdistrictId,
        before: (trx) => snapshotRow(trx, 'notification_webhooks', 'subdistrict_id', req.params.subdistrictId),
        after: (trx) => snapshotRow(trx, 'notification_webhooks', 'subdistrict_id', req.params.subdistrictId),
      },
      (trx: Db) => putSubdistrictWebhook(trx, deps.clock, actor, req.params.subdistrictId, req.body, deps.config.outbound),
    ),
  }),
});

export const deleteWebhook = def({
  schema: { tags: ['notifications'], summary: "Remove a subdistrict's robot URL (falls back to the global one)", params: SubParams },
  handler: async ({ req, reply, deps, actor }) => {
    await audited(
      { req, deps, actor },
      {
        action: 'webhook.delete',
        entity: 'webhook',
        entityId: req.params.subdistrictId,
        subdistrictId: req.params.subdistrictId,
        before: (trx) => snapshotRow(trx, 'notification_webhooks', 'subdistrict_id', req.params.subdistrictId),
      },
      (trx: Db) => deleteSubdistrictWebhook(trx, actor, req.params.subdistrictId),
    );
    reply.status(204);
    return null;
  },
});

import { z } from 'zod';
import { KeyInput, KeyPatch, issueKey, keyView, listKeys, revokeKey, rotateWebhookSecret, updateKey } from '../../domain/open311/keys.js';
import { KEY_DELIVERIES_PAGE_DEFAULT, KEY_DELIVERIES_PAGE_MAX, listDeliveries, retryKeyDelivery } from '../../domain/open311/webhooks.js';
import type { Db } from '../../db/index.js';
import { DELIVERY_STATUSES } from '../../db/schema.js';
import { audited } from '../audited.js';
import { def } from '../route.js';
import { pageQuery } from './paging.js';

/** Administrators' Open311 keys: issued (the key shown once), listed by prefix, revoked; each change audited. */
export const list = def({
  schema: { tags: ['open311'], summary: 'Open311 API keys reaching into my subdistricts (never the keys themselves)' },
  handler: async ({ deps, actor }) => ({ items: await listKeys(deps.db, actor) }),
});

export const issue = def({
  schema: { tags: ['open311'], summary: 'Issue an Open311 API key for an integration; the key (and webhook secret) are in this response only', body: KeyInput },
  handler: async (c) => {
    type Issued = Awaited<ReturnType<typeof issueKey>>;
    const issued = await audited<Issued>(
      c,
      { action: 'open311_key.issue', entity: 'open311_key', entityId: (r) => r.id, subdistrictId: (r) => r.subdistrictIds[0] ?? null, after: (_trx, r) => ({ ...r, key: undefined, webhookSecret: undefined }) },
      (trx) => issueKey(trx, c.deps.clock, c.actor, c.req.body, c.deps.config.outbound),
    );
    c.reply.status(201);
    return issued;
  },
});

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

/** The key as the audit log keeps it: never the key or the webhook secret. */
const keySnapshot = async (trx: Db, id: string) => {
  const row = await trx.selectFrom('open311_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? keyView(row) : null;
};

export const update = def({
  schema: {
    tags: ['open311'],
    summary: "Change a key's name, subdistricts, rate or webhook (webhookUrl null removes it); a webhook added to a key without one returns its secret this once",
    params: IdParams,
    body: KeyPatch,
  },
  handler: async (c) =>
    audited<Awaited<ReturnType<typeof updateKey>>>(
      c,
      { action: 'open311_key.update', entity: 'open311_key', entityId: c.req.params.id, subdistrictId: (r) => r.subdistrictIds[0] ?? null, before: (trx) => keySnapshot(trx, c.req.params.id), after: (trx) => keySnapshot(trx, c.req.params.id) },
      (trx) => updateKey(trx, c.actor, c.req.params.id, c.req.body, c.deps.config.outbound),
    ),
});

export const rotateSecret = def({
  schema: { tags: ['open311'], summary: "A new webhook secret for a key, in this response only (the old one stops verifying at once)", params: IdParams },
  handler: async (c) =>
    audited<Awaited<ReturnType<typeof rotateWebhookSecret>>>(
      c,
      // The secret itself is never in the log: the entry says only that it was replaced.
      { action: 'open311_key.rotate_webhook_secret', entity: 'open311_key', entityId: c.req.params.id, subdistrictId: (r) => r.subdistrictIds[0] ?? null, after: (trx) => keySnapshot(trx, c.req.params.id) },
      (trx) => rotateWebhookSecret(trx, c.actor, c.req.params.id),
    ),
});

export const retryDelivery = def({
  schema: {
    tags: ['open311'],
    summary: 'Queue a failed webhook delivery of a key again, due now with a fresh round of attempts',
    params: z.strictObject({ id: z.string().min(1).max(64), deliveryId: z.string().min(1).max(64) }),
  },
  handler: async (c) => {
    const { id, deliveryId } = c.req.params;
    const snap = (trx: Db) =>
      trx.selectFrom('open311_deliveries').select(['id', 'key_id', 'subdistrict_id', 'status', 'attempts', 'next_attempt_at', 'response_code', 'last_error']).where('id', '=', deliveryId).executeTakeFirst();
    return audited(
      c,
      { action: 'open311_delivery.retry', entity: 'open311_delivery', entityId: deliveryId, before: snap, after: snap },
      (trx) => retryKeyDelivery(trx, c.deps.clock, c.actor, id, deliveryId),
    );
  },
});

export const revoke = def({
  schema: { tags: ['open311'], summary: 'Revoke an Open311 API key (its requests stay; it can file no more)', params: z.strictObject({ id: z.string().min(1).max(64) }) },
  handler: async (c) =>
    audited(
      c,
      {
        action: 'open311_key.revoke', entity: 'open311_key', entityId: c.req.params.id,
        before: async (trx) => {
          const row = await trx.selectFrom('open311_keys').selectAll().where('id', '=', c.req.params.id).executeTakeFirst();
          return row ? keyView(row) : null;
        },
        after: (_trx, r) => r,
      },
      (trx) => revokeKey(trx, c.deps.clock, c.actor, c.req.params.id),
    ),
});

export const deliveries = def({
  schema: {
    tags: ['open311'],
    summary: "A key's webhook delivery log, newest first, in pages (after → nextCursor): attempts, status, last answer code and error, next attempt (deliveries about my subdistricts)",
    params: z.strictObject({ id: z.string().min(1).max(64) }),
    querystring: z.strictObject({ status: z.enum(DELIVERY_STATUSES).optional(), ...pageQuery(KEY_DELIVERIES_PAGE_MAX, KEY_DELIVERIES_PAGE_DEFAULT) }),
  },
  handler: async ({ deps, actor, req }) => listDeliveries(deps.db, actor, req.params.id, req.query),
});

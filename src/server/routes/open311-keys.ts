import { z } from 'zod';
import { KeyInput, issueKey, keyView, listKeys, revokeKey } from '../../domain/open311/keys.js';
import { listDeliveries } from '../../domain/open311/webhooks.js';
import { DELIVERY_STATUSES } from '../../db/schema.js';
import { audited } from '../audited.js';
import { def } from '../route.js';

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
    summary: "A key's webhook delivery log, newest first: attempts, status, last answer code and error, next attempt (deliveries about my subdistricts)",
    params: z.strictObject({ id: z.string().min(1).max(64) }),
    querystring: z.strictObject({ status: z.enum(DELIVERY_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(500).optional() }),
  },
  handler: async ({ deps, actor, req }) => ({ items: await listDeliveries(deps.db, actor, req.params.id, req.query) }),
});

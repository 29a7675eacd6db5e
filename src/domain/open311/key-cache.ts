import type { Db } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';
import type { Open311KeyTable, WebhookScope } from '../../db/schema.js';
import { KEYS_SCOPE, versionOf } from './versions.js';

/**
 * The integrations' keys as every Open311 request and every public change needs them (the key
 * behind an api_key; the live keys with a webhook), cached per process while the `keys` counter
 * (versions.ts) is unchanged. Issuing or revoking a key bumps the counter in its transaction, and
 * every use reads the counter first (one indexed statement), so a revoked key is refused by every
 * instance from the moment the revocation commits.
 *
 * Keyed on the database's adapter, which its transactions share.
 */
export interface WebhookKey {
  id: string;
  subdistrictIds: string[];
  scope: WebhookScope;
}

interface KeyCache {
  version: string;
  byHash: Map<string, Open311KeyTable>;
  webhookKeys?: WebhookKey[];
}
const caches = new WeakMap<object, KeyCache>();
/** Keys held per process at most (unknown hashes are never held). */
const MAX_KEYS = 10_000;

async function current(db: Db, known?: string): Promise<KeyCache> {
  // The counter is read before the rows, so rows read after a change are never held under the counter before it.
  const version = known ?? (await versionOf(db, KEYS_SCOPE));
  const adapter = db.getExecutor().adapter;
  let c = caches.get(adapter);
  if (!c || c.version !== version) caches.set(adapter, (c = { version, byHash: new Map() }));
  return c;
}

const byHash = prepared((db: Db, hash: string) => db.selectFrom('open311_keys').selectAll().where('key_hash', '=', hash));
const liveWithWebhook = prepared((db: Db) =>
  db.selectFrom('open311_keys').select(['id', 'subdistrict_ids', 'webhook_scope']).where('webhook_url', 'is not', null).where('revoked_at', 'is', null),
);

/** The key stored under this hash (revoked or not), or undefined. */
export async function keyByHash(db: Db, hash: string): Promise<Open311KeyTable | undefined> {
  const c = await current(db);
  const hit = c.byHash.get(hash);
  if (hit) return hit;
  const row = await byHash.first(db, hash);
  if (row && c.byHash.size < MAX_KEYS) c.byHash.set(hash, row);
  return row;
}

/**
 * The live keys that have a webhook. `keysVersion`: the `keys` counter as this transaction already
 * read it (with another statement), saving the read.
 */
export async function liveWebhookKeys(db: Db, keysVersion?: string): Promise<WebhookKey[]> {
  const c = await current(db, keysVersion);
  c.webhookKeys ??= (await liveWithWebhook.all(db)).map((k) => ({ id: k.id, subdistrictIds: JSON.parse(k.subdistrict_ids) as string[], scope: k.webhook_scope }));
  return c.webhookKeys;
}

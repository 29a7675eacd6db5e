import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { OPEN311_KEY_KINDS, type Open311KeyKind, type Open311KeyTable, WEBHOOK_SCOPES } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { fullSubdistricts } from '../auth/scope.js';
import { parseInput } from '../cases/case-input.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { checkOutboundUrl, type OutboundPolicy, STRICT_OUTBOUND } from '../shared/outbound-policy.js';
import { keyByHash } from './key-cache.js';
import { bumpVersions, KEYS_SCOPE } from './versions.js';

/**
 * Open311 API keys, one per integration. The key is 32 random bytes shown once; only its SHA-256
 * is stored (a fast hash suffices for a random 256-bit secret: there is nothing to guess), so a
 * database leak reveals no usable key. A key files only into its subdistricts, at its rate.
 */
export const KEY_PREFIX = 'cl311_';

export const KeyInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(OPEN311_KEY_KINDS).default('open311'),
  subdistrictIds: z.array(z.string().min(1).max(64)).min(1).max(50),
  ratePerMinute: z.number().int().min(1).max(100_000).default(60),
  webhookUrl: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  /** own: changes of the cases this key filed; readable: of every case in its subdistricts (what servicerequestupdates shows it). */
  webhookScope: z.enum(WEBHOOK_SCOPES).default('own'),
});
export type KeyInput = z.input<typeof KeyInput>;

export interface VerifiedKey {
  id: string;
  name: string;
  kind: Open311KeyKind;
  subdistrictIds: string[];
  ratePerMinute: number;
}

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export function keyView(r: Open311KeyTable) {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    keyPrefix: r.key_prefix,
    subdistrictIds: JSON.parse(r.subdistrict_ids) as string[],
    ratePerMinute: Number(r.rate_per_minute),
    webhookUrl: r.webhook_url,
    webhookScope: r.webhook_scope,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

/** Issues a key; the returned `key` and `webhookSecret` are shown this once and never again. */
export async function issueKey(db: Db, clock: Clock, actor: Actor, raw: KeyInput, policy: OutboundPolicy = STRICT_OUTBOUND) {
  assertCan(actor, 'open311.keys');
  const input = parseInput(KeyInput, raw);
  // Checked again at each delivery (the host's address at connect time), but refused early when plainly wrong.
  if (input.webhookUrl) checkOutboundUrl(input.webhookUrl, policy, 'webhookUrl');
  for (const id of input.subdistrictIds) {
    if (!fullSubdistricts(actor).includes(id)) throw invalidField('subdistrictIds', `not one of your subdistricts: ${id}`);
  }
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const webhookSecret = input.webhookUrl ? randomBytes(32).toString('base64url') : null;
  const row: Open311KeyTable = {
    id: newId(), name: input.name, kind: input.kind, key_hash: hashKey(key), key_prefix: key.slice(0, KEY_PREFIX.length + 6),
    subdistrict_ids: JSON.stringify([...new Set(input.subdistrictIds)]), rate_per_minute: input.ratePerMinute,
    webhook_url: input.webhookUrl ?? null, webhook_secret: webhookSecret, webhook_scope: input.webhookScope, created_by: actor.userId, created_at: clock.now().toISOString(),
    revoked_at: null, revoked_by: null, last_used_at: null,
  };
  await db.insertInto('open311_keys').values(row).execute();
  await bumpVersions(db, [KEYS_SCOPE]);
  return { ...keyView(row), key, webhookSecret };
}

/** Keys reaching into any of the actor's subdistricts. */
export async function listKeys(db: Db, actor: Actor) {
  assertCan(actor, 'open311.keys');
  const mine = fullSubdistricts(actor);
  if (!mine.length) return [];
  // The scope in the query: a key whose JSON list of subdistricts names one of the actor's. Ids are
  // plain strings in that list, so `"<id>"` matches exactly one element and nothing else.
  const rows = await db
    .selectFrom('open311_keys')
    .selectAll()
    .where((eb) => eb.or(mine.map((id) => eb('subdistrict_ids', 'like', `%${JSON.stringify(id)}%`))))
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(keyView).filter((k) => k.subdistrictIds.some((s) => mine.includes(s)));
}

export async function revokeKey(db: Db, clock: Clock, actor: Actor, id: string) {
  assertCan(actor, 'open311.keys');
  const row = await db.selectFrom('open311_keys').selectAll().where('id', '=', id).executeTakeFirst();
  const mine = fullSubdistricts(actor);
  // A key wholly outside the actor's scope is not theirs to know of (as changing one answers).
  if (!row || !keyView(row).subdistrictIds.some((s) => mine.includes(s))) throw notFound('Open311 key', id);
  const view = keyView(row);
  // Revoking a key that also files elsewhere needs every one of its subdistricts.
  if (!view.subdistrictIds.every((s) => mine.includes(s))) throw new DomainError('forbidden', 'This key also serves subdistricts outside your scope');
  if (row.revoked_at) return view;
  const at = clock.now().toISOString();
  await db.updateTable('open311_keys').set({ revoked_at: at, revoked_by: actor.userId }).where('id', '=', id).execute();
  // Every instance's cached copy of the key is dropped before its next request (key-cache.ts).
  await bumpVersions(db, [KEYS_SCOPE]);
  return { ...view, revokedAt: at };
}

/** An administrator's change to a live key; `webhookUrl: null` removes the webhook. */
export const KeyPatch = z.strictObject({
  name: KeyInput.shape.name.optional(),
  subdistrictIds: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
  ratePerMinute: z.number().int().min(1).max(100_000).optional(),
  webhookUrl: z.union([z.url({ protocol: /^https?$/ }).max(2000), z.null()]).optional(),
  webhookScope: z.enum(WEBHOOK_SCOPES).optional(),
});
export type KeyPatch = z.input<typeof KeyPatch>;

/** A key the actor may change: it exists, reaches only into the actor's subdistricts, and is not revoked. */
async function keyToChange(db: Db, actor: Actor, id: string): Promise<Open311KeyTable> {
  assertCan(actor, 'open311.keys');
  const row = await db.selectFrom('open311_keys').selectAll().where('id', '=', id).executeTakeFirst();
  const mine = fullSubdistricts(actor);
  const subs = row ? (JSON.parse(row.subdistrict_ids) as string[]) : [];
  if (!row || !subs.some((s) => mine.includes(s))) throw notFound('Open311 key', id);
  if (!subs.every((s) => mine.includes(s))) throw new DomainError('forbidden', 'This key also serves subdistricts outside your scope');
  if (row.revoked_at) throw new DomainError('conflict', 'This key is revoked; issue a new one');
  return row;
}

/**
 * Changes a key's name, subdistricts, rate or webhook. A webhook added to a key without one gets a
 * new secret, returned this once as `webhookSecret`; removing the webhook drops the secret.
 */
export async function updateKey(db: Db, actor: Actor, id: string, raw: KeyPatch, policy: OutboundPolicy = STRICT_OUTBOUND) {
  const input = parseInput(KeyPatch, raw);
  const row = await keyToChange(db, actor, id);
  for (const s of input.subdistrictIds ?? []) {
    if (!fullSubdistricts(actor).includes(s)) throw invalidField('subdistrictIds', `not one of your subdistricts: ${s}`);
  }
  if (input.webhookUrl) checkOutboundUrl(input.webhookUrl, policy, 'webhookUrl');
  const set: Partial<Open311KeyTable> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.subdistrictIds) set.subdistrict_ids = JSON.stringify([...new Set(input.subdistrictIds)]);
  if (input.ratePerMinute !== undefined) set.rate_per_minute = input.ratePerMinute;
  if (input.webhookScope !== undefined) set.webhook_scope = input.webhookScope;
  let webhookSecret: string | null = null;
  if (input.webhookUrl === null) Object.assign(set, { webhook_url: null, webhook_secret: null });
  else if (input.webhookUrl !== undefined) {
    set.webhook_url = input.webhookUrl;
    if (!row.webhook_secret) set.webhook_secret = webhookSecret = randomBytes(32).toString('base64url');
  }
  if (Object.keys(set).length) {
    await db.updateTable('open311_keys').set(set).where('id', '=', id).execute();
    // Its rate, subdistricts and webhook are held in every instance's key cache (key-cache.ts).
    await bumpVersions(db, [KEYS_SCOPE]);
  }
  return { ...keyView({ ...row, ...set }), webhookSecret };
}

/** A new webhook secret for a key, returned this once; the old one stops verifying at once. */
export async function rotateWebhookSecret(db: Db, actor: Actor, id: string) {
  const row = await keyToChange(db, actor, id);
  if (!row.webhook_url) throw invalidField('webhookUrl', 'the key has no webhook');
  const webhookSecret = randomBytes(32).toString('base64url');
  await db.updateTable('open311_keys').set({ webhook_secret: webhookSecret }).where('id', '=', id).execute();
  await bumpVersions(db, [KEYS_SCOPE]);
  return { ...keyView(row), webhookSecret };
}

/** The live key behind an api_key value, or 403 naming what is wrong. */
export async function verifyKey(db: Db, apiKey: string | undefined): Promise<VerifiedKey> {
  const key = apiKey?.trim();
  if (!key) throw new DomainError('forbidden', 'api_key is missing -- this method requires an API key', { field: 'api_key' });
  const row = await keyByHash(db, hashKey(key));
  if (!row) throw new DomainError('forbidden', 'Invalid api_key received', { field: 'api_key' });
  if (row.revoked_at) throw new DomainError('forbidden', 'This api_key has been revoked', { field: 'api_key' });
  return { id: row.id, name: row.name, kind: row.kind, subdistrictIds: JSON.parse(row.subdistrict_ids), ratePerMinute: Number(row.rate_per_minute) };
}

/** How finely "last used" is kept: one write a minute per key at most, however busy the key. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** When this process last wrote "last used" of a key, per database (keyed on its adapter). */
const touched = new WeakMap<object, Map<string, number>>();

/**
 * Records that a key was just used (a conditional update: nothing is written within a minute of
 * the last). A process that wrote it less than half that ago does not ask again, so "last used"
 * is at most 1.5 minutes old.
 */
export async function touchKey(db: Db, clock: Clock, keyId: string): Promise<void> {
  const now = clock.now();
  const adapter = db.getExecutor().adapter;
  let mine = touched.get(adapter);
  if (!mine) touched.set(adapter, (mine = new Map()));
  const last = mine.get(keyId);
  if (last !== undefined && now.getTime() - last >= 0 && now.getTime() - last < LAST_USED_RESOLUTION_MS / 2) return;
  if (mine.size > 10_000) mine.clear();
  mine.set(keyId, now.getTime());
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
  await db
    .updateTable('open311_keys')
    .set({ last_used_at: now.toISOString() })
    .where('id', '=', keyId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', stale)]))
    .execute();
}

import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField } from '../shared/errors.js';
import type { Actor } from './actor.js';
import { assertCan } from './permissions.js';

/** The longest lifetime an API token may have, in days, until an administrator sets another. */
export const DEFAULT_TOKEN_MAX_DAYS = 90;
/** The administrator may allow at most this (ten years is what the old default allowed: no more). */
export const TOKEN_MAX_DAYS_LIMIT = 3650;
const KEY = 'api_tokens.max_days';

export async function tokenMaxDays(db: Db): Promise<number> {
  const row = await db.selectFrom('system_settings').select('value').where('key', '=', KEY).executeTakeFirst();
  const n = row ? Number(row.value) : NaN;
  return Number.isInteger(n) && n >= 1 ? n : DEFAULT_TOKEN_MAX_DAYS;
}

export async function tokenSettings(db: Db, actor: Actor) {
  assertCan(actor, 'tokens.settings');
  return { maxDays: await tokenMaxDays(db) };
}

/**
 * Sets the longest token lifetime. It applies to tokens already issued too: a token older than
 * the new maximum stops working at once (actorForApiToken), so lowering it is a real control.
 * One setting for every subdistrict: only a district-level administrator may change it.
 */
export async function setTokenMaxDays(db: Db, clock: Clock, actor: Actor, maxDays: number) {
  assertCan(actor, 'tokens.settings');
  if (actor.subdistrictId !== null) {
    throw new DomainError('forbidden', 'The token lifetime applies to every subdistrict: it needs a district-level administrator', { field: 'maxDays' });
  }
  if (!Number.isInteger(maxDays) || maxDays < 1 || maxDays > TOKEN_MAX_DAYS_LIMIT) {
    throw invalidField('maxDays', `must be a whole number of days from 1 to ${TOKEN_MAX_DAYS_LIMIT}`);
  }
  const at = clock.now().toISOString();
  const values = { key: KEY, value: String(maxDays), updated_at: at, updated_by: actor.userId };
  await db
    .insertInto('system_settings')
    .values(values)
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: values.value, updated_at: at, updated_by: actor.userId }))
    .execute();
  return { maxDays };
}

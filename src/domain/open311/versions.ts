import type { Db } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';

/**
 * Change counters for what Open311 keeps in a per-process cache, shared by every instance
 * through the database (table open311_versions). Every change that the cached data depends on
 * bumps its counter inside the transaction that makes the change, so a reader that sees the
 * change also sees the new counter.
 *
 * - A subdistrict's public version: what GET requests shows of its requests. A change of a case
 *   always appends a case event, which moves the subdistrict's chain head; the counter covers the
 *   rest — a report marked abusive, a site's name or address, a category's name, code or limits.
 * - `keys`: the integrations' API keys and webhooks (issued, revoked, edited).
 */
export const KEYS_SCOPE = 'keys';

const bump = prepared((db: Db, scope: string) =>
  db
    .insertInto('open311_versions')
    .values({ scope, version: 1 })
    .onConflict((oc) => oc.column('scope').doUpdateSet((eb) => ({ version: eb('open311_versions.version', '+', 1) }))),
);

/** Moves the counters of the given scopes (call inside the change's transaction). */
export async function bumpVersions(trx: Db, scopes: Iterable<string>): Promise<void> {
  for (const scope of new Set(scopes)) await bump.run(trx, scope);
}

const publicStamp = prepared((db: Db, subdistrictId: string) =>
  db.selectNoFrom((eb) => [
    eb.selectFrom('chain_heads').select('seq').where('subdistrict_id', '=', subdistrictId).as('seq'),
    eb.selectFrom('open311_versions').select('version').where('scope', '=', subdistrictId).as('version'),
  ]),
);

/**
 * What a subdistrict's public requests look like, as one value that changes with every public
 * change: its chain head (every case event) and its counter (the rest). One indexed statement.
 */
export async function publicVersion(db: Db, subdistrictId: string): Promise<{ key: string; counter: string }> {
  const r = await publicStamp.first(db, subdistrictId);
  const counter = String(r?.version ?? 0);
  return { key: `${r?.seq ?? 0}.${counter}`, counter };
}

/** Only the counter (a row's own changes are told by its case events). */
const counter = prepared((db: Db, scope: string) => db.selectFrom('open311_versions').select('version').where('scope', '=', scope));

export async function versionOf(db: Db, scope: string): Promise<string> {
  return String((await counter.first(db, scope))?.version ?? 0);
}

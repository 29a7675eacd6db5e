import { type Db, isPostgres } from '../../db/index.js';
import { canonicalJson } from '../cases/hash-chain.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { AUDIT_GENESIS_HASH, auditHash } from './audit-hash.js';

/**
 * Who made an administrative change. An `Actor` (the signed-in person) fits as is; the command
 * line and background jobs pass `SYSTEM_AUDIT_ACTOR` or their own label.
 */
export interface AuditActor {
  userId: string | null;
  username: string;
  role: string;
  /** the actor's own subdistrict, used when the entry names none */
  subdistrictId?: string | null;
  /** the actor's scope (an `Actor`'s): its district is the entry's when the entry names neither subdistrict nor district */
  scope?: readonly { subdistrictId: string }[];
}

export const SYSTEM_AUDIT_ACTOR: AuditActor = { userId: null, username: 'system', role: 'system' };
export const CLI_AUDIT_ACTOR: AuditActor = { userId: null, username: 'cli', role: 'system' };

export interface AuditEntry {
  actor: AuditActor;
  /** `<entity>.<verb>`, e.g. `user.create`, `token.revoke`, `reveal.phone` */
  action: string;
  /** what was changed: one of AUDIT_ENTITIES (or a new area's own noun) */
  entity: string;
  entityId?: string | null;
  /** the subdistrict the change belongs to (scopes who can search it); default: the actor's */
  subdistrictId?: string | null;
  /**
   * For an entry without a subdistrict: the district it belongs to, or null for a change of the
   * whole instance (a global calendar override, the service catalogue, an instance setting, a job
   * round). Omitted: the one district of `concerns`, else of the actor's scope (none when several).
   * An entry with a subdistrict always gets that subdistrict's district.
   */
  districtId?: string | null;
  /** the subdistricts the changed thing reaches (a district-level user's scopes): their one district scopes the entry */
  concerns?: readonly string[];
  /** state before and after; omit `before` for a creation and `after` for a deletion */
  before?: unknown;
  after?: unknown;
  /** client address (`req.ip`); null from the command line */
  ip?: string | null;
}

/** What administrative areas record today; new areas add their own noun. */
export const AUDIT_ENTITIES = [
  'user', 'session', 'token', 'handling_unit', 'site', 'catalogue', 'legal_basis', 'enforcement_settings',
  'calendar', 'webhook', 'webhook_delivery', 'dashboard_settings', 'checklist', 'campaign', 'inspection_interval',
  'import', 'security_settings', 'reveal', 'service_item', 'service_point', 'service_grid', 'service_settings',
] as const;

/** Keys whose values never enter the audit log (they would turn it into a credential store). */
const SECRET_KEYS = /^(password|password_hash|passwordHash|token|token_hash|tokenHash|secret|secret_hash)$/;

/**
 * Credentials carried in a URL's query (a WeCom robot's `key=`, an `access_token=` …): kept out
 * of the log whatever the field is called, as everywhere else the API shows such a URL.
 */
const URL_CREDENTIAL = /([?&](?:key|access_token|token|secret|sign|signature)=)[^&#\s"]+/gi;

function withoutSecrets(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(URL_CREDENTIAL, '$1[redacted]');
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEYS.test(k) ? (v === null || v === undefined ? v : '[redacted]') : withoutSecrets(v);
    }
    return out;
  }
  if (value instanceof Date) return value.toISOString();
  return value;
}

const json = (v: unknown) => (v === undefined || v === null ? null : canonicalJson(withoutSecrets(v)));


/** The one district these subdistricts lie in; null when none or several. */
async function oneDistrictOf(trx: Db, subdistrictIds: readonly string[]): Promise<string | null> {
  const ids = [...new Set(subdistrictIds)];
  if (!ids.length) return null;
  const rows = await trx.selectFrom('subdistricts').select('district_id').distinct().where('id', 'in', ids).execute();
  return rows.length === 1 ? rows[0]!.district_id : null;
}

/**
 * Which district an entry belongs to (scopes who may search it): the district of its subdistrict;
 * else the one named (null: the whole instance); else the one district the changed thing reaches,
 * else the actor's. Entries reaching several districts, or of the system, stay instance-wide.
 */
async function districtOf(trx: Db, entry: AuditEntry, subdistrictId: string | null): Promise<string | null> {
  if (subdistrictId !== null) {
    const s = await trx.selectFrom('subdistricts').select('district_id').where('id', '=', subdistrictId).executeTakeFirst();
    return s?.district_id ?? null;
  }
  if (entry.districtId !== undefined) return entry.districtId;
  if (entry.concerns?.length) {
    const d = await oneDistrictOf(trx, entry.concerns);
    if (d !== null) return d;
  }
  const own = [...(entry.actor.scope ?? []).map((s) => s.subdistrictId), ...(entry.actor.subdistrictId ? [entry.actor.subdistrictId] : [])];
  return oneDistrictOf(trx, own);
}

async function lockHead(trx: Db) {
  let q = trx.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 'audit');
  // PostgreSQL: the head row is the chain's lock. SQLite has a single writer.
  if (isPostgres(trx)) q = q.forUpdate();
  const head = await q.executeTakeFirst();
  return head ? { seq: Number(head.seq), hash: head.hash } : { seq: 0, hash: AUDIT_GENESIS_HASH };
}

/**
 * Records one administrative change in the hash-chained audit log.
 *
 * Call it with the transaction that makes the change (`trx`), so the change and its record
 * commit together or not at all; it refuses a plain connection. Secrets (password and token
 * hashes) in `before`/`after` are replaced by "[redacted]". Returns the entry's id and seq.
 *
 * ```ts
 * await db.transaction().execute(async (trx) => {
 *   const before = await loadThing(trx, id);
 *   const after = await changeThing(trx, id, patch);
 *   await recordAudit(trx, clock, { actor, action: 'thing.update', entity: 'thing', entityId: id, before, after, ip: req.ip });
 * });
 * ```
 */
export async function recordAudit(trx: Db, clock: Clock, entry: AuditEntry): Promise<{ id: string; seq: number }> {
  if (!trx.isTransaction) throw new Error('recordAudit must run inside the transaction that makes the change');
  const at = clock.now().toISOString();
  const subdistrictId = entry.subdistrictId !== undefined ? entry.subdistrictId : (entry.actor.subdistrictId ?? null);
  const districtId = await districtOf(trx, entry, subdistrictId);
  const head = await lockHead(trx);
  const row = {
    id: newId(),
    seq: head.seq + 1,
    at,
    actor_user_id: entry.actor.userId,
    actor_username: entry.actor.username,
    actor_role: entry.actor.role,
    ip: entry.ip ?? null,
    action: entry.action,
    entity: entry.entity,
    entity_id: entry.entityId ?? null,
    subdistrict_id: subdistrictId,
    before_json: json(entry.before),
    after_json: json(entry.after),
    prev_hash: head.hash,
  };
  const hash = auditHash(row);
  await trx.insertInto('audit_log').values({ ...row, district_id: districtId, hash }).execute();
  const moved = await trx
    .updateTable('audit_chain_head')
    .set({ seq: row.seq, hash, updated_at: at })
    .where('id', '=', 'audit')
    .where('seq', '=', head.seq)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) {
    await trx.insertInto('audit_chain_head').values({ id: 'audit', seq: row.seq, hash, updated_at: at }).execute();
  }
  return { id: row.id, seq: row.seq };
}

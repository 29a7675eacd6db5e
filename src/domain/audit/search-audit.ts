import { type SqlBool, type Expression, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { fullSubdistricts, touchedSubdistricts } from '../auth/scope.js';
import { maskSnapshot, readsSnapshotsWhole } from './mask-entry.js';

export interface AuditFilter {
  /** the actor's username (exact) */
  who?: string;
  /** exact action (`user.update`) or an area prefix ending in a dot (`user.`) */
  action?: string;
  entity?: string;
  entityId?: string;
  /** ISO instants, from inclusive, to exclusive */
  from?: string;
  to?: string;
}

export interface AuditItem {
  seq: number;
  id: string;
  at: string;
  actorUserId: string | null;
  actorUsername: string;
  actorRole: string;
  ip: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  subdistrictId: string | null;
  before: unknown;
  after: unknown;
  hash: string;
}

const parse = (text: string | null) => (text === null ? null : JSON.parse(text));

/**
 * The districts a reader reads district-level entries of: those whose every subdistrict is in
 * their scope in full (a district's administrator or leader). A subdistrict's reader does not: a
 * district-level entry (a district-level user with their scopes and phone, a district setting)
 * speaks of the district's other subdistricts too.
 */
async function wholeDistrictsOf(db: Db, actor: Actor): Promise<string[]> {
  const full = new Set(fullSubdistricts(actor));
  if (!full.size) return [];
  const rows = await db
    .selectFrom('subdistricts')
    .select(['id', 'district_id'])
    .where('district_id', 'in', (eb) => eb.selectFrom('subdistricts').select('district_id').where('id', 'in', [...full]))
    .execute();
  const districts = new Set(rows.map((r) => r.district_id));
  for (const r of rows) if (!full.has(r.id)) districts.delete(r.district_id);
  return [...districts];
}

/**
 * Entries of the actor's subdistricts, district-level entries of the districts they see whole,
 * instance-wide entries (neither subdistrict nor district), and the actor's own.
 */
async function visible(db: Db, actor: Actor): Promise<Expression<SqlBool>> {
  const subs = touchedSubdistricts(actor);
  const districts = await wholeDistrictsOf(db, actor);
  const parts = [sql<SqlBool>`(subdistrict_id is null and district_id is null)`, sql<SqlBool>`actor_user_id = ${actor.userId}`];
  if (subs.length) parts.push(sql<SqlBool>`subdistrict_id in (${sql.join(subs)})`);
  if (districts.length) parts.push(sql<SqlBool>`(subdistrict_id is null and district_id in (${sql.join(districts)}))`);
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** Newest first, keyset-paginated on seq. */
export async function searchAudit(db: Db, actor: Actor, filter: AuditFilter, page: { before?: number; limit: number }) {
  assertCan(actor, 'audit.read');
  let q = db.selectFrom('audit_log').selectAll().where(await visible(db, actor));
  if (filter.who) q = q.where('actor_username', '=', filter.who);
  if (filter.action) {
    // A prefix ends in a dot ("user."): a range, not LIKE, so "_" in "handling_unit." is no wildcard.
    q = filter.action.endsWith('.')
      ? q.where('action', '>=', filter.action).where('action', '<', `${filter.action}\u{10FFFF}`)
      : q.where('action', '=', filter.action);
  }
  if (filter.entity) q = q.where('entity', '=', filter.entity);
  if (filter.entityId) q = q.where('entity_id', '=', filter.entityId);
  // Instants may come with any offset (+08:00); stored ones are UTC ISO text, compared as text on SQLite.
  if (filter.from) q = q.where('at', '>=', new Date(filter.from).toISOString());
  if (filter.to) q = q.where('at', '<', new Date(filter.to).toISOString());
  if (page.before !== undefined) q = q.where('seq', '<', page.before);
  const rows = await q.orderBy('seq', 'desc').limit(page.limit + 1).execute();
  // Snapshots hold rows as written (phone numbers whole): masked for a reader who sees them masked everywhere else.
  const shown = readsSnapshotsWhole(actor) ? (v: unknown) => v : maskSnapshot;
  const items: AuditItem[] = rows.slice(0, page.limit).map((r) => ({
    seq: Number(r.seq),
    id: r.id,
    at: r.at,
    actorUserId: r.actor_user_id,
    actorUsername: r.actor_username,
    actorRole: r.actor_role,
    ip: r.ip,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    subdistrictId: r.subdistrict_id,
    before: shown(parse(r.before_json)),
    after: shown(parse(r.after_json)),
    hash: r.hash,
  }));
  const last = items[items.length - 1];
  return { items, nextBefore: rows.length > page.limit && last ? last.seq : null };
}

/** A cap on one export; narrower filters export more precisely. */
export const MAX_AUDIT_EXPORT_ROWS = 100_000;

/** Spreadsheet programs run cells starting with these as formulas (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const AUDIT_CSV_HEADER = ['seq', 'at', 'actor', 'role', 'ip', 'action', 'entity', 'entity_id', 'subdistrict_id', 'before', 'after', 'hash'];

/**
 * The entries matching a filter as CSV (UTF-8 with a byte-order mark so Excel reads the Chinese),
 * newest first. Cells that a spreadsheet would run as formulas are quoted with a leading apostrophe.
 */
export async function exportAuditCsv(db: Db, actor: Actor, filter: AuditFilter): Promise<{ text: string; count: number }> {
  const lines = [AUDIT_CSV_HEADER.join(',')];
  let before: number | undefined;
  let count = 0;
  for (;;) {
    const page = await searchAudit(db, actor, filter, { before, limit: 2000 });
    for (const i of page.items) {
      lines.push(
        [i.seq, i.at, i.actorUsername, i.actorRole, i.ip, i.action, i.entity, i.entityId, i.subdistrictId, i.before, i.after, i.hash]
          .map(csvCell)
          .join(','),
      );
    }
    count += page.items.length;
    if (page.nextBefore === null || count >= MAX_AUDIT_EXPORT_ROWS) break;
    before = page.nextBefore;
  }
  return { text: `\ufeff${lines.join('\r\n')}\r\n`, count };
}

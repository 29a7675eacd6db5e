import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { instantCompare } from '../../db/instants.js';
import type { CaseSource, CaseStatus } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { fullSubdistricts, scopedCommittees } from '../auth/scope.js';
import { caseVisibility } from './case-scope.js';
import { OPEN_STATUSES, STATUS_LABELS } from './lifecycle.js';

export const QUEUES = ['all', 'to_file', 'to_dispatch', 'overdue', 'to_check', 'mine'] as const;
export type Queue = (typeof QUEUES)[number];

export interface CaseFilter {
  queue?: Queue;
  committeeId?: string;
  categoryId?: string;
  siteId?: string;
  unitId?: string;
  source?: CaseSource;
  status?: CaseStatus;
  /** reported_at >= from */
  from?: string;
  /** reported_at < to */
  to?: string;
  /** a case number (exact or prefix) or words of the description */
  q?: string;
}

/**
 * "My tasks": cases waiting on me (the same rule as isAssignee: the named person, else staff of the
 * assigned unit, a cadre of the committee's own unit, an officer of the enforcement squad), and
 * handled cases that wait for my check (checker_user_id: see independent-check.ts).
 */
function mineCondition(actor: Actor) {
  const unitTerms: RawBuilder<SqlBool>[] = [];
  if (actor.handlingUnitId) unitTerms.push(sql<SqlBool>`c.assigned_unit_id = ${actor.handlingUnitId}`);
  const coms = scopedCommittees(actor);
  if (actor.role === 'cadre' && coms.length) {
    unitTerms.push(sql<SqlBool>`c.assigned_unit_id in (select id from handling_units where kind = 'committee' and committee_id in (${sql.join(coms)}))`);
  }
  const subs = fullSubdistricts(actor);
  if (actor.role === 'enforcement' && subs.length) {
    unitTerms.push(sql<SqlBool>`c.assigned_unit_id in (select id from handling_units where kind = 'enforcement_team' and subdistrict_id in (${sql.join(subs)}))`);
  }
  const waiting = [sql<SqlBool>`c.assigned_user_id = ${actor.userId}`];
  if (unitTerms.length) waiting.push(sql<SqlBool>`(c.assigned_user_id is null and (${sql.join(unitTerms, sql` or `)}))`);
  return sql<SqlBool>`((c.status = 'dispatched' and (${sql.join(waiting, sql` or `)})) or (c.status = 'handled' and c.checker_user_id = ${actor.userId}))`;
}

async function categoryIds(db: Db, id: string): Promise<string[]> {
  const ids = [id];
  let frontier = [id];
  for (let depth = 0; depth < 2 && frontier.length; depth++) {
    frontier = (await db.selectFrom('case_categories').select('id').where('parent_id', 'in', frontier).execute()).map((r) => r.id);
    ids.push(...frontier);
  }
  return ids;
}

async function filtered(db: Db, actor: Actor, f: CaseFilter, now: Date) {
  let q = db
    .selectFrom('cases as c')
    .innerJoin('case_categories as cat', 'cat.id', 'c.category_id')
    .innerJoin('committees as com', 'com.id', 'c.committee_id')
    .leftJoin('handling_units as u', 'u.id', 'c.assigned_unit_id')
    .leftJoin('sites as s', 's.id', 'c.site_id')
    .where(caseVisibility(actor));
  switch (f.queue ?? 'all') {
    case 'to_file': q = q.where('c.status', '=', 'reported'); break;
    case 'to_dispatch': q = q.where('c.status', '=', 'filed'); break;
    case 'to_check': q = q.where('c.status', '=', 'handled'); break;
    // Open cases only, as the dashboard's 当前超期: an ended case waits on nobody, whatever marks it
    // kept, and a held one (挂账, keeping a mark from before its hold) waits on nobody either; a
    // mark kept through an extension counts again once the extended due time has passed.
    case 'overdue':
      q = q.where('c.overdue_at', 'is not', null).where('c.status', 'in', OPEN_STATUSES.filter((s) => s !== 'on_hold'))
        .where(instantCompare(db, 'c.stage_due_at', '<=', now.toISOString()));
      break;
    case 'mine': q = q.where(mineCondition(actor)); break;
    default: break;
  }
  if (f.committeeId) q = q.where('c.committee_id', '=', f.committeeId);
  if (f.categoryId) {
    const ids = await categoryIds(db, f.categoryId);
    q = ids.length === 1 ? q.where('c.category_id', '=', f.categoryId) : q.where('c.category_id', 'in', ids);
  }
  if (f.siteId) q = q.where('c.site_id', '=', f.siteId);
  // The unit the case is answerable to: a case sent to a person alone is under theirs (as on the dashboard).
  if (f.unitId) q = q.where('c.responsible_unit_id', '=', f.unitId);
  if (f.source) q = q.where('c.source', '=', f.source);
  if (f.status) q = q.where('c.status', '=', f.status);
  if (f.from) q = q.where('c.reported_at', '>=', new Date(f.from).toISOString());
  if (f.to) q = q.where('c.reported_at', '<', new Date(f.to).toISOString());
  if (f.q) {
    const term = f.q.trim();
    if (/^[A-Z]{1,4}\d{0,3}-\d{8}(-\d{1,6})?$/i.test(term)) {
      q = term.split('-').length === 3 ? q.where('c.number', '=', term.toUpperCase()) : q.where('c.number', 'like', `${term.toUpperCase()}-%`);
    } else {
      const like = `%${term.toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
      q = q.where((eb) => eb.or([
        eb(sql`lower(c.description)`, 'like', sql`${like} escape '\\'`),
        eb(sql`lower(coalesce(s.name, ''))`, 'like', sql`${like} escape '\\'`),
      ]));
    }
  }
  return q;
}

/** The case desk: a queue with filters and search, newest first, keyset-paginated on id. */
export async function listCases(db: Db, actor: Actor, f: CaseFilter, page: { after?: string; limit: number }, now: Date) {
  assertCan(actor, 'cases.read');
  let q = (await filtered(db, actor, f, now))
    // The unit the case answers to (responsible_unit_id): named for a case sent to a person alone (a committee's cadre).
    .leftJoin('handling_units as ru', 'ru.id', 'c.responsible_unit_id')
    .select([
    'c.id', 'c.number', 'c.status', 'c.pending_request as pendingRequest', 'c.source', 'c.description', 'c.lng', 'c.lat',
    'c.committee_id as committeeId', 'com.name as committeeName', 'c.site_id as siteId', 's.name as siteName',
    'c.category_id as categoryId', 'cat.code as categoryCode', 'cat.name_zh as categoryNameZh', 'cat.name_en as categoryNameEn', 'cat.severity',
    'c.assigned_unit_id as assignedUnitId', 'u.name as assignedUnitName', 'c.assigned_user_id as assignedUserId',
    'c.responsible_unit_id as responsibleUnitId', 'ru.name as responsibleUnitName',
    'c.reported_at as reportedAt', 'c.stage_due_at as stageDueAt', 'c.overdue_at as overdueAt', 'c.closed_at as closedAt',
    'c.rework_count as reworkCount', 'c.version',
  ]);
  if (page.after) q = q.where('c.id', '<', page.after);
  // With a date range, order by an expression so the planner takes the reported_at index and
  // sorts that slice, instead of walking the id index backwards through the whole history.
  const order = f.from || f.to ? sql`c.id || ''` : sql.ref('c.id');
  const rows = await q.orderBy(order, 'desc').limit(page.limit + 1).execute();
  const items = rows.slice(0, page.limit).map((r) => ({ ...r, lng: Number(r.lng), lat: Number(r.lat), statusLabel: STATUS_LABELS[r.status] }));
  return { items, nextCursor: rows.length > page.limit ? (items[items.length - 1]?.id ?? null) : null };
}

/** Queue sizes for the desk's tabs, counted up to a cap so a huge backlog stays cheap ("9999+"). */
export async function queueCounts(db: Db, actor: Actor, now: Date, cap = 10_000) {
  assertCan(actor, 'cases.read');
  const out: Record<string, { count: number; capped: boolean }> = {};
  for (const queue of QUEUES.filter((x) => x !== 'all')) {
    const inner = (await filtered(db, actor, { queue }, now)).select('c.id').limit(cap);
    const row = await db.selectFrom(inner.as('x')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    out[queue] = { count: Number(row.n), capped: Number(row.n) >= cap };
  }
  return out;
}

import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { prepared, preparedFamily } from '../../db/prepared.js';
import type { CaseCategoryTable, CaseTable, Role } from '../../db/schema.js';
import { type Actor, actorFrom } from '../auth/actor.js';
import { overridesColumn, preloadedOverrides } from '../calendar/preload.js';
import { KEYS_SCOPE } from '../open311/versions.js';
import type { CaseWrite } from './events.js';
import { HANDLING_ACTIONS } from './lifecycle.js';

/** Case queries that run on every report and transition, compiled once (see db/prepared.ts). */
export const caseById = prepared((db: Db, id: string) => db.selectFrom('cases').selectAll().where('id', '=', id));

/** What a transition needs of the case's category (its time limits and checker policy), prefixed cat_. */
const CATEGORY_FIELDS = ['file_hours', 'dispatch_hours', 'handle_hours', 'check_hours', 'limit_mode', 'check_by'] as const;
export type CaseCategoryLimits = Pick<CaseCategoryTable, (typeof CATEGORY_FIELDS)[number]>;

/**
 * The case, its category's limits and the calendar overrides (of its subdistrict and global) for
 * the dates [from, to]: everything a transition reads before it writes, in one statement. Also the
 * open311 keys counter, whether the case follows up a 差评, and (key 'h') who handled it so far.
 */
const caseAndCategory = preparedFamily((key: '' | 'h' | 'd' | 'hd') => ({
  arity: key.includes('d') ? 4 : 3,
  build: (db: Db, id: string, from: string, to: string, unitId?: string) => {
    let q = db
      .selectFrom('cases as c')
      .innerJoin('case_categories as cat', 'cat.id', 'c.category_id')
      .selectAll('c')
      .select(CATEGORY_FIELDS.map((f) => `cat.${f} as cat_${f}` as const))
      .select(overridesColumn(db, 'c.subdistrict_id', from, to).as('cal_overrides'))
      // The integrations' keys counter, read here for the webhook enqueue of the event (key-cache.ts).
      .select((eb) => eb.selectFrom('open311_versions').select('version').where('scope', '=', KEYS_SCOPE).as('keys_version'))
      .select((eb) => eb.exists(eb.selectFrom('service_rating_followups as f').select('f.id').whereRef('f.case_id', '=', 'c.id')).as('bad_rating'))
      .where('c.id', '=', id);
    if (key.includes('d')) {
      // The unit a dispatch names, if it is an active unit of the case's subdistrict (assignees.ts).
      q = q.select((eb) =>
        eb.selectFrom('handling_units as hu').select('hu.id').where('hu.id', '=', unitId as string).whereRef('hu.subdistrict_id', '=', 'c.subdistrict_id').where('hu.status', '=', 'active').as('unit_ok'),
      ) as unknown as typeof q;
    }
    if (key.includes('h')) {
      const pgAgg = db.getExecutor().adapter instanceof PostgresAdapter;
      const agg = pgAgg ? sql<string>`string_agg(e.actor_user_id, ',')` : sql<string>`group_concat(e.actor_user_id, ',')`;
      const scopes = pgAgg
        ? sql<string>`string_agg(rs.subdistrict_id || '/' || coalesce(rs.committee_id, ''), ',')`
        : sql<string>`group_concat(rs.subdistrict_id || '/' || coalesce(rs.committee_id, ''), ',')`;
      q = q
        .select((eb) =>
          eb.selectFrom('case_events as e').select(agg.as('h')).whereRef('e.case_id', '=', 'c.id').where('e.action', 'in', HANDLING_ACTIONS).where('e.actor_user_id', 'is not', null).as('handlers'),
        )
        // The reporter as an actor, for the default checker (independent-check.ts): their row and scope.
        .leftJoin('users as ru', 'ru.id', 'c.reporter_id')
        .select(['ru.id as rep_id', 'ru.username as rep_username', 'ru.display_name as rep_display_name', 'ru.role as rep_role', 'ru.status as rep_status', 'ru.subdistrict_id as rep_subdistrict_id', 'ru.handling_unit_id as rep_handling_unit_id'])
        .select((eb) => eb.selectFrom('user_scopes as rs').select(scopes.as('s')).whereRef('rs.user_id', '=', 'c.reporter_id').as('rep_scopes')) as unknown as typeof q;
    }
    return q;
  },
}));

/** The reporter read with the case ('h'): their actor when active (as loadActor gives it), else null. */
function reporterActor(row: Record<string, unknown>): Actor | null {
  if (!row.rep_id || row.rep_status !== 'active') return null;
  const scope = typeof row.rep_scopes === 'string' && row.rep_scopes
    ? row.rep_scopes.split(',').map((e) => {
        const [subdistrictId, committeeId] = e.split('/') as [string, string];
        return { subdistrictId, committeeId: committeeId || null };
      })
    : [];
  return actorFrom(
    { id: row.rep_id as string, username: row.rep_username as string, display_name: row.rep_display_name as string, role: row.rep_role as Role, subdistrict_id: row.rep_subdistrict_id as string | null, handling_unit_id: row.rep_handling_unit_id as string | null },
    scope,
  );
}

/**
 * A case, its category's limits and the effective calendar overrides for [window.from, window.to]
 * in one round trip (undefined when there is no such case); with `handlers`, also who handled it
 * (the actors of its 'handle' events, as handlersOf reads them).
 */
export async function caseWithCategory(db: Db, id: string, window: { from: string; to: string }, opts: { handlers?: boolean; unitId?: string } = {}) {
  const key = `${opts.handlers ? 'h' : ''}${opts.unitId !== undefined ? 'd' : ''}` as '' | 'h' | 'd' | 'hd';
  const args: [string, string, string, string?] = [id, window.from, window.to];
  if (opts.unitId !== undefined) args.push(opts.unitId);
  const row = (await caseAndCategory(key).first(db, ...args)) as Record<string, unknown> | undefined;
  if (!row) return undefined;
  // The case is the row without the other columns, copied by a rest pattern (exactly the case's
  // columns: test/cases/case-with-category.test.ts). Deleting them from the row instead turned it
  // into a dictionary-mode object, slower to read and to copy for every use a transition makes of
  // it (about 9 µs a transition).
  const {
    cat_file_hours, cat_dispatch_hours, cat_handle_hours, cat_check_hours, cat_limit_mode, cat_check_by,
    cal_overrides, keys_version, bad_rating, handlers: handlerIds, unit_ok,
    rep_id, rep_username, rep_display_name, rep_role, rep_status, rep_subdistrict_id, rep_handling_unit_id, rep_scopes,
    ...c
  } = row;
  const category = {
    file_hours: cat_file_hours, dispatch_hours: cat_dispatch_hours, handle_hours: cat_handle_hours, check_hours: cat_check_hours, limit_mode: cat_limit_mode, check_by: cat_check_by,
  } satisfies Record<(typeof CATEGORY_FIELDS)[number], unknown>;
  const preloaded = preloadedOverrides(cal_overrides, window);
  const keysVersion = String(keys_version ?? 0);
  const badRating = Boolean(Number(bad_rating));
  const handlers = opts.handlers ? new Set(typeof handlerIds === 'string' && handlerIds ? handlerIds.split(',') : []) : undefined;
  const reporter = opts.handlers ? reporterActor(row) : undefined;
  // The named unit when active in the case's subdistrict ({ id }), else null; undefined when not asked.
  const unit = opts.unitId !== undefined ? (typeof unit_ok === 'string' ? { id: unit_ok } : null) : undefined;
  return { c: c as unknown as CaseTable, category: category as unknown as CaseCategoryLimits, preloaded, keysVersion, badRating, handlers, reporter, unit };
}

export const categoryById = prepared((db: Db, id: string) => db.selectFrom('case_categories').selectAll().where('id', '=', id));

export const subdistrictPrefix = prepared((db: Db, id: string) =>
  db.selectFrom('subdistricts').select(['code', 'case_prefix']).where('id', '=', id),
);

const updateFamily = preparedFamily((key: string) => {
  const [returning, ...cols] = key.split(',') as ['r' | '', ...(keyof CaseTable)[]];
  return {
    arity: cols.length + 2,
    build: (db: Db, ...v: unknown[]) => {
      const q = db
        .updateTable('cases')
        .set(Object.fromEntries(cols.map((c, i) => [c, v[i]])) as Partial<CaseTable>)
        .where('id', '=', v[cols.length] as string)
        .where('version', '=', v[cols.length + 1] as number);
      return returning ? q.returning('id') : q;
    },
  };
});

/**
 * The columns of `set` sorted (the order the UPDATE binds them in) and the updateFamily keys of the
 * UPDATE with and without RETURNING, kept per order the columns come in: a transition sets the
 * same few lists in the same order all day, and sorting and joining them on every write cost
 * about 3 µs a transition.
 */
const columnLists = new Map<string, { cols: (keyof CaseTable)[]; plain: string; returning: string }>();
function columnsOf(set: Partial<CaseTable>) {
  const keys = Object.keys(set) as (keyof CaseTable)[];
  const seen = keys.join(',');
  let list = columnLists.get(seen);
  if (!list) {
    const cols = [...keys].sort();
    list = { cols, plain: ['', ...cols].join(','), returning: ['r', ...cols].join(',') };
    if (columnLists.size < 1000) columnLists.set(seen, list);
  }
  return list;
}

/** UPDATE cases SET <only the given columns> WHERE id AND version (optimistic lock); rows changed. */
export async function updateCaseColumns(db: Db, id: string, version: number, set: Partial<CaseTable>): Promise<number> {
  const { cols, plain } = columnsOf(set);
  const res = await updateFamily(plain).run(db, ...cols.map((c) => set[c]), id, version);
  return Number(res.numAffectedRows ?? 0);
}

/**
 * The same UPDATE with RETURNING id, not run: the case write that appendCaseEvent makes in the
 * event's statement (it applies only at the expected version).
 */
export function caseUpdate(db: Db, id: string, version: number, set: Partial<CaseTable>): CaseWrite {
  const { cols, returning } = columnsOf(set);
  return updateFamily(returning).compile(db, ...cols.map((c) => set[c]), id, version);
}

import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { CalendarOverrideKind, CalendarOverrideTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict, fullSubdistricts, touchedSubdistricts } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { pageLimit, readKeysetPage } from '../shared/keyset-page.js';
import { packageCoversYear } from './working-days.js';
import { isRealDate } from './office-hours.js';
import { inTransaction } from '../shared/in-transaction.js';
import { type RetimeSummary, applyOpenDeadlines, measureOpenDeadlines } from './retime.js';
import { overridesForYear, parseYearSchedule } from './year-schedule.js';
import { cancelUnservedBookings } from '../service-queue/office-cancel.js';

/**
 * Calendar overrides. Global rows (subdistrict null) correct the national calendar for every
 * district and subdistrict of the instance (e.g. a year the package does not know yet) and need an
 * administrator whose scope covers every subdistrict of the instance — in a city deployment a
 * district administrator does not, and writes a district-wide day as one row per subdistrict of
 * theirs (`putOverrideForMySubdistricts`). A subdistrict administrator overrides days for their
 * own subdistrict only (e.g. a local typhoon closure). The CLI runs as the instance operator
 * (`authority: 'operator'`). Everyone may read the rows that apply to them.
 */
export interface OverrideDto {
  id: string;
  date: string;
  kind: CalendarOverrideKind;
  note: string;
  subdistrictId: string | null;
  updatedAt: string;
}

const dto = (r: CalendarOverrideTable): OverrideDto => ({
  id: r.id,
  date: r.date,
  kind: r.kind,
  note: r.note,
  subdistrictId: r.subdistrict_id,
  updatedAt: r.updated_at,
});

export function assertCalendarDate(date: string, field = 'date'): void {
  if (!isRealDate(date)) throw invalidField(field, 'expected a real calendar date YYYY-MM-DD');
  const y = Number(date.slice(0, 4));
  if (y < 2000 || y > 2100) throw invalidField(field, 'year must be between 2000 and 2100');
}

export const OVERRIDES_PAGE_DEFAULT = 1000;
export const OVERRIDES_PAGE_MAX = 5000;

/**
 * The overrides that apply to the actor (global and their subdistricts) by date, the global one
 * of a day first, in pages (`after` → `nextCursor`), with the holiday-data coverage of the years.
 */
export async function listOverrides(
  db: Db,
  actor: Actor,
  q: { from?: string; to?: string; subdistrictId?: string; after?: string; limit?: number },
): Promise<{ items: OverrideDto[]; nextCursor: string | null; coverage: { year: number; packageHasData: boolean }[] }> {
  const limit = pageLimit(q.limit, OVERRIDES_PAGE_DEFAULT, OVERRIDES_PAGE_MAX);
  if (q.from) assertCalendarDate(q.from, 'from');
  if (q.to) assertCalendarDate(q.to, 'to');
  const subs = q.subdistrictId ? [q.subdistrictId] : touchedSubdistricts(actor);
  if (q.subdistrictId && !touchedSubdistricts(actor).includes(q.subdistrictId)) throw notFound('Subdistrict', q.subdistrictId);
  let query = db
    .selectFrom('calendar_overrides')
    .selectAll()
    .where((eb) => (subs.length ? eb.or([eb('subdistrict_id', 'is', null), eb('subdistrict_id', 'in', subs)]) : eb('subdistrict_id', 'is', null)));
  if (q.from) query = query.where('date', '>=', q.from);
  if (q.to) query = query.where('date', '<=', q.to);
  // A day has at most one override per scope (the unique index on coalesce(subdistrict_id, ''), date).
  const scopeKey = sql<string>`coalesce(subdistrict_id, '')`;
  const { page: rows, nextCursor } = await readKeysetPage(
    query, { keys: ['date', scopeKey], kinds: ['string', 'string'], order: 'asc' }, { after: q.after, limit }, (r) => [r.date, r.subdistrict_id ?? ''],
  );
  const first = Number((q.from ?? '2026').slice(0, 4));
  const last = Math.max(first, Number((q.to ?? String(first + 1)).slice(0, 4)));
  const coverage = [];
  for (let y = first; y <= Math.min(last, first + 10); y++) coverage.push({ year: y, packageHasData: packageCoversYear(y) });
  return { items: rows.map(dto), nextCursor, coverage };
}

/**
 * Whether the actor's scope covers every subdistrict of the instance (whole subdistricts, not
 * single committees), in one query: no subdistrict of the instance lies outside it.
 */
export async function coversInstance(db: Db, actor: Actor): Promise<boolean> {
  const full = fullSubdistricts(actor);
  let q = db.selectFrom('subdistricts').select((eb) => eb.fn.countAll<string | number>().as('n'));
  if (full.length) q = q.where('id', 'not in', full);
  return Number((await q.executeTakeFirstOrThrow()).n) === 0;
}

/** Stable reason of the refusal of a global override (details.reason, field subdistrictId). */
export const GLOBAL_NEEDS_INSTANCE_SCOPE = 'global_needs_instance_scope';

/**
 * Who may write an override of the scope. `authority: 'operator'` is the instance operator at the
 * command line (the named administrator is recorded): a global change needs one without a home
 * subdistrict. Over the API a global change needs a scope covering every subdistrict of the instance.
 */
async function assertMayWrite(db: Db, actor: Actor, subdistrictId: string | null, authority: 'scope' | 'operator' = 'scope') {
  assertCan(actor, 'calendar.write');
  if (subdistrictId === null) {
    if (authority === 'operator') {
      if (actor.subdistrictId !== null) {
        throw new DomainError('forbidden', 'Global calendar overrides need a district-level administrator; set subdistrictId', {
          field: 'subdistrictId',
        });
      }
      return;
    }
    if (!(await coversInstance(db, actor))) {
      throw new DomainError(
        'forbidden',
        'A global calendar override applies to every subdistrict of the instance and needs an administrator whose scope covers all of them; set subdistrictId, or scope "my_subdistricts"',
        { field: 'subdistrictId', reason: GLOBAL_NEEDS_INSTANCE_SCOPE },
      );
    }
    return;
  }
  assertOwnsSubdistrict(actor, subdistrictId, 'Subdistrict');
}

/** The subdistricts a "my subdistricts" change writes: those wholly in the actor's scope (refused when none). */
export function mySubdistricts(actor: Actor): string[] {
  assertCan(actor, 'calendar.write');
  const subs = fullSubdistricts(actor);
  if (!subs.length) throw new DomainError('forbidden', 'No whole subdistrict in your scope', { field: 'scope' });
  return subs;
}

/** The retime summaries of several scopes' changes as one. */
export function mergeRetimed(all: RetimeSummary[]): RetimeSummary {
  const cases = all.flatMap((r) => r.cases).sort((a, b) => a.dueBefore.localeCompare(b.dueBefore));
  return {
    examined: all.reduce((n, r) => n + r.examined, 0),
    moved: all.reduce((n, r) => n + r.moved, 0),
    cases: cases.slice(0, 200),
    records: all.reduce((n, r) => n + r.records, 0),
    recordChanges: all.flatMap((r) => r.recordChanges),
    enforcement: all.reduce((n, r) => n + r.enforcement, 0),
    enforcementTasks: all.reduce((n, r) => n + r.enforcementTasks, 0),
    ratingFollowups: all.reduce((n, r) => n + r.ratingFollowups, 0),
  };
}

const scopeLabel = (subdistrictId: string | null) => (subdistrictId ? '本街道' : '全局');
const KIND_ZH = { holiday: '休息日', workday: '工作日' } as const;

/**
 * Creates or replaces the override for (subdistrict or global, date), and re-times the open
 * deadlines the change affects in the same transaction.
 */
export async function putOverride(
  db: Db,
  clock: Clock,
  actor: Actor,
  input: { date: string; kind: CalendarOverrideKind; note?: string; subdistrictId?: string | null },
): Promise<OverrideDto & { retimed: RetimeSummary }> {
  assertCalendarDate(input.date);
  const subdistrictId = input.subdistrictId ?? null;
  const now = clock.now().toISOString();
  return inTransaction(db, async (trx) => {
    await assertMayWrite(trx, actor, subdistrictId);
    const pending = await measureOpenDeadlines(trx, clock, [input.date], subdistrictId);
    let find = trx.selectFrom('calendar_overrides').selectAll().where('date', '=', input.date);
    find = subdistrictId ? find.where('subdistrict_id', '=', subdistrictId) : find.where('subdistrict_id', 'is', null);
    const existing = await find.executeTakeFirst();
    let out: OverrideDto;
    if (existing) {
      await trx
        .updateTable('calendar_overrides')
        .set({ kind: input.kind, note: input.note ?? existing.note, updated_at: now, created_by: actor.userId })
        .where('id', '=', existing.id)
        .execute();
      out = dto({ ...existing, kind: input.kind, note: input.note ?? existing.note, updated_at: now });
    } else {
      const row: CalendarOverrideTable = {
        id: newId(),
        subdistrict_id: subdistrictId,
        date: input.date,
        kind: input.kind,
        note: input.note ?? '',
        created_by: actor.userId,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('calendar_overrides').values(row).execute();
      out = dto(row);
    }
    const retimed = await applyOpenDeadlines(trx, clock, pending, `${scopeLabel(subdistrictId)} ${input.date} 设为${KIND_ZH[input.kind]}`);
    // Bookings on a day that no longer offers their session are cancelled by the office.
    await cancelUnservedBookings(trx, clock.now(), { subdistrictId: subdistrictId ?? undefined, days: [input.date] }, 'holiday');
    return { ...out, retimed };
  });
}

export async function deleteOverride(db: Db, clock: Clock, actor: Actor, id: string): Promise<{ retimed: RetimeSummary }> {
  assertCan(actor, 'calendar.write');
  return inTransaction(db, async (trx) => {
    const row = await trx.selectFrom('calendar_overrides').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Calendar override', id);
    if (row.subdistrict_id !== null && !touchedSubdistricts(actor).includes(row.subdistrict_id)) throw notFound('Calendar override', id);
    await assertMayWrite(trx, actor, row.subdistrict_id);
    const pending = await measureOpenDeadlines(trx, clock, [row.date], row.subdistrict_id);
    await trx.deleteFrom('calendar_overrides').where('id', '=', id).execute();
    const retimed = await applyOpenDeadlines(trx, clock, pending, `${scopeLabel(row.subdistrict_id)} ${row.date} 恢复法定安排`);
    // A make-up workday taken back leaves its bookings without a session: cancelled by the office.
    await cancelUnservedBookings(trx, clock.now(), { subdistrictId: row.subdistrict_id ?? undefined, days: [row.date] }, 'holiday');
    return { retimed };
  });
}

export interface YearImport {
  year: number;
  subdistrictId: string | null;
  /** days the schedule lists */
  listed: number;
  holidays: number;
  workdays: number;
  /** override rows written for the year (listed days and corrections of the bundled calendar) */
  written: number;
  /** override rows of the same scope and year that the import replaced */
  replaced: number;
  retimed: RetimeSummary;
  /** bookings from today on that the change leaves without their session, cancelled by the office (a preview: would be) */
  cancelledBookings: number;
  applied: boolean;
}

class PreviewOnly extends Error {
  constructor(readonly result: YearImport) {
    super('preview');
  }
}

/**
 * Imports a whole year's official schedule for one scope (global, or one subdistrict): the year's
 * override rows of that scope are replaced by the schedule, and every open deadline it affects is
 * re-timed, and the bookings left without their session are cancelled by the office, in one
 * transaction. `preview` runs exactly the same change and rolls it back, so what it shows (the
 * deadlines moved, the bookings cancelled) is what applying does.
 */
export async function importYearSchedule(
  db: Db,
  clock: Clock,
  actor: Actor,
  input: { year: number; schedule: string; subdistrictId?: string | null; preview?: boolean; authority?: 'scope' | 'operator' },
): Promise<YearImport> {
  const subdistrictId = input.subdistrictId ?? null;
  await assertMayWrite(db, actor, subdistrictId, input.authority);
  const listed = parseYearSchedule(input.year, input.schedule);
  const rows = overridesForYear(input.year, listed);
  const to = `${input.year}-12-31`;
  const work = async (trx: Db): Promise<YearImport> => {
    // The year's own rows, and those of the days it lists before January (a New Year holiday that
    // starts in December); the rest of December stays the year before's.
    const early = listed.filter((d) => d.date < `${input.year}-01-01`).map((d) => d.date);
    let existingQ = trx.selectFrom('calendar_overrides').select(['id', 'date'])
      .where((eb) => eb.or([eb.and([eb('date', '>=', `${input.year}-01-01`), eb('date', '<=', to)]), ...(early.length ? [eb('date', 'in', early)] : [])]));
    existingQ = subdistrictId ? existingQ.where('subdistrict_id', '=', subdistrictId) : existingQ.where('subdistrict_id', 'is', null);
    const existing = await existingQ.execute();
    const changed = [...new Set([...existing.map((r) => r.date), ...rows.map((r) => r.date)])];
    const pending = await measureOpenDeadlines(trx, clock, changed, subdistrictId);
    if (existing.length) await trx.deleteFrom('calendar_overrides').where('id', 'in', existing.map((r) => r.id)).execute();
    const now = clock.now().toISOString();
    for (let i = 0; i < rows.length; i += 200) {
      await trx
        .insertInto('calendar_overrides')
        .values(rows.slice(i, i + 200).map((r) => ({ id: newId(), subdistrict_id: subdistrictId, date: r.date, kind: r.kind, note: r.note, created_by: actor.userId, created_at: now, updated_at: now })))
        .execute();
    }
    const retimed = await applyOpenDeadlines(trx, clock, pending, `导入${input.year}年节假日安排`);
    const cancelledBookings = await cancelUnservedBookings(trx, clock.now(), { subdistrictId: subdistrictId ?? undefined, days: changed }, 'holiday');
    return {
      year: input.year, subdistrictId, listed: listed.length,
      holidays: listed.filter((d) => d.kind === 'holiday').length, workdays: listed.filter((d) => d.kind === 'workday').length,
      written: rows.length, replaced: existing.length, retimed, cancelledBookings, applied: !input.preview,
    };
  };
  if (!input.preview) return inTransaction(db, work);
  if (db.isTransaction) throw new Error('a preview needs its own transaction');
  try {
    await db.transaction().execute(async (trx) => {
      throw new PreviewOnly(await work(trx));
    });
  } catch (e) {
    if (e instanceof PreviewOnly) return e.result;
    throw e;
  }
  throw new Error('unreachable');
}

/** The override rows of one scope for a year, for the audit log's before/after. */
export async function yearOverrides(db: Db, year: number, subdistrictId: string | null) {
  let q = db.selectFrom('calendar_overrides').select(['date', 'kind', 'note']).where('date', '>=', `${year - 1}-12-25`).where('date', '<=', `${year}-12-31`);
  q = subdistrictId ? q.where('subdistrict_id', '=', subdistrictId) : q.where('subdistrict_id', 'is', null);
  return q.orderBy('date').execute();
}

import type { Db } from '../../db/index.js';
import { z } from 'zod';
import { CALENDAR_OVERRIDE_KINDS } from '../../db/schema.js';
import { computeDueAt } from '../../domain/calendar/deadlines.js';
import { OFFICE_PERIODS } from '../../domain/calendar/office-hours.js';
import type { RetimeSummary } from '../../domain/calendar/retime.js';
import {
  coversInstance, deleteOverride, importYearSchedule, listOverrides, mergeRetimed, mySubdistricts, OVERRIDES_PAGE_DEFAULT, OVERRIDES_PAGE_MAX, putOverride, type YearImport, yearOverrides,
} from '../../domain/calendar/overrides.js';
import { inTransaction } from '../../domain/shared/in-transaction.js';
import type { Actor } from '../../domain/auth/actor.js';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { fullSubdistricts, touchedSubdistricts } from '../../domain/auth/scope.js';
import { invalidField, notFound } from '../../domain/shared/errors.js';
import { snapshotRow } from '../../domain/audit/snapshot.js';
import { audited } from '../audited.js';
import { overrideOn } from '../../domain/audit/snapshot.js';
import { def } from '../route.js';
import { pageQuery } from './paging.js';
import { CalendarDay } from '../../domain/calendar/day-schema.js';

/**
 * A calendar change's audit state after, with the service records whose due time it moved (before,
 * after): records keep no event log of their own, so this entry is their trace.
 */
function withMovedRecords(state: unknown, retimed: RetimeSummary) {
  if (!retimed.recordChanges.length) return state;
  const base = Array.isArray(state) ? { overrides: state } : state && typeof state === 'object' ? state : {};
  return { ...base, serviceRecordsRetimed: retimed.recordChanges };
}

export const list = def({
  schema: {
    tags: ['calendar'],
    summary: 'Working-day calendar overrides that apply to me (global and my subdistricts) by date, in pages (after → nextCursor), and holiday-data coverage',
    querystring: z.strictObject({
      from: CalendarDay.optional(), to: CalendarDay.optional(), subdistrictId: z.string().max(64).optional(), ...pageQuery(OVERRIDES_PAGE_MAX, OVERRIDES_PAGE_DEFAULT),
    }),
  },
  handler: async ({ req, deps, actor }) => ({
    ...(await listOverrides(deps.db, actor, req.query)),
    officeHours: OFFICE_PERIODS,
    // What this person may write: global rows (their scope covers every subdistrict of the instance), and their whole subdistricts.
    writable: { global: await coversInstance(deps.db, actor), subdistricts: fullSubdistricts(actor) },
  }),
});

/** "All my subdistricts": one override per subdistrict wholly in the actor's scope. */
const MyScope = z.enum(['my_subdistricts']);

/** The subdistricts a `scope: 'my_subdistricts'` change writes; refused alongside a subdistrictId. */
function scopeSubdistricts(actor: Actor, body: { scope?: 'my_subdistricts'; subdistrictId?: string | null }): string[] | null {
  if (!body.scope) return null;
  if (body.subdistrictId !== undefined) throw invalidField('scope', 'give either scope or subdistrictId, not both');
  return mySubdistricts(actor);
}

/** Runs `each` for every subdistrict in one transaction, each change audited as its own entry. */
function eachAudited<T>(
  c: { req: FastifyRequest; deps: Deps; actor: Actor },
  subs: string[],
  each: (deps: Deps, sub: string) => Promise<T>,
): Promise<T[]> {
  return inTransaction(c.deps.db, async (trx) => {
    const out: T[] = [];
    for (const sub of subs) out.push(await each({ ...c.deps, db: trx }, sub));
    return out;
  });
}

export const put = def({
  schema: {
    tags: ['calendar'],
    summary:
      'Make a date a workday or a holiday: for one subdistrict (subdistrictId), for each subdistrict of mine (scope: my_subdistricts), or everywhere in the instance (neither; needs a scope covering every subdistrict)',
    body: z.strictObject({
      date: CalendarDay,
      kind: z.enum(CALENDAR_OVERRIDE_KINDS),
      note: z.string().trim().max(200).optional(),
      subdistrictId: z.string().max(64).nullable().optional(),
      scope: MyScope.optional(),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const subs = scopeSubdistricts(actor, req.body);
    if (subs) {
      const { scope: _scope, ...day } = req.body;
      const items = await eachAudited({ req, deps, actor }, subs, (d, sub) =>
        audited(
          { req, deps: d, actor },
          {
            action: 'calendar.put', entity: 'calendar', entityId: day.date, subdistrictId: sub, districtId: null,
            before: (trx) => overrideOn(trx, day.date, sub),
            after: async (trx, r) => withMovedRecords(await overrideOn(trx, day.date, sub), r.retimed),
          },
          (trx: Db) => putOverride(trx, deps.clock, actor, { ...day, subdistrictId: sub }),
        ));
      return { date: day.date, kind: day.kind, scope: 'my_subdistricts' as const, items: items.map(({ retimed: _r, ...o }) => o), retimed: mergeRetimed(items.map((i) => i.retimed)) };
    }
    return audited(
      { req, deps, actor },
      {
        action: 'calendar.put',
        entity: 'calendar',
        entityId: req.body.date,
        subdistrictId: req.body.subdistrictId ?? null,
        // without a subdistrict the override holds for every subdistrict of the instance
        districtId: null,
        before: (trx) => overrideOn(trx, req.body.date, req.body.subdistrictId ?? null),
        after: async (trx, r) => withMovedRecords(await overrideOn(trx, req.body.date, req.body.subdistrictId ?? null), r.retimed),
      },
      (trx: Db) => putOverride(trx, deps.clock, actor, req.body),
    );
  },
});

export const remove = def({
  schema: { tags: ['calendar'], summary: 'Remove an override (the official schedule applies again); answers with the open deadlines it moved', params: z.strictObject({ id: z.string().min(1).max(64) }) },
  handler: async ({ req, deps, actor }) =>
    audited(
      { req, deps, actor },
      {
        action: 'calendar.remove', entity: 'calendar', entityId: req.params.id, districtId: null, before: (trx) => snapshotRow(trx, 'calendar_overrides', 'id', req.params.id),
        after: (_trx, r) => withMovedRecords(undefined, r.retimed),
      },
      (trx: Db) => deleteOverride(trx, deps.clock, actor, req.params.id),
    ),
});

export const due = def({
  schema: {
    tags: ['calendar'],
    summary: 'Preview when a time limit started at `from` runs out',
    querystring: z.strictObject({
      from: z.iso.datetime({ offset: true }),
      hours: z.coerce.number().min(0).max(8784),
      mode: z.enum(['working', 'calendar']).default('working'),
      subdistrictId: z.string().max(64).optional(),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const { from, hours, mode, subdistrictId } = req.query;
    if (subdistrictId && !touchedSubdistricts(actor).includes(subdistrictId)) throw notFound('Subdistrict', subdistrictId);
    const at = await computeDueAt(deps.db, new Date(from), hours, mode, { subdistrictId: subdistrictId ?? actor.subdistrictId });
    return { dueAt: at.toISOString() };
  },
});


const YearParams = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) });
const YearBody = z.strictObject({
  /** the schedule in the text format of docs/calendar.md */
  schedule: z.string().min(1).max(64 * 1024),
  subdistrictId: z.string().max(64).nullable().optional(),
  scope: MyScope.optional(),
});

/** The imports of several subdistricts as one answer. */
function sumImports(year: number, subs: string[], rs: YearImport[]) {
  const n = (k: 'listed' | 'holidays' | 'workdays' | 'written') => rs[0]?.[k] ?? 0;
  return {
    year, subdistrictId: null, scope: 'my_subdistricts' as const, subdistricts: subs,
    listed: n('listed'), holidays: n('holidays'), workdays: n('workdays'),
    written: rs.reduce((a, r) => a + r.written, 0), replaced: rs.reduce((a, r) => a + r.replaced, 0),
    retimed: mergeRetimed(rs.map((r) => r.retimed)), cancelledBookings: rs.reduce((a, r) => a + r.cancelledBookings, 0),
    applied: rs.every((r) => r.applied),
  };
}

export const previewYear = def({
  schema: {
    tags: ['calendar'],
    summary: "Preview importing a year's official holiday schedule: the days it sets, the open deadlines it would move and the bookings it would cancel (nothing is written)",
    params: YearParams,
    body: YearBody,
  },
  handler: async ({ req, deps, actor }) => {
    const subs = scopeSubdistricts(actor, req.body);
    if (subs) {
      // Each subdistrict's rows are its own: previewing them one by one shows what applying them together does.
      const rs: YearImport[] = [];
      for (const sub of subs) rs.push(await importYearSchedule(deps.db, deps.clock, actor, { year: req.params.year, schedule: req.body.schedule, subdistrictId: sub, preview: true }));
      return sumImports(req.params.year, subs, rs);
    }
    return importYearSchedule(deps.db, deps.clock, actor, { year: req.params.year, schedule: req.body.schedule, subdistrictId: req.body.subdistrictId ?? null, preview: true });
  },
});

export const importYear = def({
  schema: {
    tags: ['calendar'],
    summary: "Import a year's official holiday schedule: replaces that year's overrides of the scope and re-times the open deadlines it affects, in one step",
    params: YearParams,
    body: YearBody,
  },
  handler: async ({ req, deps, actor }) => {
    const subs = scopeSubdistricts(actor, req.body);
    if (subs) {
      const year = req.params.year;
      const rs = await eachAudited({ req, deps, actor }, subs, (d, sub) =>
        audited(
          { req, deps: d, actor },
          {
            action: 'calendar.import_year', entity: 'calendar', entityId: String(year), subdistrictId: sub, districtId: null,
            before: (trx) => yearOverrides(trx, year, sub),
            after: async (trx, r) => withMovedRecords(await yearOverrides(trx, year, sub), r.retimed),
          },
          (trx: Db) => importYearSchedule(trx, deps.clock, actor, { year, schedule: req.body.schedule, subdistrictId: sub }),
        ));
      return sumImports(year, subs, rs);
    }
    const subdistrictId = req.body.subdistrictId ?? null;
    return audited(
      { req, deps, actor },
      {
        action: 'calendar.import_year',
        entity: 'calendar',
        entityId: String(req.params.year),
        subdistrictId,
        districtId: null,
        before: (trx) => yearOverrides(trx, req.params.year, subdistrictId),
        after: async (trx, r) => withMovedRecords(await yearOverrides(trx, req.params.year, subdistrictId), r.retimed),
      },
      (trx: Db) => importYearSchedule(trx, deps.clock, actor, { year: req.params.year, schedule: req.body.schedule, subdistrictId }),
    );
  },
});

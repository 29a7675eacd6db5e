import type { Db } from '../../db/index.js';
import { z } from 'zod';
import { CALENDAR_OVERRIDE_KINDS } from '../../db/schema.js';
import { computeDueAt } from '../../domain/calendar/deadlines.js';
import { OFFICE_PERIODS } from '../../domain/calendar/office-hours.js';
import type { RetimeSummary } from '../../domain/calendar/retime.js';
import { deleteOverride, importYearSchedule, listOverrides, OVERRIDES_PAGE_DEFAULT, OVERRIDES_PAGE_MAX, putOverride, yearOverrides } from '../../domain/calendar/overrides.js';
import { touchedSubdistricts } from '../../domain/auth/scope.js';
import { notFound } from '../../domain/shared/errors.js';
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
  handler: async ({ req, deps, actor }) => ({ ...(await listOverrides(deps.db, actor, req.query)), officeHours: OFFICE_PERIODS }),
});

export const put = def({
  schema: {
    tags: ['calendar'],
    summary: 'Make a date a workday or a holiday (subdistrictId omitted = everywhere; district administrators only)',
    body: z.strictObject({
      date: CalendarDay,
      kind: z.enum(CALENDAR_OVERRIDE_KINDS),
      note: z.string().trim().max(200).optional(),
      subdistrictId: z.string().max(64).nullable().optional(),
    }),
  },
  handler: async ({ req, deps, actor }) =>
    audited(
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
    ),
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
});

export const previewYear = def({
  schema: {
    tags: ['calendar'],
    summary: "Preview importing a year's official holiday schedule: the days it sets, the open deadlines it would move and the bookings it would cancel (nothing is written)",
    params: YearParams,
    body: YearBody,
  },
  handler: async ({ req, deps, actor }) =>
    importYearSchedule(deps.db, deps.clock, actor, { year: req.params.year, schedule: req.body.schedule, subdistrictId: req.body.subdistrictId ?? null, preview: true }),
});

export const importYear = def({
  schema: {
    tags: ['calendar'],
    summary: "Import a year's official holiday schedule: replaces that year's overrides of the scope and re-times the open deadlines it affects, in one step",
    params: YearParams,
    body: YearBody,
  },
  handler: async ({ req, deps, actor }) => {
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

import type { Db } from '../../db/index.js';
import type { CalendarOverrideKind } from '../../db/schema.js';
import { SYSTEM_AUDIT_ACTOR, recordAudit } from '../audit/record-audit.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { inTransaction } from '../shared/in-transaction.js';
import { cancelUnservedBookings } from '../service-queue/office-cancel.js';
import { addDays, shanghaiDate } from './office-hours.js';
import { type RetimeSummary, applyOpenDeadlines, measureOpenDeadlines } from './retime.js';
import { isWeekend, packageIsWorkday } from './working-days.js';

/**
 * The bundled calendar package (chinese-days) carries the State Council's arrangements, and a new
 * release of closeloop may bring a newer one: next year's holidays once the notice is out, or a
 * correction. Its days are law-like data like the overrides (DOMAIN.md §4), so a changed day must
 * re-time the deadlines running over it exactly as entering that day by hand would, with an event
 * on each moved case — not move them silently because the code underneath changed.
 *
 * Every start (under the start-up lock, so one instance does it) compares the package's
 * arrangement of the years around today with the one recorded when deadlines were last computed
 * (`calendar_package_years`). For the days that differ it measures the open deadlines on the
 * recorded arrangement — written for the moment as global overrides in the transaction, which
 * never commits them — and re-times them on the package's, then records the new arrangement. A day
 * a global override already decides is not a change (the override wins either way). A year seen
 * for the first time is only recorded: nothing was computed on an arrangement closeloop knew.
 */

/** The years compared: the one before today's (deadlines started in it may still run) to two ahead. */
export const PACKAGE_YEARS = (today: string) => {
  const y = Number(today.slice(0, 4));
  return [y - 1, y, y + 1, y + 2];
};

/** The days of a year the package makes differ from plain Monday–Friday, as 'YYYY-MM-DD:kind'. */
export function packageArrangement(year: number): string[] {
  const out: string[] = [];
  for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addDays(d, 1)) {
    const working = packageIsWorkday(d);
    if (working === isWeekend(d)) out.push(`${d}:${working ? 'workday' : 'holiday'}`);
  }
  return out;
}

/** Whether a day is a working day under a recorded arrangement. */
function workingUnder(arrangement: ReadonlySet<string>, date: string): boolean {
  if (arrangement.has(`${date}:workday`)) return true;
  if (arrangement.has(`${date}:holiday`)) return false;
  return !isWeekend(date);
}

export interface PackageSync {
  /** Years recorded for the first time */
  recorded: number[];
  /** Days whose working-day status the new package changed (and no global override decides) */
  changed: { date: string; kind: CalendarOverrideKind }[];
  retimed: RetimeSummary | null;
  cancelledBookings: number;
}

/**
 * Brings the recorded arrangement up to the package's, re-timing what runs over a changed day.
 * `years` defaults to PACKAGE_YEARS of today.
 */
export async function syncPackageCalendar(db: Db, clock: Clock, opts: { years?: number[] } = {}): Promise<PackageSync> {
  const now = clock.now();
  const years = opts.years ?? PACKAGE_YEARS(shanghaiDate(now));
  return inTransaction(db, async (trx) => {
    const rows = await trx.selectFrom('calendar_package_years').select(['year', 'days']).where('year', 'in', years).execute();
    const stored = new Map(rows.map((r) => [Number(r.year), new Set(JSON.parse(r.days) as string[])]));
    const at = now.toISOString();
    const out: PackageSync = { recorded: [], changed: [], retimed: null, cancelledBookings: 0 };
    const write: { year: number; days: string[]; first: boolean }[] = [];
    let differing: { date: string; old: CalendarOverrideKind; kind: CalendarOverrideKind }[] = [];
    for (const year of years) {
      const current = packageArrangement(year);
      const before = stored.get(year);
      if (!before) {
        write.push({ year, days: current, first: true });
        out.recorded.push(year);
        continue;
      }
      if (current.length === before.size && current.every((d) => before.has(d))) continue;
      write.push({ year, days: current, first: false });
      for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addDays(d, 1)) {
        const was = workingUnder(before, d);
        const is = packageIsWorkday(d);
        if (was !== is) differing.push({ date: d, old: was ? 'workday' : 'holiday', kind: is ? 'workday' : 'holiday' });
      }
    }
    if (differing.length) {
      const decided = new Set(
        (await trx.selectFrom('calendar_overrides').select('date').where('subdistrict_id', 'is', null).where('date', 'in', differing.map((d) => d.date)).execute()).map((r) => r.date),
      );
      differing = differing.filter((d) => !decided.has(d.date));
    }
    if (differing.length) {
      const dates = differing.map((d) => d.date);
      // The recorded arrangement, for measuring only: these rows are deleted before the commit.
      const stand = differing.map((d) => ({
        id: newId(), subdistrict_id: null, date: d.date, kind: d.old, note: 'calendar package sync (measuring)', created_by: null, created_at: at, updated_at: at,
      }));
      for (let i = 0; i < stand.length; i += 200) await trx.insertInto('calendar_overrides').values(stand.slice(i, i + 200)).execute();
      const pending = await measureOpenDeadlines(trx, clock, dates, null);
      for (let i = 0; i < stand.length; i += 200) await trx.deleteFrom('calendar_overrides').where('id', 'in', stand.slice(i, i + 200).map((r) => r.id)).execute();
      const changedYears = [...new Set(write.filter((w) => !w.first).map((w) => w.year))].join('、');
      out.retimed = await applyOpenDeadlines(trx, clock, pending, `日历数据包更新${changedYears}年节假日安排`);
      const off = differing.filter((d) => d.kind === 'holiday').map((d) => d.date);
      out.cancelledBookings = off.length ? await cancelUnservedBookings(trx, now, { days: off }, 'holiday') : 0;
      out.changed = differing.map(({ date, kind }) => ({ date, kind }));
    }
    for (const w of write) {
      const days = JSON.stringify(w.days);
      if (w.first) await trx.insertInto('calendar_package_years').values({ year: w.year, days, recorded_at: at }).execute();
      else await trx.updateTable('calendar_package_years').set({ days, recorded_at: at }).where('year', '=', w.year).execute();
    }
    if (out.changed.length) {
      await recordAudit(trx, clock, {
        actor: SYSTEM_AUDIT_ACTOR, action: 'calendar.package_update', entity: 'calendar', subdistrictId: null, districtId: null,
        after: { changed: out.changed, moved: out.retimed?.moved ?? 0, records: out.retimed?.records ?? 0, enforcement: out.retimed?.enforcement ?? 0, cancelledBookings: out.cancelledBookings },
      });
    }
    return out;
  });
}

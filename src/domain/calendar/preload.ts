import { PostgresAdapter, sql } from 'kysely';
import { jsonArrayFrom as pgJsonArrayFrom } from 'kysely/helpers/postgres';
import { jsonArrayFrom as sqliteJsonArrayFrom } from 'kysely/helpers/sqlite';
import type { Db } from '../../db/index.js';
import type { CalendarOverrideKind } from '../../db/schema.js';
import type { PreloadedOverrides } from './deadlines.js';
import { overrideMap } from './working-days.js';

/**
 * The calendar overrides of a row's subdistrict (and the global ones) for the dates [from, to], as
 * a JSON array column of the row's own statement, so a report or a transition reads its calendar
 * in the same round trip as the case or site. Read it back with preloadedOverrides.
 */
export function overridesColumn(db: Db, subdistrictColumn: string, from: string, to: string) {
  const jsonArrayFrom = db.getExecutor().adapter instanceof PostgresAdapter ? pgJsonArrayFrom : sqliteJsonArrayFrom;
  return jsonArrayFrom(
    db
      .selectFrom('calendar_overrides as o')
      .select(['o.date', 'o.kind', 'o.subdistrict_id'])
      .where('o.date', '>=', from)
      .where('o.date', '<=', to)
      .where((w) => w.or([w('o.subdistrict_id', 'is', null), w('o.subdistrict_id', '=', sql.ref<string>(subdistrictColumn))])),
  );
}

/** The overrides column read back (SQLite hands the JSON back as text, PostgreSQL parsed). */
export function preloadedOverrides(raw: unknown, window: { from: string; to: string }): PreloadedOverrides {
  const rows = (typeof raw === 'string' ? JSON.parse(raw) : (raw ?? [])) as { date: string; kind: CalendarOverrideKind; subdistrict_id: string | null }[];
  return { ...window, overrides: overrideMap(rows) };
}

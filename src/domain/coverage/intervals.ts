import type { Db } from '../../db/index.js';
import type { Grade, SiteKind } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertSeesSubdistrict } from '../auth/scope.js';

/**
 * Days allowed between inspections, by site kind and compliance grade. Bin rooms are covered by
 * daily check-ins in each disposal window; their inspections follow this table too.
 * A subdistrict overrides any cell through inspection_intervals.
 */
export const DEFAULT_INTERVAL_DAYS: Record<SiteKind, Record<Grade, number>> = {
  shop: { red: 7, yellow: 14, green: 30 },
  institution: { red: 14, yellow: 30, green: 60 },
  bin_room: { red: 7, yellow: 14, green: 30 },
};

export type IntervalTable = Record<SiteKind, Record<Grade, number>>;

export async function intervalsFor(db: Db, subdistrictId: string): Promise<IntervalTable> {
  const t: IntervalTable = JSON.parse(JSON.stringify(DEFAULT_INTERVAL_DAYS));
  const rows = await db.selectFrom('inspection_intervals').select(['site_kind', 'grade', 'days']).where('subdistrict_id', '=', subdistrictId).execute();
  for (const r of rows) t[r.site_kind][r.grade] = r.days;
  return t;
}

/** The interval tables of several subdistricts in one read. */
export async function intervalTables(db: Db, subdistrictIds: string[]): Promise<Map<string, IntervalTable>> {
  const out = new Map<string, IntervalTable>(subdistrictIds.map((id) => [id, JSON.parse(JSON.stringify(DEFAULT_INTERVAL_DAYS)) as IntervalTable]));
  for (let i = 0; i < subdistrictIds.length; i += 500) {
    const rows = await db.selectFrom('inspection_intervals').select(['subdistrict_id', 'site_kind', 'grade', 'days'])
      .where('subdistrict_id', 'in', subdistrictIds.slice(i, i + 500)).execute();
    for (const r of rows) out.get(r.subdistrict_id)![r.site_kind][r.grade] = r.days;
  }
  return out;
}

export async function getIntervals(db: Db, actor: Actor, subdistrictId: string) {
  assertCan(actor, 'coverage.read');
  assertSeesSubdistrict(actor, subdistrictId, 'Subdistrict');
  return intervalsFor(db, subdistrictId);
}

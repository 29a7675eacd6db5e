import type { Db } from '../../db/index.js';
import type { Database } from '../../db/schema.js';

/**
 * A row as it stands, for the before/after of an audit entry (null when absent). Administrative
 * areas without a richer read model of their own audit the stored row itself.
 */
export async function snapshotRow<T extends keyof Database & string>(
  db: Db,
  table: T,
  column: string,
  value: string | null | undefined,
): Promise<Record<string, unknown> | null> {
  if (value === null || value === undefined) return null;
  const row = await (db as any).selectFrom(table).selectAll().where(column, '=', value).executeTakeFirst();
  return (row as Record<string, unknown> | undefined) ?? null;
}

/** All rows matching a value (e.g. a user's scope rows), ordered by id so before/after compare. */
export async function snapshotRows<T extends keyof Database & string>(db: Db, table: T, column: string, value: string) {
  return (await (db as any).selectFrom(table).selectAll().where(column, '=', value).orderBy('id').execute()) as Record<string, unknown>[];
}

/** A legal basis with its current version (what an edit replaces). */
export async function currentLegalBasis(db: Db, id: string) {
  return (
    (await db
      .selectFrom('legal_bases as b')
      .innerJoin('legal_basis_versions as v', (j) => j.onRef('v.legal_basis_id', '=', 'b.id').onRef('v.version', '=', 'b.current_version'))
      .selectAll('v')
      .select(['b.code', 'b.subdistrict_id', 'b.active'])
      .where('b.id', '=', id)
      .executeTakeFirst()) ?? null
  );
}

/** One inspection interval (subdistrict × site kind × grade). */
export async function intervalOf(db: Db, key: { subdistrictId: string; siteKind: string; grade: string }) {
  return (
    (await db
      .selectFrom('inspection_intervals')
      .selectAll()
      .where('subdistrict_id', '=', key.subdistrictId)
      .where('site_kind', '=', key.siteKind as any)
      .where('grade', '=', key.grade as any)
      .executeTakeFirst()) ?? null
  );
}

/** The calendar override of a date (a subdistrict's, or the global one when null). */
export async function overrideOn(db: Db, date: string, subdistrictId: string | null) {
  let q = db.selectFrom('calendar_overrides').selectAll().where('date', '=', date);
  q = subdistrictId ? q.where('subdistrict_id', '=', subdistrictId) : q.where('subdistrict_id', 'is', null);
  return (await q.executeTakeFirst()) ?? null;
}

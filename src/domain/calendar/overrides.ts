import type { Db } from '../../db/index.js';
import type { CalendarOverrideKind, CalendarOverrideTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict, touchedSubdistricts } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { packageCoversYear } from './working-days.js';
import { inTransaction } from '../shared/in-transaction.js';

/**
 * Calendar overrides. Global rows (subdistrict null) correct the national calendar for
 * everyone (e.g. a year the package does not know yet) and need a district-level administrator
 * (no home subdistrict); a subdistrict administrator overrides days for their own subdistrict
 * only (e.g. a local typhoon closure). Everyone may read the rows that apply to them.
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
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
  if (!ok) throw invalidField(field, 'expected a real calendar date YYYY-MM-DD');
  const y = Number(date.slice(0, 4));
  if (y < 2000 || y > 2100) throw invalidField(field, 'year must be between 2000 and 2100');
}

export async function listOverrides(
  db: Db,
  actor: Actor,
  q: { from?: string; to?: string; subdistrictId?: string },
): Promise<{ items: OverrideDto[]; coverage: { year: number; packageHasData: boolean }[] }> {
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
  const rows = await query.orderBy('date').orderBy('subdistrict_id').limit(2000).execute();
  const first = Number((q.from ?? '2026').slice(0, 4));
  const last = Math.max(first, Number((q.to ?? String(first + 1)).slice(0, 4)));
  const coverage = [];
  for (let y = first; y <= Math.min(last, first + 10); y++) coverage.push({ year: y, packageHasData: packageCoversYear(y) });
  return { items: rows.map(dto), coverage };
}

function assertMayWrite(actor: Actor, subdistrictId: string | null) {
  assertCan(actor, 'calendar.write');
  if (subdistrictId === null) {
    if (actor.subdistrictId !== null) {
      throw new DomainError('forbidden', 'Global calendar overrides need a district-level administrator; set subdistrictId', {
        field: 'subdistrictId',
      });
    }
    return;
  }
  assertOwnsSubdistrict(actor, subdistrictId, 'Subdistrict');
}

/** Creates or replaces the override for (subdistrict or global, date). */
export async function putOverride(
  db: Db,
  clock: Clock,
  actor: Actor,
  input: { date: string; kind: CalendarOverrideKind; note?: string; subdistrictId?: string | null },
): Promise<OverrideDto> {
  assertCalendarDate(input.date);
  const subdistrictId = input.subdistrictId ?? null;
  assertMayWrite(actor, subdistrictId);
  const now = clock.now().toISOString();
  return inTransaction(db, async (trx) => {
    let find = trx.selectFrom('calendar_overrides').selectAll().where('date', '=', input.date);
    find = subdistrictId ? find.where('subdistrict_id', '=', subdistrictId) : find.where('subdistrict_id', 'is', null);
    const existing = await find.executeTakeFirst();
    if (existing) {
      await trx
        .updateTable('calendar_overrides')
        .set({ kind: input.kind, note: input.note ?? existing.note, updated_at: now, created_by: actor.userId })
        .where('id', '=', existing.id)
        .execute();
      return dto({ ...existing, kind: input.kind, note: input.note ?? existing.note, updated_at: now });
    }
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
    return dto(row);
  });
}

export async function deleteOverride(db: Db, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'calendar.write');
  const row = await db.selectFrom('calendar_overrides').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Calendar override', id);
  if (row.subdistrict_id !== null && !touchedSubdistricts(actor).includes(row.subdistrict_id)) throw notFound('Calendar override', id);
  assertMayWrite(actor, row.subdistrict_id);
  await db.deleteFrom('calendar_overrides').where('id', '=', id).execute();
}

import type { Db } from '../../db/index.js';
import type { Role } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { subdistrictCondition } from '../auth/scope.js';
import { writeLedger } from '../shared/xlsx.js';
import { listStaff } from './staff.js';
import { LIST_SEPARATOR, ROLE_LABELS, STAFF_COLUMNS, type StaffColumnKey } from './staff-ledger-columns.js';

const PAGE = 2000;

export interface StaffExportFilter {
  role?: Role;
  q?: string;
  committeeId?: string;
}

/**
 * The staff ledger (.xlsx) of the people the actor may see (listStaff applies the scope).
 * Passwords are never exported: the 初始密码 column is left empty for the office to fill.
 */
export async function exportStaff(db: Db, actor: Actor, filter: StaffExportFilter = {}): Promise<{ bytes: Buffer; count: number }> {
  assertCan(actor, 'registry.export');
  assertCan(actor, 'staff.read');
  const staff: Awaited<ReturnType<typeof listStaff>>['items'] = [];
  let after: string | undefined;
  for (;;) {
    const page = await listStaff(db, actor, filter, { after, limit: PAGE });
    staff.push(...page.items);
    if (!page.nextCursor) break;
    after = page.nextCursor;
  }
  const subNames = new Map(
    (await db.selectFrom('subdistricts').select(['id', 'name']).where(subdistrictCondition(actor, 'id')).execute()).map((s) => [s.id, s.name]),
  );
  const unitNames = new Map(
    (await db.selectFrom('handling_units').select(['id', 'name']).where(subdistrictCondition(actor, 'subdistrict_id')).execute()).map((u) => [u.id, u.name]),
  );
  const rows = staff.map((u): Record<StaffColumnKey, string | null> => {
    const subs = [...new Set(u.scopes.map((s) => subNames.get(s.subdistrictId)).filter((n): n is string => !!n))];
    const committees = u.scopes.map((s) => s.committeeName).filter((n): n is string => !!n);
    return {
      username: u.username,
      displayName: u.displayName,
      phone: u.phone,
      certNumber: u.certNumber,
      role: ROLE_LABELS[u.role],
      subdistrict: subs.join(LIST_SEPARATOR) || null,
      committee: committees.join(LIST_SEPARATOR) || null,
      handlingUnit: u.handlingUnitId ? (unitNames.get(u.handlingUnitId) ?? null) : null,
      password: null,
    };
  });
  return { bytes: await writeLedger('人员台账', STAFF_COLUMNS, rows), count: rows.length };
}

import type { Kysely } from 'kysely';

// A ladder opened at a site files its case to the subdistrict's enforcement team as a unit, not to
// the opening officer (since 2026-12-06: any officer of the team re-inspects, and the one who finds
// it rectified records the team's handling, checked by someone else). Ladders opened before kept
// their case assigned to the opening officer by name: another officer's rectified re-inspection
// was refused (the case "is not assigned to you"), a failed check sent it back to the opener
// alone, and the opener could not be disabled while it was open. Their open cases are handed to
// the team as a unit, as the system's dispatch does today; the version moves so a form read
// before reloads. The statuses are the open ones as they are on this date.
const OPEN = ['reported', 'filed', 'dispatched', 'handled', 'on_hold'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.updateTable('cases')
    .set((eb) => ({ assigned_user_id: null, version: eb('version', '+', 1) }))
    .where('status', 'in', OPEN)
    .where('assigned_user_id', 'is not', null)
    .where((eb) => eb.exists(
      eb.selectFrom('enforcement_cases as ec')
        .innerJoin('handling_units as u', 'u.id', 'cases.assigned_unit_id')
        .select('ec.id')
        .whereRef('ec.case_id', '=', 'cases.id')
        .whereRef('ec.opened_by', '=', 'cases.assigned_user_id')
        .where('ec.origin', '=', 'direct')
        .where('u.kind', '=', 'enforcement_team'),
    ))
    .execute();
}

export async function down(): Promise<void> {
  // The officers' names were the old rule's; nothing to restore.
}

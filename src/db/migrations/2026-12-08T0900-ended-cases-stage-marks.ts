import type { Kysely } from 'kysely';

// Cases ended outside the desk's steps (enforcement_close, terminal_recovered, terminal_retired,
// appeal_upheld) kept their stage's marks: an overdue_at left on a closed or cancelled case kept it
// in the desk's 超期 queue for ever. The desk's own endings clear them; these are cleared the same
// way on every case in a final status. Nothing counts a final case's overdue_at: overdue_count and
// the `overdue` events keep the history the KPIs are folded from. The statuses are the final ones
// as they are on this date.
export async function up(db: Kysely<any>): Promise<void> {
  await db.updateTable('cases')
    .set({ overdue_at: null, escalated_key: null, reminded_key: null, remind_at: null })
    .where('status', 'in', ['closed', 'cancelled', 'merged'])
    .where((eb) => eb.or([eb('overdue_at', 'is not', null), eb('escalated_key', 'is not', null), eb('reminded_key', 'is not', null), eb('remind_at', 'is not', null)]))
    .execute();
}

export async function down(): Promise<void> {
  // The marks were stale; nothing to restore.
}

import type { Db } from '../../db/index.js';
import type { Grade, SiteKind } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict } from '../auth/scope.js';
import { rescheduleGrade } from '../compliance/regrade.js';
import type { Clock } from '../shared/clock.js';
import { intervalsFor } from './intervals.js';
import { inTransaction } from '../shared/in-transaction.js';

/** Administrators change one cell of the interval table; affected sites' next due dates move with it. */
export async function setInterval(
  db: Db,
  clock: Clock,
  actor: Actor,
  input: { subdistrictId: string; siteKind: SiteKind; grade: Grade; days: number },
) {
  assertCan(actor, 'grades.write');
  assertOwnsSubdistrict(actor, input.subdistrictId, 'Subdistrict');
  const at = clock.now().toISOString();
  return inTransaction(db, async (trx) => {
    await trx
      .insertInto('inspection_intervals')
      .values({ subdistrict_id: input.subdistrictId, site_kind: input.siteKind, grade: input.grade, days: input.days, updated_at: at })
      .onConflict((oc) => oc.columns(['subdistrict_id', 'site_kind', 'grade']).doUpdateSet({ days: input.days, updated_at: at }))
      .execute();
    const rescheduled = await rescheduleGrade(trx, input.subdistrictId, input.siteKind, input.grade, input.days);
    return { intervals: await intervalsFor(trx, input.subdistrictId), rescheduled };
  });
}

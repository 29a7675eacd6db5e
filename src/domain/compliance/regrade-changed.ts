import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';
import { regradeSite, sitesWithCaseChanges } from './regrade.js';

export const SITE_GRADES_CURSOR = 'site-grades';
const BATCH = 200;
/** Re-reads a little before the cursor: a change committed late with an earlier timestamp is not lost. */
const OVERLAP_MS = 5 * 60_000;

/**
 * Cases change outside inspections (closed, cancelled, reopened); this regrades every site
 * whose cases or enforcement ladders changed since the stored cursor (with a small overlap).
 * Regrading is idempotent, so a replay only recomputes the same grades (a grade change is
 * recorded only when it moves).
 */
export async function regradeSitesWithCaseChanges(db: Db, clock: Clock): Promise<number> {
  const now = clock.now().toISOString();
  const cur = await db.selectFrom('patrol_job_cursors').select('cursor_at').where('name', '=', SITE_GRADES_CURSOR).executeTakeFirst();
  const since = new Date(cur ? new Date(cur.cursor_at).getTime() - OVERLAP_MS : clock.now().getTime() - 24 * 3600_000).toISOString();
  const ids = await sitesWithCaseChanges(db, since, now);
  let changed = 0;
  for (let i = 0; i < ids.length; i += BATCH) {
    await db.transaction().execute(async (trx) => {
      for (const id of ids.slice(i, i + BATCH)) if ((await regradeSite(trx, clock, id)).changed) changed++;
    });
  }
  await db
    .insertInto('patrol_job_cursors')
    .values({ name: SITE_GRADES_CURSOR, cursor_at: now, updated_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ cursor_at: now, updated_at: now }))
    .execute();
  return changed;
}

import type { Db } from '../../db/index.js';
import { shanghaiDate } from '../calendar/office-hours.js';
import { assertUnderLease, type UnderLease } from '../jobs/lease.js';
import { notify } from '../notifications/notify.js';
import type { Clock } from '../shared/clock.js';
import { monthRanking, monthWindow, previousMonth } from './ranking.js';

export const RANKING_NOTICES_CURSOR = 'rating-ranking-notices';

/** The notice's kind; its title starts with the month ('YYYY-MM …') in every language, which the inbox links to. */
export const RANKING_TALK_KIND = 'rating_talk';

/**
 * Once a month is over (job `rating-ranking-notices`), each subdistrict's desk — operators, leaders
 * and administrators — is told who came last in the 好差评 ranking two months running (约谈 due),
 * among its points and its staff, as the ranking page shows them. Once per month: the cursor
 * holds the start of the last month handled, and each notice carries a dedupe key, so a round cut
 * short and run again tells nobody twice. Subdistricts with nobody due get no notice. Returns the
 * number of notices sent.
 */
export async function noticeRankingTalks(db: Db, clock: Clock, opts: { lease?: UnderLease } = {}): Promise<number> {
  const now = clock.now();
  const month = previousMonth(shanghaiDate(now).slice(0, 7));
  const { from } = monthWindow(month);
  const cur = await db.selectFrom('patrol_job_cursors').select('cursor_at').where('name', '=', RANKING_NOTICES_CURSOR).executeTakeFirst();
  if (cur && cur.cursor_at >= from) return 0;
  let sent = 0;
  const subdistricts = await db.selectFrom('subdistricts').select('id').orderBy('id').execute();
  for (const { id } of subdistricts) {
    const viewer = { scope: [{ subdistrictId: id, committeeId: null }] };
    const [points, staff] = await Promise.all([monthRanking(db, viewer, { month, by: 'point' }), monthRanking(db, viewer, { month, by: 'staff' })]);
    const talkPoints = points.entries.filter((e) => e.talk).map((e) => e.name);
    const talkStaff = staff.entries.filter((e) => e.talk).map((e) => e.name);
    if (!talkPoints.length && !talkStaff.length) continue;
    await db.transaction().execute(async (trx) => {
      await assertUnderLease(trx, clock, opts.lease);
      await notify(trx, clock, {
        subdistrictId: id, recipients: { roles: ['operator', 'leader', 'admin'] }, kind: RANKING_TALK_KIND,
        // Stored language-neutrally (notifications/messages.ts), read in each reader's language.
        message: { key: 'rating_talk', params: { month, previousMonth: points.previousMonth, points: talkPoints, staff: talkStaff } },
        dedupeKey: `${RANKING_TALK_KIND}:${month}`,
      });
    });
    sent++;
  }
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    await assertUnderLease(trx, clock, opts.lease);
    if (cur) await trx.updateTable('patrol_job_cursors').set({ cursor_at: from, updated_at: at }).where('name', '=', RANKING_NOTICES_CURSOR).execute();
    else await trx.insertInto('patrol_job_cursors').values({ name: RANKING_NOTICES_CURSOR, cursor_at: from, updated_at: at }).execute();
  });
  return sent;
}

import type { Db } from '../../db/index.js';
import { assertUnderLease, type UnderLease } from '../jobs/lease.js';
import { notify, resolveRecipients } from '../notifications/notify.js';
import type { Clock } from '../shared/clock.js';

export const NEW_REPORTS_CURSOR = 'new-reports';
/** A report committed this long after its reported_at is still seen: the window stops short of now by it. */
export const COMMIT_SKEW_MS = 5_000;
/** An operator whose session was seen this recently (and has not expired) is on duty. */
export const ON_DUTY_WITHIN_MS = 12 * 3600_000;
/** Reports named one by one in a message; more are counted. */
const LISTED = 5;

export interface NewReportsOptions {
  /** How far back the very first round looks (later rounds resume from the stored cursor). */
  firstRunLookbackMs?: number;
  lease?: UnderLease;
}

/**
 * The operators on duty in a subdistrict: those signed in within ON_DUTY_WITHIN_MS on a session that
 * has not expired; when none is, every active operator of the subdistrict (a report must reach someone).
 */
export async function operatorsOnDuty(db: Db, clock: Clock, subdistrictId: string): Promise<string[]> {
  const operators = await resolveRecipients(db, subdistrictId, { roles: ['operator'] });
  if (!operators.length) return [];
  const now = clock.now();
  const signedIn = await db
    .selectFrom('sessions')
    .select('user_id')
    .distinct()
    .where('user_id', 'in', operators.map((o) => o.id))
    .where('expires_at', '>', now.toISOString())
    .where('last_seen_at', '>', new Date(now.getTime() - ON_DUTY_WITHIN_MS).toISOString())
    .execute();
  return signedIn.length ? signedIn.map((s) => s.user_id) : operators.map((o) => o.id);
}

/**
 * One inbox message per subdistrict for the reports that arrived since the last round and still wait
 * to be filed (待立案): "新上报 3 件待立案" naming them, to the operators on duty. Urgent reports and
 * possible duplicates are announced one by one at once (report-case.ts, open311/intake.ts) and are
 * not repeated here; self-resolved cases never wait.
 *
 * Exactly once: reports are taken in (cursor, now − COMMIT_SKEW_MS]; the messages and the cursor are
 * written in one transaction under the job's lease, and each message's dedupe key names its window.
 * Returns the number of reports announced.
 */
export async function notifyNewReports(db: Db, clock: Clock, opts: NewReportsOptions = {}): Promise<number> {
  const now = clock.now();
  const to = new Date(now.getTime() - COMMIT_SKEW_MS);
  return db.transaction().execute(async (trx) => {
    await assertUnderLease(trx, clock, opts.lease);
    const cur = await trx.selectFrom('patrol_job_cursors').select('cursor_at').where('name', '=', NEW_REPORTS_CURSOR).executeTakeFirst();
    const from = cur ? new Date(cur.cursor_at) : new Date(to.getTime() - (opts.firstRunLookbackMs ?? 3600_000));
    if (to <= from) return 0;

    // Per subdistrict through (subdistrict_id, status): the reports still waiting are few everywhere.
    const reports = await trx
      .selectFrom('subdistricts as s')
      .innerJoin('cases', (j) => j.onRef('cases.subdistrict_id', '=', 's.id').on('cases.status', '=', 'reported'))
      .innerJoin('case_categories as cat', 'cat.id', 'cases.category_id')
      .select(['cases.id', 'cases.subdistrict_id', 'cases.number', 'cases.description', 'cat.name_zh as categoryZh', 'cat.name_en as categoryEn'])
      .where('cases.reported_at', '>', from.toISOString())
      .where('cases.reported_at', '<=', to.toISOString())
      .where('cat.severity', '!=', 'urgent')
      .orderBy('cases.reported_at')
      .execute();
    // Possible duplicates from Open311 were announced at intake under the dedupe key open311:<case id>.
    const announcedAtIntake = new Set<string>();
    for (let i = 0; i < reports.length; i += 200) {
      const chunk = reports.slice(i, i + 200);
      const rows = await trx.selectFrom('notifications').select('dedupe_key')
        .where('subdistrict_id', 'in', [...new Set(chunk.map((r) => r.subdistrict_id))])
        .where('dedupe_key', 'in', chunk.map((r) => `open311:${r.id}`)).execute();
      for (const n of rows) announcedAtIntake.add(n.dedupe_key!.slice('open311:'.length));
    }

    const bySubdistrict = new Map<string, typeof reports>();
    for (const r of reports) {
      if (announcedAtIntake.has(r.id)) continue;
      const list = bySubdistrict.get(r.subdistrict_id) ?? [];
      list.push(r);
      bySubdistrict.set(r.subdistrict_id, list);
    }
    let announced = 0;
    for (const [subdistrictId, list] of bySubdistrict) {
      const userIds = await operatorsOnDuty(trx, clock, subdistrictId);
      if (!userIds.length) continue;
      // Stored language-neutrally (notifications/messages.ts), read in each reader's language.
      const reports = list.slice(0, LISTED).map((r) => ({ number: r.number, categoryZh: r.categoryZh, categoryEn: r.categoryEn, description: r.description.slice(0, 40) }));
      await notify(trx, clock, {
        subdistrictId,
        recipients: { userIds },
        kind: 'cases_reported',
        message: { key: 'cases_reported', params: { count: list.length, number: list.length === 1 ? list[0]!.number : null, reports } },
        caseId: list.length === 1 ? list[0]!.id : null,
        dedupeKey: `new-reports:${to.toISOString()}`,
      });
      announced += list.length;
    }

    const at = now.toISOString();
    if (cur) await trx.updateTable('patrol_job_cursors').set({ cursor_at: to.toISOString(), updated_at: at }).where('name', '=', NEW_REPORTS_CURSOR).execute();
    else await trx.insertInto('patrol_job_cursors').values({ name: NEW_REPORTS_CURSOR, cursor_at: to.toISOString(), updated_at: at }).execute();
    return announced;
  });
}

import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { PERMISSIONS } from '../auth/permissions.js';
import { notify } from '../notifications/notify.js';
import type { Clock } from '../shared/clock.js';
import { decisionServiceDue, serviceOverdueCondition } from './service-limit.js';

const BATCH = 100;
const DAY_MS = 24 * 3600_000;

/** The notice of a penalty decision whose service limit (行政处罚法 art. 61) has passed unserved. */
export const SERVICE_OVERDUE_KIND = 'enforcement_service_overdue';
/** The reminder on the last day of that limit (the decision still unserved). */
export const SERVICE_DUE_SOON_KIND = 'enforcement_service_due_soon';
/**
 * One notice of each kind per decision, ever: the key is the decision step's (a corrected
 * revision is the same document), so a round run again, a second instance, or a calendar change
 * that moves the limit back and forth inserts nothing more (notify's dedupe key).
 */
export const serviceNoticeDedupeKey = (kind: typeof SERVICE_OVERDUE_KIND | typeof SERVICE_DUE_SOON_KIND, stepId: string) => `${kind}:${stepId}`;

/** Whether the notice of `kind` about the unserved decision step `u` of ladder `e` was already written (notifications is the durable record). */
function noticeSent(kind: string): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from notifications as sn where sn.subdistrict_id = e.subdistrict_id and sn.dedupe_key = ${`${kind}:`} || u.id)`;
}

/**
 * Tells the enforcement team of penalty decisions the party was absent for and that are not yet
 * served: once on the last day of the seven-day service limit (a reminder), and once when the
 * limit has passed (overdue). The team is whoever may record a service (permission
 * enforcement.serve) in the subdistrict — those scoped to one committee only for their
 * committee's cases — and the two officers who signed the decision. The limit is read off the
 * subdistrict's calendar as it is now (service-limit.ts), so a holiday entered later moves the
 * notices with it; a notice already sent is never sent again. A recorded service clears the
 * ladder's unserved step, and with it every notice still to come.
 */
export async function noticeUnservedDecisions(db: Db, clock: Clock): Promise<number> {
  const now = clock.now();
  const holding = await db
    .selectFrom('enforcement_cases as e')
    .innerJoin('enforcement_steps as u', 'u.id', 'e.unserved_step_id')
    .select('e.subdistrict_id')
    .distinct()
    .where('e.stage', '=', 'decided')
    .where('u.kind', '=', 'decision')
    .execute();
  if (!holding.length) return 0;
  const subdistricts = holding.map((h) => h.subdistrict_id);
  const overdueNow = await serviceOverdueCondition(db, subdistricts, now);
  // Overdue by the end of today: its last day is today (or already past). Shanghai keeps no
  // daylight saving, so 24 hours on is tomorrow there.
  const lastDayToday = await serviceOverdueCondition(db, subdistricts, new Date(now.getTime() + DAY_MS));
  const pending = (condition: Expression<SqlBool>) =>
    db
      .selectFrom('enforcement_cases as e')
      .innerJoin('enforcement_steps as u', 'u.id', 'e.unserved_step_id')
      .select(['e.id', 'u.id as step_id'])
      .where(condition)
      .where(sql<SqlBool>`not ${noticeSent(SERVICE_OVERDUE_KIND)}`)
      .orderBy('u.at')
      .orderBy('e.id')
      .limit(BATCH);
  const overdue = await pending(overdueNow).execute();
  // A decision already past its limit gets the overdue notice only: a reminder then would come too late.
  const dueToday = await pending(sql<SqlBool>`(${lastDayToday} and not ${overdueNow} and not ${noticeSent(SERVICE_DUE_SOON_KIND)})`).execute();
  let n = 0;
  for (const [kind, rows] of [[SERVICE_OVERDUE_KIND, overdue], [SERVICE_DUE_SOON_KIND, dueToday]] as const) {
    for (const r of rows) if (await sendServiceNotice(db, clock, kind, r.id, r.step_id)) n++;
  }
  return n;
}

/** One notice about one unserved decision, if the ladder still waits on its service; whether it was written. */
async function sendServiceNotice(db: Db, clock: Clock, kind: typeof SERVICE_OVERDUE_KIND | typeof SERVICE_DUE_SOON_KIND, ecId: string, stepId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // Read again inside the round's transaction: a service recorded since the query ends the notices.
    const ec = await trx.selectFrom('enforcement_cases').selectAll().where('id', '=', ecId).where('stage', '=', 'decided').where('unserved_step_id', '=', stepId).executeTakeFirst();
    if (!ec) return false;
    const step = await trx.selectFrom('enforcement_steps').select(['id', 'at', 'actor_user_id', 'co_officer_id']).where('id', '=', stepId).executeTakeFirstOrThrow();
    const doc = await trx.selectFrom('enforcement_documents').select('number').where('step_id', '=', stepId).orderBy('revision', 'desc').executeTakeFirst();
    const linked = await trx.selectFrom('cases').select(['id', 'number', 'committee_id']).where('id', '=', ec.case_id).executeTakeFirstOrThrow();
    const party = await trx.selectFrom('responsible_parties').select('name').where('id', '=', ec.party_id).executeTakeFirstOrThrow();
    const dueAt = (await decisionServiceDue(trx, ec.subdistrict_id, step.at)).toISOString();
    const officers = [step.actor_user_id, step.co_officer_id].filter((x): x is string => !!x);
    return notify(trx, clock, {
      subdistrictId: ec.subdistrict_id,
      // The case's committee: an officer scoped to one committee hears only of its cases.
      recipients: { userIds: officers, roles: [...PERMISSIONS['enforcement.serve']], committeeId: linked.committee_id },
      kind,
      caseId: linked.id,
      message: { key: kind, params: { number: linked.number, document: doc?.number ?? null, party: party.name, issuedAt: new Date(step.at).toISOString(), dueAt } },
      dedupeKey: serviceNoticeDedupeKey(kind, stepId),
    });
  });
}

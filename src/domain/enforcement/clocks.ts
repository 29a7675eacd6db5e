import type { Db } from '../../db/index.js';
import { computeDueAt } from '../calendar/deadlines.js';
import { appendCaseEvent, SYSTEM_ACTOR } from '../cases/events.js';
import { notify } from '../notifications/notify.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { zhDateTime } from './document-content.js';
import { noticeUnservedDecisions } from './service-notices.js';
import { loadSettings } from './settings.js';

const BATCH = 100;

/**
 * At a rectification deadline, dispatches (派单) a re-inspection task to the subdistrict's
 * enforcement team and notifies its officers. `reinspect_at` is the durable clock: it is cleared
 * by a compare-and-set in the same transaction that creates the task, so a restart loses
 * nothing and two pollers never dispatch twice (the task is also unique per case and stage; a
 * rung reopened after a failed 核查 dispatches its done task again).
 */
export async function dispatchDueReinspections(db: Db, clock: Clock): Promise<number> {
  const now = clock.now();
  const due = await db
    .selectFrom('enforcement_cases')
    .select(['id', 'reinspect_at'])
    .where('reinspect_at', 'is not', null)
    .where('reinspect_at', '<=', now.toISOString())
    .where('stage', 'in', ['ordered', 'noticed'])
    .orderBy('reinspect_at')
    .limit(BATCH)
    .execute();
  let n = 0;
  for (const d of due) {
    const done = await db.transaction().execute(async (trx) => {
      const claim = await trx
        .updateTable('enforcement_cases')
        .set({ reinspect_at: null })
        .where('id', '=', d.id)
        .where('reinspect_at', '=', d.reinspect_at)
        .executeTakeFirst();
      if (Number(claim.numUpdatedRows) !== 1) return false;
      const ec = await trx.selectFrom('enforcement_cases').selectAll().where('id', '=', d.id).executeTakeFirstOrThrow();
      const { settings } = await loadSettings(trx, ec.subdistrict_id);
      const clockAt = new Date(d.reinspect_at as string);
      const deadline = new Date(ec.deadline_at ?? clockAt);
      // The clock runs from the deadline; a ladder a failed 核查 reopened after it (after-check.ts)
      // runs it from the reopening, so its task is not overdue before it is dispatched.
      const from = clockAt.getTime() > deadline.getTime() ? clockAt : deadline;
      const taskDue = await computeDueAt(trx, from, settings.reinspectionHours, 'working', { subdistrictId: ec.subdistrict_id });
      const team = await trx
        .selectFrom('handling_units')
        .select('id')
        .where('subdistrict_id', '=', ec.subdistrict_id)
        .where('kind', '=', 'enforcement_team')
        .where('status', '=', 'active')
        .orderBy('id')
        .executeTakeFirst();
      const at = now.toISOString();
      const earlier = await trx.selectFrom('enforcement_tasks').select('status').where('enforcement_case_id', '=', ec.id).where('stage', '=', ec.stage).executeTakeFirst();
      const inserted = await trx
        .insertInto('enforcement_tasks')
        .values({
          id: newId(), enforcement_case_id: ec.id, subdistrict_id: ec.subdistrict_id, stage: ec.stage, deadline_at: deadline.toISOString(),
          due_at: taskDue.toISOString(), assigned_unit_id: team?.id ?? null, status: 'open', dispatched_at: at, done_at: null, done_step_id: null,
        })
        // Once per rung: a second poller finds it open and does nothing. A rung a failed 核查
        // reopened had its task done by the re-inspection that closed it: that task is dispatched again.
        .onConflict((oc) => oc.columns(['enforcement_case_id', 'stage']).doUpdateSet({
          deadline_at: deadline.toISOString(), due_at: taskDue.toISOString(), assigned_unit_id: team?.id ?? null, status: 'open',
          dispatched_at: at, done_at: null, done_step_id: null,
        }).where('enforcement_tasks.status', '=', 'done'))
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 1) === 0) return false;
      const linked = await trx.selectFrom('cases').select(['id', 'status', 'number', 'committee_id']).where('id', '=', ec.case_id).executeTakeFirstOrThrow();
      const event = await appendCaseEvent(trx, clock, {
        subdistrictId: ec.subdistrict_id, caseId: linked.id, action: 'enforcement_dispatch', fromStatus: linked.status, toStatus: linked.status,
        actor: SYSTEM_ACTOR, note: `${earlier ? '核查不通过，再次' : '整改期限已到，'}派发复查任务（${zhDateTime(taskDue.toISOString())}前完成）`,
        changes: { reinspectionDueAt: [null, taskDue.toISOString()], assignedUnitId: [null, team?.id ?? null] },
      });
      await trx.insertInto('enforcement_steps').values({
        id: newId(), enforcement_case_id: ec.id, subdistrict_id: ec.subdistrict_id, kind: 'dispatch', from_stage: ec.stage, to_stage: ec.stage,
        result: null, actor_user_id: null, co_officer_id: null, at, lng: null, lat: null, accuracy_m: null, place: null,
        note: 'reinspection dispatched', education_given: null, acknowledgement: null, deadline_at: taskDue.toISOString(), fine_amount: null,
        photo_ids: '[]', document_id: null, event_id: event.id, details: '{}',
      }).execute();
      const site = ec.site_id ? await trx.selectFrom('sites').select('name').where('id', '=', ec.site_id).executeTakeFirst() : undefined;
      // The case's committee: officers scoped to one committee hear only of its cases.
      await notify(trx, clock, {
        subdistrictId: ec.subdistrict_id, recipients: { roles: ['enforcement'], committeeId: linked.committee_id }, kind: 'enforcement_reinspection', caseId: linked.id,
        message: {
          key: 'enforcement_reinspection',
          params: { place: site?.name ?? null, number: linked.number, deadlineAt: deadline.toISOString(), dueAt: taskDue.toISOString() },
        },
        dedupeKey: `enforcement-reinspect:${ec.id}:${ec.stage}${earlier ? `:${at}` : ''}`,
      });
      return true;
    });
    if (done) n++;
  }
  return n;
}

/** Flags penalty decisions whose payment due date has passed (once each), and tells the desk. */
export async function flagOverdueFines(db: Db, clock: Clock): Promise<number> {
  const now = clock.now();
  const at = now.toISOString();
  const due = await db
    .selectFrom('enforcement_cases')
    .select('id')
    .where('stage', '=', 'decided')
    .where('overdue_at', 'is', null)
    .where('payment_due_at', '<=', at)
    .limit(BATCH)
    .execute();
  let n = 0;
  for (const d of due) {
    const done = await db.transaction().execute(async (trx) => {
      const claim = await trx.updateTable('enforcement_cases').set({ overdue_at: at }).where('id', '=', d.id).where('overdue_at', 'is', null).where('stage', '=', 'decided').executeTakeFirst();
      if (Number(claim.numUpdatedRows) !== 1) return false;
      const ec = await trx.selectFrom('enforcement_cases').selectAll().where('id', '=', d.id).executeTakeFirstOrThrow();
      const linked = await trx.selectFrom('cases').select(['id', 'status', 'number', 'committee_id']).where('id', '=', ec.case_id).executeTakeFirstOrThrow();
      const event = await appendCaseEvent(trx, clock, {
        subdistrictId: ec.subdistrict_id, caseId: linked.id, action: 'enforcement_overdue', fromStatus: linked.status, toStatus: linked.status,
        actor: SYSTEM_ACTOR, note: '罚款逾期未缴纳', changes: { overdueAt: [null, at] },
      });
      await trx.insertInto('enforcement_steps').values({
        id: newId(), enforcement_case_id: ec.id, subdistrict_id: ec.subdistrict_id, kind: 'overdue', from_stage: ec.stage, to_stage: ec.stage,
        result: null, actor_user_id: null, co_officer_id: null, at, lng: null, lat: null, accuracy_m: null, place: null, note: 'fine overdue',
        education_given: null, acknowledgement: null, deadline_at: ec.payment_due_at, fine_amount: ec.fine_amount, photo_ids: '[]', document_id: null, event_id: event.id, details: '{}',
      }).execute();
      await notify(trx, clock, {
        subdistrictId: ec.subdistrict_id, recipients: { roles: ['enforcement', 'operator'], committeeId: linked.committee_id }, kind: 'enforcement_fine_overdue', caseId: linked.id,
        message: { key: 'enforcement_fine_overdue', params: { number: linked.number, amount: ec.fine_amount, paymentDueAt: ec.payment_due_at! } },
        dedupeKey: `enforcement-overdue:${ec.id}`,
      });
      return true;
    });
    if (done) n++;
  }
  return n;
}

/** One round of the enforcement job: re-inspections due, fines overdue, penalty decisions to serve (service-notices.ts). */
export async function runEnforcementClocks(db: Db, clock: Clock): Promise<number> {
  return (await dispatchDueReinspections(db, clock)) + (await flagOverdueFines(db, clock)) + (await noticeUnservedDecisions(db, clock));
}

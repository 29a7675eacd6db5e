import type { Db } from '../../db/index.js';
import type { CaseTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { appendCaseEvent, eventActor } from '../cases/events.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { STAGE_LABELS } from './ladder.js';

/**
 * The ladder a failed 核查 reopens: closed by a rectified re-inspection that handed the team's own
 * case to its check (record-step.ts), the case sent back since.
 */
export async function ladderClosedByRectification(db: Db, caseId: string) {
  return db
    .selectFrom('enforcement_cases as ec')
    .innerJoin('enforcement_steps as s', 's.enforcement_case_id', 'ec.id')
    .select(['ec.id', 'ec.subdistrict_id', 'ec.version', 'ec.deadline_at', 's.from_stage', 's.at'])
    .where('ec.case_id', '=', caseId)
    .where('ec.stage', '=', 'closed')
    .where('ec.outcome', '=', 'rectified')
    .where('s.kind', '=', 'reinspection')
    .where('s.result', '=', 'rectified')
    .where('s.to_stage', '=', 'closed')
    .orderBy('s.at', 'desc')
    .executeTakeFirst();
}

export type ClosedLadder = NonNullable<Awaited<ReturnType<typeof ladderClosedByRectification>>>;

/**
 * Keeps the enforcement ladder on a case in step with a failed 核查 (DOMAIN.md §3–4: a failed
 * check sends the case back to the same unit to rectify). Called by transitionCase, in the
 * transaction that writes the check_fail, so every path that fails a check (desk, field app,
 * jobs, domain callers) does it.
 *
 * On the enforcement team's own case a rectified re-inspection is the team's handling and closes
 * the ladder, and the case waits for an independent 核查. When that check fails the rectification
 * was not there: the case goes back to the team (返工) and the ladder is reopened at the rung it
 * was closed from (order or notice issued), with an `enforcement_reopen` event on the case's chain.
 * The rung's clock runs again as when it was issued: `reinspect_at` is set to its rectification
 * deadline, or to now when that has passed (the check found it not rectified), and the deadline
 * job (clocks.ts) dispatches the re-inspection task to the team from it, due on the working-day
 * calendar like any other.
 */
export async function reopenLadderAfterFailedCheck(db: Db, clock: Clock, actor: Actor, c: Pick<CaseTable, 'id' | 'status'>, ladder: ClosedLadder) {
  const now = clock.now();
  const at = now.toISOString();
  const stage = ladder.from_stage as 'ordered' | 'noticed';
  const deadline = ladder.deadline_at ? new Date(ladder.deadline_at) : null;
  const reinspectAt = (deadline && deadline.getTime() > now.getTime() ? deadline : now).toISOString();
  const reopened = await db.updateTable('enforcement_cases')
    .set({ stage, closed_at: null, outcome: null, reinspect_at: reinspectAt, version: Number(ladder.version) + 1, updated_at: at })
    .where('id', '=', ladder.id).where('stage', '=', 'closed').where('version', '=', Number(ladder.version))
    .executeTakeFirst();
  // The ladder was read before the case write; changed since, the check is made again on what is there now.
  if (Number(reopened.numUpdatedRows) !== 1) throw new DomainError('stale_version', 'The enforcement case on this case changed meanwhile; reload it');
  await appendCaseEvent(db, clock, {
    subdistrictId: ladder.subdistrict_id, caseId: c.id, action: 'enforcement_reopen', fromStatus: c.status, toStatus: c.status,
    actor: eventActor(actor), note: `核查不通过，执法程序恢复至「${STAGE_LABELS[stage].zh}」，待复查`,
    changes: { enforcementStage: ['closed', stage], outcome: ['rectified', null], reinspectAt: [null, reinspectAt] },
  });
}

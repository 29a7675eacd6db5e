import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import type { TransitionInput } from '../cases/case-input.js';
import { appendCaseEvent, eventActor } from '../cases/events.js';
import { transitionCase } from '../cases/transition-case.js';
import type { Clock } from '../shared/clock.js';
import { inTransaction } from '../shared/in-transaction.js';
import { STAGE_LABELS } from './ladder.js';

/**
 * The ladder a failed 核查 reopens: closed by a rectified re-inspection that handed the team's own
 * case to its check (record-step.ts), the case sent back since.
 */
async function ladderClosedByRectification(db: Db, caseId: string) {
  return db
    .selectFrom('enforcement_cases as ec')
    .innerJoin('enforcement_steps as s', 's.enforcement_case_id', 'ec.id')
    .select(['ec.id', 'ec.subdistrict_id', 'ec.version', 's.from_stage', 's.at'])
    .where('ec.case_id', '=', caseId)
    .where('ec.stage', '=', 'closed')
    .where('ec.outcome', '=', 'rectified')
    .where('s.kind', '=', 'reinspection')
    .where('s.result', '=', 'rectified')
    .where('s.to_stage', '=', 'closed')
    .orderBy('s.at', 'desc')
    .executeTakeFirst();
}

/**
 * A case transition from the desk or a checker, keeping the enforcement ladder on the case in step
 * with it (DOMAIN.md §3–4: a failed check sends the case back to the same unit to rectify).
 * On the enforcement team's own case a rectified re-inspection is the team's handling and closes
 * the ladder, and the case waits for an independent 核查. When that check fails the rectification
 * was not there: the case goes back to the team (返工) and, in the same transaction, the ladder
 * is reopened at the rung it was closed from (order or notice issued), waiting for the team's
 * next re-inspection (the case sent back to the team, with its notice, is that dispatch), with an
 * `enforcement_reopen` event on the case's chain. Any other transition is the case's own.
 */
export async function transitionKeepingLadder(db: Db, clock: Clock, actor: Actor, caseId: string, input: TransitionInput) {
  if ((input as { action?: unknown }).action !== 'check_fail' || !(await ladderClosedByRectification(db, caseId))) {
    return transitionCase(db, clock, actor, caseId, input);
  }
  return inTransaction(db, async (trx) => {
    const result = await transitionCase(trx, clock, actor, caseId, input);
    const ladder = await ladderClosedByRectification(trx, caseId);
    if (ladder && result.status === 'dispatched') {
      const at = clock.now().toISOString();
      const stage = ladder.from_stage as 'ordered' | 'noticed';
      await trx.updateTable('enforcement_cases')
        .set({ stage, closed_at: null, outcome: null, reinspect_at: null, version: Number(ladder.version) + 1, updated_at: at })
        .where('id', '=', ladder.id).where('stage', '=', 'closed').execute();
      await appendCaseEvent(trx, clock, {
        subdistrictId: ladder.subdistrict_id, caseId, action: 'enforcement_reopen', fromStatus: result.status, toStatus: result.status,
        actor: eventActor(actor), note: `核查不通过，执法程序恢复至「${STAGE_LABELS[stage].zh}」，待复查`,
        changes: { enforcementStage: ['closed', stage], outcome: ['rectified', null] },
      });
    }
    return result;
  });
}

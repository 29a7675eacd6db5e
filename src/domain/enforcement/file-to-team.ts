import type { Db } from '../../db/index.js';
import { appendCaseEvent, SYSTEM_ACTOR } from '../cases/events.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';

/**
 * A case the enforcement ladder itself opened was found by the officers on site: there is nothing
 * for the desk to accept or file. It is filed (立案) and dispatched to the subdistrict's
 * enforcement team at once, by the platform (系统), and waits on no desk deadline: the ladder's
 * own clocks (rectification deadlines, statement periods, payment) govern it until 流转结案.
 * It is the team's, not the opening officer's: any officer of the team re-inspects, and the one
 * who finds it rectified records the team's handling (record-step.ts), checked by someone else.
 */
export async function fileToEnforcementTeam(trx: Db, clock: Clock, caseId: string) {
  const c = await trx.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
  if (c.status !== 'reported') return;
  const team = await trx
    .selectFrom('handling_units')
    .select(['id', 'name'])
    .where('subdistrict_id', '=', c.subdistrict_id)
    .where('kind', '=', 'enforcement_team')
    .where('status', '=', 'active')
    .orderBy('id')
    .executeTakeFirst();
  if (!team) throw new DomainError('conflict', 'The subdistrict has no active enforcement team to take the case', {
    fields: [{ field: 'siteId', reason: 'the subdistrict has no active enforcement team to take the case' }],
  });
  const at = clock.now().toISOString();
  await trx
    .updateTable('cases')
    .set({
      status: 'dispatched', filed_at: at, dispatched_at: at, assigned_unit_id: team.id, assigned_user_id: null, responsible_unit_id: team.id,
      stage_started_at: at, stage_due_at: null, remind_at: null, handle_due_at: null, version: c.version + 2, updated_at: at,
    })
    .where('id', '=', c.id)
    .execute();
  await appendCaseEvent(trx, clock, {
    subdistrictId: c.subdistrict_id, caseId: c.id, action: 'file', fromStatus: 'reported', toStatus: 'filed', actor: SYSTEM_ACTOR,
    note: '执法检查发现，系统直接立案', changes: { status: ['reported', 'filed'], stage_due_at: [c.stage_due_at, null] },
  });
  await appendCaseEvent(trx, clock, {
    subdistrictId: c.subdistrict_id, caseId: c.id, action: 'dispatch', fromStatus: 'filed', toStatus: 'dispatched', actor: SYSTEM_ACTOR,
    note: `交${team.name}按执法程序办理`,
    changes: { status: ['filed', 'dispatched'], assigned_unit_id: [null, team.id], stage_due_at: [null, null] },
  });
}

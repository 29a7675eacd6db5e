import type { Db } from '../../db/index.js';
import type { CaseTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField } from '../shared/errors.js';
import { loadVisibleCase } from './case-scope.js';
import type { TransitionInput } from './case-input.js';
import { appendCaseEvent, eventActor } from './events.js';
import { OPEN_STATUSES } from './lifecycle.js';

/**
 * The target side of merging a duplicate: the target must be another open case of the same
 * subdistrict the actor sees; it records a 'merge_in' event so both histories stay readable
 * (the duplicate keeps its own events and points to the target via merged_into_id).
 */
export async function mergeInto(db: Db, clock: Clock, actor: Actor, dup: CaseTable, targetId: string, input: TransitionInput) {
  if (targetId === dup.id) throw invalidField('targetCaseId', 'a case cannot be merged into itself');
  let target: CaseTable;
  try {
    target = await loadVisibleCase(db, actor, targetId);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'not_found') throw invalidField('targetCaseId', 'unknown case');
    throw e;
  }
  if (target.subdistrict_id !== dup.subdistrict_id) throw invalidField('targetCaseId', 'unknown case');
  if (!OPEN_STATUSES.includes(target.status)) throw invalidField('targetCaseId', `the target case is ${target.status}`);
  const at = clock.now().toISOString();
  await db.updateTable('cases').set({ version: target.version + 1, updated_at: at }).where('id', '=', target.id).execute();
  await appendCaseEvent(db, clock, {
    subdistrictId: target.subdistrict_id, caseId: target.id, action: 'merge_in', fromStatus: target.status, toStatus: target.status,
    actor: eventActor(actor), deviceAt: input.deviceAt ?? null, gps: input.gps ?? null,
    note: input.note ?? input.reason ?? `合并重复案件 ${dup.number}`, changes: { merged_case: [null, dup.id] },
  });
  return target;
}

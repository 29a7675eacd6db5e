import type { Actor } from '../../src/domain/auth/actor.js';
import { TRANSITIONS } from '../../src/domain/cases/lifecycle.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import type { CaseFixture } from './fixtures.js';

/**
 * A drawn lifecycle step: which of the open actions (`choice`), and where a dispatch goes: handler1's
 * unit (0), handler2's (1), or committee cadre cadre01 named alone, without a unit (2).
 */
export interface ActionDraw {
  choice: number;
  unit: 0 | 1 | 2;
}

/**
 * One step of a random lifecycle walk through the real transitions: among the actions the case's
 * state allows (merge only when `mergeInto` offers other cases), the drawn one, by whoever the
 * rule says acts (the assigned unit's handler, the operator, or the reporting patrol), with the
 * inputs the rule requires. Answers the action taken, or null when none applied (no action open,
 * or refused by a rule of the domain, which is a step of the walk like any other).
 */
export async function randomAction(f: CaseFixture, caseId: string, draw: ActionDraw, mergeInto: string[] = []): Promise<string | null> {
  const c = await f.ctx.handle.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
  const target = mergeInto.find((x) => x !== caseId);
  const rules = TRANSITIONS.filter((t) => t.from.includes(c.status) && (t.pending === undefined || t.pending === c.pending_request) && (t.action !== 'merge' || target));
  if (!rules.length) return null;
  const rule = rules[draw.choice % rules.length]!;
  const handlerOf = (unit: string | null): Actor => (unit === f.units.handler2 ? f.actors.handler2 : f.actors.handler1);
  const assignee = c.assigned_user_id === f.actors.cadre01.userId ? f.actors.cadre01 : handlerOf(c.assigned_unit_id);
  const who = rule.who === 'assignee' ? assignee : rule.roles.includes('operator') ? f.actors.operator : f.actors.patrol1;
  const input: Record<string, unknown> = { action: rule.action, version: c.version };
  if (rule.requires.includes('reason')) input.reason = '原因';
  if (rule.requires.includes('note')) input.note = '说明';
  if (rule.requires.includes('assignee')) {
    const other = c.assigned_unit_id === f.units.handler1 ? f.units.handler2 : f.units.handler1;
    if (draw.unit === 2 && c.assigned_user_id !== f.actors.cadre01.userId) input.userId = f.actors.cadre01.userId;
    else input.unitId = rule.action === 'redispatch' ? other : draw.unit ? f.units.handler2 : f.units.handler1;
  }
  if (rule.requires.includes('dueAt')) input.dueAt = new Date(f.ctx.clock.now().getTime() + 5 * 86400_000).toISOString();
  if (rule.requires.includes('photoIds')) input.photoIds = [await f.photo(who)];
  if (rule.requires.includes('targetCaseId')) input.targetCaseId = target;
  try {
    await f.act(who, caseId, input as never);
    return rule.action;
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return null;
  }
}

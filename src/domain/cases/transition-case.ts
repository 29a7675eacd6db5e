import { type Db, isPostgres } from '../../db/index.js';
import type { CaseTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertPhotosUsable } from '../photos/usable.js';
import { assertHandlePhotos } from './handle-photos.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField } from '../shared/errors.js';
import { isAssignee, resolveAssignee } from './assignees.js';
import { caseDto } from './case-dto.js';
import { TransitionInput, parseInput } from './case-input.js';
import { loadVisibleCaseWithCategory } from './case-scope.js';
import { caseUpdate } from './hot-queries.js';
import { NeedsTransaction, appendCaseEvent, eventActor, oneStatementOrTransaction } from './events.js';
import { plannedNotice } from '../notifications/notify.js';
import { type CaseAction, OPEN_STATUSES, ruleFor } from './lifecycle.js';
import { type KnownOfCase, allowedActions } from './allowed-actions.js';
import { announceBadRatingCase } from '../dashboard/service-changes.js';
import { ladderClosedByRectification, reopenLadderAfterFailedCheck } from '../enforcement/after-check.js';
import { BAD_RATING_BARRED, badRatingBars, badRatingCaseColumns } from '../service-ratings/case-rules.js';
import { mergeInto } from './merge-cases.js';
import { notifyTransition, transitionNotice } from './transition-notices.js';
import { CONFLICT_WHY, checkConflict, defaultChecker, dispatchedUnitOf } from './independent-check.js';
import { extensionReason, pausedStage, resumedStage } from './paused-clock.js';
import { extensionClosed, remindAtFor, stageColumns } from './stage-deadlines.js';

/** The deadline job's marks on a stage, written afresh with every new stage. */
const STAGE_MARKS = ['remind_at', 'reminded_key', 'overdue_at', 'escalated_key'] as const satisfies readonly (keyof CaseTable)[];

/** Columns whose change is written into the event (from → to). */
const TRACKED: (keyof CaseTable)[] = [
  'status', 'pending_request', 'requested_due_at', 'assigned_unit_id', 'assigned_user_id', 'merged_into_id', 'status_reason',
  'rework_count', 'redispatch_count', 'reopen_count', 'extension_count', 'stage_due_at', 'checker_user_id', 'held_remaining_ms',
];

/**
 * The columns whose value in `next` differs from `c`, with next's values. `next` is a copy of `c`
 * with values changed and columns added, so its keys begin with c's in c's order: the rows are
 * compared position by position (Object.values). Reading the case's 48 columns of both by
 * computed name was half of a transition's own CPU; the key order is checked, not assumed.
 */
function changedColumns(c: CaseTable, next: CaseTable): Partial<CaseTable> {
  const keys = Object.keys(next);
  const before = Object.keys(c);
  const set: Record<string, unknown> = {};
  let aligned = before.length <= keys.length;
  for (let i = 0; aligned && i < before.length; i++) aligned = before[i] === keys[i];
  if (!aligned) {
    for (const k of keys as (keyof CaseTable)[]) if (next[k] !== c[k]) set[k] = next[k];
    return set;
  }
  const was = Object.values(c);
  const now = Object.values(next);
  for (let i = 0; i < keys.length; i++) {
    // A column next added is undefined in c (past the end of was).
    if (now[i] !== was[i]) set[keys[i]!] = now[i];
  }
  return set;
}

/** Whether the case's status_reason is a hold's: one asked for (pending) or running (on hold). */
const holdReasonShown = (c: Pick<CaseTable, 'status' | 'pending_request'>) => c.status === 'on_hold' || c.pending_request === 'hold';

/**
 * The refusal of an action the actor may not take on the case now: `allowed` names what they may
 * take instead, exactly as GET /api/cases/:id offers it at that instant (allowed-actions.ts).
 */
export const notAllowed = async (db: Db, now: Date, action: CaseAction, c: CaseTable, actor: Actor, why: string, known?: KnownOfCase) =>
  new DomainError('transition_not_allowed', `${action} is not allowed: ${why}`, {
    action,
    status: c.status,
    pendingRequest: c.pending_request,
    allowed: (await allowedActions(db, actor, c, now, known)).map((t) => t.action),
  });

/**
 * Applies one lifecycle transition from the table in lifecycle.ts: checks version, role, state,
 * assignee and required input; updates the case with fresh deadlines; appends the hash-chained
 * event; links photos; queues notifications; a failed check of the enforcement team's
 * rectification reopens the ladder on the case (enforcement/after-check.ts). Atomically: in the
 * caller's transaction, or given the database itself, in ONE statement on PostgreSQL when it can
 * be (the reads before it need no transaction: the write applies only at the version read, else
 * stale_version), else in a transaction of its own.
 */
export async function transitionCase(db: Db, clock: Clock, actor: Actor, caseId: string, raw: TransitionInput) {
  // A merge also writes the case it is merged into: never one statement.
  const mergeAction = (raw as { action?: unknown } | undefined)?.action === 'merge';
  return oneStatementOrTransaction(db, (d, alone) => applyTransition(d, clock, actor, caseId, raw, alone), !mergeAction);
}

/** `alone`: PostgreSQL outside a transaction, every write in the event's statement (NeedsTransaction if not possible). */
async function applyTransition(db: Db, clock: Clock, actor: Actor, caseId: string, raw: TransitionInput, alone: boolean) {
  const input = parseInput(TransitionInput, raw);
  const now = clock.now();
  const rule = ruleFor(input.action);
  // Who handled the case is read with it when the transition needs it (independence, the default checker).
  const dispatching = (input.action === 'dispatch' || input.action === 'redispatch') && typeof input.unitId === 'string';
  const { c, category, preloaded, keysVersion, badRating, handlers, reporter, unit } = await loadVisibleCaseWithCategory(db, actor, caseId, now, {
    handlers: rule.independent || input.action === 'handle',
    // The unit a dispatch names is checked in the same read.
    ...(dispatching ? { unitId: input.unitId } : {}),
  });
  const refuse = (why: string) => notAllowed(db, now, input.action, c, actor, why, { handlers, badRating });
  if (c.version !== input.version) {
    throw new DomainError('stale_version', 'The case was changed by someone else; reload it', { current: caseDto(c) });
  }
  if (!rule.from.includes(c.status)) throw await refuse(`the case is ${c.status}`);
  if (rule.pending !== undefined && rule.pending !== c.pending_request) {
    throw await refuse(rule.pending ? `no ${rule.pending} request is pending` : `a ${c.pending_request} request is pending`);
  }
  if (!rule.roles.includes(actor.role)) throw await refuse(`role ${actor.role} may not ${input.action}`);
  if (rule.who === 'assignee' && !(await isAssignee(db, actor, c))) throw await refuse('the case is not assigned to you');
  if (badRating && BAD_RATING_BARRED.includes(input.action)) {
    const why = (await badRatingBars(db, c.id)).get(input.action);
    if (why) throw await refuse(why);
  }
  if (rule.independent) {
    const conflict = await checkConflict(db, actor, c, handlers);
    if (conflict) throw await refuse(CONFLICT_WHY[conflict]);
  }
  for (const f of rule.requires) {
    const missing = f === 'assignee' ? !input.unitId && !input.userId : f === 'photoIds' ? !input.photoIds?.length : input[f] === undefined;
    if (missing) throw invalidField(f === 'assignee' ? 'unitId' : f, `required for ${input.action}`);
  }
  const photoIds = input.photoIds ?? [];
  // A failed 核查 of the enforcement team's rectification reopens the ladder on the case, written
  // with the transition whoever calls it (read after the case: the ladder closed with that version).
  const ladder = input.action === 'check_fail' ? await ladderClosedByRectification(db, c.id) : undefined;
  if (ladder && alone) throw new NeedsTransaction('the enforcement ladder reopens with it');
  // The rectification photo proves the fix: the reporter's before photo, even downloaded and
  // uploaded again (same sha256), proves nothing (as for a fix on the spot, usable.ts).
  if (input.action === 'handle') await assertHandlePhotos(db, actor, c.id, photoIds, 'photoIds');
  else if (photoIds.length) await assertPhotosUsable(db, actor, photoIds, 'photoIds');

  const at = now.toISOString();
  const next: CaseTable = { ...c, status: rule.to, pending_request: rule.setsPending ?? null, version: c.version + 1, updated_at: at };
  // Only a handled case waits on a checker.
  if (rule.to !== 'handled') next.checker_user_id = null;
  let note = input.note ?? input.reason ?? null;
  if (rule.counts) next[rule.counts] = c[rule.counts] + 1;
  if (rule.setsPending === undefined) next.requested_due_at = null;
  if (rule.restartsStage) {
    Object.assign(next, await stageColumns(db, c.subdistrict_id, category, rule.to, now, preloaded));
    if (rule.to === 'dispatched') next.handle_due_at = next.stage_due_at;
  }
  // A 差评 follow-up keeps the deadline its rating set (never restarted), and a reopen takes back its on-time mark.
  if (badRating) Object.assign(next, await badRatingCaseColumns(db, c, input.action, rule, now));

  switch (input.action) {
    case 'file':
      next.filed_at = at;
      break;
    case 'cancel':
      next.cancelled_at = at;
      next.status_reason = input.reason ?? null;
      // A cancelled case has no handling that counts (a reopened case handled before can be cancelled).
      next.handled_at = null;
      next.handled_on_time = null;
      break;
    case 'dispatch':
    case 'redispatch': {
      const who = await resolveAssignee(db, c, input.unitId, input.userId, unit);
      if (input.action === 'redispatch' && who.unitId === c.assigned_unit_id && who.userId === c.assigned_user_id) {
        throw invalidField('unitId', 'the case is already dispatched there');
      }
      // The unit the case is now answerable to: the one named, else the person's named alone
      // (dispatchedUnitOf: a cadre named alone is the committee's own unit), as the dashboard's
      // fold counts it; the live figures and the unit filters read it from the row.
      const responsible = await dispatchedUnitOf(db, { ...c, assigned_unit_id: who.unitId, assigned_user_id: who.userId });
      // 改派 to another unit is not rework: a pending rework is dropped with the old unit.
      if (c.rework_pending && responsible !== (await dispatchedUnitOf(db, c))) next.rework_pending = 0;
      next.assigned_unit_id = who.unitId;
      next.assigned_user_id = who.userId;
      next.responsible_unit_id = responsible;
      next.dispatched_at = at;
      break;
    }
    case 'handle':
      next.handled_at = at;
      next.handled_on_time = c.handle_due_at && Date.parse(at) > Date.parse(c.handle_due_at) ? 0 : 1;
      // 返工: the unit a failed check sent the case back to handled it again.
      if (c.rework_pending) {
        next.rework_count = c.rework_count + 1;
        next.rework_pending = 0;
      }
      next.checker_user_id = await defaultChecker(db, c, category, actor.userId, handlers, reporter);
      break;
    case 'check_pass':
      next.closed_at = at;
      next.closed_on_time = c.handled_on_time === 1 && !(c.stage_due_at && Date.parse(at) > Date.parse(c.stage_due_at)) && c.overdue_count === 0 ? 1 : 0;
      break;
    case 'check_fail':
      // Back to the same unit (assignment untouched) with a fresh handling limit; it is rework
      // once that unit handles again (counted then), not if the desk re-dispatches it elsewhere.
      next.handled_on_time = null;
      next.rework_pending = 1;
      break;
    case 'approve_hold': {
      // 挂账 stops the clock: keep the working time that was left for the release. A stage already
      // marked overdue keeps its mark through the hold (the dashboard does not count a held case as
      // overdue now): the case was late once, and its release must not make it late a second time.
      const paused = await pausedStage(db, c, category, now, preloaded);
      Object.assign(next, paused.columns);
      next.overdue_at = c.overdue_at;
      next.escalated_key = c.overdue_at ? c.escalated_key : null;
      // The due time goes: the event says why, the desk's words or else the unit's.
      note = input.note ?? input.reason ?? paused.note;
      break;
    }
    case 'release_hold': {
      const resumed = await resumedStage(db, c, category, now, preloaded);
      Object.assign(next, resumed.columns);
      next.handle_due_at = next.stage_due_at;
      note = input.reason ?? resumed.note;
      break;
    }
    case 'request_hold':
      // The reason of the hold asked for, shown on the case while it is asked for or running.
      next.status_reason = input.reason ?? null;
      break;
    case 'refuse_hold':
    case 'refuse_extension':
      break;
    case 'request_extension': {
      // 延期 is asked for within the limit: after it, a granted extension would turn a late
      // handling into an on-time one in the unit's ranking (the lateness is the desk's to see).
      const closed = extensionClosed(c, now);
      if (closed) throw await refuse(closed);
      const due = new Date(input.dueAt as string);
      if (due.getTime() <= now.getTime()) throw invalidField('dueAt', 'must be in the future');
      if (c.stage_due_at && due.getTime() <= Date.parse(c.stage_due_at)) throw invalidField('dueAt', 'must be later than the current due time');
      next.requested_due_at = due.toISOString();
      break;
    }
    case 'approve_extension': {
      const due = new Date(c.requested_due_at as string).toISOString();
      if (Date.parse(due) <= now.getTime()) throw invalidField('dueAt', 'the requested due time has already passed; ask for a new one');
      note = input.reason ?? (await extensionReason(db, c.id));
      next.stage_due_at = due;
      next.handle_due_at = due;
      next.remind_at = remindAtFor(now, new Date(due)).toISOString();
      next.reminded_key = null;
      // An extension moves the due time of the same stage: one already marked overdue keeps its
      // mark (as through a hold), else the sweep would count and escalate the stage a second time
      // when the extended due time passes.
      next.overdue_at = c.overdue_at;
      next.escalated_key = c.overdue_at ? c.escalated_key : null;
      break;
    }
    case 'reopen':
      next.closed_at = null;
      next.cancelled_at = null;
      next.closed_on_time = null;
      next.status_reason = input.reason ?? null;
      break;
    case 'merge':
      // Counted in the case it is merged into, not here.
      next.handled_at = null;
      next.handled_on_time = null;
      next.merged_into_id = (await mergeInto(db, clock, actor, c, input.targetCaseId as string, input)).id;
      break;
    default:
      break;
  }

  // A hold's reason is the case's only while the hold is asked for or running: refused, released or
  // dropped with its stage, it stays in the history (the request's event, and this one's
  // status_reason [reason, null] beside the refusal's own reason), not on the case.
  if (holdReasonShown(c) && !holdReasonShown(next) && next.status_reason === c.status_reason) next.status_reason = null;

  // Only the changed columns: SQLite then leaves untouched indexes alone.
  const set = changedColumns(c, next);
  // A new stage (or a new due time) writes its deadline marks whatever was read: a reminder the
  // deadline job fired after this transition read the case (not a new version of it) must not
  // stay on the stage that follows.
  if (next.stage_due_at !== c.stage_due_at || next.stage_started_at !== c.stage_started_at) {
    for (const k of STAGE_MARKS) (set as Record<string, unknown>)[k] = next[k];
  }

  const changes: Record<string, [unknown, unknown]> = {};
  for (const k of TRACKED) if (c[k] !== next[k]) changes[k] = [c[k], next[k]];
  // A new stage names its due time even when it equals the last stage's (both limits counted from
  // the same night or weekend): the dashboard's fold takes each stage's deadline from its event.
  if (rule.restartsStage && next.stage_due_at !== null && !changes.stage_due_at) changes.stage_due_at = [c.stage_due_at, next.stage_due_at];
  // A dispatch names its unit and person even when one of them stays (改派 within the same unit):
  // the event alone tells an auditor where the case went.
  if (input.action === 'dispatch' || input.action === 'redispatch') {
    changes.assigned_unit_id = [c.assigned_unit_id, next.assigned_unit_id];
    changes.assigned_user_id = [c.assigned_user_id, next.assigned_user_id];
  }
  // Notifications first: the event below locks the subdistrict's chain head until commit, so
  // nothing follows it. The case update (at the version read, else stale_version), the event and
  // its photo links are written with it, in one statement on PostgreSQL.
  // The 一网通办 board counts open 差评 cases: it hears of one closing (or reopening) at once. On
  // PostgreSQL the notice goes out at commit, so it is queued before the chain head is locked;
  // SQLite tells its hub at once, so only after the writes.
  const announce = badRating && OPEN_STATUSES.includes(c.status) !== OPEN_STATUSES.includes(next.status);
  if (announce && alone) throw new NeedsTransaction('the 一网通办 board hears of it');
  const reason = input.reason ?? input.note ?? null;
  let notice: Awaited<ReturnType<typeof plannedNotice>>;
  if (alone) {
    const n = transitionNotice(input.action, next, reason);
    notice = n && (await plannedNotice(db, clock, n));
    if (n && !notice) throw new NeedsTransaction('the notice has too many recipients for one statement');
  } else {
    await notifyTransition(db, clock, input.action, next, reason);
  }
  const pg = isPostgres(db);
  if (announce && pg) await announceBadRatingCase(db, c.id);
  await appendCaseEvent(db, clock, {
    subdistrictId: c.subdistrict_id, caseId: c.id, action: input.action, fromStatus: c.status, toStatus: next.status,
    actor: eventActor(actor), deviceAt: input.deviceAt ?? null, gps: input.gps ?? null,
    note, photoIds, changes, keysVersion,
    links: { committeeId: c.committee_id, photos: photoIds.map((photoId) => ({ photoId, purpose: input.action === 'handle' ? 'after' : 'evidence' })) },
  }, caseUpdate(db, c.id, c.version, set), alone ? { notice } : undefined);
  if (ladder) await reopenLadderAfterFailedCheck(db, clock, actor, next, ladder);
  if (announce && !pg) await announceBadRatingCase(db, c.id);
  return caseDto(next);
}

import type { Db } from '../../db/index.js';
import type { CaseTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { BAD_RATING_BARRED, badRatingBars } from '../service-ratings/case-rules.js';
import { isAssignee } from './assignees.js';
import { checkConflict } from './independent-check.js';
import { type TransitionRule, actionsFrom } from './lifecycle.js';
import { extensionClosed } from './stage-deadlines.js';

/** What the caller read with the case already (the transition's one read), so it is not read again. */
export interface KnownOfCase {
  /** Who handled the case (handlersOf). */
  handlers?: Set<string>;
  /** Whether the case follows up a 差评 (false: no 差评 bars to look up). */
  badRating?: boolean;
}

/**
 * What this actor may do on this case at `now`: the lifecycle table's actions from the case's
 * state for the actor's role, less every one transitionCase would refuse them with 409
 * transition_not_allowed — an assignee's step when the case is not theirs, a check that would not
 * be independent of the handling, a desk step a 差评's case does not take, an extension asked for
 * from the due time on. GET /api/cases/:id offers exactly these (allowedActions), and a refused
 * transition names exactly these (details.allowed), so a client is never told to try what the
 * server refuses.
 */
export async function allowedActions(db: Db, actor: Actor, c: CaseTable, now: Date, known: KnownOfCase = {}): Promise<TransitionRule[]> {
  const table = actionsFrom(c.status, c.pending_request, actor.role);
  const assignee = table.some((t) => t.who === 'assignee') ? await isAssignee(db, actor, c) : false;
  const offered = table.filter((t) => t.who !== 'assignee' || assignee);
  // Separation of duties: a check is not offered to whoever handled the case or belongs to the handling unit.
  const conflict = offered.some((t) => t.independent) ? await checkConflict(db, actor, c, known.handlers) : null;
  // A 差评's case is not cancelled or merged away on the desk (case-rules.ts): asked only when the desk is offered one of those.
  const barred = known.badRating !== false && offered.some((t) => BAD_RATING_BARRED.includes(t.action))
    ? await badRatingBars(db, c.id)
    : new Map<string, string>();
  // An extension is asked for within the limit: not from the due time on, marked overdue or not.
  const extension = extensionClosed(c, now);
  return offered.filter((t) => (!t.independent || !conflict) && !barred.has(t.action) && !(t.action === 'request_extension' && extension));
}

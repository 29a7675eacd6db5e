/**
 * The fold from case events to rollup counters. Pure: given an event, the case's immutable
 * attributes and what the fold remembers about the case (its state), it returns the counter
 * deltas and the next state. The rollup job, `closeloop rollups rebuild` and the city-scale seed
 * all use this one function, which is why rebuilt == incremental.
 *
 * The counting rules these counters feed are in kpis.ts.
 */

export const COUNTERS = [
  'found', 'reported', 'self_resolved', 'filed', 'cancelled', 'dispatched', 'redispatched', 'handled', 'handled_on_time',
  'rework', 'check_failed', 'closed', 'closed_on_time', 'enforcement_closed', 'reopened', 'merged', 'overdue', 'handle_overdue',
  'holds', 'hold_released', 'extension_requests', 'extensions', 'close_minutes', 'due_closed', 'due_closed_on_time',
  'h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9', 'h10', 'h11',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

/**
 * Found-to-closed histogram: upper bounds in minutes of buckets h0..h11 (h11 is open-ended).
 * 10 min (Huayang's best), 30 min, 1 h, 2 h, 4 h, 8 h, 12 h, 1 d, 2 d, 3 d, 7 d, more.
 */
export const CLOSE_BUCKETS_MIN = [10, 30, 60, 120, 240, 480, 720, 1440, 2880, 4320, 10080, Infinity] as const;

export const zeroCounters = (): Counters => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;

/** A case_events row as the fold reads it. */
export interface FoldEvent {
  seq: number;
  action: string;
  from_status: string | null;
  to_status: string;
  actor_user_id: string | null;
  at: string;
  /** JSON: field → [from, to] */
  changes: string;
  /**
   * The case row's handling due time (cases.handle_due_at), read with the event: the last resort
   * for a handling whose due time no event of the case names (see foldEvent).
   */
  case_handle_due_at?: string | null;
  /**
   * For a dispatch that names a person and no unit (a cadre named alone, a 差评 sent to whoever
   * served): that person's unit, as the independent check works it out (dispatchedUnitOf) — the
   * unit a failed check sends the case back to and the one its figures count against. null: none.
   */
  assignee_unit_id?: string | null;
}

/** What never changes on a case after it is reported. */
export interface CaseAttrs {
  case_id: string;
  subdistrict_id: string;
  committee_id: string;
  grid_id: string | null;
  category_id: string;
  category_code: string;
  source: string;
  reported_at: string;
}

export interface FoldState {
  unit_id: string;
  /**
   * The due time of the stage the case is in, as its events named it (null: none, or not named
   * yet: a report never names its first stage's). Events written before every new stage named its
   * due time left it out when it equalled the stage before's: the fold carries it over.
   */
  stage_due_at: string | null;
  handle_due_at: string | null;
  check_due_at: string | null;
  /** The unit a failed check sent the case back to (rework only if the same unit handles again). */
  failed_unit_id: string | null;
  handled_on_time: number;
  overdue_ever: number;
  /**
   * When the handling counted in `handled` happened (null: the case is not counted among the
   * handled): its closure is counted on that day. A case counts there once (kpis.ts).
   */
  handled_at: string | null;
  /** The unit credited with that handling, and whether it was on time (to take it back exactly). */
  handled_unit_id: string | null;
  handled_counted_on_time: number;
  /** Where `due_closed` was counted (undone by a reopen), and whether on time. */
  due_closed_at: string | null;
  due_closed_on_time: number;
  /** The case was sent back by a failed check and handled again by the same unit (返工), at least once. */
  reworked: number;
  /** Whether the counted handling carries the case's `rework` (taken back and moved with it). */
  handled_counted_rework: number;
}

export const initialState = (): FoldState => ({
  unit_id: '', stage_due_at: null, handle_due_at: null, check_due_at: null, failed_unit_id: null, handled_on_time: 0, overdue_ever: 0,
  handled_at: null, handled_unit_id: null, handled_counted_on_time: 0, due_closed_at: null, due_closed_on_time: 0,
  reworked: 0, handled_counted_rework: 0,
});

export interface FoldResult {
  /** counters to add; empty when the event changes no figure */
  delta: Partial<Counters>;
  /**
   * Counters dated at an earlier instant than the event: a closure is counted among the cases
   * due for closure (应结案) on the day of their handling, so that 结案数 is always a part of
   * 应结案数 (egova), whichever day the check happens.
   */
  dated: { at: string; delta: Partial<Counters>; /** the unit credited then (default: `unitId`) */ unitId?: string }[];
  /** the unit the figures are attributed to (after the event) */
  unitId: string;
  state: FoldState;
}

const toIso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

export function closeBucket(minutes: number): Counter {
  const i = CLOSE_BUCKETS_MIN.findIndex((b) => minutes <= b);
  return `h${i}` as Counter;
}

function closing(attrs: CaseAttrs, at: string, delta: Partial<Counters>) {
  const minutes = Math.max(0, Math.round((Date.parse(at) - Date.parse(attrs.reported_at)) / 60_000));
  delta.closed = 1;
  delta.close_minutes = minutes;
  delta[closeBucket(minutes)] = 1;
}

/** Folds one event. Events of a case must be folded in chain order. */
export function foldEvent(e: FoldEvent, attrs: CaseAttrs, prev: FoldState): FoldResult {
  const s: FoldState = { ...prev };
  const changes = JSON.parse(e.changes || '{}') as Record<string, [unknown, unknown]>;
  const d: Partial<Counters> = {};
  const dated: FoldResult['dated'] = [];
  const countDueClosed = (onTime: boolean) => {
    if (!s.handled_at) return;
    // On the unit credited with the handling, so a unit's closed are among its own due.
    dated.push({ at: s.handled_at, unitId: s.handled_unit_id ?? '', delta: { due_closed: 1, ...(onTime ? { due_closed_on_time: 1 } : {}) } });
    s.due_closed_at = s.handled_at;
    s.due_closed_on_time = onTime ? 1 : 0;
  };
  /** Takes the counted handling back from the day and unit it was counted on. */
  const uncountHandling = () => {
    if (!s.handled_at) return;
    const delta: Partial<Counters> = { handled: -1, ...(s.handled_counted_on_time ? { handled_on_time: -1 } : {}), ...(s.handled_counted_rework ? { rework: -1 } : {}) };
    dated.push({ at: s.handled_at, unitId: s.handled_unit_id ?? '', delta });
    s.handled_at = null;
    s.handled_unit_id = null;
    s.handled_counted_on_time = 0;
    s.handled_counted_rework = 0;
  };
  // The due time of the stage this event leaves, and of the one it enters. An event naming no due
  // time left it as it was: events written before every new stage named its due time omitted it
  // exactly when the new stage's equalled the last one's (both limits counted from the same night
  // or weekend), so the stage entered runs to the previous stage's due time, as on the case row.
  const named = changes.stage_due_at;
  const leftDue = named ? toIso(named[0]) : s.stage_due_at;
  const newStageDue = named ? toIso(named[1]) : s.stage_due_at;
  s.stage_due_at = newStageDue;
  switch (e.action) {
    case 'report':
      d.found = 1;
      d.reported = 1;
      break;
    case 'self_resolve':
      // 自发自处: found and fixed on the spot; counted apart from the dispatched loop.
      d.found = 1;
      d.self_resolved = 1;
      break;
    case 'file':
      d.filed = 1;
      break;
    case 'cancel':
    // A 差评 voided on appeal: its case is cancelled by the reviewer (cases/system-close.ts).
    case 'appeal_upheld':
    // A self-service terminal whose point closed: its maintenance case is cancelled (service-terminals/health.ts).
    case 'terminal_retired':
      d.cancelled = 1;
      // Cancelled cases are out of 应结案 (a reopened case handled before can be cancelled).
      uncountHandling();
      break;
    case 'dispatch':
    case 'redispatch':
      d[e.action === 'dispatch' ? 'dispatched' : 'redispatched'] = 1;
      if (changes.assigned_unit_id || changes.assigned_user_id) {
        // The unit named, else (a person named alone) that person's; an old event that named only
        // the person left the unit out as unchanged: the case stays with the unit it had, if any.
        const named = changes.assigned_unit_id ? ((changes.assigned_unit_id[1] as string | null) ?? null) : undefined;
        const to = named ?? (named === null || !s.unit_id ? (e.assignee_unit_id ?? '') : s.unit_id);
        // 改派 to another unit drops a pending rework with the old unit (as cases.rework_pending
        // does): sent back there later, its handling is not rework. Within the same unit (another
        // person of it) the rework stays pending.
        if (to !== s.unit_id) s.failed_unit_id = null;
        s.unit_id = to;
      }
      s.handle_due_at = newStageDue;
      break;
    case 'handle': {
      // The handling's due time as the events named it; an old history naming none before this
      // event names it as the due time it leaves, else the case row's (cases.handle_due_at).
      const due = s.handle_due_at ?? leftDue ?? toIso(e.case_handle_due_at);
      const onTime = !due || e.at <= due;
      // 返工: handled again by the unit a failed check sent it back to. Handled by another unit
      // after a re-dispatch (改派), it is not rework.
      if (s.failed_unit_id !== null && s.failed_unit_id === s.unit_id) s.reworked = 1;
      // A case counts once among the handled (应结案 / 应处置): at its first handling. Handled
      // again by the same unit (rework, or after a reopen) it stays where it was counted; handled
      // by another unit after 改派, the count moves to that unit and this handling.
      if (s.handled_at !== null && s.handled_unit_id !== s.unit_id) uncountHandling();
      if (s.handled_at === null) {
        d.handled = 1;
        if (onTime) d.handled_on_time = 1;
        s.handled_at = e.at;
        s.handled_unit_id = s.unit_id;
        s.handled_counted_on_time = onTime ? 1 : 0;
      }
      // A reworked case counts once among the reworked, with its counted handling (day and unit),
      // so that 返工率 is a share of the handled cases of any period: never above 100 %.
      if (s.reworked && !s.handled_counted_rework) {
        if (d.handled === 1) d.rework = 1;
        else dated.push({ at: s.handled_at!, unitId: s.handled_unit_id ?? '', delta: { rework: 1 } });
        s.handled_counted_rework = 1;
      }
      s.handled_on_time = onTime ? 1 : 0;
      s.failed_unit_id = null;
      // Not named, the check runs to the handling's due time (an old event left it out as unchanged).
      s.check_due_at = named ? newStageDue : due;
      s.stage_due_at = s.check_due_at;
      break;
    }
    case 'check_pass': {
      closing(attrs, e.at, d);
      // Mirrors cases.closed_on_time: handled on time, checked by the check deadline, never overdue.
      const due = s.check_due_at ?? leftDue;
      if (s.handled_on_time === 1 && !(due && e.at > due) && s.overdue_ever === 0) d.closed_on_time = 1;
      countDueClosed(d.closed_on_time === 1);
      break;
    }
    case 'enforcement_close':
    // A self-service terminal back in service closes its maintenance case (service-terminals/health.ts).
    case 'terminal_recovered':
      // Closed outside the desk's check: not counted on time (cases.closed_on_time stays unset).
      closing(attrs, e.at, d);
      if (e.action === 'enforcement_close') d.enforcement_closed = 1; // 流转结案 after the enforcement ladder
      countDueClosed(false);
      break;
    case 'check_fail':
      d.check_failed = 1;
      s.failed_unit_id = s.unit_id;
      s.handle_due_at = newStageDue;
      break;
    case 'approve_hold':
      d.holds = 1;
      break;
    case 'release_hold':
      d.hold_released = 1;
      if (named) s.handle_due_at = newStageDue;
      break;
    case 'request_extension':
      d.extension_requests = 1;
      break;
    case 'approve_extension':
      d.extensions = 1;
      if (named) s.handle_due_at = newStageDue;
      break;
    case 'retime':
      // A calendar change moved the running limit (no figure changes; the on-time test uses the new due).
      if (e.to_status === 'dispatched' && named) s.handle_due_at = newStageDue;
      // …and the check's, which closed-on-time is measured against.
      if (e.to_status === 'handled' && named) s.check_due_at = newStageDue;
      break;
    case 'reopen':
      d.reopened = 1;
      // Open again: no longer closed among the due; counted again when it closes again.
      if (s.due_closed_at) dated.push({ at: s.due_closed_at, unitId: s.handled_unit_id ?? '', delta: { due_closed: -1, ...(s.due_closed_on_time ? { due_closed_on_time: -1 } : {}) } });
      s.due_closed_at = null;
      s.due_closed_on_time = 0;
      break;
    case 'merge':
      d.merged = 1;
      // Merged into another case: counted there, not here.
      uncountHandling();
      break;
    case 'overdue':
      d.overdue = 1;
      if (e.from_status === 'dispatched') d.handle_overdue = 1;
      s.overdue_ever = 1;
      break;
    default:
      // refusals, requests for hold, merge_in and enforcement steps change no case figure here
      break;
  }
  return { delta: d, dated, unitId: s.unit_id, state: s };
}

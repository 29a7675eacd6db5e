import type { Db } from '../../db/index.js';
import type { CaseTable } from '../../db/schema.js';
import { appendCaseEvent } from '../cases/events.js';
import { categoryById, updateCaseColumns } from '../cases/hot-queries.js';
import { stageColumns } from '../cases/stage-deadlines.js';
import { notify } from '../notifications/notify.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField } from '../shared/errors.js';
import { caseByToken, mayRespond } from './tracking.js';

/**
 * The reporter's answer to a fix, from the tracking link (the token is the only proof: no account).
 * Confirming records an event in the case history. Contesting reopens the closed case
 * (重新打开, counted as a reopen like the desk's) for the operations centre to decide — dispatch
 * it again or cancel it with a reason — and tells the operators in their inbox. Once per closing.
 */
export const CONTEST_REASON_MAX = 500;

async function respondable(db: Db, token: string) {
  const ref = await caseByToken(db, token);
  if (ref.abusive) throw new DomainError('forbidden', 'This report was marked abusive; it cannot be confirmed or contested', { fields: [{ field: 'token', reason: 'the report was marked abusive' }] });
  if (ref.status !== 'closed') throw invalidField('status', 'only a closed case can be confirmed or contested');
  if (!mayRespond(ref)) throw invalidField('status', 'this fix was already confirmed or contested');
  return ref;
}

function cleanText(field: string, v: string | undefined, required: boolean): string | null {
  const t = v?.trim() ?? '';
  if (!t) {
    if (required) throw invalidField(field, 'required: say what is still wrong');
    return null;
  }
  if (t.length > CONTEST_REASON_MAX) throw invalidField(field, `at most ${CONTEST_REASON_MAX} characters`);
  if (/<\s*\/?\s*[a-z!]/i.test(t)) throw invalidField(field, 'may not contain HTML or code');
  return t;
}

/**
 * Records the answer only if none was given since the case closed: of two answers sent at once
 * (confirm and contest from two tabs), the second finds the row already answered and is refused.
 */
async function recordAnswer(db: Db, ref: { id: string; closed_at: string | null }, feedback: 'confirmed' | 'contested', at: string) {
  const r = await db
    .updateTable('open311_requests')
    .set({ feedback, feedback_at: at })
    .where('case_id', '=', ref.id)
    .where((eb) => eb.or([eb('feedback_at', 'is', null), eb('feedback_at', '<', ref.closed_at!)]))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw invalidField('status', 'this fix was already confirmed or contested');
}

export async function confirmFix(db: Db, clock: Clock, token: string, note?: string) {
  const ref = await respondable(db, token);
  const text = cleanText('note', note, false);
  const at = clock.now().toISOString();
  await recordAnswer(db, ref, 'confirmed', at);
  await appendCaseEvent(db, clock, {
    subdistrictId: ref.subdistrict_id, caseId: ref.id, action: 'public_confirm', fromStatus: 'closed', toStatus: 'closed',
    actor: { userId: null, role: 'public' }, note: text ? `市民确认整改到位：${text}` : '市民确认整改到位', changes: {},
  });
  return { feedback: 'confirmed' as const, at };
}

export async function contestFix(db: Db, clock: Clock, token: string, reason: string | undefined) {
  const ref = await respondable(db, token);
  const text = cleanText('reason', reason, true)!;
  const c = await db.selectFrom('cases').selectAll().where('id', '=', ref.id).executeTakeFirstOrThrow();
  const category = await categoryById.first(db, c.category_id);
  if (!category) throw new Error(`category ${c.category_id} of case ${c.id} is missing`);
  const now = clock.now();
  const at = now.toISOString();
  const next: CaseTable = {
    ...c, status: 'filed', pending_request: null, requested_due_at: null, checker_user_id: null, version: c.version + 1, updated_at: at,
    reopen_count: c.reopen_count + 1, closed_at: null, cancelled_at: null, closed_on_time: null, status_reason: `市民异议：${text}`,
    ...(await stageColumns(db, c.subdistrict_id, category, 'filed', now)),
  };
  const set: Partial<CaseTable> = {};
  const changes: Record<string, [unknown, unknown]> = {};
  for (const k of Object.keys(next) as (keyof CaseTable)[]) {
    if (next[k] === c[k]) continue;
    (set as Record<string, unknown>)[k] = next[k];
    if (['status', 'status_reason', 'reopen_count', 'stage_due_at', 'checker_user_id'].includes(k)) changes[k] = [c[k], next[k]];
  }
  if ((await updateCaseColumns(db, c.id, c.version, set)) !== 1) throw new DomainError('stale_version', 'The case changed meanwhile; reload the page');
  await recordAnswer(db, ref, 'contested', at);
  // Notify before the event: appending it locks the chain head until commit (see transition-case.ts).
  await notify(db, clock, {
    subdistrictId: c.subdistrict_id, recipients: { roles: ['operator'], committeeId: c.committee_id }, kind: 'case_contested', caseId: c.id,
    message: { key: 'case_contested', params: { number: c.number, reason: text } }, dedupeKey: `contest:${c.id}:${c.reopen_count + 1}`,
  });
  await appendCaseEvent(db, clock, {
    subdistrictId: c.subdistrict_id, caseId: c.id, action: 'reopen', fromStatus: 'closed', toStatus: 'filed',
    actor: { userId: null, role: 'public' }, note: `市民对整改结果提出异议：${text}`, changes,
  });
  return { feedback: 'contested' as const, at };
}

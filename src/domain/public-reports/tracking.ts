import type { Db } from '../../db/index.js';
import type { CaseStatus, PublicFeedback } from '../../db/schema.js';
import { DomainError } from '../shared/errors.js';
import { hashToken } from '../shared/tokens.js';
import { CLOSED_STATUSES, type Open311Status, PUBLIC_ACTIONS, type PublicStep, publicStep, type UpdateStatus, open311Status, statusNotes, updateStatus, w3cDate } from '../open311/public-stage.js';
import { ACTION_TEXT } from '../open311/updates.js';
import { maskContacts } from '../open311/public-text.js';

/**
 * What the holder of a tracking link sees: the public stages in the Open311 wording, the photos
 * (the report's own before it is closed; before and after once it is), whether they may still
 * confirm or contest the fix. Never a reporter's contact, a staff member's name or an internal note.
 */
export type PublicStageAction = (typeof PUBLIC_ACTIONS)[number] | 'public_confirm' | 'public_contest';

export interface PublicStage {
  at: string;
  action: PublicStageAction;
  status: UpdateStatus;
  text: string;
}

export interface PublicReportView {
  number: string;
  serviceCode: string;
  serviceName: string;
  serviceNameEn: string;
  status: Open311Status;
  /** FixMyStreet's update status of the case. */
  stage: UpdateStatus;
  /** The public stage statusNotes words in Chinese, as one word (the page words it in English). */
  step: PublicStep;
  statusNotes: string;
  /** Who handles the report: the unit it was dispatched to, else the subdistrict's operations centre. */
  agency: string;
  /** The same in English: the unit's English name (its Chinese one when it has none), or "<subdistrict> Operations Centre". */
  agencyEn: string;
  reportedAt: string;
  expectedAt: string | null;
  description: string;
  lat: number;
  lng: number;
  stages: PublicStage[];
  photos: { before: string[]; after: string[] };
  abusive: boolean;
  feedback: PublicFeedback | null;
  feedbackAt: string | null;
  /** Confirm or contest is offered once per closing, only on a closed, non-abusive report. */
  canRespond: boolean;
}

const CONFIRM_TEXT = '市民确认已整改到位';
const CONTEST_TEXT = '市民对整改结果提出异议，已重新打开，等待城运中心处理';

/** The case behind a tracking token (tokens of every channel work; the token is the proof; only its hash is stored). */
export async function caseByToken(db: Db, token: string) {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) throw new DomainError('not_found', 'No report has this tracking link');
  const row = await db
    .selectFrom('open311_requests as o')
    .innerJoin('cases as c', 'c.id', 'o.case_id')
    .select(['c.id', 'c.status', 'c.closed_at', 'c.version', 'o.abusive', 'o.feedback', 'o.feedback_at', 'o.subdistrict_id'])
    .where('o.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) throw new DomainError('not_found', 'No report has this tracking link');
  return row;
}

export function mayRespond(r: { status: string; closed_at: string | null; abusive: number; feedback_at: string | null }): boolean {
  if (r.status !== 'closed' || r.abusive || !r.closed_at) return false;
  return !r.feedback_at || Date.parse(r.feedback_at) < Date.parse(r.closed_at);
}

export async function publicReport(db: Db, token: string, mediaBase: string): Promise<PublicReportView> {
  const ref = await caseByToken(db, token);
  const c = await db
    .selectFrom('cases as c')
    .innerJoin('case_categories as cat', 'cat.id', 'c.category_id')
    .innerJoin('subdistricts as s', 's.id', 'c.subdistrict_id')
    .leftJoin('handling_units as u', 'u.id', 'c.assigned_unit_id')
    .leftJoin('cases as m', 'm.id', 'c.merged_into_id')
    .select([
      'c.number', 'c.status', 'c.description', 'c.lng', 'c.lat', 'c.reported_at', 'c.stage_due_at', 'c.rework_pending', 'c.reopen_count',
      'cat.code', 'cat.name_zh', 'cat.name_en', 's.name as subdistrict_name', 's.name_en as subdistrict_name_en', 'u.name as unit_name', 'u.name_en as unit_name_en', 'm.number as merged_into_number',
    ])
    .where('c.id', '=', ref.id)
    .executeTakeFirstOrThrow();
  const status = c.status as CaseStatus;
  const abusive = !!ref.abusive;
  const events = abusive
    ? []
    : await db
        .selectFrom('case_events')
        .select(['action', 'to_status', 'at', 'actor_role'])
        .where('case_id', '=', ref.id)
        .where('action', 'in', [...PUBLIC_ACTIONS, 'public_confirm'])
        .orderBy('seq')
        .execute();
  const stages: PublicStage[] = events.map((e) => {
    const contest = e.action === 'reopen' && e.actor_role === 'public';
    const action = (contest ? 'public_contest' : e.action) as PublicStageAction;
    const text = action === 'public_confirm' ? CONFIRM_TEXT : action === 'public_contest' ? CONTEST_TEXT : ACTION_TEXT[e.action as keyof typeof ACTION_TEXT];
    return { at: w3cDate(e.at)!, action, status: updateStatus(e.to_status as CaseStatus), text };
  });
  const photos = abusive
    ? []
    : await db.selectFrom('case_photos').select(['photo_id', 'purpose']).where('case_id', '=', ref.id).where('purpose', 'in', ['before', 'after']).orderBy('id').execute();
  const url = (id: string) => `${mediaBase}/media/${id}.jpg`;
  const closed = status === 'closed';
  const facts = { status, unitName: c.unit_name, reworking: Number(c.rework_pending ?? 0) === 1, reopenCount: Number(c.reopen_count), mergedIntoNumber: c.merged_into_number };
  const reached = ['dispatched', 'handled', 'closed', 'on_hold'].includes(status);
  const byUnit = reached && !!c.unit_name;
  return {
    number: c.number,
    serviceCode: c.code,
    serviceName: c.name_zh,
    serviceNameEn: c.name_en,
    status: open311Status(status),
    stage: updateStatus(status),
    step: publicStep(facts),
    statusNotes: abusive ? '该上报经城运中心核实为不实或恶意上报，不予办理' : statusNotes(facts),
    agency: byUnit ? c.unit_name! : `${c.subdistrict_name}城运中心`,
    agencyEn: byUnit ? c.unit_name_en || c.unit_name! : `${c.subdistrict_name_en || c.subdistrict_name} Operations Centre`,
    reportedAt: w3cDate(c.reported_at)!,
    expectedAt: CLOSED_STATUSES.includes(status) || abusive ? null : w3cDate(c.stage_due_at),
    // The link may be shared: a number written into the description is masked here too.
    description: maskContacts(c.description),
    lat: Number(c.lat),
    lng: Number(c.lng),
    stages,
    photos: {
      before: photos.filter((p) => p.purpose === 'before').map((p) => url(p.photo_id)),
      after: closed ? photos.filter((p) => p.purpose === 'after').map((p) => url(p.photo_id)) : [],
    },
    abusive,
    feedback: ref.feedback,
    feedbackAt: w3cDate(ref.feedback_at),
    canRespond: mayRespond(ref),
  };
}

import type { Db } from '../../db/index.js';
import type { CaseSource, CaseTable } from '../../db/schema.js';
import { caseDto } from '../cases/case-dto.js';
import { nextCaseNumber } from '../cases/case-number.js';
import { SYSTEM_ACTOR, appendCaseEvent } from '../cases/events.js';
import { dispatchedUnitOf } from '../cases/independent-check.js';
import { stageColumns } from '../cases/stage-deadlines.js';
import type { NoticeParams } from '../notifications/messages.js';
import { notify } from '../notifications/notify.js';
import type { Clock } from '../shared/clock.js';
import { newId, newIdFor } from '../shared/ids.js';

/** The 一网通办 branch of each subdistrict's problem catalogue, created on first use. */
export const SERVICE_CASE_STANDARDS = {
  bad_rating: { classCode: 'YW', subCode: 'YW01', code: 'YW0101', zh: '差评整改', en: 'Bad service rating: follow-up', subZh: '好差评', subEn: 'Service ratings', hours: [1, 1, 40, 8] },
  terminal_fault: { classCode: 'YW', subCode: 'YW02', code: 'YW0201', zh: '自助终端故障维修', en: 'Self-service terminal repair', subZh: '自助终端', subEn: 'Self-service terminals', hours: [1, 1, 16, 8] },
} as const;
export type ServiceCaseKind = keyof typeof SERVICE_CASE_STANDARDS;

export async function serviceCaseCategory(db: Db, clock: Clock, subdistrictId: string, kind: ServiceCaseKind) {
  const spec = SERVICE_CASE_STANDARDS[kind];
  const find = (code: string) =>
    db.selectFrom('case_categories').selectAll().where('subdistrict_id', '=', subdistrictId).where('code', '=', code).executeTakeFirst();
  const existing = await find(spec.code);
  if (existing) return existing;
  const at = clock.now().toISOString();
  const base = { subdistrict_id: subdistrictId, default_unit_kind: null, limit_mode: 'working' as const, severity: 'normal' as const, site_kinds: '[]', sort_order: 90, active: 1, version: 1, created_at: at, updated_at: at };
  const [f, d, h, c] = spec.hours;
  const limits = { file_hours: f, dispatch_hours: d, handle_hours: h, check_hours: c };
  // Insert-if-missing on the catalogue's unique (subdistrict, code): two first uses may race.
  const upsert = async (row: Record<string, unknown>) =>
    db.insertInto('case_categories').values(row as never).onConflict((oc) => oc.columns(['subdistrict_id', 'code']).doNothing()).execute();
  await upsert({ ...base, ...limits, id: newId(), parent_id: null, level: 'class', code: spec.classCode, name_zh: '一网通办', name_en: 'One-stop services' });
  const cls = await find(spec.classCode);
  await upsert({ ...base, ...limits, id: newId(), parent_id: cls!.id, level: 'subclass', code: spec.subCode, name_zh: spec.subZh, name_en: spec.subEn });
  const sub = await find(spec.subCode);
  await upsert({ ...base, ...limits, id: newId(), parent_id: sub!.id, level: 'standard', code: spec.code, name_zh: spec.zh, name_en: spec.en });
  return (await find(spec.code))!;
}

/** The committee a case about a point without one (a centre's terminal) is filed under: the subdistrict's first. */
export async function fallbackCommittee(db: Db, subdistrictId: string) {
  const c = await db.selectFrom('committees').select('id').where('subdistrict_id', '=', subdistrictId).orderBy('code').limit(1).executeTakeFirstOrThrow();
  return c.id;
}

export interface SystemCaseInput {
  subdistrictId: string;
  committeeId: string;
  kind: ServiceCaseKind;
  source: CaseSource;
  description: string;
  lng: number;
  lat: number;
  /** Who the case goes to at once (谁办理谁负责); null leaves it for the desk to file and dispatch. */
  assignUserId: string | null;
  /**
   * The handling unit of that person, as a desk's dispatch to them by name records it
   * (resolveAssignee): their unit is the one a failed check sends the case back to (返工), the one
   * its handling is credited to, and the one whose members may not make its 核查.
   */
  assignUnitId?: string | null;
  /**
   * What the notice about the case says, as parameters of its message (`service_<kind>`,
   * notifications/messages.ts) besides the case number and category, which are added here.
   */
  notice: NoticeParams;
  /** Overrides the handling limit (e.g. the subdistrict's 差评 rectification days). */
  handleDueAt?: Date;
  dedupeKey: string;
}

/**
 * Opens a case the system found (a bad rating, a silent terminal): reported by the system and,
 * when someone is named, filed and dispatched to them at once — the same case, events, hash
 * chain, deadlines and dashboard as any other. The caller owns the transaction.
 */
export async function openSystemCase(db: Db, clock: Clock, input: SystemCaseInput) {
  const category = await serviceCaseCategory(db, clock, input.subdistrictId, input.kind);
  const now = clock.now();
  const at = now.toISOString();
  const sub = await db.selectFrom('subdistricts').select(['case_prefix', 'code']).where('id', '=', input.subdistrictId).executeTakeFirstOrThrow();
  const number = await nextCaseNumber(db, input.subdistrictId, sub.case_prefix ?? `S${sub.code}`, now);
  const dispatched = input.assignUserId !== null;
  const status = dispatched ? 'dispatched' : 'reported';
  const stage = await stageColumns(db, input.subdistrictId, category, status, now);
  if (dispatched && input.handleDueAt) {
    stage.stage_due_at = input.handleDueAt.toISOString();
    stage.remind_at = new Date(Math.max(now.getTime(), input.handleDueAt.getTime() - 2 * 3600_000)).toISOString();
  }
  const row: CaseTable = {
    id: newIdFor(clock), subdistrict_id: input.subdistrictId, committee_id: input.committeeId, grid_id: null, site_id: null, category_id: category.id,
    number, source: input.source, status, pending_request: null, requested_due_at: null, description: input.description, lng: input.lng,
    lat: input.lat, reporter_id: null, reporter_role: 'system', assigned_unit_id: dispatched ? (input.assignUnitId ?? null) : null, assigned_user_id: input.assignUserId,
    merged_into_id: null, status_reason: null, rework_count: 0, redispatch_count: 0, reopen_count: 0, extension_count: 0, overdue_count: 0,
    version: 1, reported_at: at, filed_at: dispatched ? at : null, dispatched_at: dispatched ? at : null, handled_at: null, closed_at: null,
    cancelled_at: null, ...stage, handle_due_at: dispatched ? stage.stage_due_at : null, handled_on_time: null, closed_on_time: null, updated_at: at,
  };
  // The unit it is answerable to: the one named, else that of the person it is sent to (transition-case.ts).
  if (dispatched) row.responsible_unit_id = await dispatchedUnitOf(db, row);
  await db.insertInto('cases').values(row).execute();
  // Notify before the events: appending one locks the chain head until commit.
  await notify(db, clock, {
    subdistrictId: input.subdistrictId,
    recipients: dispatched ? { userIds: [input.assignUserId as string] } : { roles: ['operator'] },
    kind: `service_${input.kind}`, caseId: row.id, dedupeKey: input.dedupeKey,
    // Stored language-neutrally, read in each reader's language.
    message: { key: `service_${input.kind}` as const, params: { ...input.notice, number, categoryZh: category.name_zh, categoryEn: category.name_en } },
  });
  await appendCaseEvent(db, clock, {
    subdistrictId: row.subdistrict_id, caseId: row.id, action: 'report', fromStatus: null, toStatus: 'reported', actor: SYSTEM_ACTOR,
    note: input.description, changes: { status: [null, 'reported'] },
  });
  if (dispatched) {
    await appendCaseEvent(db, clock, {
      subdistrictId: row.subdistrict_id, caseId: row.id, action: 'file', fromStatus: 'reported', toStatus: 'filed', actor: SYSTEM_ACTOR,
      changes: { status: ['reported', 'filed'] },
    });
    await appendCaseEvent(db, clock, {
      subdistrictId: row.subdistrict_id, caseId: row.id, action: 'dispatch', fromStatus: 'filed', toStatus: 'dispatched', actor: SYSTEM_ACTOR,
      changes: {
        status: ['filed', 'dispatched'], assigned_unit_id: [null, row.assigned_unit_id], assigned_user_id: [null, input.assignUserId],
        stage_due_at: [null, row.stage_due_at],
      },
    });
  }
  return caseDto(row);
}

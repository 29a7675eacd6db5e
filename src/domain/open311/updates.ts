import type { Db } from '../../db/index.js';
import type { CaseStatus } from '../../db/schema.js';
import { DomainError } from '../shared/errors.js';
import type { Jurisdiction } from './jurisdictions.js';
import { publicCase } from './requests.js';
import { PUBLIC_ACTIONS, type UpdateStatus, updateStatus, w3cDate } from './public-stage.js';

/**
 * servicerequestupdates, the extension FixMyStreet reads to learn of progress
 * (<service_requests_updates><request_update>…): one entry per public change of a case
 * (update_id = the case event), newest last. The description is the public wording of the step,
 * never the staff's note (which may name people or parties).
 */
export interface RequestUpdate {
  update_id: string;
  service_request_id: string;
  status: UpdateStatus;
  updated_datetime: string;
  description: string;
  media_url: string | null;
}

export const ACTION_TEXT: Record<(typeof PUBLIC_ACTIONS)[number], string> = {
  report: '已受理，等待城运中心核实立案',
  file: '已立案，等待派遣处置单位',
  cancel: '经核实不予立案，已注销',
  dispatch: '已派遣处置单位，正在处置',
  redispatch: '已改派处置单位，正在处置',
  handle: '处置单位已反馈处置结果，等待独立核查',
  check_pass: '经核查已整改到位，已结案',
  check_fail: '核查未通过，已退回处置单位返工',
  approve_hold: '暂缓处置（挂账），条件具备后继续办理',
  release_hold: '恢复处置',
  reopen: '已重新打开，等待派遣处置单位',
  merge: '与另一案件为同一问题，已合并办理',
};

const DEFAULT_SPAN_MS = 24 * 3600_000;
const MAX_SPAN_MS = 90 * 24 * 3600_000;
export const MAX_UPDATES = 1000;
/** Stable id of the refusal of a window holding more than MAX_UPDATES updates (docs/integrations.md). */
export const TOO_MANY_UPDATES = 'too_many_updates';

export async function requestUpdates(db: Db, j: Jurisdiction, now: Date, f: { start?: string; end?: string }, mediaBase: string): Promise<RequestUpdate[]> {
  const end = f.end ? Date.parse(f.end) : now.getTime();
  const start = f.start ? Date.parse(f.start) : end - DEFAULT_SPAN_MS;
  if (start > end) throw new DomainError('validation_failed', 'start_date is after end_date', { field: 'start_date' });
  if (end - start > MAX_SPAN_MS) throw new DomainError('validation_failed', 'start_date to end_date may not span more than 90 days', { field: 'end_date' });
  const rows = await db
    .selectFrom('case_events as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .leftJoin('open311_requests as o', 'o.case_id', 'c.id')
    .select(['e.id', 'e.action', 'e.to_status', 'e.at', 'e.photo_ids', 'c.number'])
    .where('e.subdistrict_id', '=', j.id)
    .where('e.at', '>=', new Date(start).toISOString())
    .where('e.at', '<=', new Date(end).toISOString())
    .where('e.action', 'in', [...PUBLIC_ACTIONS])
    .where((eb) => eb.or([eb('o.abusive', 'is', null), eb('o.abusive', '=', 0)]))
    .where(publicCase('c'))
    .orderBy('e.at')
    .orderBy('e.seq')
    // One more than allowed tells a full window from one cut short: never drop the newest silently.
    .limit(MAX_UPDATES + 1)
    .execute();
  if (rows.length > MAX_UPDATES) {
    // Open311's error code is the HTTP status; the description's leading id is the stable part a client matches.
    throw new DomainError('validation_failed', `${TOO_MANY_UPDATES}: more than ${MAX_UPDATES} updates between start_date and end_date; narrow start_date/end_date and ask again`, {
      field: 'start_date', limit: MAX_UPDATES,
    });
  }
  return rows.map((r) => toUpdate(r, mediaBase));
}

/** A case event as the public update it is (the fields servicerequestupdates and webhooks carry). */
export interface UpdateFacts {
  id: string;
  action: string;
  to_status: string;
  at: string;
  /** JSON array of photo ids */
  photo_ids: string;
  /** the case number = service_request_id */
  number: string;
}

/** mediaBase null: no absolute address is known, so media_url is left out (null). */
export function toUpdate(r: UpdateFacts, mediaBase: string | null): RequestUpdate {
  const photos = JSON.parse(r.photo_ids) as string[];
  return {
    update_id: r.id,
    service_request_id: r.number,
    status: updateStatus(r.to_status as CaseStatus),
    updated_datetime: w3cDate(r.at)!,
    description: ACTION_TEXT[r.action as keyof typeof ACTION_TEXT],
    media_url: mediaBase && photos.length && (r.action === 'handle' || r.action === 'report') ? `${mediaBase}/media/${photos[0]}.jpg` : null,
  };
}

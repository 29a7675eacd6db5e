import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { parseFlags } from '../evidence/photo-checks.js';
import { notFound } from '../shared/errors.js';
import { pageLimit, readKeysetPage } from '../shared/keyset-page.js';

export const INSPECTIONS_PAGE_DEFAULT = 200;
export const INSPECTIONS_PAGE_MAX = 1000;

const summaryColumns = [
  'i.id', 'i.site_id as siteId', 's.name as siteName', 'i.site_kind as siteKind', 'i.committee_id as committeeId',
  'i.checklist_id as checklistId', 'cl.version as checklistVersion', 'i.inspector_id as inspectorId', 'u.display_name as inspectorName',
  'i.outcome', 'i.failed_count as failedCount', 'i.unresolved_count as unresolvedCount', 'i.local_date as date',
  'i.recorded_at as recordedAt', 'i.evidence_flags as flags',
] as const;

function base(db: Db, actor: Actor) {
  return db
    .selectFrom('inspections as i')
    .innerJoin('sites as s', 's.id', 'i.site_id')
    .innerJoin('checklists as cl', 'cl.id', 'i.checklist_id')
    .innerJoin('users as u', 'u.id', 'i.inspector_id')
    .where(scopeCondition(actor, 'i.subdistrict_id', 'i.committee_id'));
}

/** Inspections in the actor's scope, newest first, in pages (`after` → `nextCursor`), each with its photos' ids. */
export async function listInspections(
  db: Db,
  actor: Actor,
  f: { date?: string; siteId?: string; inspectorId?: string; committeeId?: string; caseId?: string; flagged?: boolean },
  page: { after?: string; limit?: number } = {},
) {
  assertCan(actor, 'patrols.read');
  const limit = pageLimit(page.limit, INSPECTIONS_PAGE_DEFAULT, INSPECTIONS_PAGE_MAX);
  let q = base(db, actor).select(summaryColumns);
  if (f.date) q = q.where('i.local_date', '=', f.date);
  if (f.siteId) q = q.where('i.site_id', '=', f.siteId);
  if (f.inspectorId) q = q.where('i.inspector_id', '=', f.inspectorId);
  if (f.committeeId) q = q.where('i.committee_id', '=', f.committeeId);
  if (f.flagged) q = q.where('i.evidence_flags', '!=', '[]');
  if (f.caseId) q = q.where('i.id', 'in', db.selectFrom('inspection_cases').select('inspection_id').where('case_id', '=', f.caseId));
  const { page: shown, nextCursor } = await readKeysetPage(
    q, { keys: ['i.recorded_at', 'i.id'], kinds: ['string', 'string'], order: 'desc' }, { after: page.after, limit }, (r) => [r.recordedAt, r.id],
  );
  const photos = await photosOf(db, shown.map((r) => r.id));
  return { items: shown.map(({ flags, ...r }) => ({ ...r, evidenceFlags: parseFlags(flags), photoIds: photos.get(r.id) ?? [] })), nextCursor };
}

const idList = (json: string): string[] => {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

/** Each inspection's photos (before, then after, item by item, each once), for judging flagged evidence. */
async function photosOf(db: Db, inspectionIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!inspectionIds.length) return out;
  const rows = await db
    .selectFrom('inspection_answers as a')
    .innerJoin('checklist_items as it', 'it.id', 'a.item_id')
    .select(['a.inspection_id as inspectionId', 'a.photo_ids as photoIds', 'a.after_photo_ids as afterPhotoIds'])
    .where('a.inspection_id', 'in', inspectionIds)
    .where((eb) => eb.or([eb('a.photo_ids', '!=', '[]'), eb('a.after_photo_ids', '!=', '[]')]))
    .orderBy('a.inspection_id')
    .orderBy('it.position')
    .execute();
  for (const r of rows) {
    const ids = out.get(r.inspectionId) ?? [];
    for (const p of [...idList(r.photoIds), ...idList(r.afterPhotoIds)]) if (!ids.includes(p)) ids.push(p);
    out.set(r.inspectionId, ids);
  }
  return out;
}

/** One inspection with its answers (as the version's items read) and the cases it raised. */
export async function getInspection(db: Db, actor: Actor, id: string) {
  assertCan(actor, 'patrols.read');
  const row = await base(db, actor).select([...summaryColumns, 'i.note', 'i.lat', 'i.lng', 'i.accuracy_m as accuracyM']).where('i.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Inspection', id);
  const answers = await db
    .selectFrom('inspection_answers as a')
    .innerJoin('checklist_items as it', 'it.id', 'a.item_id')
    .leftJoin('inspection_cases as ic', 'ic.answer_id', 'a.id')
    .leftJoin('cases as c', 'c.id', 'ic.case_id')
    .select([
      'a.id', 'a.item_id as itemId', 'it.code', 'it.text', 'it.text_en as textEn', 'it.position', 'a.result', 'a.note',
      'a.photo_ids as photoIds', 'a.after_photo_ids as afterPhotoIds', 'a.resolution', 'ic.case_id as caseId',
      'c.number as caseNumber', 'c.status as caseStatus',
    ])
    .where('a.inspection_id', '=', id)
    .orderBy('it.position')
    .execute();
  const { flags, ...rest } = row;
  return {
    ...rest,
    lat: rest.lat == null ? null : Number(rest.lat),
    lng: rest.lng == null ? null : Number(rest.lng),
    evidenceFlags: parseFlags(flags),
    answers: answers.map((a) => ({ ...a, photoIds: JSON.parse(a.photoIds) as string[], afterPhotoIds: JSON.parse(a.afterPhotoIds) as string[] })),
  };
}

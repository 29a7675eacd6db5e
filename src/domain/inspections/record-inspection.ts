import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { reportCase } from '../cases/report-case.js';
import { captureTime } from '../checkins/capture-time.js';
import { judgePosition } from '../checkins/geofence.js';
import { shanghaiDate } from '../checkins/local-time.js';
import { regradeSite } from '../compliance/regrade.js';
import { checkPhotos, type EvidenceSettings, recordPhotoUses } from '../evidence/photo-checks.js';
import { assertBeforeAfterDiffer, assertPhotosUsable } from '../photos/usable.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { getChecklist } from './checklists.js';
import { type AnswerInput, InspectionInput } from './inspection-input.js';
import { DEFAULT_CATEGORY_FOR_ITEM } from './item-categories.js';
import { inTransaction } from '../shared/in-transaction.js';
import { coverageChanged } from '../coverage/coverage-memo.js';

/** Re-labels a case-creation validation error so it names the answer it came from. */
function prefixed(err: unknown, prefix: string): unknown {
  if (!(err instanceof DomainError) || err.code !== 'validation_failed') return err;
  const d = err.details as { fields?: { field: string; reason: string }[] } | undefined;
  const fields = (d?.fields ?? []).map((f) => ({ ...f, field: `${prefix}.${f.field}` }));
  return new DomainError('validation_failed', `${fields[0]?.field ?? prefix}: ${fields[0]?.reason ?? err.message}`, { fields });
}

export interface InspectionSettings extends EvidenceSettings {
  /** How old an offline capture's device time may be and still date the inspection (capture-time.ts); default 24 h. */
  maxDeviceAgeMs?: number;
  /** The check-ins' geofence (geofence.ts): an inspection's position outside it is flagged. */
  geofenceM: number;
  maxAccuracyM: number;
}

/**
 * A visit fills one checklist version. Every item is answered pass / fail / not applicable.
 * A failed item is fixed on the spot (a closed self-resolved case with before and after photos)
 * or reported (a case into the loop); inspection and cases link both ways (inspection_cases).
 * Everything — inspection, answers, cases, grade — is written in one transaction, or nothing.
 */
export async function recordInspection(db: Db, clock: Clock, settings: InspectionSettings, actor: Actor, raw: InspectionInput) {
  assertCan(actor, 'inspections.record');
  const input = InspectionInput.parse(raw);
  const site = await db
    .selectFrom('sites')
    .select(['id', 'subdistrict_id', 'committee_id', 'kind', 'lat', 'lng', 'status', 'name'])
    .where('id', '=', input.siteId)
    .where(scopeCondition(actor, 'subdistrict_id', 'committee_id'))
    .executeTakeFirst();
  if (!site || site.status !== 'active') throw notFound('Site', input.siteId);
  const checklist = await getChecklist(db, actor, input.checklistId).catch(() => null);
  if (!checklist || checklist.subdistrictId !== site.subdistrict_id) throw invalidField('checklistId', 'unknown checklist');
  if (checklist.siteKind !== site.kind) throw invalidField('checklistId', `this checklist is for ${checklist.siteKind}, not ${site.kind}`);

  const items = new Map(checklist.items.map((it) => [it.id, it]));
  const seen = new Set<string>();
  input.answers.forEach((a, i) => {
    const f = (name: string) => `answers.${i}.${name}`;
    const item = items.get(a.itemId);
    if (!item) throw invalidField(f('itemId'), 'not an item of this checklist version');
    if (seen.has(a.itemId)) throw invalidField(f('itemId'), 'answered twice');
    seen.add(a.itemId);
    if (a.result === 'fail') {
      if (item.photoRequiredOnFail && !a.photoIds.length) throw invalidField(f('photoIds'), 'a photo is required when this item fails');
      if (!a.resolution) throw invalidField(f('resolution'), 'choose fixed (on the spot) or reported');
      if (a.resolution === 'fixed' && !a.photoIds.length) throw invalidField(f('photoIds'), 'a fix on the spot needs a before photo');
      if (a.resolution === 'fixed' && !a.afterPhotoIds.length) throw invalidField(f('afterPhotoIds'), 'a fix on the spot needs an after photo');
      if (a.resolution === 'reported' && a.afterPhotoIds.length) throw invalidField(f('afterPhotoIds'), 'only items fixed on the spot carry after photos');
    } else if (a.resolution || a.afterPhotoIds.length || a.categoryId) {
      throw invalidField(f(a.resolution ? 'resolution' : a.afterPhotoIds.length ? 'afterPhotoIds' : 'categoryId'), 'only failed items are resolved');
    }
  });
  const missing = checklist.items.filter((it) => !seen.has(it.id));
  if (missing.length) throw invalidField('answers', `every item must be answered; missing ${missing.map((m) => m.code).join(', ')}`);
  // An after photo may be no failed item's before photo: item 1's "fixed" picture is no proof of
  // the problem of item 2 (nor the other way round), by id or the same picture uploaded again. A
  // passing item's photo shows no problem: the same picture may prove another item fixed.
  const allBefore = [...new Set(input.answers.filter((a) => a.result === 'fail').flatMap((a) => a.photoIds))];
  for (const [i, a] of input.answers.entries()) {
    await assertPhotosUsable(db, actor, a.photoIds, `answers.${i}.photoIds`);
    await assertPhotosUsable(db, actor, a.afterPhotoIds, `answers.${i}.afterPhotoIds`);
    await assertBeforeAfterDiffer(db, allBefore, a.afterPhotoIds, `answers.${i}.afterPhotoIds`);
  }
  const categoryIds = await resolveCategories(db, site.subdistrict_id, input.answers, items);

  // Timed at capture, as check-ins are (capture-time.ts): an inspection made offline at 23:50 and
  // sent after midnight belongs to the day it was made — for coverage (local_date), the sweep and
  // the grade schedule (recorded_at) — unless the phone's clock is not believable.
  const when = captureTime(clock.now(), input.deviceTime, settings.maxDeviceAgeMs);
  const at = when.at.toISOString();
  const failed = input.answers.filter((a) => a.result === 'fail');
  const pos = input.position ?? { lat: Number(site.lat), lng: Number(site.lng), accuracyM: undefined };
  const allPhotos = [...new Set(input.answers.flatMap((a) => [...a.photoIds, ...a.afterPhotoIds]))];

  return inTransaction(db, async (trx) => {
    coverageChanged(site.subdistrict_id);
    const id = newId();
    const flags = await checkPhotos(trx, clock, settings, { photoIds: allPhotos, site: { lat: Number(site.lat), lng: Number(site.lng) }, recordId: id, at: when.at });
    // As a check-in is: a phone clock not believed, or a capture sent long after, is flagged for
    // review (the inspection is timed at capture, so a backdated one must not pass unseen).
    const shot = allPhotos[0] ?? '';
    if (when.refusedSkewMinutes !== null) flags.push({ code: 'device_time_far', photoId: shot, detail: { minutes: when.refusedSkewMinutes } });
    if (when.lateMinutes !== null) flags.push({ code: 'synced_late', photoId: shot, detail: { minutes: when.lateMinutes } });
    // It counts as coverage, so the visit is judged by the check-ins' geofence — flagged for review,
    // not refused (an inspection covers a whole site, and a phone may have no fix indoors).
    if (!input.position) flags.push({ code: 'no_position', photoId: shot, detail: {} });
    else {
      const verdict = judgePosition({ lat: Number(site.lat), lng: Number(site.lng) }, input.position, { radiusM: settings.geofenceM, maxAccuracyM: settings.maxAccuracyM });
      if (!verdict.accepted) flags.push({ code: 'outside_site', photoId: shot, detail: { metres: Math.round(verdict.distanceM), accuracyM: input.position.accuracyM } });
    }
    await trx
      .insertInto('inspections')
      .values({
        id, subdistrict_id: site.subdistrict_id, committee_id: site.committee_id, site_id: site.id, site_kind: site.kind,
        checklist_id: checklist.id, inspector_id: actor.userId, outcome: failed.length ? 'fail' : 'pass', failed_count: failed.length,
        unresolved_count: failed.filter((a) => a.resolution === 'reported').length,
        lat: input.position?.lat ?? null, lng: input.position?.lng ?? null, accuracy_m: input.position?.accuracyM ?? null,
        note: input.note ?? null, local_date: shanghaiDate(when.at), recorded_at: at, evidence_flags: JSON.stringify(flags),
      })
      .execute();
    const cases: { answerIndex: number; caseId: string; number: string; resolution: 'fixed' | 'reported' }[] = [];
    for (const [i, a] of input.answers.entries()) {
      const answerId = newId();
      await trx
        .insertInto('inspection_answers')
        .values({
          id: answerId, inspection_id: id, item_id: a.itemId, result: a.result, note: a.note ?? null,
          photo_ids: JSON.stringify(a.photoIds), after_photo_ids: JSON.stringify(a.afterPhotoIds), resolution: a.resolution ?? null,
        })
        .execute();
      if (a.result !== 'fail' || !a.resolution) continue;
      const item = items.get(a.itemId)!;
      const created = await reportCase(trx, clock, actor, {
        source: a.resolution === 'fixed' ? 'self_resolved' : actor.role === 'enforcement' ? 'enforcement' : 'patrol',
        categoryId: categoryIds.get(i)!, siteId: site.id, lng: pos.lng, lat: pos.lat,
        ...(pos.accuracyM !== undefined && { accuracy: pos.accuracyM }),
        description: a.description ?? `检查发现：${item.text}${a.note ? `（${a.note}）` : ''}`,
        photoIds: a.photoIds, afterPhotoIds: a.resolution === 'fixed' ? a.afterPhotoIds : [],
        ...(input.deviceTime && { deviceAt: input.deviceTime }),
      }).catch((e) => {
        throw prefixed(e, `answers.${i}`);
      });
      await trx.insertInto('inspection_cases').values({ inspection_id: id, answer_id: answerId, case_id: created.id, resolution: a.resolution }).execute();
      cases.push({ answerIndex: i, caseId: created.id, number: created.number, resolution: a.resolution });
    }
    await recordPhotoUses(trx, clock, site.subdistrict_id, 'inspection', id, allPhotos);
    const grade = await regradeSite(trx, clock, site.id);
    return {
      id, siteId: site.id, checklistId: checklist.id, checklistVersion: checklist.version,
      outcome: failed.length ? 'fail' : 'pass', failedCount: failed.length, cases, evidenceFlags: flags,
      grade: grade.grade, gradeChanged: grade.changed, nextDueAt: grade.nextDueAt, recordedAt: at,
    };
  });
}

async function resolveCategories(db: Db, subdistrictId: string, answers: AnswerInput[], items: Map<string, { code: string }>) {
  const out = new Map<number, string>();
  const codes = [...new Set(Object.values(DEFAULT_CATEGORY_FOR_ITEM))];
  const cats = await db
    .selectFrom('case_categories')
    .select(['id', 'code'])
    .where('subdistrict_id', '=', subdistrictId)
    .where('level', '=', 'standard')
    .where('active', '=', 1)
    .where('code', 'in', codes)
    .execute();
  const byCode = new Map(cats.map((c) => [c.code, c.id]));
  answers.forEach((a, i) => {
    if (a.result !== 'fail') return;
    const id = a.categoryId ?? byCode.get(DEFAULT_CATEGORY_FOR_ITEM[items.get(a.itemId)!.code] ?? '');
    if (!id) throw invalidField(`answers.${i}.categoryId`, 'choose the problem category for this item');
    out.set(i, id);
  });
  return out;
}

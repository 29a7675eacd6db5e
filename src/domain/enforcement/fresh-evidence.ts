import type { Db } from '../../db/index.js';
import type { EnforcementCaseTable, EnforcementStepTable } from '../../db/schema.js';
import { DEVICE_AHEAD_TOLERANCE_MS } from '../checkins/capture-time.js';
import { invalidField } from '../shared/errors.js';

/**
 * How far a phone's clock may run behind the server's and its photo still count as taken after
 * the deadline: the drift capture-time.ts allows a device, no more.
 */
export const EXIF_CLOCK_DRIFT_MS = DEVICE_AHEAD_TOLERANCE_MS;

/**
 * A re-inspection proves what the officer finds on that visit. Its photos may not be ones the
 * ladder already cited — an earlier step's or the linked case's (its before photo, the handler's
 * after photo) — by id, nor the same picture (sha256) uploaded again: the order's photo re-cited
 * would "prove" the problem persists with a picture taken before the party had the time to fix it.
 * Nor may they be cited by a step of another ladder (by id or sha256): one picture cannot show two
 * shops' state on two visits.
 * A not rectified finding is made after the deadline (the re-inspection that follows it in the
 * procedure, DOMAIN.md §4), so its photos can neither have reached the server before it nor, by
 * the camera's own record (EXIF), have been taken before it, beyond a phone clock's usual drift:
 * an old picture uploaded late proves nothing about the state after the deadline. A photo without
 * EXIF time is judged by its upload time alone.
 * Throws validation_failed naming `<field>.<index>`.
 */
export async function assertFreshEvidence(
  db: Db,
  ec: Pick<EnforcementCaseTable, 'id' | 'case_id' | 'deadline_at'>,
  priorSteps: Pick<EnforcementStepTable, 'photo_ids'>[],
  photoIds: string[],
  result: 'rectified' | 'not_rectified' | undefined,
  field = 'photoIds',
): Promise<void> {
  if (!photoIds.length) return;
  const cited = new Set<string>(priorSteps.flatMap((s) => JSON.parse(s.photo_ids ?? '[]') as string[]));
  const linked = await db.selectFrom('case_photos').select('photo_id').where('case_id', '=', ec.case_id).execute();
  for (const r of linked) cited.add(r.photo_id);
  const reused = 'already cited by an earlier step of this case; a re-inspection needs a photo taken on that visit';
  const again = photoIds.findIndex((id) => cited.has(id));
  if (again >= 0) throw invalidField(`${field}.${again}`, reused);
  const rows = await db.selectFrom('photos').select(['id', 'sha256', 'created_at', 'exif_taken_at']).where('id', 'in', [...photoIds, ...cited]).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const citedHashes = new Set([...cited].map((id) => byId.get(id)?.sha256).filter(Boolean));
  const copy = photoIds.findIndex((id) => citedHashes.has(byId.get(id)?.sha256));
  if (copy >= 0) throw invalidField(`${field}.${copy}`, reused);
  const elsewhere = await citedByOtherLadders(db, ec.id, photoIds.map((id) => byId.get(id)).filter((p) => p !== undefined));
  const other = photoIds.findIndex((id) => elsewhere.has(id));
  if (other >= 0) throw invalidField(`${field}.${other}`, 'already cited (this photo or the same picture) by a step of another enforcement case; a re-inspection needs a photo taken on that visit');
  if (result === 'not_rectified' && ec.deadline_at) {
    const deadline = new Date(ec.deadline_at).getTime();
    const early = photoIds.findIndex((id) => {
      const p = byId.get(id);
      return p !== undefined && new Date(p.created_at).getTime() < deadline;
    });
    if (early >= 0) throw invalidField(`${field}.${early}`, 'taken before the rectification deadline; not rectified is proved by a photo taken after it');
    const shotEarly = photoIds.findIndex((id) => {
      const taken = byId.get(id)?.exif_taken_at;
      return taken != null && new Date(taken).getTime() < deadline - EXIF_CLOCK_DRIFT_MS;
    });
    if (shotEarly >= 0) {
      throw invalidField(`${field}.${shotEarly}`, `its camera time (EXIF ${byId.get(photoIds[shotEarly]!)!.exif_taken_at}) is before the rectification deadline; not rectified is proved by a photo taken after it`);
    }
  }
}

/** The ids of `photos` that a step of another ladder cites, itself or another upload of the same picture. */
async function citedByOtherLadders(db: Db, enforcementCaseId: string, photos: { id: string; sha256: string }[]): Promise<Set<string>> {
  if (!photos.length) return new Set();
  const twins = await db.selectFrom('photos').select(['id', 'sha256']).where('sha256', 'in', [...new Set(photos.map((p) => p.sha256))]).execute();
  const ids = [...new Set([...photos.map((p) => p.id), ...twins.map((t) => t.id)])];
  // photo_ids is a JSON array of ids: LIKE narrows the rows, the parsed array decides.
  const steps = await db
    .selectFrom('enforcement_steps')
    .select('photo_ids')
    .where('enforcement_case_id', '!=', enforcementCaseId)
    .where((eb) => eb.or(ids.map((id) => eb('photo_ids', 'like', `%${JSON.stringify(id)}%`))))
    .execute();
  const usedIds = new Set(steps.flatMap((s) => JSON.parse(s.photo_ids) as string[]));
  const usedHashes = new Set(twins.filter((t) => usedIds.has(t.id)).map((t) => t.sha256));
  return new Set(photos.filter((p) => usedIds.has(p.id) || usedHashes.has(p.sha256)).map((p) => p.id));
}

import type { Db } from '../../db/index.js';
import type { EnforcementCaseTable, EnforcementStepTable } from '../../db/schema.js';
import { invalidField } from '../shared/errors.js';

/**
 * A re-inspection proves what the officer finds on that visit. Its photos may not be ones the
 * ladder already cited — an earlier step's or the linked case's (its before photo, the handler's
 * after photo) — by id, nor the same picture (sha256) uploaded again: the order's photo re-cited
 * would "prove" the problem persists with a picture taken before the party had the time to fix it.
 * A not rectified finding is made after the deadline, so its photos cannot have reached the server
 * before it. The upload time is the server's own; the EXIF time is not used to refuse, a phone's
 * clock can be wrong for honest reasons (it is flagged on check-ins, photo-checks.ts).
 * Throws validation_failed naming `<field>.<index>`.
 */
export async function assertFreshEvidence(
  db: Db,
  ec: Pick<EnforcementCaseTable, 'case_id' | 'deadline_at'>,
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
  const rows = await db.selectFrom('photos').select(['id', 'sha256', 'created_at']).where('id', 'in', [...photoIds, ...cited]).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const citedHashes = new Set([...cited].map((id) => byId.get(id)?.sha256).filter(Boolean));
  const copy = photoIds.findIndex((id) => citedHashes.has(byId.get(id)?.sha256));
  if (copy >= 0) throw invalidField(`${field}.${copy}`, reused);
  if (result === 'not_rectified' && ec.deadline_at) {
    const deadline = new Date(ec.deadline_at).getTime();
    const early = photoIds.findIndex((id) => {
      const p = byId.get(id);
      return p !== undefined && new Date(p.created_at).getTime() < deadline;
    });
    if (early >= 0) throw invalidField(`${field}.${early}`, 'taken before the rectification deadline; not rectified is proved by a photo taken after it');
  }
}

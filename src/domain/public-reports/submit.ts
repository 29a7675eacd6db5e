import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';
import { invalidField } from '../shared/errors.js';
import { type IntakeInput, type IntakeResult, fileRequest } from '../open311/intake.js';
import type { Jurisdiction } from '../open311/jurisdictions.js';
import { assertClientMayReport } from './abuse.js';
import { type VerifiedChallenge, spendChallenge } from './proof-of-work.js';

/** What the public page sends: the spec's fields a citizen fills, nothing more. */
export interface PublicReportInput {
  serviceCode?: string;
  lat?: string;
  lng?: string;
  siteKind?: string;
  description?: string;
  phone?: string;
  photoIds: string[];
}

export interface PublicReportResult extends IntakeResult {
  trackPath: string;
}

/**
 * Files a report from the public page as a citizen case (source citizen, channel web): the
 * proof-of-work challenge is spent and the client's abuse record checked in the same transaction
 * (the caller owns it), so a replayed challenge files nothing and a refused report spends nothing.
 */
export async function submitPublicReport(
  db: Db,
  clock: Clock,
  j: Jurisdiction,
  input: PublicReportInput,
  opts: { challenge: VerifiedChallenge; clientHash: string; duplicateRadiusM?: number; duplicateWindowHours?: number },
): Promise<PublicReportResult> {
  if (!input.photoIds.length) throw invalidField('photo', 'required: a photo of the problem');
  if (!input.description?.trim()) throw invalidField('description', 'required: describe the problem');
  if (!input.lat?.trim() || !input.lng?.trim()) throw invalidField('lat', 'required: a point on the map or your location');
  await assertClientMayReport(db, clock.now(), opts.clientHash);
  await spendChallenge(db, clock, opts.challenge);
  const intake: IntakeInput = {
    service_code: input.serviceCode, lat: input.lat, long: input.lng, description: input.description, phone: input.phone,
    attribute: input.siteKind ? { site_kind: input.siteKind } : {}, photoIds: input.photoIds,
  };
  const r = await fileRequest(db, clock, { kind: 'web' }, j, intake, {
    clientHash: opts.clientHash, duplicateRadiusM: opts.duplicateRadiusM, duplicateWindowHours: opts.duplicateWindowHours,
  });
  return { ...r, trackPath: `/report/t/${r.token}` };
}

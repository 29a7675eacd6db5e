import type { Db } from '../../db/index.js';
import type { StoredPhotoFiles } from '../photos/upload.js';
import type { Clock } from '../shared/clock.js';
import { invalidField } from '../shared/errors.js';
import { type IntakeInput, type IntakeOptions, type IntakeResult, checkRequest, fileRequest } from '../open311/intake.js';
import type { Jurisdiction } from '../open311/jurisdictions.js';
import { assertClientMayReport } from './abuse.js';
import { assertChallengeUnspent, type VerifiedChallenge, spendChallenge } from './proof-of-work.js';

/** What the public page sends: the spec's fields a citizen fills, nothing more. */
export interface PublicReportInput {
  serviceCode?: string;
  lat?: string;
  lng?: string;
  siteKind?: string;
  description?: string;
  phone?: string;
}

export interface PublicReportResult extends IntakeResult {
  trackPath: string;
}

export interface PublicReportOptions {
  challenge: VerifiedChallenge;
  clientHash: string;
  /** Fixed by the page for one draft: a retry of a filed report answers with that filing. */
  clientToken?: string;
  duplicateRadiusM?: number;
  duplicateWindowHours?: number;
}

function required(input: PublicReportInput) {
  if (!input.description?.trim()) throw invalidField('description', 'required: describe the problem');
  if (!input.lat?.trim() || !input.lng?.trim()) throw invalidField('lat', 'required: a point on the map or your location');
}

const intakeOf = (input: PublicReportInput): IntakeInput => ({
  service_code: input.serviceCode, lat: input.lat, long: input.lng, description: input.description, phone: input.phone,
  attribute: input.siteKind ? { site_kind: input.siteKind } : {},
});

const intakeOptions = (opts: PublicReportOptions): IntakeOptions => ({
  clientHash: opts.clientHash, clientToken: opts.clientToken, clientTokenField: 'client_token', duplicateRadiusM: opts.duplicateRadiusM, duplicateWindowHours: opts.duplicateWindowHours,
});

const trackPathOf = (token: string) => `/report/t/${token}`;

/**
 * Every check of submitPublicReport, writing nothing: run before the photo is rendered and
 * stored, so a report that would be refused (bad input, a spent challenge, a client limited for
 * abuse) costs no image work and leaves nothing in the store or the photos table. A retry of a
 * report already filed with the same client token returns that filing (the caller answers with
 * it and stores nothing); otherwise null.
 */
export async function checkPublicReport(db: Db, clock: Clock, j: Jurisdiction, input: PublicReportInput, opts: PublicReportOptions): Promise<PublicReportResult | null> {
  // The photo itself is required by the caller (it has the body) and checked by storePhotoFiles.
  required(input);
  const replay = async () => {
    const r = await checkRequest(db, clock, { kind: 'web' }, j, intakeOf(input), intakeOptions(opts));
    return r && { ...r, trackPath: trackPathOf(r.token) };
  };
  // The answer to a filing was lost and the page sends it again: the first filing, whatever since.
  if (opts.clientToken) {
    const first = await replay();
    if (first) return first;
  }
  await assertClientMayReport(db, clock.now(), opts.clientHash);
  await assertChallengeUnspent(db, opts.challenge);
  return replay();
}

/**
 * Files a report from the public page as a citizen case (source citizen, channel web): the
 * proof-of-work challenge is spent, the client's abuse record checked and the photo recorded in
 * the same transaction (the caller owns it), so a replayed challenge files nothing and a refused
 * report spends nothing and records no photo.
 */
export async function submitPublicReport(
  db: Db,
  clock: Clock,
  j: Jurisdiction,
  input: PublicReportInput,
  photos: StoredPhotoFiles[],
  opts: PublicReportOptions,
): Promise<PublicReportResult> {
  if (!photos.length) throw invalidField('photo', 'required: a photo of the problem');
  required(input);
  await assertClientMayReport(db, clock.now(), opts.clientHash);
  await spendChallenge(db, clock, opts.challenge);
  const r = await fileRequest(db, clock, { kind: 'web' }, j, intakeOf(input), { ...intakeOptions(opts), photos });
  return { ...r, trackPath: trackPathOf(r.token) };
}

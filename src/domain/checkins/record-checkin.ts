import { type OnConflictBuilder, PostgresAdapter, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { prepared, preparedInsert } from '../../db/prepared.js';
import type { CheckinMethod, CheckinStatus, Database } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { canSeeCommittee } from '../auth/scope.js';
import { checkPhotos, type EvidenceSettings, mergeFlags, parseFlags, recordPhotoUses } from '../evidence/photo-checks.js';
import { assertPhotosUsable } from '../photos/usable.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { CheckinInput } from './checkin-input.js';
import { type GeofenceSettings, judgePosition } from './geofence.js';
import { keepsExistingProof, MANUAL_COUNTS_AS_COVERED } from './manual-position.js';
import { parseDisposalHours, windowAt } from './windows.js';
import { captureTime } from './capture-time.js';
import { clearMisses, missesSettled, ROUND_CLOCK_DRIFT_MS } from './missed.js';
import { inTransaction } from '../shared/in-transaction.js';
import { coverageChanged } from '../coverage/coverage-memo.js';

export interface PatrolSettings extends EvidenceSettings {
  geofenceM: number;
  maxAccuracyM: number;
  /** How old an offline capture's device time may be and still decide the window (capture-time.ts); default 24 h. */
  maxDeviceAgeMs?: number;
}

const siteForCheckin = prepared((db: Db, id: string) =>
  db.selectFrom('sites').select(['id', 'subdistrict_id', 'committee_id', 'kind', 'lat', 'lng', 'qr_code', 'disposal_hours', 'status']).where('id', '=', id),
);
const setCheckinFlags = prepared((db: Db, flags: string, id: string) => db.updateTable('checkins').set({ evidence_flags: flags }).where('id', '=', id));

/** One check-in row, or a repeat in the same window folded into the existing row. */
interface FoldedCheckin {
  id: string; repeat_count: number; status: CheckinStatus; method: CheckinMethod; manual_reason: string | null;
  distance_m: number | null; evidence_flags: string; window_key: string; in_window: number; first_at: string;
}
/**
 * The unique key a repeat folds into: (site, user, window). On PostgreSQL checkins are partitioned
 * by local_date, so the key there also names it (the window key starts with that date: the same rule).
 */
const upsertCheckinOn = (key: ('site_id' | 'user_id' | 'window_key' | 'local_date')[]) => preparedInsert<'checkins', FoldedCheckin>('checkins', {
  onConflict: (oc: OnConflictBuilder<Database, 'checkins'>) =>
    oc.columns(key).doUpdateSet((eb) => {
      // A stronger later proof replaces the row's proof; an equal or weaker one keeps the first (manual-position.ts).
      const keep = (col: string) => sql<any>`case when ${keepsExistingProof} then checkins.${sql.raw(col)} else excluded.${sql.raw(col)} end`;
      return {
        repeat_count: sql<number>`checkins.repeat_count + 1`,
        last_at: eb.ref('excluded.first_at'),
        last_photo_id: eb.ref('excluded.photo_id'),
        status: keep('status'), method: keep('method'), off_site_reason: keep('off_site_reason'),
        manual_reason: keep('manual_reason'), manual_note: keep('manual_note'),
        lat: keep('lat'), lng: keep('lng'), accuracy_m: keep('accuracy_m'), distance_m: keep('distance_m'),
      };
    }),
  returning: ['id', 'repeat_count', 'status', 'method', 'manual_reason', 'distance_m', 'evidence_flags', 'window_key', 'in_window', 'first_at'],
});
const upsertSqlite = upsertCheckinOn(['site_id', 'user_id', 'window_key']);
const upsertPostgres = upsertCheckinOn(['site_id', 'user_id', 'window_key', 'local_date']);
const upsertCheckin = { run: (db: Db, row: Parameters<typeof upsertSqlite.run>[1]) => (db.getExecutor().adapter instanceof PostgresAdapter ? upsertPostgres : upsertSqlite).run(db, row) };

const fence = (s: PatrolSettings): GeofenceSettings => ({ radiusM: s.geofenceM, maxAccuracyM: s.maxAccuracyM });

/**
 * A cadre or patrol officer checks in at a bin room (打卡). Proof is a photo plus either a GPS
 * position inside the geofence or the bin room's QR plate. Outside the fence it is recorded as
 * off-site with the person's reason; without a reason it is refused (400 naming offSiteReason).
 * Without any position, a manual position with a reason is recorded as method 'manual' and
 * flagged for review (the rule: manual-position.ts). Repeats by the same person in the same
 * disposal window fold into one row, keeping the strongest proof.
 */
export async function recordCheckin(db: Db, clock: Clock, settings: PatrolSettings, actor: Actor, input: CheckinInput) {
  assertCan(actor, 'checkins.record');
  const site = await siteForCheckin.first(db, input.siteId);
  if (!site || site.status !== 'active' || !canSeeCommittee(actor, site.subdistrict_id, site.committee_id)) throw notFound('Site', input.siteId);
  if (site.kind !== 'bin_room') throw invalidField('siteId', 'check-ins are for bin rooms; inspect units and shops');
  if (input.manual && (input.position || input.qrCode !== undefined || input.offSiteReason)) {
    throw invalidField('manual', 'only without a GPS position or QR plate: send one proof');
  }
  if (!input.position && !input.qrCode && !input.manual) throw invalidField('position', 'required unless the QR plate code or a manual position is given');
  await assertPhotosUsable(db, actor, [input.photoId], 'photoId');

  const sitePos = { lat: Number(site.lat), lng: Number(site.lng) };
  const verdict = input.position ? judgePosition(sitePos, input.position, fence(settings)) : null;
  let method: CheckinMethod = 'gps';
  let status: CheckinStatus;
  if (input.qrCode !== undefined) {
    if (!site.qr_code || input.qrCode !== site.qr_code) throw invalidField('qrCode', "does not match this bin room's plate");
    method = 'qr';
    status = 'on_site';
  } else if (input.manual) {
    method = 'manual';
    status = MANUAL_COUNTS_AS_COVERED ? 'on_site' : 'off_site';
  } else if (verdict?.accepted) {
    status = 'on_site';
  } else {
    if (!input.offSiteReason) {
      throw new DomainError('validation_failed', 'offSiteReason: you are outside the bin room geofence; give a reason or scan the QR plate', {
        fields: [{ field: 'offSiteReason', reason: 'required outside the geofence' }],
        geofence: { reason: verdict?.reason, distanceM: Math.round(verdict?.distanceM ?? 0), accuracyM: input.position?.accuracyM, radiusM: settings.geofenceM, maxAccuracyM: settings.maxAccuracyM },
      });
    }
    status = 'off_site';
  }

  // Timed at capture (an offline phone syncs later), unless the phone's clock is not believable.
  const serverNow = clock.now();
  const when = captureTime(serverNow, input.deviceTime, settings.maxDeviceAgeMs);
  const at = when.at.toISOString();
  const win = windowAt(when.at, parseDisposalHours(site.disposal_hours));
  // An on-site check-in into a window the missed-check-in job may already have closed (synced
  // late, or made in its last moments) undoes the misses recorded for it (missed.ts).
  const mayBeRecordedMissed = status === 'on_site' && win.endAt !== null && win.endAt.getTime() <= serverNow.getTime() + ROUND_CLOCK_DRIFT_MS;
  return inTransaction(db, async (trx) => {
    if (mayBeRecordedMissed) await missesSettled(trx);
    const row = (await upsertCheckin.run(trx, {
        id: newId(), subdistrict_id: site.subdistrict_id, committee_id: site.committee_id, site_id: site.id, user_id: actor.userId,
        local_date: win.date, window_key: win.key, in_window: win.inWindow ? 1 : 0, method, status,
        off_site_reason: method !== 'manual' && status === 'off_site' ? (input.offSiteReason ?? null) : null,
        manual_reason: input.manual?.reason ?? null, manual_note: input.manual?.note || null,
        lat: input.position?.lat ?? null, lng: input.position?.lng ?? null, accuracy_m: input.position?.accuracyM ?? null,
        distance_m: verdict ? Math.round(verdict.distanceM * 10) / 10 : null,
        photo_id: input.photoId, device_time: input.deviceTime ? new Date(input.deviceTime).toISOString() : null,
        first_at: at, last_at: at, received_at: serverNow.toISOString(), repeat_count: 0, last_photo_id: null, evidence_flags: '[]',
      })).rows[0];
    if (!row) throw new Error('check-in upsert returned no row');
    if (mayBeRecordedMissed && row.status === 'on_site') await clearMisses(trx, site.id, win.date, row.window_key);
    coverageChanged(site.subdistrict_id);
    const newFlags = await checkPhotos(trx, clock, settings, { photoIds: [input.photoId], site: sitePos, recordId: row.id, at: when.at });
    if (when.refusedSkewMinutes !== null) newFlags.push({ code: 'device_time_far', photoId: input.photoId, detail: { minutes: when.refusedSkewMinutes } });
    if (when.lateMinutes !== null) newFlags.push({ code: 'synced_late', photoId: input.photoId, detail: { minutes: when.lateMinutes } });
    let flags = parseFlags(row.evidence_flags);
    if (newFlags.length) {
      flags = mergeFlags(flags, [...newFlags]);
      await setCheckinFlags.run(trx, JSON.stringify(flags), row.id);
    }
    await recordPhotoUses(trx, clock, site.subdistrict_id, 'checkin', row.id, [input.photoId], newFlags.photos);
    return {
      id: row.id,
      siteId: site.id,
      windowKey: row.window_key,
      inWindow: row.in_window === 1,
      method: row.method,
      status: row.status,
      manualReason: row.manual_reason,
      distanceM: row.distance_m == null ? null : Number(row.distance_m),
      repeatCount: Number(row.repeat_count),
      folded: Number(row.repeat_count) > 0,
      firstAt: row.first_at,
      evidenceFlags: flags,
    };
  });
}

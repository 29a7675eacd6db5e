import { distanceMeters } from '../../shared/geo/distance.js';
import type { LngLat } from '../../shared/geo/gcj02.js';

/**
 * Whether a GPS check-in will count, shown before it is sent. The same rule as the server's
 * (src/domain/checkins/geofence.ts, compared with it in test/web/checkin-verdict.test.ts):
 * counted ⇔ accuracy ≤ maxAccuracy and distance − accuracy ≤ radius, to the centimetre.
 */
export interface FenceSettings {
  geofenceM: number;
  maxAccuracyM: number;
}
export type CheckinVerdict =
  | { counts: true; distanceM: number }
  | { counts: false; reason: 'outside_fence' | 'accuracy_too_poor'; distanceM: number };

const cm = (m: number) => Math.round(m * 100);

export function checkinVerdict(site: LngLat, fix: LngLat & { accuracyM: number }, s: FenceSettings): CheckinVerdict {
  const distanceM = distanceMeters(site, fix);
  if (fix.accuracyM > s.maxAccuracyM) return { counts: false, reason: 'accuracy_too_poor', distanceM };
  if (cm(distanceM) - cm(fix.accuracyM) <= cm(s.geofenceM)) return { counts: true, distanceM };
  return { counts: false, reason: 'outside_fence', distanceM };
}

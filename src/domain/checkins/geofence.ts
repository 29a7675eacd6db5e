import { distanceMetres, type LatLng } from '../geo/haversine.js';

/**
 * THE geofence rule, in one place.
 *
 * A phone reports a WGS-84 position and an accuracy radius (metres, ~68 % confidence). The
 * person may be anywhere in that accuracy circle, so we accept a check-in when the circle
 * reaches the fence around the bin room:
 *
 *     accepted  ⇔  accuracy ≤ maxAccuracy  and  distance − accuracy ≤ radius
 *
 * - A circle straddling the fence is accepted (some of it is inside).
 * - Exactly on the fence (distance − accuracy = radius) is accepted; distances are compared
 *   to the centimetre so floating-point noise cannot flip the verdict.
 * - An accuracy worse than maxAccuracy proves nothing (a 2 km circle "reaches" every bin room
 *   in the subdistrict), so it is off-site however close the reported centre is.
 * Anything not accepted is recorded as off-site with a reason from the person, never silently
 * accepted. Scanning the bin room's QR plate is the alternative proof (see record-checkin.ts).
 */
export interface GeofenceSettings {
  radiusM: number;
  maxAccuracyM: number;
}

export type GeofenceVerdict =
  | { accepted: true; distanceM: number }
  | { accepted: false; reason: 'outside_fence' | 'accuracy_too_poor'; distanceM: number };

const CM = 100;
const cm = (m: number) => Math.round(m * CM);

export function judgePosition(site: LatLng, pos: LatLng & { accuracyM: number }, s: GeofenceSettings): GeofenceVerdict {
  const distanceM = distanceMetres(site, pos);
  if (pos.accuracyM > s.maxAccuracyM) return { accepted: false, reason: 'accuracy_too_poor', distanceM };
  if (cm(distanceM) - cm(pos.accuracyM) <= cm(s.radiusM)) return { accepted: true, distanceM };
  return { accepted: false, reason: 'outside_fence', distanceM };
}

/**
 * GCJ-02 ↔ BD-09, the further offset 百度地图 applies on top of GCJ-02. A position handed to the
 * Baidu app as `coord_type=bd09ll` must be converted WGS-84 → GCJ-02 → BD-09, or the pin lands
 * a few hundred metres off. The forward formula is the one Baidu publishes in its SDK samples;
 * the reverse is solved by fixed-point iteration like gcj02ToWgs84 (the published closed-form
 * inverse is only good to about a metre).
 */
import { gcj02ToWgs84, type LngLat, wgs84ToGcj02 } from './gcj02.js';

const X_PI = (Math.PI * 3000.0) / 180.0;
const MAX_ITERATIONS = 30;
const TOLERANCE_DEG = 1e-10;

export function gcj02ToBd09(p: LngLat): LngLat {
  const x = p.lng;
  const y = p.lat;
  const z = Math.sqrt(x * x + y * y) + 0.00002 * Math.sin(y * X_PI);
  const theta = Math.atan2(y, x) + 0.000003 * Math.cos(x * X_PI);
  return { lng: z * Math.cos(theta) + 0.0065, lat: z * Math.sin(theta) + 0.006 };
}

export function bd09ToGcj02(p: LngLat): LngLat {
  let guess = { lng: p.lng - 0.0065, lat: p.lat - 0.006 };
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    const fwd = gcj02ToBd09(guess);
    const dLng = p.lng - fwd.lng;
    const dLat = p.lat - fwd.lat;
    guess = { lng: guess.lng + dLng, lat: guess.lat + dLat };
    if (Math.abs(dLng) < TOLERANCE_DEG && Math.abs(dLat) < TOLERANCE_DEG) break;
  }
  return guess;
}

export const wgs84ToBd09 = (p: LngLat): LngLat => gcj02ToBd09(wgs84ToGcj02(p));
export const bd09ToWgs84 = (p: LngLat): LngLat => gcj02ToWgs84(bd09ToGcj02(p));

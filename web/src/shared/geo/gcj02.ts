/**
 * WGS-84 ↔ GCJ-02 ("Mars coordinates"), the offset datum that Chinese web maps (天地图 in its
 * GCJ layers, 高德/AutoNavi) use. We store WGS-84; tiles in GCJ-02 need the marker positions
 * shifted by the same obfuscation, or every marker lands 300–600 m off in Shanghai.
 * The forward formula is the widely published one (Krasovsky ellipsoid); the reverse is
 * solved by fixed-point iteration, which converges to well under a centimetre.
 */
export interface LngLat {
  lng: number;
  lat: number;
}

const A = 6378245.0; // Krasovsky 1940 semi-major axis
const EE = 0.00669342162296594323; // its first eccentricity squared

/** The coarse box the obfuscation applies to; outside it both datums agree. */
export function outOfChina(lng: number, lat: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function transformLng(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return r;
}

function delta(lng: number, lat: number): LngLat {
  const dLat0 = transformLat(lng - 105.0, lat - 35.0);
  const dLng0 = transformLng(lng - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  const magic = 1 - EE * Math.sin(radLat) * Math.sin(radLat);
  const sqrtMagic = Math.sqrt(magic);
  return {
    lat: (dLat0 * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI),
    lng: (dLng0 * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI),
  };
}

export function wgs84ToGcj02(p: LngLat): LngLat {
  if (outOfChina(p.lng, p.lat)) return { lng: p.lng, lat: p.lat };
  const d = delta(p.lng, p.lat);
  return { lng: p.lng + d.lng, lat: p.lat + d.lat };
}

const MAX_ITERATIONS = 30;
const TOLERANCE_DEG = 1e-10; // ≈ 0.01 mm

export function gcj02ToWgs84(p: LngLat): LngLat {
  if (outOfChina(p.lng, p.lat)) return { lng: p.lng, lat: p.lat };
  let guess = { lng: p.lng, lat: p.lat };
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    const fwd = wgs84ToGcj02(guess);
    const dLng = p.lng - fwd.lng;
    const dLat = p.lat - fwd.lat;
    guess = { lng: guess.lng + dLng, lat: guess.lat + dLat };
    if (Math.abs(dLng) < TOLERANCE_DEG && Math.abs(dLat) < TOLERANCE_DEG) break;
  }
  return guess;
}

/**
 * Great-circle distance between two WGS-84 positions. Every position the server stores or
 * compares is WGS-84; GCJ-02 exists only in the browser, for drawing on Chinese tiles.
 */
const EARTH_RADIUS_M = 6_371_008.8; // IUGG mean radius

export interface LatLng {
  lat: number;
  lng: number;
}

export function distanceMetres(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The point `metres` away from `from` towards bearing `bearingDeg` (0 = north); used by tests and the bench. */
export function offsetMetres(from: LatLng, metres: number, bearingDeg: number): LatLng {
  const rad = Math.PI / 180;
  const d = metres / EARTH_RADIUS_M;
  const br = bearingDeg * rad;
  const lat1 = from.lat * rad;
  const lng1 = from.lng * rad;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(br));
  const lng2 = lng1 + Math.atan2(Math.sin(br) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  return { lat: lat2 / rad, lng: lng2 / rad };
}

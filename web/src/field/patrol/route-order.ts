import { distanceMeters } from '../../shared/geo/distance.js';
import type { LngLat } from '../../shared/geo/gcj02.js';

/**
 * Today's route as a walk: from where I am to the nearest due site, then from there to the
 * nearest one not yet visited, and so on (nearest neighbour). Not the shortest tour, but one a
 * patrol can follow without backtracking across the map, and the first stop is always the
 * nearest. Ties keep the input order (the server's: nearest, then by name). Without a position
 * the server's order stands.
 */
export function routeOrder<T extends LngLat>(stops: readonly T[], from: LngLat | null): T[] {
  if (!from || stops.length < 2) return [...stops];
  const left = [...stops];
  const out: T[] = [];
  let at: LngLat = from;
  while (left.length) {
    let best = 0;
    let bestD = Infinity;
    for (let i = 0; i < left.length; i++) {
      const d = distanceMeters(at, left[i]!);
      if (d < bestD) {
        best = i;
        bestD = d;
      }
    }
    const [next] = left.splice(best, 1);
    out.push(next!);
    at = next!;
  }
  return out;
}

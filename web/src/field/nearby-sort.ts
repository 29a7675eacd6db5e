import { distanceMeters } from '../shared/geo/distance.js';
import type { LngLat } from '../shared/geo/gcj02.js';
import type { Marker } from '../shared/types.js';

export interface NearbySite extends Marker {
  distance: number | null;
}

/** Nearest first when the position is known; otherwise alphabetical (Chinese collation). */
export function sortNearby(markers: Marker[], position: LngLat | null, lang: string): NearbySite[] {
  const withDistance = markers.map((m) => ({ ...m, distance: position ? distanceMeters(position, m) : null }));
  if (position) return withDistance.sort((a, b) => a.distance! - b.distance!);
  const collator = new Intl.Collator(lang === 'en' ? 'en' : 'zh-CN');
  return withDistance.sort((a, b) => collator.compare(a.name, b.name));
}

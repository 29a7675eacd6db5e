import type { CategoryNode } from '../../shared/cases.js';
import type { LngLat } from '../../shared/geo/gcj02.js';
import type { Marker, SiteKind } from '../../shared/types.js';
import { type NearbySite, sortNearby } from '../nearby-sort.js';

/**
 * The nearest active site when it lies within `radiusM` of the phone: the report form picks it
 * for the reporter (who can change it). Farther than that, nothing is assumed.
 */
export function nearestWithin(markers: readonly Marker[], position: LngLat | null, radiusM: number): NearbySite | null {
  if (!position) return null;
  const [first] = sortNearby(markers.filter((m) => m.status === 'active'), position, 'zh');
  return first && first.distance !== null && first.distance <= radiusM ? first : null;
}

export interface Leaf {
  node: CategoryNode;
  path: CategoryNode[];
}

/**
 * The categories offered for a site: those made for its kind (a category with no kinds fits
 * every site), the ones this phone has used most first, then in catalogue order. No site: all.
 */
export function categoriesFor(leaves: readonly Leaf[], kind: SiteKind | null, uses: Readonly<Record<string, number>>): Leaf[] {
  const fits = leaves.filter((l) => !kind || !l.node.siteKinds?.length || l.node.siteKinds.includes(kind));
  const order = new Map(fits.map((l, i) => [l.node.id, i]));
  return [...fits].sort((a, b) => (uses[b.node.id] ?? 0) - (uses[a.node.id] ?? 0) || order.get(a.node.id)! - order.get(b.node.id)!);
}

const USES_KEY = 'closeloop.categoryUses';

/** How often this phone reported each category (kept on the phone only). */
export function readCategoryUses(): Record<string, number> {
  try {
    const v = JSON.parse(localStorage.getItem(USES_KEY) ?? '{}') as unknown;
    return v && typeof v === 'object' ? (v as Record<string, number>) : {};
  } catch {
    return {};
  }
}

export function countCategoryUse(id: string) {
  const uses = readCategoryUses();
  uses[id] = (uses[id] ?? 0) + 1;
  try {
    localStorage.setItem(USES_KEY, JSON.stringify(uses));
  } catch {
    // Storage full or disabled: the order is a convenience.
  }
}

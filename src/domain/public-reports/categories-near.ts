import type { Db } from '../../db/index.js';
import type { SiteKind } from '../../db/schema.js';
import { distanceM } from '../cases/duplicates.js';
import { invalidField } from '../shared/errors.js';
import { listJurisdictions } from '../open311/jurisdictions.js';
import { JURISDICTION_MARGIN_M } from '../open311/locate.js';
import { SITE_KIND_NAMES, serviceCategories } from '../open311/services.js';

/**
 * What a citizen may report where they stand: the nearest active site decides the subdistrict
 * (Open311 jurisdiction) and the site type, and only the working standards that apply to that
 * type (or to every type) are offered — as the field app filters standards by the site's kind.
 */
export interface PublicCategory {
  code: string;
  nameZh: string;
  nameEn: string;
  group: string;
  groupEn: string;
}

export interface CategoriesNear {
  jurisdictionId: string;
  subdistrict: string;
  subdistrictEn: string;
  siteKind: SiteKind;
  siteKindName: string;
  /** The nearest site's name and distance: where the report will be filed against. */
  nearestSite: string;
  distanceM: number;
  categories: PublicCategory[];
}

export async function categoriesNear(db: Db, lng: number, lat: number): Promise<CategoriesNear> {
  const dLat = JURISDICTION_MARGIN_M / 111_320;
  const dLng = JURISDICTION_MARGIN_M / (111_320 * Math.cos((lat * Math.PI) / 180));
  const sites = await db
    .selectFrom('sites')
    .select(['subdistrict_id', 'kind', 'name', 'lng', 'lat'])
    .where('status', '=', 'active')
    .where('lng', '>=', lng - dLng)
    .where('lng', '<=', lng + dLng)
    .where('lat', '>=', lat - dLat)
    .where('lat', '<=', lat + dLat)
    .execute();
  let best: { s: (typeof sites)[number]; d: number } | null = null;
  for (const s of sites) {
    const d = distanceM(lng, lat, Number(s.lng), Number(s.lat));
    if (!best || d < best.d) best = { s, d };
  }
  if (!best || best.d > JURISDICTION_MARGIN_M) throw invalidField('lat', 'this point lies outside every subdistrict served here');
  const j = (await listJurisdictions(db)).find((x) => x.id === best.s.subdistrict_id)!;
  const kind = best.s.kind as SiteKind;
  const categories = (await serviceCategories(db, j.id))
    .filter(({ category }) => {
      const kinds = JSON.parse(category.site_kinds) as string[];
      return !kinds.length || kinds.includes(kind);
    })
    .map(({ category, group, groupEn }) => ({ code: category.code, nameZh: category.name_zh, nameEn: category.name_en, group, groupEn }));
  return {
    jurisdictionId: j.jurisdictionId, subdistrict: j.name, subdistrictEn: j.nameEn, siteKind: kind, siteKindName: SITE_KIND_NAMES[kind],
    nearestSite: best.s.name, distanceM: Math.round(best.d), categories,
  };
}

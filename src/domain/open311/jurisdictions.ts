import type { Db } from '../../db/index.js';
import { refused } from './refusal.js';

/**
 * Open311 jurisdictions are subdistricts. A jurisdiction_id is the subdistrict's administrative
 * code: district code + subdistrict code (310105 + 010 → "310105010"), stable and unique city-wide.
 */
export interface Jurisdiction {
  id: string;
  jurisdictionId: string;
  name: string;
  nameEn: string;
}

export async function listJurisdictions(db: Db): Promise<Jurisdiction[]> {
  const rows = await db
    .selectFrom('subdistricts as s')
    .innerJoin('districts as d', 'd.id', 's.district_id')
    .select(['s.id', 's.code', 'd.code as district_code', 's.name', 's.name_en'])
    .orderBy('d.code')
    .orderBy('s.code')
    .execute();
  return rows.map((r) => ({ id: r.id, jurisdictionId: `${r.district_code}${r.code}`, name: r.name, nameEn: r.name_en }));
}

/**
 * Jurisdictions already resolved, per database (keyed on its adapter, which its transactions
 * share). A subdistrict's id and code never change once created, so a code found once stays
 * right; one not found yet is looked up again, so a new subdistrict is found at once.
 */
const resolved = new WeakMap<object, Map<string, Jurisdiction>>();

function remember(db: Db, all: Jurisdiction[]) {
  const key = db.getExecutor().adapter;
  let m = resolved.get(key);
  if (!m) resolved.set(key, (m = new Map()));
  for (const j of all) m.set(j.jurisdictionId, j);
}

/**
 * The jurisdiction a request names. The spec makes jurisdiction_id optional only where one
 * jurisdiction is served: with several, a missing one is 400 and an unknown one 404. An empty
 * parameter counts as not given (the spec's rule for optional arguments).
 */
export async function resolveJurisdiction(db: Db, jurisdictionId: string | undefined): Promise<Jurisdiction> {
  const wanted = jurisdictionId?.trim();
  const known = wanted ? resolved.get(db.getExecutor().adapter)?.get(wanted) : undefined;
  if (known) return known;
  const all = await listJurisdictions(db);
  remember(db, all);
  if (!wanted) {
    if (all.length === 1) return all[0]!;
    throw refused('jurisdiction_id', 'required: this endpoint serves several jurisdictions', 'jurisdiction_id was not provided; this endpoint serves several jurisdictions');
  }
  const found = all.find((j) => j.jurisdictionId === wanted);
  if (!found) throw refused('jurisdiction_id', 'not a jurisdiction served here', `jurisdiction_id ${wanted} was not found`, 'not_found');
  return found;
}

import type { Db } from '../../db/index.js';
import type { InspectionTable } from '../../db/schema.js';
import { regradeSite } from '../compliance/regrade.js';
import type { Clock } from '../shared/clock.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../checkins/local-time.js';
import { newId } from '../shared/ids.js';
import { type Random, seededRandom } from '../shared/random.js';

/** The sweep the newspaper reports: every community unit and street shop inspected within two weeks. */
export const DEMO_SWEEP_DAYS = 14;

/**
 * The demo's recent full-coverage sweep of units and shops (71 units and 788 shops in Hongqiao, one
 * inspection each within the last two weeks, by a patrol officer or a cadre of the site's
 * committee), so the coverage board reads as the newspaper does rather than "788 due, 0 covered".
 * Most pass; a few fail with an item left unresolved.
 */
export async function seedDemoSweeps(db: Db, clock: Clock, seed = 2026): Promise<number> {
  const now = clock.now();
  const r: Random = seededRandom(seed + 7);
  const today = shanghaiDate(now);
  const [sites, staff, checklists] = await Promise.all([
    db.selectFrom('sites').select(['id', 'subdistrict_id', 'committee_id', 'kind', 'lng', 'lat']).where('kind', 'in', ['shop', 'institution']).where('status', '=', 'active').orderBy('id').execute(),
    db.selectFrom('users').innerJoin('user_scopes as s', 's.user_id', 'users.id').select(['users.id', 'users.role', 'users.subdistrict_id', 's.committee_id'])
      .where('users.role', 'in', ['patrol', 'cadre']).where('users.handling_unit_id', 'is', null).execute(),
    db.selectFrom('checklists').select(['id', 'subdistrict_id', 'site_kind', 'version']).execute(),
  ]);
  const latest = new Map<string, { id: string; version: number }>();
  for (const c of checklists) {
    const k = `${c.subdistrict_id}|${c.site_kind}`;
    if (!latest.has(k) || latest.get(k)!.version < c.version) latest.set(k, c);
  }
  const rows: InspectionTable[] = [];
  for (const s of sites) {
    const list = latest.get(`${s.subdistrict_id}|${s.kind}`);
    const local = staff.filter((u) => u.subdistrict_id === s.subdistrict_id && (u.committee_id === s.committee_id || u.role === 'patrol'));
    if (!list || !local.length) continue;
    const date = addDays(today, -r.int(1, DEMO_SWEEP_DAYS));
    const at = shanghaiInstant(date, `${String(r.int(9, 16)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}`);
    if (at.getTime() > now.getTime()) continue;
    const fail = r.chance(0.06);
    rows.push({
      id: newId(), subdistrict_id: s.subdistrict_id, committee_id: s.committee_id, site_id: s.id, site_kind: s.kind as InspectionTable['site_kind'], checklist_id: list.id,
      inspector_id: r.pick(local).id, outcome: fail ? 'fail' : 'pass', failed_count: fail ? 1 : 0, unresolved_count: fail ? 1 : 0,
      lat: Number(s.lat), lng: Number(s.lng), accuracy_m: r.int(5, 25), note: fail ? '分类容器配置不全，已责令整改' : null,
      local_date: date, recorded_at: at.toISOString(), evidence_flags: '[]',
    });
  }
  // The sweep as a campaign (全覆盖巡查) over the same two weeks, so the dashboard reads the
  // self-resolved cases found in it apart from the bin-room rounds.
  const subs = [...new Set(sites.map((x) => x.subdistrict_id))];
  const campaigns = subs.map((sub) => ({
    id: newId(), subdistrict_id: sub, name: '社区单位和沿街商铺全覆盖巡查', site_kinds: JSON.stringify(['institution', 'shop']), committee_ids: null,
    start_date: addDays(today, -DEMO_SWEEP_DAYS), end_date: addDays(today, -1), created_by: null, created_at: now.toISOString(),
  }));
  await db.transaction().execute(async (trx) => {
    if (campaigns.length) await trx.insertInto('campaigns').values(campaigns).execute();
    for (let i = 0; i < rows.length; i += 300) await trx.insertInto('inspections').values(rows.slice(i, i + 300)).execute();
    // Grades and next due dates follow the inspections, as after a live one.
    for (const row of rows) await regradeSite(trx, clock, row.site_id);
  });
  return rows.length;
}

import { createHash } from 'node:crypto';
import type { Db } from '../../db/index.js';
import type { InspectionAnswerTable, InspectionTable, SiteKind } from '../../db/schema.js';
import { loadActor } from '../auth/actor.js';
import { regradeSite } from '../compliance/regrade.js';
import { type Clock, ManualClock } from '../shared/clock.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../checkins/local-time.js';
import { scene, withExif } from '../dashboard/seed/scene-photos.js';
import { type Checklist, currentChecklist } from '../inspections/checklists.js';
import { DEFAULT_CATEGORY_FOR_ITEM } from '../inspections/item-categories.js';
import { type InspectionSettings, recordInspection } from '../inspections/record-inspection.js';
import { savePhoto } from '../photos/upload.js';
import { newId } from '../shared/ids.js';
import { type Random, seededRandom } from '../shared/random.js';
import type { FileStore } from '../storage/file-store.js';

/** The sweep the newspaper reports: every community unit and street shop inspected within two weeks. */
export const DEMO_SWEEP_DAYS = 14;

const MIN = 60_000;
const FIXED_NOTES = ['已当场督促整改到位', '已现场补齐并规范设置', '已普法宣传，当场整改'];

/**
 * The demo's recent full-coverage sweep of units and shops (71 units and 788 shops in Hongqiao, one
 * inspection each within the last two weeks, by a patrol officer or a cadre of the site's
 * committee), so the coverage board reads as the newspaper does rather than "788 due, 0 covered".
 * Each inspection answers every item of the site's checklist, as the live form must. Most pass.
 * A few find one item failed and fixed on the spot, as the newspaper's sweep did (nearly all of its
 * 580 problems): those are recorded through the live recordInspection on a clock set to their
 * moment, with the before and after photos it requires, so each makes its self-resolved case.
 */
export async function seedDemoSweeps(db: Db, clock: Clock, env: { files: FileStore; settings: InspectionSettings }, seed = 2026): Promise<number> {
  const now = clock.now();
  const r: Random = seededRandom(seed + 7);
  const today = shanghaiDate(now);
  const [sites, staff] = await Promise.all([
    db.selectFrom('sites').select(['id', 'subdistrict_id', 'committee_id', 'kind', 'lng', 'lat']).where('kind', 'in', ['shop', 'institution']).where('status', '=', 'active').orderBy('id').execute(),
    db.selectFrom('users').innerJoin('user_scopes as s', 's.user_id', 'users.id').select(['users.id', 'users.role', 'users.subdistrict_id', 's.committee_id'])
      .where('users.role', 'in', ['patrol', 'cadre']).where('users.handling_unit_id', 'is', null).execute(),
  ]);
  const lists = new Map<string, Checklist | null>();
  const checklistOf = async (sub: string, kind: SiteKind) => {
    const k = `${sub}|${kind}`;
    if (!lists.has(k)) lists.set(k, await currentChecklist(db, sub, kind));
    return lists.get(k)!;
  };
  const rows: InspectionTable[] = [];
  const answers: InspectionAnswerTable[] = [];
  const failing: { site: (typeof sites)[number]; list: Checklist; inspector: string; at: Date }[] = [];
  for (const s of sites) {
    const list = await checklistOf(s.subdistrict_id, s.kind);
    const local = staff.filter((u) => u.subdistrict_id === s.subdistrict_id && (u.committee_id === s.committee_id || u.role === 'patrol'));
    if (!list || !list.items.length || !local.length) continue;
    const date = addDays(today, -r.int(1, DEMO_SWEEP_DAYS));
    const at = shanghaiInstant(date, `${String(r.int(9, 16)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}`);
    if (at.getTime() > now.getTime()) continue;
    const fail = r.chance(0.06);
    const inspector = r.pick(local).id;
    const accuracy = r.int(5, 25);
    if (fail) {
      failing.push({ site: s, list, inspector, at });
      continue;
    }
    const id = newId();
    rows.push({
      id, subdistrict_id: s.subdistrict_id, committee_id: s.committee_id, site_id: s.id, site_kind: s.kind as InspectionTable['site_kind'], checklist_id: list.id,
      inspector_id: inspector, outcome: 'pass', failed_count: 0, unresolved_count: 0,
      lat: Number(s.lat), lng: Number(s.lng), accuracy_m: accuracy, note: null,
      local_date: date, recorded_at: at.toISOString(), evidence_flags: '[]',
    });
    for (const item of list.items) answers.push({ id: newId(), inspection_id: id, item_id: item.id, result: 'pass', note: null, photo_ids: '[]', after_photo_ids: '[]', resolution: null });
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
    for (let i = 0; i < answers.length; i += 500) await trx.insertInto('inspection_answers').values(answers.slice(i, i + 500)).execute();
    // Grades and next due dates follow the inspections, as after a live one.
    for (const row of rows) await regradeSite(trx, clock, row.site_id);
  });
  for (const f of failing) await recordFailedVisit(db, r, env, f);
  return rows.length + failing.length;
}

/** One visit that found an item failed and had it fixed there and then, through the live path. */
async function recordFailedVisit(db: Db, r: Random, env: { files: FileStore; settings: InspectionSettings }, f: { site: { id: string; kind: SiteKind; lng: unknown; lat: unknown }; list: Checklist; inspector: string; at: Date }) {
  const actor = await loadActor(db, f.inspector);
  const fits = f.list.items.filter((i) => DEFAULT_CATEGORY_FOR_ITEM[i.code]);
  if (!actor || !fits.length) return;
  const item = r.pick(fits);
  const lat = Number(f.site.lat);
  const lng = Number(f.site.lng);
  const kind = f.site.kind === 'shop' ? 'shop' : 'institution';
  const clock = new ManualClock(new Date(f.at.getTime() - 6 * MIN));
  const photo = async (state: 'problem' | 'fixed', takenAt: Date) => {
    const s = await scene(kind, state, r.int(0, 1_000));
    const uniqueId = createHash('sha256').update(`${f.site.id}|${state}|${takenAt.toISOString()}`).digest('hex').slice(0, 32);
    return (await savePhoto(db, clock, actor, env.files, withExif(s.jpeg, { takenAt, lat, lng, uniqueId }))).id;
  };
  const before = await photo('problem', new Date(f.at.getTime() - 8 * MIN));
  clock.set(new Date(f.at.getTime() - 1 * MIN));
  const after = await photo('fixed', new Date(f.at.getTime() - 2 * MIN));
  clock.set(f.at);
  await db.transaction().execute((trx) =>
    recordInspection(trx, clock, env.settings, actor, {
      siteId: f.site.id, checklistId: f.list.id, position: { lat, lng, accuracyM: r.int(5, 25) },
      answers: f.list.items.map((i) =>
        i.id === item.id
          ? { itemId: i.id, result: 'fail' as const, resolution: 'fixed' as const, photoIds: [before], afterPhotoIds: [after], note: r.pick(FIXED_NOTES) }
          : { itemId: i.id, result: 'pass' as const },
      ),
    }),
  );
}

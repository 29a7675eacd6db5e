import type { Db } from '../../db/index.js';
import type { PointKind, PointStatus, ServicePointTable } from '../../db/schema.js';
import { hashPassword } from '../auth/passwords.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { type Random, seededRandom } from '../shared/random.js';
import { GIVEN, SURNAMES } from './hongqiao.js';

/**
 * Changning's police-grid plan (10 subdistricts/towns → 35 grids) and the service network of
 * each seeded subdistrict: its 社区事务受理服务中心, one mobile window per committee, the building
 * windows, self-service zones (6 built, 20 planned this year across the district) and terminals.
 */
export const CHANGNING_TOWNS: readonly { code: string; name: string; nameEn: string; lng: number; lat: number; grids: number }[] = [
  { code: '008', name: '虹桥街道', nameEn: 'Hongqiao Subdistrict', lng: 121.414, lat: 31.203, grids: 4 },
  { code: '010', name: '仙霞新村街道', nameEn: 'Xianxia Xincun Subdistrict', lng: 121.391, lat: 31.211, grids: 4 },
  { code: '001', name: '华阳路街道', nameEn: 'Huayang Road Subdistrict', lng: 121.425, lat: 31.222, grids: 3 },
  { code: '002', name: '江苏路街道', nameEn: 'Jiangsu Road Subdistrict', lng: 121.431, lat: 31.219, grids: 3 },
  { code: '004', name: '新华路街道', nameEn: 'Xinhua Road Subdistrict', lng: 121.425, lat: 31.206, grids: 3 },
  { code: '005', name: '周家桥街道', nameEn: 'Zhoujiaqiao Subdistrict', lng: 121.409, lat: 31.215, grids: 3 },
  { code: '006', name: '天山路街道', nameEn: 'Tianshan Road Subdistrict', lng: 121.399, lat: 31.217, grids: 3 },
  { code: '011', name: '程家桥街道', nameEn: 'Chengjiaqiao Subdistrict', lng: 121.372, lat: 31.196, grids: 4 },
  { code: '012', name: '北新泾街道', nameEn: 'Beixinjing Subdistrict', lng: 121.379, lat: 31.217, grids: 4 },
  { code: '102', name: '新泾镇', nameEn: 'Xinjing Town', lng: 121.362, lat: 31.221, grids: 4 },
];

/** Which grids (by position in the district list) have a built zone and which a planned one. */
export const BUILT_ZONE_GRIDS = [0, 1, 4, 8, 14, 22];
export const PLANNED_ZONE_GRIDS = [2, 3, 5, 6, 7, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25];

export const HONGQIAO_BUILDINGS = [
  { name: '东银中心 虹桥营商环境服务中心', building: '东银中心', address: '红宝石路500号东银中心', lng: 121.4095, lat: 31.1985 },
  { name: '虹桥上海城 楼宇服务窗口', building: '虹桥上海城', address: '红宝石路188号', lng: 121.4112, lat: 31.2010 },
  { name: '远东国际广场 楼宇服务窗口', building: '远东国际广场', address: '仙霞路317号', lng: 121.4165, lat: 31.2080 },
];

const WEEKDAYS = [1, 2, 3, 4, 5];
export const SESSION_PLANS: Record<'committee' | 'building' | 'centre', { starts: string; ends: string; capacity: number; days: number[] }[]> = {
  committee: [{ starts: '09:00', ends: '11:30', capacity: 12, days: WEEKDAYS }, { starts: '13:30', ends: '16:30', capacity: 12, days: WEEKDAYS }],
  building: [{ starts: '11:30', ends: '13:30', capacity: 16, days: WEEKDAYS }],
  centre: [{ starts: '09:00', ends: '12:00', capacity: 40, days: [1, 2, 3, 4, 5, 6] }, { starts: '13:00', ends: '17:00', capacity: 40, days: WEEKDAYS }],
};

const personName = (r: Random) => r.pick(SURNAMES) + r.pick(GIVEN);

interface PointSpec {
  kind: PointKind;
  code: string;
  name: string;
  committeeId: string | null;
  gridId: string | null;
  building?: string | null;
  address: string;
  lng: number;
  lat: number;
  status: PointStatus;
  /** When the point was planned (default: this year's plan, 2026-01-15); never after it was built. */
  plannedOn?: string;
  builtOn?: string | null;
  targetOn?: string | null;
  sessions?: keyof typeof SESSION_PLANS;
  itemIds: string[];
  staffIds: string[];
}

/** The day this year's plan of mobile windows and self-service zones was adopted. */
const THIS_YEARS_PLAN = '2026-01-15';

async function insertPoints(db: Db, subdistrictId: string, specs: PointSpec[], at: string) {
  for (const s of specs) {
    // The rule createPoint and setPointStatus apply to the desk's points (points.ts).
    if (s.builtOn && s.builtOn < (s.plannedOn ?? THIS_YEARS_PLAN)) throw new Error(`seed: point ${s.code} built ${s.builtOn}, before it was planned`);
  }
  const rows: ServicePointTable[] = specs.map((s) => ({
    id: newId(), subdistrict_id: subdistrictId, committee_id: s.committeeId, grid_id: s.gridId, kind: s.kind, code: s.code, name: s.name,
    building: s.building ?? null, address: s.address, lng: s.lng, lat: s.lat, phone: null, staffed: s.staffIds.length ? 1 : 0, status: s.status,
    planned_on: s.plannedOn ?? THIS_YEARS_PLAN, target_on: s.targetOn ?? null, built_on: s.builtOn ?? null, closed_on: null, terminal_token_hash: null, version: 1,
    created_at: at, updated_at: at,
  }));
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('service_points').values(rows.slice(i, i + 200)).execute();
  const sessions = specs.flatMap((s, i) =>
    (s.sessions ? SESSION_PLANS[s.sessions] : []).flatMap((p) => p.days.map((weekday) => ({ id: newId(), point_id: rows[i]!.id, weekday, starts: p.starts, ends: p.ends, capacity: p.capacity }))),
  );
  const items = specs.flatMap((s, i) => s.itemIds.map((item_id) => ({ point_id: rows[i]!.id, item_id })));
  const staff = specs.flatMap((s, i) => s.staffIds.map((user_id) => ({ point_id: rows[i]!.id, user_id })));
  for (let i = 0; i < sessions.length; i += 500) await db.insertInto('service_point_sessions').values(sessions.slice(i, i + 500)).execute();
  for (let i = 0; i < items.length; i += 1000) await db.insertInto('service_point_items').values(items.slice(i, i + 1000)).execute();
  for (let i = 0; i < staff.length; i += 500) await db.insertInto('service_point_staff').values(staff.slice(i, i + 500)).execute();
  return rows;
}

/** Where a committee's residents are: the centre of its bin rooms. */
async function committeeCentres(db: Db, subdistrictId: string) {
  const rows = await db
    .selectFrom('committees')
    .leftJoin('sites', (j) => j.onRef('sites.committee_id', '=', 'committees.id').on('sites.kind', '=', 'bin_room'))
    .select((eb) => ['committees.id', 'committees.code', 'committees.name', eb.fn.avg<number>('sites.lng').as('lng'), eb.fn.avg<number>('sites.lat').as('lat')])
    .where('committees.subdistrict_id', '=', subdistrictId)
    .groupBy(['committees.id', 'committees.code', 'committees.name'])
    .orderBy('committees.code')
    .execute();
  return rows;
}

/**
 * The district's grid layer: creates the other Changning towns (no committees: only their grids
 * and zones are in the demo), 35 grids and the zone plan. Idempotent.
 */
export async function seedServiceGrids(db: Db, clock: Clock, opts: { targetOn?: string; builtOn?: string } = {}) {
  if (await db.selectFrom('service_grids').select('id').executeTakeFirst()) return { grids: 0 };
  const district = await db.selectFrom('districts').select('id').where('code', '=', '310105').executeTakeFirstOrThrow();
  const at = clock.now().toISOString();
  const r = seededRandom(35);
  const admin = await db.selectFrom('users').select('id').where('username', '=', 'district-admin').executeTakeFirst();
  const gridIds: { id: string; subdistrictId: string; lng: number; lat: number; name: string }[] = [];
  for (const town of CHANGNING_TOWNS) {
    let sub = await db.selectFrom('subdistricts').select('id').where('district_id', '=', district.id).where('code', '=', town.code).executeTakeFirst();
    if (!sub) {
      sub = { id: newId() };
      await db.insertInto('subdistricts').values({ id: sub.id, district_id: district.id, code: town.code, name: town.name, name_en: town.nameEn, created_at: at }).execute();
      if (admin) await db.insertInto('user_scopes').values({ id: newId(), user_id: admin.id, subdistrict_id: sub.id, committee_id: null }).execute();
    }
    for (let g = 0; g < town.grids; g++) {
      const lng = +(town.lng + (r.next() - 0.5) * 0.012).toFixed(6);
      const lat = +(town.lat + (r.next() - 0.5) * 0.010).toFixed(6);
      const id = newId();
      const name = `${town.name.replace(/街道|镇/, '')}${g + 1}号警务网格`;
      await db.insertInto('service_grids').values({ id, district_id: district.id, subdistrict_id: sub.id, code: `CN${town.code}${String(g + 1).padStart(2, '0')}`, name, lng, lat, created_at: at }).execute();
      gridIds.push({ id, subdistrictId: sub.id, lng, lat, name });
    }
  }
  const terminalItems = await selfServiceItemIds(db);
  const zones = async (indexes: number[], status: PointStatus) => {
    for (const i of indexes) {
      const g = gridIds[i]!;
      await insertPoints(db, g.subdistrictId, [{
        kind: 'self_service_zone', code: `ZONE-${String(i + 1).padStart(2, '0')}`, name: `${g.name}政务服务自助办理专区`, committeeId: null, gridId: g.id,
        address: `${g.name}党群服务站`, lng: g.lng, lat: g.lat, status, builtOn: status === 'built' ? (opts.builtOn ?? '2026-03-01') : null,
        targetOn: status === 'planned' ? (opts.targetOn ?? '2026-12-31') : null, itemIds: terminalItems, staffIds: [],
      }], at);
    }
  };
  await zones(BUILT_ZONE_GRIDS, 'built');
  await zones(PLANNED_ZONE_GRIDS, 'planned');
  return { grids: gridIds.length, built: BUILT_ZONE_GRIDS.length, planned: PLANNED_ZONE_GRIDS.length };
}

export async function selfServiceItemIds(db: Db) {
  const rows = await db
    .selectFrom('service_item_versions')
    .select('item_id')
    .where('version', '=', 1)
    .where('channels', 'like', '%terminal%')
    .execute();
  return rows.map((r) => r.item_id);
}

/**
 * One subdistrict's front office: its centre, a mobile window per committee (staffed by the
 * committee's cadre, the usual 帮办员), the building windows (window staff accounts), and two
 * self-service terminals at the centre. Mobile windows offer every catalogue item.
 */
export async function seedSubdistrictNetwork(
  db: Db,
  clock: Clock,
  subdistrictId: string,
  o: { prefix: string; code: string; name: string; buildings?: typeof HONGQIAO_BUILDINGS; syntheticBuildings?: number; passwordHash?: string; seed?: number },
) {
  const at = clock.now().toISOString();
  const r = seededRandom(o.seed ?? 1204);
  const allItems = (await db.selectFrom('service_items').select('id').where('active', '=', 1).execute()).map((i) => i.id);
  const terminalItems = await selfServiceItemIds(db);
  const committees = await committeeCentres(db, subdistrictId);
  const cadres = await db
    .selectFrom('users')
    .innerJoin('user_scopes', 'user_scopes.user_id', 'users.id')
    .select(['users.id', 'user_scopes.committee_id'])
    .where('users.role', '=', 'cadre')
    .where('user_scopes.subdistrict_id', '=', subdistrictId)
    .execute();
  const operator = await db.selectFrom('users').select('id').where('username', '=', `${o.prefix}operator`).executeTakeFirst();
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const placed = committees.filter((c) => c.lng !== null);
  const centreLng = mean(placed.map((c) => Number(c.lng)));
  const centreLat = mean(placed.map((c) => Number(c.lat)));
  // A benchmark's synthetic subdistricts get office buildings of their own near the centre.
  const buildings = o.buildings ?? Array.from({ length: o.syntheticBuildings ?? 0 }, (_, i) => ({
    name: `${o.name}商务楼宇${i + 1} 楼宇服务窗口`, building: `${o.name}商务楼宇${i + 1}`, address: `${o.name}商务楼宇${i + 1}`,
    lng: +(centreLng + (r.next() - 0.5) * 0.01).toFixed(6), lat: +(centreLat + (r.next() - 0.5) * 0.01).toFixed(6),
  }));
  const windowStaff: { id: string }[] = [];
  {
    // One window clerk for the centre and one per building window.
    const hash = o.passwordHash ?? (await hashPassword(`unused-${newId()}`));
    const count = buildings.length + 1;
    const rows = Array.from({ length: count }, (_, i) => ({
      id: newId(), username: `${o.prefix}window${i + 1}`, display_name: `一网通办窗口${personName(r)}`, phone: null, password_hash: hash, role: 'handler' as const,
      subdistrict_id: subdistrictId, handling_unit_id: null, status: 'active' as const, failed_logins: 0, locked_until: null, created_at: at, updated_at: at,
    }));
    await db.insertInto('users').values(rows).execute();
    await db.insertInto('user_scopes').values(rows.map((u) => ({ id: newId(), user_id: u.id, subdistrict_id: subdistrictId, committee_id: null }))).execute();
    windowStaff.push(...rows);
  }
  const specs: PointSpec[] = [
    {
      kind: 'centre', code: `YW${o.code}-CTR`, name: `${o.name}社区事务受理服务中心`, committeeId: null, gridId: null, address: `${o.name}社区事务受理服务中心`,
      lng: +centreLng.toFixed(6), lat: +centreLat.toFixed(6), status: 'built', plannedOn: '2017-09-01', builtOn: '2018-03-01', sessions: 'centre', itemIds: allItems,
      staffIds: [windowStaff[0]!.id, ...(operator ? [operator.id] : [])],
    },
    ...placed.map((c, i) => ({
      kind: 'committee_window' as const, code: `YW${o.code}-CW${String(i + 1).padStart(2, '0')}`, name: `${c.name}一网通办移动窗口`, committeeId: c.id, gridId: null,
      address: `${c.name}党群服务站`, lng: +Number(c.lng).toFixed(6), lat: +Number(c.lat).toFixed(6), status: 'built' as const, builtOn: '2026-04-01', sessions: 'committee' as const,
      itemIds: allItems, staffIds: cadres.filter((u) => u.committee_id === c.id).map((u) => u.id),
    })),
    ...buildings.map((b, i) => ({
      kind: 'building_window' as const, code: `YW${o.code}-BW${i + 1}`, name: b.name, committeeId: null, gridId: null, building: b.building, address: b.address,
      lng: b.lng, lat: b.lat, status: 'built' as const, builtOn: '2026-04-01', sessions: 'building' as const, itemIds: allItems, staffIds: [windowStaff[i + 1]!.id],
    })),
    ...[1, 2].map((n) => ({
      kind: 'terminal' as const, code: `YW${o.code}-T${n}`, name: `${o.name}自助终端${n}号`, committeeId: null, gridId: null, address: `${o.name}社区事务受理服务中心大厅`,
      lng: +(centreLng + n * 0.0002).toFixed(6), lat: +centreLat.toFixed(6), status: 'built' as const, builtOn: '2026-03-01', itemIds: terminalItems, staffIds: [],
    })),
  ];
  const rows = await insertPoints(db, subdistrictId, specs, at);
  return { points: rows.length, committeeWindows: placed.length, buildingWindows: buildings.length };
}

/**
 * Police grids for a subdistrict outside Changning's plan (the benchmark's synthetic city): `n`
 * grids around its centre, the first with a built zone, the second with one planned.
 */
export async function seedSubdistrictGrids(db: Db, clock: Clock, sub: { id: string; code: string; name: string }, n: number, seed: number) {
  if (await db.selectFrom('service_grids').select('id').where('subdistrict_id', '=', sub.id).executeTakeFirst()) return 0;
  const r = seededRandom(seed);
  const at = clock.now().toISOString();
  const district = await db.selectFrom('subdistricts').select('district_id').where('id', '=', sub.id).executeTakeFirstOrThrow();
  const centre = await db.selectFrom('service_points').select(['lng', 'lat']).where('subdistrict_id', '=', sub.id).where('kind', '=', 'centre').executeTakeFirst();
  if (!centre) return 0;
  const terminalItems = await selfServiceItemIds(db);
  for (let g = 0; g < n; g++) {
    const id = newId();
    const lng = +(Number(centre.lng) + (r.next() - 0.5) * 0.012).toFixed(6);
    const lat = +(Number(centre.lat) + (r.next() - 0.5) * 0.010).toFixed(6);
    const name = `${sub.name.replace(/街道|镇/, '')}${g + 1}号警务网格`;
    await db.insertInto('service_grids').values({ id, district_id: district.district_id, subdistrict_id: sub.id, code: `SG${sub.code}${String(g + 1).padStart(2, '0')}`, name, lng, lat, created_at: at }).execute();
    if (g > 1) continue;
    const status: PointStatus = g === 0 ? 'built' : 'planned';
    await insertPoints(db, sub.id, [{
      kind: 'self_service_zone', code: `ZONE-${sub.code}-${g + 1}`, name: `${name}政务服务自助办理专区`, committeeId: null, gridId: id, address: `${name}党群服务站`,
      lng, lat, status, builtOn: status === 'built' ? '2026-03-01' : null, targetOn: status === 'planned' ? '2026-12-31' : null, itemIds: terminalItems, staffIds: [],
    }], at);
  }
  return n;
}

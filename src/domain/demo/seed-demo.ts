import type { Db } from '../../db/index.js';
import type { HandlingUnitKind, PartyKind, Role, SiteKind } from '../../db/schema.js';
import { hashPassword } from '../auth/passwords.js';
import { DEMO_PASSWORDS } from '../auth/password-policy.js';
import { seedCaseCatalogues } from '../catalogue/seed-catalogue.js';
import { seedEnforcement } from '../enforcement/seed-enforcement.js';
import { seedChecklists } from '../inspections/seed-checklists.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { type Random, seededRandom } from '../shared/random.js';
import { clearPartialDemo, demoSeedState, markDemoStarted } from './seed-state.js';
import {
  COMPOUNDS, DISTRICT, GIVEN, HONGQIAO_COMMITTEES, HONGQIAO_EXTENT, HONGQIAO_ROAD_COMMITTEES, HONGQIAO_ROADS, PROPERTY_COMPANIES,
  type RoadLine, SHOP_KINDS, SHOP_PREFIXES, SURNAMES, UNIT_TEMPLATES, XIANXIA,
} from './hongqiao.js';

/** Published in the README; refused in production (src/domain/auth/password-policy.ts). */
export const DEMO_PASSWORD = DEMO_PASSWORDS[0]!;

export interface DemoOptions {
  /** Extra synthetic subdistricts of Hongqiao's size, for benchmarks. */
  extraSubdistricts?: number;
  /** Sites per extra subdistrict (default: Hongqiao's); the city-scale seed spreads a city's counts. */
  extraCounts?: { binRooms: number; units: number; shops: number };
  seed?: number;
  onProgress?: (done: number, total: number, label: string) => void;
  /**
   * The registry is the first stage of the whole demo (seedDemoData): its transaction marks the
   * demo started (seed-state.ts), and a demo an interrupted start left half-seeded is emptied first.
   */
  firstStageOfDemo?: boolean;
}

interface SubdistrictSpec {
  code: string;
  name: string;
  nameEn: string;
  committees: readonly (readonly [string, string])[];
  roads: RoadLine[];
  /** Committees along each road (see HONGQIAO_ROAD_COMMITTEES) */
  roadCommittees: Record<string, string[]>;
  counts: { binRooms: number; units: number; shops: number };
  prefix: string;
}

const HONGQIAO: SubdistrictSpec = {
  code: '008',
  name: '虹桥街道',
  nameEn: 'Hongqiao Subdistrict',
  committees: HONGQIAO_COMMITTEES,
  roads: HONGQIAO_ROADS,
  roadCommittees: HONGQIAO_ROAD_COMMITTEES,
  counts: { binRooms: 148, units: 71, shops: 788 },
  prefix: 'hq',
};

const XIANXIA_SPEC: SubdistrictSpec = {
  code: XIANXIA.code,
  name: XIANXIA.name,
  nameEn: XIANXIA.nameEn,
  committees: XIANXIA.committees,
  roads: XIANXIA.roads,
  roadCommittees: XIANXIA.roadCommittees,
  counts: { binRooms: 24, units: 10, shops: 60 },
  prefix: 'xx',
};

const CHUNK = 400;
async function insertChunked(db: Db, table: 'sites' | 'responsible_parties' | 'grids' | 'user_scopes' | 'users', rows: any[]) {
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto(table).values(rows.slice(i, i + CHUNK)).execute();
}

function pointOn(r: Random, road: RoadLine): { lng: number; lat: number; number: number; t: number } {
  const t = r.next();
  const jitter = () => (r.next() - 0.5) * 0.0012;
  return {
    t,
    lng: +(road.from[0] + (road.to[0] - road.from[0]) * t + jitter()).toFixed(6),
    lat: +(road.from[1] + (road.to[1] - road.from[1]) * t + jitter()).toFixed(6),
    number: Math.round(road.numbers[0] + (road.numbers[1] - road.numbers[0]) * t),
  };
}

const personName = (r: Random) => r.pick(SURNAMES) + r.pick(GIVEN);
const phone = (r: Random) => `1${r.pick(['3', '5', '8'])}${String(r.int(100000000, 999999999))}`;

/** The demo is there and complete (a half-seeded one, left by an interrupted start, is not). */
export async function isSeeded(db: Db): Promise<boolean> {
  return (await demoSeedState(db, DISTRICT.code)) === 'complete';
}

/**
 * Creates the Hongqiao demo (16 committees, 148 bin rooms, 71 units, 788 shops, staff for every
 * role) plus Xianxia Xincun as a second subdistrict. Deterministic for a given seed.
 */
export async function seedDemo(db: Db, clock: Clock, opts: DemoOptions = {}) {
  const r = seededRandom(opts.seed ?? 20260526);
  const now = clock.now().toISOString();
  const specs = [HONGQIAO, XIANXIA_SPEC];
  for (let i = 0; i < (opts.extraSubdistricts ?? 0); i++) {
    specs.push({ ...HONGQIAO, code: String(100 + i).padStart(3, '0'), name: `示例街道${i + 1}`, nameEn: `Sample Subdistrict ${i + 1}`, prefix: `s${i + 1}`, counts: opts.extraCounts ?? HONGQIAO.counts });
  }
  const total = specs.reduce((n, s) => n + s.counts.binRooms + s.counts.units + s.counts.shops, 0);
  let done = 0;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const users: { username: string; role: Role; displayName: string; subdistrict: string }[] = [];
  let certSerial = 0;
  if (opts.firstStageOfDemo && (await demoSeedState(db, DISTRICT.code)) === 'partial') await clearPartialDemo(db, DISTRICT.code);

  await db.transaction().execute(async (trx) => {
    if (opts.firstStageOfDemo) await markDemoStarted(trx, now);
    const districtId = newId();
    await trx.insertInto('districts').values({ id: districtId, code: DISTRICT.code, name: DISTRICT.name, name_en: DISTRICT.nameEn, created_at: now }).execute();
    const subIds: string[] = [];

    for (const spec of specs) {
      const subId = newId();
      subIds.push(subId);
      await trx.insertInto('subdistricts').values({ id: subId, district_id: districtId, code: spec.code, name: spec.name, name_en: spec.nameEn, created_at: now }).execute();

      const committees = spec.committees.map(([zh, en], i) => ({
        id: newId(), subdistrict_id: subId, code: String(i + 1).padStart(3, '0'),
        name: `${zh}居民区`, name_en: `${en} Neighbourhood Committee`, created_at: now,
      }));
      await trx.insertInto('committees').values(committees).execute();
      const grids = committees.flatMap((c) =>
        [1, 2, 3].map((n) => ({
          id: newId(), subdistrict_id: subId, committee_id: c.id,
          code: `${DISTRICT.code}${spec.code}${c.code}${String(n).padStart(3, '0')}`,
          name: `${c.name}第${n}网格`, created_at: now,
        })),
      );
      await insertChunked(trx, 'grids', grids);

      // Handling units: property companies, the sanitation company, each committee, the enforcement squad.
      // Each with its English name, so the English tracking page names them out of the box.
      const area = spec.nameEn.replace(/ Subdistrict$/, '');
      const units: { id: string; kind: HandlingUnitKind; name: string; name_en: string; committee_id: string | null }[] = [
        ...PROPERTY_COMPANIES.slice(0, spec === XIANXIA_SPEC ? 3 : 8).map(([zh, en]) => ({ id: newId(), kind: 'property_company' as const, name: zh, name_en: en, committee_id: null })),
        { id: newId(), kind: 'sanitation_company', name: `上海长宁环境发展有限公司（${spec.name}）`, name_en: `Shanghai Changning Environmental Development Co., Ltd. (${spec.nameEn})`, committee_id: null },
        ...committees.map((c) => ({ id: newId(), kind: 'committee' as const, name: `${c.name}居委会`, name_en: c.name_en, committee_id: c.id })),
        { id: newId(), kind: 'enforcement_team', name: `长宁区城管执法局${spec.name.replace('街道', '')}中队`, name_en: `Changning Urban Management Law Enforcement Bureau, ${area} Squad`, committee_id: null },
      ];
      await trx.insertInto('handling_units').values(units.map((u) => ({
        ...u, subdistrict_id: subId, contact_name: personName(r), contact_phone: phone(r), status: 'active' as const, created_at: now,
      }))).execute();
      const propertyUnits = units.filter((u) => u.kind === 'property_company');

      const parties: { id: string; subdistrict_id: string; name: string; kind: PartyKind; contact_name: string; contact_phone: string; created_at: string }[] =
        propertyUnits.map((u) => ({ id: newId(), subdistrict_id: subId, name: u.name, kind: 'property_company', contact_name: personName(r), contact_phone: phone(r), created_at: now }));
      const sites: any[] = [];
      // A site belongs to the committee of the road stretch it stands on.
      const committeeByName = new Map(spec.committees.map(([zh], i) => [zh, committees[i]!]));
      const committeeOn = (road: RoadLine, t: number) => {
        const along = spec.roadCommittees[road.name] ?? [];
        const name = along[Math.min(along.length - 1, Math.floor(t * along.length))];
        return (name && committeeByName.get(name)) || committees[Math.floor(t * committees.length) % committees.length]!;
      };
      const place = (road: RoadLine, t: number, c = committeeOn(road, t)) => {
        const cg = grids.filter((g) => g.committee_id === c.id);
        return { committee_id: c.id, grid_id: r.pick(cg).id };
      };
      // Every residential committee has its compounds' bin rooms, on a road it lies along.
      const roadsOf = (c: (typeof committees)[number]) => spec.roads.filter((road) => (spec.roadCommittees[road.name] ?? []).some((n) => committeeByName.get(n) === c));
      const roadFor = (i: number) => spec.roads[i % spec.roads.length]!;
      const base = (kind: SiteKind, name: string, road: RoadLine, pt: ReturnType<typeof pointOn>, partyId: string, committee?: (typeof committees)[number]) => ({
        id: newId(), subdistrict_id: subId, ...place(road, pt.t, committee), kind, name, address: `${road.name}${pt.number}号`,
        lng: pt.lng, lat: pt.lat, responsible_party_id: partyId, disposal_hours: null as string | null, qr_code: null as string | null,
        status: 'active', retired_at: null, created_at: now, updated_at: now, version: 1,
      });

      for (let i = 0; i < spec.counts.binRooms; i++) {
        const committee = committees[i % committees.length]!;
        const own = roadsOf(committee);
        const road = own.length ? own[Math.floor(i / committees.length) % own.length]! : roadFor(i * 7 + 3);
        const pt = pointOn(r, road);
        const compound = r.pick(COMPOUNDS);
        const site = base('bin_room', `${compound}${r.int(1, 6)}号箱房`, road, pt, r.pick(parties).id, committee);
        site.address = `${road.name}${pt.number}弄${compound}`;
        site.disposal_hours = JSON.stringify(r.chance(0.7) ? [['07:00', '09:00'], ['18:00', '20:00']] : [['06:30', '09:00'], ['17:30', '20:00']]);
        site.qr_code = `${spec.prefix.toUpperCase()}-BR-${String(i + 1).padStart(4, '0')}`;
        sites.push(site);
      }
      for (let i = 0; i < spec.counts.units; i++) {
        const road = roadFor(i * 5 + 1);
        const pt = pointOn(r, road);
        const name = r.pick(UNIT_TEMPLATES).replace('{road}', road.name).replace('{n}', String(pt.number));
        const party = { id: newId(), subdistrict_id: subId, name, kind: 'unit' as const, contact_name: personName(r), contact_phone: phone(r), created_at: now };
        parties.push(party);
        sites.push(base('institution', name, road, pt, party.id));
      }
      for (let i = 0; i < spec.counts.shops; i++) {
        const road = roadFor(i * 3 + 2);
        const pt = pointOn(r, road);
        const [kindZh] = r.pick(SHOP_KINDS);
        const name = `${r.pick(SHOP_PREFIXES)}${kindZh}（${road.name}店）`;
        const operator = personName(r);
        const party = { id: newId(), subdistrict_id: subId, name: `${name} 经营者 ${operator}`, kind: 'shop_operator' as const, contact_name: operator, contact_phone: phone(r), created_at: now };
        parties.push(party);
        sites.push(base('shop', name, road, pt, party.id));
      }
      // One party per kind and name in a subdistrict (the registry's unique key): a name drawn twice
      // is the same party, and its sites point at the first drawn.
      const firstOf = new Map<string, string>();
      const sameAs = new Map<string, string>();
      const distinctParties = parties.filter((p) => {
        const first = firstOf.get(`${p.kind}\u0000${p.name}`);
        if (first) sameAs.set(p.id, first);
        else firstOf.set(`${p.kind}\u0000${p.name}`, p.id);
        return !first;
      });
      for (const s of sites) s.responsible_party_id = sameAs.get(s.responsible_party_id) ?? s.responsible_party_id;
      await insertChunked(trx, 'responsible_parties', distinctParties);
      for (let i = 0; i < sites.length; i += CHUNK) {
        await trx.insertInto('sites').values(sites.slice(i, i + CHUNK)).execute();
        done += Math.min(CHUNK, sites.length - i);
        opts.onProgress?.(done, total, spec.name);
      }

      // Staff for every role. Usernames are prefixed by subdistrict; Hongqiao's are the short demo sign-ins.
      const p = spec.prefix === 'hq' ? '' : `${spec.prefix}-`;
      const staff: { username: string; role: Role; name: string; committeeId?: string; unitId?: string }[] = [
        { username: `${p}admin`, role: 'admin', name: `${spec.name}管理员` },
        { username: `${p}operator`, role: 'operator', name: `城运中心值班员${personName(r)}` },
        { username: `${p}leader`, role: 'leader', name: `${spec.name}分管领导${personName(r)}` },
        ...[1, 2, 3].map((n) => ({ username: `${p}patrol${n}`, role: 'patrol' as const, name: `市容辅助${personName(r)}` })),
        ...[1, 2].map((n) => ({ username: `${p}enforcer${n}`, role: 'enforcement' as const, name: `执法队员${personName(r)}` })),
        ...committees.map((c, i) => ({ username: `${p}cadre${String(i + 1).padStart(2, '0')}`, role: 'cadre' as const, name: `${c.name}干部${personName(r)}`, committeeId: c.id })),
        ...propertyUnits.slice(0, 3).map((u, i) => ({ username: `${p}handler${i + 1}`, role: 'handler' as const, name: `${u.name.slice(2, 4)}物业${personName(r)}`, unitId: u.id })),
        { username: `${p}sanitation`, role: 'handler', name: `环卫${personName(r)}`, unitId: units.find((u) => u.kind === 'sanitation_company')!.id },
      ];
      const userRows = staff.map((s) => ({
        id: newId(), username: s.username, display_name: s.name, phone: phone(r), password_hash: passwordHash, role: s.role,
        subdistrict_id: subId, handling_unit_id: s.unitId ?? null, status: 'active' as const, failed_logins: 0, locked_until: null,
        // 执法证号: Changning's division code (310105) and a serial, for the officers who sign documents.
        cert_number: s.role === 'enforcement' ? `310105${String(++certSerial).padStart(5, '0')}` : null,
        created_at: now, updated_at: now,
      }));
      await insertChunked(trx, 'users', userRows);
      await insertChunked(trx, 'user_scopes', staff.map((s, i) => ({ id: newId(), user_id: userRows[i]!.id, subdistrict_id: subId, committee_id: s.committeeId ?? null })));
      for (const s of staff) users.push({ username: s.username, role: s.role, displayName: s.name, subdistrict: spec.name });
    }

    // A district-level administrator who sees every subdistrict.
    const districtAdmin = { id: newId(), username: 'district-admin', display_name: '长宁区绿化市容局管理员', phone: null, cert_number: null, password_hash: passwordHash, role: 'admin' as const, subdistrict_id: null, handling_unit_id: null, status: 'active' as const, failed_logins: 0, locked_until: null, created_at: now, updated_at: now };
    await trx.insertInto('users').values(districtAdmin).execute();
    await insertChunked(trx, 'user_scopes', subIds.map((s) => ({ id: newId(), user_id: districtAdmin.id, subdistrict_id: s, committee_id: null })));
    users.push({ username: 'district-admin', role: 'admin', displayName: districtAdmin.display_name, subdistrict: DISTRICT.name });
  });
  await seedCaseCatalogues(db, clock);
  await seedChecklists(db, clock);
  await seedEnforcement(db, clock);
  return { users, password: DEMO_PASSWORD, sites: total, subdistricts: specs.length };
}

export { HONGQIAO_EXTENT };

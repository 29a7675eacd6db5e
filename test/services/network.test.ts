import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/auth/actor.js';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { gridCoverage } from '../../src/domain/service-network/grid-coverage.js';
import { lifeCircle } from '../../src/domain/service-network/life-circle.js';
import { createItem, publishVersion } from '../../src/domain/services-catalogue/catalogue.js';
import { createPoint, listPoints, setPointStatus } from '../../src/domain/service-network/points.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, itemByName, servicesContext } from './helpers.js';

describe.each(DIALECTS)('service network (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  it('the demo network: 16 committee windows and 3 building windows in Hongqiao', async () => {
    const admin = await actorOf(ctx, 'admin');
    const pts = (await listPoints(ctx.handle.db, admin, {})).items;
    expect(pts.filter((p) => p.kind === 'committee_window')).toHaveLength(16);
    expect(pts.filter((p) => p.kind === 'building_window')).toHaveLength(3);
    expect(pts.find((p) => p.building === '东银中心')).toBeTruthy();
  });

  it('every seeded point keeps the dates the desk\'s own changes must: planned, then built, then closed; a built point has its day, a planned one none', async () => {
    const rows = await ctx.handle.db.selectFrom('service_points').select(['code', 'status', 'planned_on', 'built_on', 'target_on', 'closed_on']).execute();
    expect(rows.length).toBeGreaterThan(30);
    const wrong = rows.filter((p) =>
      (p.status === 'built' && p.built_on === null) ||
      (p.status === 'planned' && (p.built_on !== null || p.target_on === null)) ||
      (p.status === 'closed') !== (p.closed_on !== null) ||
      (p.planned_on !== null && p.built_on !== null && p.built_on < p.planned_on) ||
      (p.built_on !== null && p.closed_on !== null && p.closed_on < p.built_on));
    expect(wrong).toEqual([]);
  });

  it('the point list comes in pages that together hold every point in scope once, whatever the page size', async () => {
    const districtAdmin = await signInAs(ctx.app, 'district-admin');
    const get = (q: string) => ctx.app.inject({ method: 'GET', url: `/api/services/points${q}`, headers: { cookie: districtAdmin } });
    const whole = await get('');
    expect(whole.statusCode).toBe(200);
    const all = whole.json() as { items: { id: string }[]; nextCursor: string | null };
    expect(all.nextCursor).toBeNull();
    expect(all.items.length).toBeGreaterThan(30);
    const ids = all.items.map((p) => p.id);
    expect(ids).toEqual([...ids].sort());
    for (const limit of [1, 7, all.items.length - 1, all.items.length]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; ; pages++) {
        const res = await get(`?limit=${limit}${after ? `&after=${after}` : ''}`);
        expect(res.statusCode).toBe(200);
        const page = res.json() as { items: { id: string }[]; nextCursor: string | null };
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((p) => p.id));
        after = page.nextCursor;
        if (!after) break;
        expect(after).toBe(page.items.at(-1)!.id);
        expect(pages).toBeLessThan(all.items.length);
      }
      expect(seen).toEqual(ids);
    }
    for (const bad of ['0', '2001', '1.5', 'x']) {
      const res = await get(`?limit=${bad}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'limit' }] } });
    }
  });

  it('a committee cadre sees only its own window; the subdistrict sees its network', async () => {
    const cadre = await signInAs(ctx.app, 'cadre01');
    const res = await ctx.app.inject({ method: 'GET', url: '/api/services/points', headers: { cookie: cadre } });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { kind: string; committeeId: string }[];
    expect(items).toHaveLength(1);
    expect(items[0]!.kind).toBe('committee_window');
    const other = (await listPoints(ctx.handle.db, await actorOf(ctx, 'admin'), { kind: 'committee_window' })).items.find((p) => p.committeeId !== items[0]!.committeeId)!;
    expect((await ctx.app.inject({ method: 'GET', url: `/api/services/points/${other.id}`, headers: { cookie: cadre } })).statusCode).toBe(404);
  });

  it('grid coverage: 35 grids in 10 towns, 6 built, 20 planned, and whether every grid is covered by year end', async () => {
    const districtAdmin = await actorOf(ctx, 'district-admin');
    const r = await gridCoverage(ctx.handle.db, ctx.clock, districtAdmin, {});
    expect(r.totals).toMatchObject({ grids: 35, subdistricts: 10, builtGrids: 6, plannedGrids: 20, uncoveredGrids: 9, builtZones: 6, plannedZones: 20, coveredByDate: 26, everyGridCoveredBy: false });
    // Before the built zones opened (2026-03-01) they count as planned.
    const early = await gridCoverage(ctx.handle.db, ctx.clock, districtAdmin, { asOf: '2026-02-01' });
    expect(early.totals).toMatchObject({ builtGrids: 0, plannedGrids: 26, uncoveredGrids: 9 });
    // Plan a zone in each uncovered grid for 2026-12-31: the plan now covers every grid by year end, not by 30 June.
    const uncovered = r.grids.filter((g) => g.state === 'uncovered');
    await ctx.handle.db.transaction().execute(async (trx) => {
      for (const [i, g] of uncovered.entries()) {
        await createPoint(trx, ctx.clock, districtAdmin, {
          subdistrictId: g.subdistrictId, gridId: g.id, kind: 'self_service_zone', code: `ZT-${i}`, name: `${g.name}专区`, address: '测试地址',
          lng: g.lng, lat: g.lat, staffed: false, status: 'planned', targetOn: '2026-12-31',
        });
      }
    });
    const after = await gridCoverage(ctx.handle.db, ctx.clock, districtAdmin, {});
    expect(after.totals).toMatchObject({ builtGrids: 6, plannedGrids: 29, uncoveredGrids: 0, everyGridCoveredBy: true });
    expect((await gridCoverage(ctx.handle.db, ctx.clock, districtAdmin, { by: '2026-06-30' })).totals.everyGridCoveredBy).toBe(false);
    // Building one moves it from planned to built; closing a built zone takes it out again.
    const zone = (await listPoints(ctx.handle.db, districtAdmin, { kind: 'self_service_zone', status: 'planned' })).items.find((p) => p.code === 'ZT-0')!;
    await setPointStatus(ctx.handle.db, ctx.clock, districtAdmin, zone.id, { version: zone.version, status: 'built', on: '2026-05-20' });
    expect((await gridCoverage(ctx.handle.db, ctx.clock, districtAdmin, {})).totals).toMatchObject({ builtGrids: 7, plannedGrids: 28 });
    await expect(setPointStatus(ctx.handle.db, ctx.clock, districtAdmin, zone.id, { version: zone.version, status: 'closed', on: '2026-05-25' }))
      .rejects.toMatchObject({ code: 'stale_version' });
    await setPointStatus(ctx.handle.db, ctx.clock, districtAdmin, zone.id, { version: zone.version + 1, status: 'closed', on: '2026-05-25' });
    expect((await gridCoverage(ctx.handle.db, ctx.clock, districtAdmin, {})).totals).toMatchObject({ builtGrids: 6, uncoveredGrids: 1 });
    // A committee cadre sees only its subdistrict's grids.
    const hq = await gridCoverage(ctx.handle.db, ctx.clock, await actorOf(ctx, 'cadre01'), {});
    expect(hq.totals.grids).toBe(4);
  });

  it('the 15-minute life circle against a hand-built fixture', async () => {
    const db = ctx.handle.db;
    const at = ctx.clock.now().toISOString();
    const district = await db.selectFrom('districts').select('id').executeTakeFirstOrThrow();
    const subId = newId();
    await db.insertInto('subdistricts').values({ id: subId, district_id: district.id, code: '990', name: '测试街道', name_en: 'Test', created_at: at }).execute();
    const committees = ['甲', '乙'].map((n, i) => ({ id: newId(), subdistrict_id: subId, code: `00${i + 1}`, name: `${n}居民区`, name_en: n, created_at: at }));
    await db.insertInto('committees').values(committees).execute();
    const origin = { lng: 121.5, lat: 31.3 };
    // Committee 甲: sites 500 m and 990 m from the point (covered) and 1,010 m (not); 乙: 3 km away (not).
    const sites = [
      [0, 500, 0], [0, 990, 90], [0, 1010, 180], [1, 3000, 45], [1, 3100, 50],
    ].map(([c, m, bearing], i) => {
      const p = offsetMetres(origin, m!, bearing!);
      return {
        id: newId(), subdistrict_id: subId, committee_id: committees[c!]!.id, grid_id: null, kind: 'bin_room' as const, name: `箱房${i}`, address: 'x', lng: p.lng, lat: p.lat,
        responsible_party_id: null, disposal_hours: null, qr_code: null, status: 'active' as const, retired_at: null, created_at: at, updated_at: at, version: 1,
      };
    });
    // A shop 10 m away is not residential and does not count.
    const shop = offsetMetres(origin, 10, 0);
    await db.insertInto('sites').values([...sites, { ...sites[0]!, id: newId(), kind: 'shop', name: '商铺', lng: shop.lng, lat: shop.lat }]).execute();
    const item = await itemByName(ctx, '居住证签注');
    const admin: Actor = { userId: (await actorOf(ctx, 'district-admin')).userId, username: 'x', displayName: 'x', role: 'admin', subdistrictId: null, handlingUnitId: null, scope: [{ subdistrictId: subId, committeeId: null }] };
    await db.transaction().execute((trx) =>
      createPoint(trx, ctx.clock, admin, { subdistrictId: subId, kind: 'self_service_zone', code: 'LC-1', name: '专区', address: 'x', lng: origin.lng, lat: origin.lat, staffed: false, status: 'built', builtOn: '2026-05-01', itemIds: [item.id] }),
    );
    // A planned point right beside 乙 does not serve anyone yet.
    const nearB = offsetMetres(origin, 3050, 47);
    await db.transaction().execute((trx) =>
      createPoint(trx, ctx.clock, admin, { subdistrictId: subId, kind: 'self_service_zone', code: 'LC-2', name: '规划专区', address: 'x', lng: nearB.lng, lat: nearB.lat, staffed: false, status: 'planned', itemIds: [item.id] }),
    );
    const r = await lifeCircle(db, ctx.clock, admin, { itemId: item.id });
    expect(r.sites).toEqual({ total: 5, covered: 2, share: 0.4 });
    expect(r.uncoveredSites.map((s) => s.name).sort()).toEqual(['箱房2', '箱房3', '箱房4']);
    const byName = new Map(r.committees.map((c) => [c.name, c]));
    expect(byName.get('甲居民区')).toMatchObject({ sites: 3, coveredSites: 2, covered: true });
    expect(byName.get('乙居民区')).toMatchObject({ sites: 2, coveredSites: 0, covered: false, nearestM: null });
    // A wider circle (1,200 m) takes in the 1,010 m site.
    expect((await lifeCircle(db, ctx.clock, admin, { itemId: item.id, distanceM: 1200 })).sites.covered).toBe(3);
    await expect(lifeCircle(db, ctx.clock, admin, { itemId: item.id, distanceM: 50 })).rejects.toMatchObject({ details: { fields: [{ field: 'distanceM' }] } });
  });
  it('the life circle counts a point just inside the radius, wherever it falls against the index cells', async () => {
    const db = ctx.handle.db;
    const op = await actorOf(ctx, 'operator');
    const site = await db.selectFrom('sites').selectAll().where('kind', '=', 'bin_room').where('subdistrict_id', '=', op.subdistrictId!).limit(1).executeTakeFirstOrThrow();
    const r = 1000;
    // A lonely site at the very bottom of a cell one radius (at 111,320 m per degree) high, and a
    // point 999.5 m (haversine) due south of it.
    const dLat = r / 111_320;
    const sLat = (Math.floor(30.5 / dLat) + 1e-6) * dLat;
    const pLat = offsetMetres({ lng: 121, lat: sLat }, r - 0.5, 180).lat;
    const siteId = newId();
    await db.insertInto('sites').values({ ...site, id: siteId, name: '半径边缘箱房', lng: 121, lat: sLat, qr_code: `edge-${siteId}` }).execute();
    const base = await db.selectFrom('service_points').selectAll().where('status', '=', 'built').where('kind', '=', 'terminal').limit(1).executeTakeFirstOrThrow();
    const item = await db.selectFrom('service_point_items').select('item_id').where('point_id', '=', base.id).limit(1).executeTakeFirstOrThrow();
    const pid = newId();
    await db.insertInto('service_points').values({ ...base, id: pid, code: `EDGE-${pid.slice(0, 8)}`, lng: 121, lat: pLat, terminal_token_hash: null }).execute();
    await db.insertInto('service_point_items').values({ point_id: pid, item_id: item.item_id }).execute();
    const rep = await lifeCircle(db, ctx.clock, op, { itemId: item.item_id, distanceM: r });
    expect(rep.points.some((p) => p.id === pid)).toBe(true);
    expect(rep.uncoveredSites.some((s) => s.id === siteId)).toBe(false);
  });
  it('the demo catalogue: a handful of items are not 全市通办, each saying where it is handled and why; their life circle counts only the subdistrict\'s own points', async () => {
    const db = ctx.handle.db;
    // The demo's guides (created by the seed, by no one).
    const guides = await db.selectFrom('service_item_versions').select(['item_id', 'name_zh', 'citywide', 'places_hours', 'conditions'])
      .where('version', '=', 1).where('created_by', 'is', null).execute();
    expect(guides).toHaveLength(101);
    const local = guides.filter((g) => g.citywide === 0);
    const city = guides.filter((g) => g.citywide === 1);
    expect(local.length).toBeGreaterThanOrEqual(6);
    expect(local.length).toBeLessThanOrEqual(9);
    expect(local.length + city.length).toBe(101);
    const localNamed = (name: string) => local.find((g) => g.name_zh === name);
    expect(localNamed('直管公房承租人变更')?.places_hours).toMatch(/^房屋所在地街道社区事务受理服务中心/);
    expect(localNamed('廉租住房申请受理')?.places_hours).toMatch(/^户籍所在地街道社区事务受理服务中心/);
    expect(localNamed('境外人员临时住宿登记')?.places_hours).toMatch(/^住宿地街道社区事务受理服务中心或住宿地公安派出所/);
    for (const g of local) {
      const where = /^(户籍所在地|房屋所在地|住宿地)街道社区事务受理服务中心/.exec(g.places_hours)?.[1];
      expect(where, g.name_zh).toBeDefined();
      // The condition says why, naming the same place.
      expect(g.conditions, g.name_zh).toContain(`本事项非全市通办，在${where}办理：`);
    }
    // Every other item keeps the one text of Hongqiao's windows and centre.
    expect(new Set(city.map((g) => g.places_hours)).size).toBe(1);
    expect(city[0]!.places_hours).toContain('虹桥街道社区事务受理服务中心');
    expect(city.filter((g) => g.places_hours.includes('所在地') || g.conditions.includes('非全市通办'))).toEqual([]);

    // The public page of a committee window shows the guide so.
    const lowRent = localNamed('廉租住房申请受理')!.item_id;
    const page = await ctx.app.inject({ method: 'GET', url: `/api/public/points/YW008-CW01/items/${lowRent}` });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({ citywide: false, placesHours: localNamed('廉租住房申请受理')!.places_hours });

    // Life circle: 廉租住房申请受理 (not 全市通办) against 居住证积分申请受理 (全市通办), offered at the same points.
    const admin = await actorOf(ctx, 'district-admin');
    const cityItem = guides.find((g) => g.name_zh === '居住证积分申请受理' && g.citywide === 1)!.item_id;
    const offeredAt = async (itemId: string) => (await db.selectFrom('service_point_items').select('point_id').where('item_id', '=', itemId).orderBy('point_id').execute()).map((r) => r.point_id);
    expect(await offeredAt(lowRent)).toEqual(await offeredAt(cityItem));
    const hongqiao = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
    const neighbour = await db.selectFrom('subdistricts').select('id').where('id', '!=', hongqiao.id).orderBy('code').executeTakeFirstOrThrow();
    const opts = { distanceM: 300, subdistrictId: hongqiao.id };
    const summary = (r: Awaited<ReturnType<typeof lifeCircle>>) => ({
      citywide: r.citywide, sites: r.sites, uncovered: r.uncoveredSites.map((s) => s.id), committees: r.committees, points: r.points.map((p) => p.id).sort(),
    });
    const localBefore = await lifeCircle(db, ctx.clock, admin, { itemId: lowRent, ...opts });
    const cityBefore = await lifeCircle(db, ctx.clock, admin, { itemId: cityItem, ...opts });
    expect(localBefore.citywide).toBe(false);
    expect(cityBefore.citywide).toBe(true);
    const site = localBefore.uncoveredSites[0];
    expect(site, 'a Hongqiao site out of reach at 300 m').toBeDefined();
    // A neighbouring subdistrict's point opens at that site (rolled back afterwards): it reaches the
    // site for the 全市通办 item, and changes nothing for 廉租住房, which only Hongqiao's points take.
    const rollback = new Error('rollback');
    await expect(db.transaction().execute(async (trx) => {
      const near = await createPoint(trx, ctx.clock, admin, {
        subdistrictId: neighbour.id, kind: 'self_service_zone', code: 'LC-DEMO-NEAR', name: '邻街道专区', address: 'x', lng: site!.lng, lat: site!.lat,
        staffed: false, status: 'built', builtOn: '2026-05-01', itemIds: [lowRent, cityItem],
      });
      const cityAfter = await lifeCircle(trx, ctx.clock, admin, { itemId: cityItem, ...opts });
      expect(cityAfter.uncoveredSites.map((s) => s.id)).not.toContain(site!.id);
      expect(cityAfter.sites.covered).toBeGreaterThan(cityBefore.sites.covered);
      expect(cityAfter.points.map((p) => p.id)).toContain(near.id);
      const localAfter = await lifeCircle(trx, ctx.clock, admin, { itemId: lowRent, ...opts });
      expect(summary(localAfter)).toEqual(summary(localBefore));
      expect(localAfter.uncoveredSites.map((s) => s.id)).toContain(site!.id);
      throw rollback;
    })).rejects.toBe(rollback);
  });
  it('an item not 全市通办 is covered only by points of the site\'s own subdistrict; a 全市通办 item by any point', async () => {
    const db = ctx.handle.db;
    const at = ctx.clock.now().toISOString();
    const district = await db.selectFrom('districts').select('id').executeTakeFirstOrThrow();
    const [subA, subB] = [newId(), newId()];
    await db.insertInto('subdistricts').values([
      { id: subA, district_id: district.id, code: '991', name: '甲街道', name_en: 'A', created_at: at },
      { id: subB, district_id: district.id, code: '992', name: '乙街道', name_en: 'B', created_at: at },
    ]).execute();
    const [cA, cB] = [newId(), newId()];
    await db.insertInto('committees').values([
      { id: cA, subdistrict_id: subA, code: '001', name: '甲一居民区', name_en: 'A1', created_at: at },
      { id: cB, subdistrict_id: subB, code: '001', name: '乙一居民区', name_en: 'B1', created_at: at },
    ]).execute();
    // B's point at the origin; A's site 500 m east of it; A's own point 1,500 m further east; B's site 100 m west.
    const origin = { lng: 121.6, lat: 31.35 };
    const siteA = offsetMetres(origin, 500, 90);
    const pointA = offsetMetres(siteA, 1500, 90);
    const siteB = offsetMetres(origin, 100, 270);
    const site = (subdistrictId: string, committeeId: string, name: string, p: { lng: number; lat: number }) => ({
      id: newId(), subdistrict_id: subdistrictId, committee_id: committeeId, grid_id: null, kind: 'bin_room' as const, name, address: 'x', lng: p.lng, lat: p.lat,
      responsible_party_id: null, disposal_hours: null, qr_code: null, status: 'active' as const, retired_at: null, created_at: at, updated_at: at, version: 1,
    });
    await db.insertInto('sites').values([site(subA, cA, '甲箱房', siteA), site(subB, cB, '乙箱房', siteB)]).execute();

    const districtAdmin = await actorOf(ctx, 'district-admin');
    const category = await db.selectFrom('service_categories').select('id').orderBy('code').executeTakeFirstOrThrow();
    const guide = (citywide: boolean, effectiveFrom: string) => ({
      nameZh: citywide ? '通办测试事项' : '属地测试事项', itemType: '公共服务', department: '公安', legalLimitDays: 5, promisedLimitDays: 3, visits: 1 as const,
      citywide, channels: ['counter' as const], effectiveFrom,
    });
    const [cityItem, localItem] = await db.transaction().execute(async (trx) => [
      await createItem(trx, ctx.clock, districtAdmin, { categoryId: category.id, basicCode: 'LCTEST-CITY', implCode: 'LCTEST-CITY-1', guide: guide(true, '2026-05-26') }),
      await createItem(trx, ctx.clock, districtAdmin, { categoryId: category.id, basicCode: 'LCTEST-LOCAL', implCode: 'LCTEST-LOCAL-1', guide: guide(false, '2026-05-26') }),
    ]);
    // From tomorrow the city-wide item is no longer 全市通办: today's version still rules today.
    await db.transaction().execute((trx) => publishVersion(trx, ctx.clock, districtAdmin, cityItem.id, { baseVersion: 1, guide: guide(false, '2026-05-27') }));

    const admin: Actor = { ...districtAdmin, scope: [{ subdistrictId: subA, committeeId: null }, { subdistrictId: subB, committeeId: null }] };
    const itemIds = [cityItem.id, localItem.id];
    const [idA, idB] = await db.transaction().execute(async (trx) => [
      (await createPoint(trx, ctx.clock, admin, { subdistrictId: subA, kind: 'self_service_zone', code: 'LCS-A', name: '甲专区', address: 'x', ...pointA, staffed: false, status: 'built', builtOn: '2026-05-01', itemIds })).id,
      (await createPoint(trx, ctx.clock, admin, { subdistrictId: subB, kind: 'self_service_zone', code: 'LCS-B', name: '乙专区', address: 'x', ...origin, staffed: false, status: 'built', builtOn: '2026-05-01', itemIds })).id,
    ]);
    const byName = (r: { committees: { name: string }[] }) => new Map(r.committees.map((c) => [c.name, c]));

    // 全市通办: B's point 500 m away covers A's site.
    const city = await lifeCircle(db, ctx.clock, admin, { itemId: cityItem.id });
    expect(city).toMatchObject({ citywide: true, sites: { total: 2, covered: 2, share: 1 }, uncoveredSites: [] });
    expect(byName(city).get('甲一居民区')).toMatchObject({ covered: true, coveredSites: 1, nearestM: 500 });
    expect(byName(city).get('乙一居民区')).toMatchObject({ covered: true, coveredSites: 1, nearestM: 100 });

    // Not 全市通办: only A's own point counts for A's site, 1,500 m away — out of reach at 1,000 m.
    const local = await lifeCircle(db, ctx.clock, admin, { itemId: localItem.id });
    expect(local).toMatchObject({ citywide: false, sites: { total: 2, covered: 1, share: 0.5 } });
    expect(local.uncoveredSites.map((s) => s.name)).toEqual(['甲箱房']);
    expect(byName(local).get('甲一居民区')).toMatchObject({ covered: false, coveredSites: 0, nearestM: null });
    expect(byName(local).get('乙一居民区')).toMatchObject({ covered: true, coveredSites: 1, nearestM: 100 });
    // At 2,000 m A's own point reaches it: the nearest is 1,500 m, not B's 500 m.
    const wide = await lifeCircle(db, ctx.clock, admin, { itemId: localItem.id, distanceM: 2000 });
    expect(wide.sites.covered).toBe(2);
    expect(byName(wide).get('甲一居民区')).toMatchObject({ covered: true, nearestM: 1500 });

    // The points listed (those within 2,000 m of the sites): for A alone, B's point only when the item is 全市通办.
    const ids = (r: { points: { id: string }[] }) => r.points.map((p) => p.id).sort();
    expect(ids(await lifeCircle(db, ctx.clock, admin, { itemId: cityItem.id, distanceM: 2000, subdistrictId: subA }))).toEqual([idA, idB].sort());
    expect(ids(await lifeCircle(db, ctx.clock, admin, { itemId: localItem.id, distanceM: 2000, subdistrictId: subA }))).toEqual([idA]);
    expect(ids(wide)).toEqual([idA, idB].sort());

    // An item whose first version starts tomorrow: that version's flag applies already.
    const upcoming = await db.transaction().execute((trx) =>
      createItem(trx, ctx.clock, districtAdmin, { categoryId: category.id, basicCode: 'LCTEST-LATE', implCode: 'LCTEST-LATE-1', guide: guide(true, '2026-05-27') }));
    expect((await lifeCircle(db, ctx.clock, admin, { itemId: upcoming.id })).citywide).toBe(true);

    // Tomorrow the first item's version 2 (not 全市通办) is in force.
    const today = ctx.clock.now();
    ctx.clock.advance(24 * 3_600_000);
    try {
      const next = await lifeCircle(db, ctx.clock, admin, { itemId: cityItem.id });
      expect(next).toMatchObject({ citywide: false, sites: { covered: 1 } });
    } finally {
      ctx.clock.set(today);
    }
  });
  it('a grid whose only zone closes before the target date is not covered by then', async () => {
    const db = ctx.handle.db;
    const a = await actorOf(ctx, 'district-admin');
    const zones = await db.selectFrom('service_points').selectAll().where('kind', '=', 'self_service_zone').where('status', '=', 'built').where('grid_id', 'is not', null).orderBy('code').execute();
    const z = zones.find((x) => zones.filter((y) => y.grid_id === x.grid_id).length === 1)!;
    const others = await db.selectFrom('service_points').select('id').where('grid_id', '=', z.grid_id).where('kind', '=', 'self_service_zone').execute();
    expect(others).toHaveLength(1);
    const row = async (asOf: string) => (await gridCoverage(db, ctx.clock, a, { asOf, by: '2026-12-31' })).grids.find((g) => g.id === z.grid_id)!;
    expect(await row('2026-05-26')).toMatchObject({ state: 'built', coveredBy: true });
    await db.transaction().execute((trx) => setPointStatus(trx, ctx.clock, a, z.id, { version: z.version, status: 'closed', on: '2026-09-30' }));
    // Built today, gone by the year's end: the plan does not cover it then, whichever day it is asked.
    expect(await row('2026-05-26')).toMatchObject({ state: 'built', coveredBy: false });
    expect(await row('2026-12-31')).toMatchObject({ state: 'uncovered', coveredBy: false });
  });

  it('the same new point or grid code created at once by several administrators: one is created, the others are 409 naming code', async () => {
    const admin = await signInAs(ctx.app, 'admin');
    const base = await ctx.handle.db.selectFrom('service_points').selectAll().where('code', '=', 'YW008-CW01').executeTakeFirstOrThrow();
    const post = (url: string, payload: object) => ctx.app.inject({ method: 'POST', url, headers: { cookie: admin }, payload });
    const point = (n: number) => ({ subdistrictId: base.subdistrict_id, committeeId: base.committee_id, kind: 'committee_window', code: 'RACE-PT-01', name: `race ${n}`,
      address: 'x', lng: base.lng, lat: base.lat, staffed: true, status: 'planned' });
    const grid = (n: number) => ({ subdistrictId: base.subdistrict_id, code: 'RACE-GRID-01', name: `g${n}`, lng: base.lng, lat: base.lat });
    for (const res of [
      await Promise.all([1, 2, 3].map((n) => post('/api/services/points', point(n)))),
      await Promise.all([1, 2, 3].map((n) => post('/api/services/grids', grid(n)))),
    ]) {
      expect(res.map((r) => r.statusCode).sort(), res.map((r) => r.body).join('\n')).toEqual([201, 409, 409]);
      for (const r of res.filter((x) => x.statusCode === 409)) expect(r.json().error).toMatchObject({ code: 'duplicate', details: { fields: [{ field: 'code' }] } });
    }
  });
});

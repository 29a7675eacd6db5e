import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem, listCatalogue, publishVersion } from '../../src/domain/services-catalogue/catalogue.js';
import { guideOf } from '../../src/domain/services-catalogue/versions.js';
import { createRecord } from '../../src/domain/service-records/records.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

describe.each(DIALECTS)('service catalogue (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  it('ships 12 categories and 101 items with unique codes', async () => {
    const cat = await listCatalogue(ctx.handle.db, ctx.clock);
    expect(cat.categories).toHaveLength(12);
    expect(cat.itemCount).toBe(101);
    const items = cat.categories.flatMap((c) => c.items);
    expect(new Set(items.map((i) => i.implCode)).size).toBe(101);
    expect(new Set(items.map((i) => i.basicCode)).size).toBe(101);
    const permit = items.find((i) => i.current?.nameZh === '居住证申领')!;
    expect(permit.current!.channels).toContain('terminal');
    expect(permit.current!.promisedLimitDays).toBe(0);
    for (const i of items) expect(i.current!.promisedLimitDays).toBeLessThanOrEqual(i.current!.legalLimitDays);
    // Every item and category reads in English too (the public pages and the window switch language).
    expect(permit.current!.nameEn).toBe('Residence permit application');
    expect(items.filter((i) => !i.current!.nameEn.trim()).map((i) => i.current!.nameZh)).toEqual([]);
    expect(new Set(items.map((i) => i.current!.nameEn)).size).toBe(101);
    expect(cat.categories.filter((c) => !c.nameEn.trim())).toEqual([]);
  });

  it('an edit is a new version from a date; records keep the version they used', async () => {
    const admin = await actorOf(ctx, 'district-admin');
    const item = await itemByName(ctx, '住房租赁合同网签备案');
    const before = await getItem(ctx.handle.db, ctx.clock, item.id);
    const g = { ...guideOf(before.current!), promisedLimitDays: 1, legalLimitDays: 3, effectiveFrom: '2026-06-01' };
    // Backdating is refused, naming the field.
    await expect(publishVersion(ctx.handle.db, ctx.clock, admin, item.id, { baseVersion: 1, guide: { ...g, effectiveFrom: '2026-05-01' } }))
      .rejects.toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'guide.effectiveFrom' }] } });
    // A record today uses version 1.
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const materials = (JSON.parse(item.materials) as { eLicenceExempt: boolean }[]).map((m, index) => ({ index, received: !m.eLicenceExempt, deferred: false }));
    const rec1 = await ctx.handle.db.transaction().execute((trx) =>
      createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '张伟', idNumber: withCheckDigit('31010519800101001'), phone: '13800000000' }, materials }),
    );
    const v2 = await publishVersion(ctx.handle.db, ctx.clock, admin, item.id, { baseVersion: 1, guide: g });
    expect(v2.latestVersion).toBe(2);
    expect(v2.current!.version).toBe(1); // not in effect before 1 June
    // A stale editor loses.
    await expect(publishVersion(ctx.handle.db, ctx.clock, admin, item.id, { baseVersion: 1, guide: g })).rejects.toMatchObject({ code: 'stale_version' });
    // On 1 June the catalogue reads version 2 and a new record uses it; the old record keeps version 1.
    expect((await listCatalogue(ctx.handle.db, ctx.clock, { date: '2026-06-01' })).categories.flatMap((c) => c.items).find((i) => i.id === item.id)!.current!.version).toBe(2);
    ctx.clock.set('2026-06-01T02:00:00Z');
    const rec2 = await ctx.handle.db.transaction().execute((trx) =>
      createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '李娜', idNumber: withCheckDigit('31010519800101002'), phone: null }, materials }),
    );
    const versions = await ctx.handle.db.selectFrom('service_item_versions').select(['id', 'version']).where('item_id', '=', item.id).execute();
    const byId = new Map(versions.map((v) => [v.id, v.version]));
    expect(byId.get(rec1.record.itemVersionId)).toBe(1);
    expect(byId.get(rec2.record.itemVersionId)).toBe(2);
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('the API refuses a bad item naming the field, and non-admins', async () => {
    const admin = await signInAs(ctx.app, 'district-admin');
    const cats = (await ctx.app.inject({ method: 'GET', url: '/api/services/catalogue', headers: { cookie: admin } })).json();
    const categoryId = cats.categories[0].id;
    const bad = await ctx.app.inject({
      method: 'POST', url: '/api/services/items', headers: { cookie: admin },
      payload: { categoryId, basicCode: 'X1234', implCode: 'Y1234', guide: { nameZh: '测试', itemType: '公共服务', department: '区民政局', legalLimitDays: 5, promisedLimitDays: 9, visits: 1, channels: ['counter'], effectiveFrom: '2026-06-01' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('promisedLimitDays');
    const operator = await signInAs(ctx.app, 'operator');
    const denied = await ctx.app.inject({
      method: 'POST', url: '/api/services/items', headers: { cookie: operator },
      payload: { categoryId, basicCode: 'X1234', implCode: 'Y1234', guide: { nameZh: '测试', itemType: '公共服务', department: '区民政局', legalLimitDays: 5, promisedLimitDays: 3, visits: 1, channels: ['counter'], effectiveFrom: '2026-06-01' } },
    });
    expect(denied.statusCode).toBe(403);
    const dup = await ctx.app.inject({
      method: 'POST', url: '/api/services/items', headers: { cookie: admin },
      payload: { categoryId, basicCode: 'X1234', implCode: cats.categories[0].items[0].implCode, guide: { nameZh: '测试', itemType: '公共服务', department: '区民政局', legalLimitDays: 5, promisedLimitDays: 3, visits: 1, channels: ['counter'], effectiveFrom: '2026-06-01' } },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.details.fields[0].field).toBe('implCode');
  });

  const guide = { nameZh: '测试', itemType: '公共服务', department: '区民政局', legalLimitDays: 5, promisedLimitDays: 3, visits: 1 as const, channels: ['counter' as const], effectiveFrom: '2026-06-01' };

  it('the catalogue is district-wide: a subdistrict administrator may not add items or publish versions; each change is audited', async () => {
    const local = await signInAs(ctx.app, 'admin');
    const district = await signInAs(ctx.app, 'district-admin');
    const categoryId = (await ctx.app.inject({ method: 'GET', url: '/api/services/catalogue', headers: { cookie: district } })).json().categories[0].id;
    const post = (cookie: string, url: string, payload: object) => ctx.app.inject({ method: 'POST', url, headers: { cookie }, payload });
    const refused = await post(local, '/api/services/items', { categoryId, basicCode: 'DW1234', implCode: 'DW1234-01', guide });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'forbidden', details: { permission: 'services.catalogue.write', scope: 'district' } });
    const created = await post(district, '/api/services/items', { categoryId, basicCode: 'DW1234', implCode: 'DW1234-01', guide });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const later = { baseVersion: 1, guide: { ...guide, promisedLimitDays: 1, effectiveFrom: '2026-07-01' } };
    expect((await post(local, `/api/services/items/${id}/versions`, later)).statusCode).toBe(403);
    await expect(publishVersion(ctx.handle.db, ctx.clock, await actorOf(ctx, 'admin'), id, later)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await post(district, `/api/services/items/${id}/versions`, later)).statusCode).toBe(201);
    const audit = await ctx.handle.db.selectFrom('audit_log').select(['action', 'actor_username', 'ip']).where('entity_id', '=', id).orderBy('seq').execute();
    expect(audit.map((a) => [a.action, a.actor_username])).toEqual([['service_item.create', 'district-admin'], ['service_item.publish_version', 'district-admin']]);
  });

  it('administrators adding the same codes at once: one item is created, the others are told which code is taken', async () => {
    const district = await signInAs(ctx.app, 'district-admin');
    const categoryId = (await ctx.app.inject({ method: 'GET', url: '/api/services/catalogue', headers: { cookie: district } })).json().categories[0].id;
    for (const n of [1, 2]) {
      const payload = { categoryId, basicCode: `RACE${n}000`, implCode: `RACE${n}000-01`, guide };
      const out = await Promise.all([0, 1, 2].map(() => ctx.app.inject({ method: 'POST', url: '/api/services/items', headers: { cookie: district }, payload })));
      expect(out.map((r) => r.statusCode).sort(), out.map((r) => r.body.slice(0, 160)).join(' | ')).toEqual([201, 409, 409]);
      for (const r of out.filter((x) => x.statusCode === 409)) expect(r.json().error).toMatchObject({ code: 'duplicate', details: { fields: [{ field: 'basicCode' }] } });
    }
  });
});

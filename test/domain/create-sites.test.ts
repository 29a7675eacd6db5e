import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSites } from '../../src/domain/registry/create-sites.js';
import type { SiteInput } from '../../src/domain/registry/site-input.js';
import { createSite } from '../../src/domain/registry/sites.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { actorOf, demoContext, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

for (const dialect of DIALECTS) {
  describe(`createSites, the batch behind the API and the import [${dialect}]`, () => {
    let ctx: TestContext;
    let anshun: string;
    let hongchu: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      const cs = await ctx.handle.db.selectFrom('committees').select(['id', 'name']).where('name', 'in', ['安顺居民区', '虹储居民区']).execute();
      anshun = cs.find((c) => c.name === '安顺居民区')!.id;
      hongchu = cs.find((c) => c.name === '虹储居民区')!.id;
    });
    afterAll(async () => ctx.close());

    const shop = (n: number, extra: Partial<SiteInput> = {}): SiteInput => ({
      kind: 'shop', name: `批量测试店${n}`, address: `安顺路${n}号`, committeeId: anshun, lng: 121.4215, lat: 31.2001, ...extra,
    });

    it('returns one outcome per input, in order, and writes only the good ones', async () => {
      const db = ctx.handle.db;
      const admin = await actorOf(ctx, 'admin');
      const party = { name: '批量测试物业', kind: 'property_company' as const };
      const outcomes = await db.transaction().execute((trx) =>
        createSites(trx, ctx.clock, admin, [
          shop(1, { kind: 'bin_room', qrCode: 'BATCH-0001', responsibleParty: { ...party, contactName: '甲' } }),
          shop(2, { kind: 'bin_room', qrCode: 'BATCH-0001' }), // same plate as the first, in the same batch
          shop(3, { qrCode: 'HQ-BR-0001' }), // a demo bin room's plate
          shop(4, { gridCode: '310105008002001' }), // a 虹储 grid
          shop(5, { disposalHours: [['07:00', '09:00']] }),
          shop(6, { kind: 'bin_room', responsibleParty: { ...party, contactPhone: '13900000000' } }),
          shop(7, { committeeId: hongchu, gridCode: '310105008002001' }),
        ]),
      );
      const codes = outcomes.map((o) => ('error' in o ? (o.error.details as { fields?: { field: string }[] })?.fields?.[0]?.field : 'ok'));
      expect(codes).toEqual(['ok', 'qrCode', 'qrCode', 'gridCode', 'disposalHours', 'ok', 'ok']);
      const ids = outcomes.flatMap((o) => ('id' in o ? [o.id] : []));
      const rows = await db.selectFrom('sites').select(['id', 'name', 'responsible_party_id', 'grid_id']).where('id', 'in', ids).execute();
      expect(rows.map((r) => r.name).sort()).toEqual(['批量测试店1', '批量测试店6', '批量测试店7']);
      // One shared party; the contact given later joins the earlier one, as one-by-one creation would.
      const parties = await db.selectFrom('responsible_parties').selectAll().where('name', '=', '批量测试物业').execute();
      expect(parties).toHaveLength(1);
      expect(parties[0]).toMatchObject({ contact_name: '甲', contact_phone: '13900000000' });
    });

    it('treats a committee outside the actor’s scope as not found, for one site or many', async () => {
      const xxAdmin = await actorOf(ctx, 'xx-admin');
      const [outcome] = await ctx.handle.db.transaction().execute((trx) => createSites(trx, ctx.clock, xxAdmin, [shop(8)]));
      expect(outcome).toMatchObject({ error: { code: 'not_found' } });
      await expect(ctx.handle.db.transaction().execute((trx) => createSite(trx, ctx.clock, xxAdmin, shop(9)))).rejects.toBeInstanceOf(DomainError);
      const cadre = await actorOf(ctx, 'cadre01');
      await expect(ctx.handle.db.transaction().execute((trx) => createSites(trx, ctx.clock, cadre, [shop(10)]))).rejects.toMatchObject({ code: 'forbidden' });
      const n = await ctx.handle.db.selectFrom('sites').select('id').where('name', 'in', ['批量测试店8', '批量测试店9', '批量测试店10']).execute();
      expect(n).toHaveLength(0);
    });
  });
}

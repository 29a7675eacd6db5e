import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as partyUnique from '../../src/db/migrations/2026-12-08T0810-responsible-party-unique.js';
import { newId } from '../../src/domain/shared/ids.js';
import { demoContext, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

// The migration that makes a responsible party unique per subdistrict, kind and name merges the
// parties already doubled (earlier demos and concurrent creates made them): every site and
// enforcement case of a double points at the earliest-created party afterwards, nothing else moves.
for (const dialect of DIALECTS) {
  describe(`merging doubled responsible parties [${dialect}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect);
    });
    afterAll(async () => ctx.close());

    it('points the doubles\' sites and enforcement cases at the earliest party, removes the doubles, then refuses a new double', async () => {
      const db = ctx.handle.db;
      // Back to the schema before the migration, which allowed doubles.
      await partyUnique.down(db as never);
      const keeper = await db.selectFrom('responsible_parties').selectAll().where('kind', '=', 'shop_operator').orderBy('id').executeTakeFirstOrThrow();
      const later = new Date(Date.parse(keeper.created_at) + 60_000).toISOString();
      const doubles = [newId(), newId()];
      for (const id of doubles) await db.insertInto('responsible_parties').values({ ...keeper, id, created_at: later } as never).execute();
      const sites = await db.selectFrom('sites').select(['id', 'responsible_party_id']).where('subdistrict_id', '=', keeper.subdistrict_id).orderBy('id').limit(3).execute();
      await db.updateTable('sites').set({ responsible_party_id: doubles[0]! }).where('id', '=', sites[0]!.id).execute();
      await db.updateTable('sites').set({ responsible_party_id: doubles[1]! }).where('id', '=', sites[1]!.id).execute();
      const ladder = await db.selectFrom('enforcement_cases').select(['id', 'party_id']).orderBy('id').executeTakeFirst();
      if (ladder) await db.updateTable('enforcement_cases').set({ party_id: doubles[1]! }).where('id', '=', ladder.id).execute();
      const untouched = await db.selectFrom('sites').select(['id', 'responsible_party_id']).where('id', '=', sites[2]!.id).executeTakeFirstOrThrow();
      const partiesBefore = Number((await db.selectFrom('responsible_parties').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

      await partyUnique.up(db as never);

      const left = await db.selectFrom('responsible_parties').select('id').where('id', 'in', [keeper.id, ...doubles]).execute();
      expect(left.map((p) => p.id)).toEqual([keeper.id]);
      expect(Number((await db.selectFrom('responsible_parties').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(partiesBefore - 2);
      for (const s of sites.slice(0, 2)) {
        expect((await db.selectFrom('sites').select('responsible_party_id').where('id', '=', s.id).executeTakeFirstOrThrow()).responsible_party_id).toBe(keeper.id);
      }
      expect(await db.selectFrom('sites').select(['id', 'responsible_party_id']).where('id', '=', sites[2]!.id).executeTakeFirstOrThrow()).toEqual(untouched);
      if (ladder) expect((await db.selectFrom('enforcement_cases').select('party_id').where('id', '=', ladder.id).executeTakeFirstOrThrow()).party_id).toBe(keeper.id);
      await expect(db.insertInto('responsible_parties').values({ ...keeper, id: newId() } as never).execute()).rejects.toThrow(/unique|duplicate/i);
    });
  });
}

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { DatabaseHandle, Db } from '../../src/db/index.js';
import { prepared, preparedInsert, preparedQueries } from '../../src/db/prepared.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { DIALECTS, testDatabase } from '../helpers/db.js';

const roomById = prepared((db: Db, id: string, status: string) =>
  db.selectFrom('case_number_counters').select(['subdistrict_id', 'day', 'last']).where('subdistrict_id', '=', id).where('day', '=', status).orderBy('day'),
);
const insertCounter = preparedInsert('case_number_counters', { doNothingOn: ['subdistrict_id', 'day'], returning: 'last' });

/**
 * Takes this file's deliberately malformed queries out of preparedQueries() again: test files share
 * a process, and test/db/query-plans.test.ts plans every query in that list.
 */
function unlist(...queries: object[]) {
  const made = preparedQueries() as readonly object[] as object[];
  for (const q of queries) if (made.includes(q)) made.splice(made.indexOf(q), 1);
}

describe.each(DIALECTS)('prepared queries [%s]', (kind) => {
  let h: DatabaseHandle;
  let s1: string;
  let s2: string;
  beforeAll(async () => {
    h = await testDatabase(kind);
    await seedDemo(h.db, systemClock);
    [s1, s2] = (await h.db.selectFrom('subdistricts').select('id').orderBy('code').execute()).map((r) => r.id) as [string, string];
  });
  afterAll(() => h.destroy());

  it('binds new values on every run, and agrees with the same query built afresh', async () => {
    expect((await insertCounter.run(h.db, { subdistrict_id: s1, day: '20261001', last: 3 })).rows).toEqual([{ last: 3 }]);
    expect((await insertCounter.run(h.db, { subdistrict_id: s2, day: '20261001', last: 9 })).rows).toEqual([{ last: 9 }]);
    // on conflict do nothing: nothing inserted, nothing returned
    expect((await insertCounter.run(h.db, { subdistrict_id: s1, day: '20261001', last: 5 })).rows).toEqual([]);
    for (const [id, day] of [[s1, '20261001'], [s2, '20261001'], ['nowhere', '20261001']] as [string, string][]) {
      const fresh = await h.db.selectFrom('case_number_counters').select(['subdistrict_id', 'day', 'last']).where('subdistrict_id', '=', id).where('day', '=', day).execute();
      expect(await roomById.all(h.db, id, day)).toEqual(fresh);
    }
    expect(await roomById.first(h.db, s2, '20261001')).toEqual({ subdistrict_id: s2, day: '20261001', last: 9 });
  });

  it('runs inside a transaction and rolls back with it', async () => {
    await expect(
      h.db.transaction().execute(async (trx) => {
        await insertCounter.run(trx, { subdistrict_id: s2, day: '20261003', last: 1 });
        expect(await roomById.first(trx, s2, '20261003')).toBeDefined();
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await roomById.first(h.db, s2, '20261003')).toBeUndefined();
  });

  it('refuses a build whose SQL would depend on an argument', async () => {
    const inlined = prepared((db: Db, day: string) => db.selectFrom('case_number_counters').select('last').where('day', '=', sql.lit(day)));
    const ignored = prepared((db: Db, _day: string) => db.selectFrom('case_number_counters').select('last'));
    onTestFinished(() => unlist(inlined, ignored));
    await expect(inlined.all(h.db, 'x')).rejects.toThrow(/inlines an argument/);
    await expect(ignored.all(h.db, 'x')).rejects.toThrow(/does not bind argument 0/);
  });

  it.runIf(kind === 'postgres')('runs as a named statement on PostgreSQL: prepared once per connection, then only executed', async () => {
    await h.db.transaction().execute(async (trx) => {
      const named = async () =>
        (await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement like '%case_number_counters%' and statement like '%order by%'`.execute(trx)).rows[0]!.n;
      await roomById.all(trx, s1, '20261001');
      await roomById.all(trx, s2, '20261001');
      // The connection holds it once, however often it ran; an ad-hoc query is not named.
      expect(await named()).toBe(1);
      await trx.selectFrom('case_number_counters').select('last').where('day', '=', '20261001').orderBy('last').execute();
      expect(await named()).toBe(1);
    });
  });
});


import fc from 'fast-check';
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.js';
import { nameStatement } from '../../src/db/pg-named-statements.js';
import { DIALECTS, testDatabase } from '../helpers/db.js';

/**
 * A named statement is described (its result columns asked for) once per connection: after that,
 * its runs send Bind, Execute and Sync only, and read their rows with the shape kept from the first
 * run. Every run must read exactly what the same statement reads without a name (pg's own path),
 * whatever the values, NULLs and errors in between.
 */
const TYPED = 'select $1::int as n, $2::timestamptz as at, $3::float8 as x, $4::boolean as b, $5::jsonb as j, $6::text as t, $7::int8 as big, $8::date as d';
const DIVIDE = 'select 10 / $1::int as q';
nameStatement(TYPED);
nameStatement(DIVIDE);
/** The same statements, not registered: pg describes and parses them on every run. */
const plain = (text: string) => `${text} -- unnamed`;

type Conn = { describe(o: unknown): void; bind(o: { statement?: string }): void };
const proto = (pg as unknown as { Connection: { prototype: Conn } }).Connection.prototype;
const original = { describe: proto.describe, bind: proto.bind };
/** Per statement name: how many runs bound it, and how many of them also asked for its description. */
const sent = new Map<string, { binds: number; describes: number }>();
const lastBound = new WeakMap<object, string>();

describe.runIf(DIALECTS.includes('postgres'))('named statements on PostgreSQL: described once per connection', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await testDatabase('postgres');
    proto.bind = function (this: Conn, o) {
      const name = o.statement ?? '';
      lastBound.set(this, name);
      const s = sent.get(name) ?? { binds: 0, describes: 0 };
      s.binds++;
      sent.set(name, s);
      original.bind.call(this, o);
    };
    proto.describe = function (this: Conn, o) {
      const s = sent.get(lastBound.get(this) ?? '');
      if (s) s.describes++;
      original.describe.call(this, o);
    };
  });
  afterAll(async () => {
    proto.bind = original.bind;
    proto.describe = original.describe;
    await h?.destroy();
  });
  afterEach(() => sent.clear());

  const run = async (text: string, values: unknown[]) => (await h.db.executeQuery(CompiledQuery.raw(text, values))).rows;

  it('reads every run as the unnamed statement does, over random values and NULLs, describing it at most once per connection', async () => {
    const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
    const row = fc.tuple(
      nullable(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 })),
      nullable(fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString())),
      nullable(fc.double({ noNaN: true, noDefaultInfinity: true })),
      nullable(fc.boolean()),
      nullable(fc.jsonValue().map((v) => JSON.stringify(v))),
      nullable(fc.string({ maxLength: 20 }).filter((t) => !t.includes('\u0000'))),
      nullable(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }).map(String)),
      nullable(fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))),
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(row, async (values) => {
        runs++;
        expect(await run(TYPED, values)).toEqual(await run(plain(TYPED), values));
      }),
      { numRuns: 120 },
    );
    const named = [...sent].find(([k]) => k.startsWith('cl_'))!;
    expect(named[1].binds).toBe(runs);
    // Sequential runs take the same idle connection back: it described the statement once (a
    // second connection of the pool, if one was ever used, once more).
    expect(named[1].describes).toBeGreaterThanOrEqual(1);
    expect(named[1].describes).toBeLessThanOrEqual(2);
    // The unnamed statement is described on every run.
    expect(sent.get('')!.describes).toBe(sent.get('')!.binds);
  });

  it('an error in a run leaves the next runs reading right, in and out of a transaction', async () => {
    expect(await run(DIVIDE, [2])).toEqual([{ q: 5 }]);
    await expect(run(DIVIDE, [0])).rejects.toThrow(/division by zero/);
    expect(await run(DIVIDE, [5])).toEqual([{ q: 2 }]);
    await h.db.transaction().execute(async (trx) => {
      expect((await trx.executeQuery(CompiledQuery.raw(DIVIDE, [1]))).rows).toEqual([{ q: 10 }]);
      expect((await trx.executeQuery(CompiledQuery.raw(TYPED, [1, null, 0.5, true, '{"a":[1]}', '虹桥', '9007199254740991', '2026-12-07']))).rows).toEqual([
        { n: 1, at: null, x: 0.5, b: true, j: { a: [1] }, t: '虹桥', big: 9007199254740991, d: expect.anything() },
      ]);
    });
    await expect(run(DIVIDE, [0])).rejects.toThrow(/division by zero/);
    expect(await run(DIVIDE, [-10])).toEqual([{ q: -1 }]);
    const named = [...sent].filter(([k]) => k.startsWith('cl_'));
    const divide = named.find(([, s]) => s.binds === 6)!;
    expect(divide, JSON.stringify(named)).toBeDefined();
    expect(divide[1].describes).toBeLessThanOrEqual(2);
  });
});

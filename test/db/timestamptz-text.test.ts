import fc from 'fast-check';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, timestamptzToIso } from '../../src/db/index.js';
import { DIALECTS, testDatabase } from '../helpers/db.js';

/** What the reader did before it read PostgreSQL's UTC text itself. */
const viaDate = (v: string) => new Date(v).toISOString();
const pad = (n: number, w: number) => String(n).padStart(w, '0');

describe('timestamptz read from PostgreSQL as an ISO instant', () => {
  it('equals what Date makes of every UTC text form PostgreSQL writes, with 0 to 6 fraction digits', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 6 }), (d, micros, digits) => {
        const iso = d.toISOString();
        // PostgreSQL leaves out trailing zeros of the fraction, and the fraction when it is zero.
        const fraction = pad(micros, 6).slice(0, digits).replace(/0+$/, '');
        const text = `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}+00`;
        expect(timestamptzToIso(text)).toBe(viaDate(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads other forms through Date as before: another offset, early years, an invalid instant', () => {
    for (const text of ['2026-12-07 07:41:35.12+08', '2026-12-07 07:41:35-03:30', '0099-12-07 07:41:35+00', '0999-01-01 00:00:00+00']) {
      expect(timestamptzToIso(text)).toBe(viaDate(text));
    }
    expect(() => timestamptzToIso('infinity')).toThrow(RangeError);
  });
});

describe.runIf(DIALECTS.includes('postgres'))('timestamptz columns on PostgreSQL', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await testDatabase('postgres');
  });
  afterAll(async () => h?.destroy());

  it('read as the instant written, to the millisecond, in UTC and in another session time zone', async () => {
    const read = async (zone: string, instants: string[]) =>
      h.db.connection().execute(async (c) => {
        await c.executeQuery(CompiledQuery.raw(`set time zone '${zone}'`));
        const rows = (await c.executeQuery<{ at: string }>(CompiledQuery.raw('select unnest($1::timestamptz[]) as at', [instants]))).rows;
        await c.executeQuery(CompiledQuery.raw('reset time zone'));
        return rows.map((r) => r.at);
      });
    const sample = (from: string) => fc.sample(fc.date({ min: new Date(from), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), 200).map((d) => d.toISOString());
    const micro = ['2026-12-07T07:41:35.123999Z', '2026-12-07T07:41:35.000001Z', '2026-12-07T07:41:35.1Z', '2026-12-07T07:41:35Z'];
    const microRead = ['2026-12-07T07:41:35.123Z', '2026-12-07T07:41:35.000Z', '2026-12-07T07:41:35.100Z', '2026-12-07T07:41:35.000Z'];
    const utc = sample('1000-01-01T00:00:00Z');
    expect(await read('UTC', [...utc, ...micro])).toEqual([...utc, ...microRead]);
    // Shanghai time since its last change of offset (1991); before it, its local mean time of
    // centuries ago (+08:05:43) is a form Date cannot read, with or without the UTC text path.
    const shanghai = sample('1992-01-01T00:00:00Z');
    expect(await read('Asia/Shanghai', [...shanghai, ...micro])).toEqual([...shanghai, ...microRead]);
  });
});

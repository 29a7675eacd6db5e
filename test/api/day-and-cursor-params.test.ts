import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

const SEED = Number(process.env.FC_SEED ?? 20261206);

/** A day in the YYYY-MM-DD shape that does not exist: month 00 or 13–99, or a day past its month's end. */
const impossibleDay = fc.oneof(
  fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.constantFrom(0, ...Array.from({ length: 87 }, (_, i) => 13 + i)), fc.integer({ min: 1, max: 28 })),
  fc.integer({ min: 2000, max: 2099 }).chain((y) =>
    fc.integer({ min: 1, max: 12 }).chain((m) => {
      const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
      return fc.tuple(fc.constant(y), fc.constant(m), fc.oneof(fc.constant(0), fc.integer({ min: last + 1, max: 99 })));
    }),
  ),
).map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);

/** Every kind of list or report that takes a calendar day in its query, and the parameter's name. */
const DAY_PARAMS: [url: (day: string) => string, field: string][] = [
  [(d) => `/api/services/reports/waiting-times?to=${d}`, 'to'],
  [(d) => `/api/services/reports/waiting-times?from=${d}&to=2026-05-26`, 'from'],
  [(d) => `/api/services/appointments?day=${d}`, 'day'],
  [(d) => `/api/services/queue/tickets?day=${d}`, 'day'],
  [(d) => `/api/services/reports/grid-coverage?asOf=${d}`, 'asOf'],
  [(d) => `/api/checkins?date=${d}`, 'date'],
  [(d) => `/api/coverage/board?from=${d}`, 'from'],
  [(d) => `/api/dashboard/sources?to=${d}`, 'to'],
  [(d) => `/api/calendar/overrides?from=${d}`, 'from'],
];

describe.each(DIALECTS)('days and cursors in queries (%s)', (kind) => {
  let ctx: TestContext;
  let admin: string;
  beforeAll(async () => {
    ctx = await demoContext(kind);
    admin = await signInAs(ctx.app, 'admin');
  });
  afterAll(async () => ctx.close());

  const get = (url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie: admin } });
  const fieldsOf = (res: { json(): { error: { details: { fields: { field: string; reason: string }[] } } } }) => res.json().error.details.fields;

  it('a day that does not exist is a 400 naming its parameter, on every route that takes one; a real one is accepted', async () => {
    await fc.assert(
      fc.asyncProperty(impossibleDay, async (day) => {
        for (const [url, field] of DAY_PARAMS) {
          const res = await get(url(day));
          expect(res.statusCode, url(day)).toBe(400);
          expect(fieldsOf(res), url(day)).toContainEqual(expect.objectContaining({ field, reason: 'expected a real calendar date YYYY-MM-DD' }));
        }
      }),
      { seed: SEED, numRuns: 15 },
    );
    for (const [url] of DAY_PARAMS) expect((await get(url('2026-05-20'))).statusCode, url('2026-05-20')).toBe(200);
  });

  it('a cursor whose whole-number key is not a whole number is a 400 naming `after`, not a database error', async () => {
    const cursor = (keys: unknown[]) => Buffer.from(JSON.stringify(keys)).toString('base64url');
    await fc.assert(
      fc.asyncProperty(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isSafeInteger(x)), async (x) => {
        for (const url of [`/api/services/queue/tickets?after=${cursor(['0190a0a0-0000-7000-8000-000000000000', x])}`, `/api/services/terminals?after=${cursor([x, 'T-1'])}`]) {
          const res = await get(url);
          expect(res.statusCode, url).toBe(400);
          expect(fieldsOf(res).map((f) => f.field)).toEqual(['after']);
        }
      }),
      { seed: SEED, numRuns: 20 },
    );
  });
});

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldsFromZod } from '../../src/server/error-handler.js';
import { demoSignedInAs, type TestContext } from '../helpers/app.js';

describe('field errors carry a translatable rule with its figures', () => {
  let ctx: TestContext;
  let admin: string;
  beforeAll(async () => {
    ({ ctx, cookie: admin } = await demoSignedInAs('sqlite', 'admin'));
  });
  afterAll(async () => ctx.close());

  it('a missing field is "required", a wrong option "invalid_option", an unknown one "unknown_field"', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/sites', headers: { cookie: admin }, payload: { kind: 'castle', colour: 'red' } });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.details.fields as { field: string; rule: string }[];
    const byField = Object.fromEntries(fields.map((f) => [f.field, f.rule]));
    expect(byField).toMatchObject({ colour: 'unknown_field' });
    const res2 = await ctx.app.inject({ method: 'POST', url: '/api/sites', headers: { cookie: admin }, payload: { kind: 'castle' } });
    const rules = Object.fromEntries((res2.json().error.details.fields as { field: string; rule: string }[]).map((f) => [f.field, f.rule]));
    expect(rules.kind).toBe('invalid_option');
    expect(rules.name).toBe('required');
  });

  it('a number out of range names its bound', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/sites?limit=0', headers: { cookie: admin } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields[0]).toMatchObject({ field: 'limit', rule: 'too_small', params: { minimum: 1, origin: 'number' } });
  });

  it('every string bound becomes required (empty) or too_small/too_big with the bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 40 }), (min, len) => {
        const schema = z.object({ s: z.string().min(min).max(min + 5) });
        const r = schema.safeParse({ s: 'x'.repeat(len) });
        if (r.success) return len >= min && len <= min + 5;
        const [f] = fieldsFromZod(r.error);
        if (len < min) return min === 1 ? f!.rule === 'required' : f!.rule === 'too_small' && f!.params?.minimum === min;
        return f!.rule === 'too_big' && f!.params?.maximum === min + 5;
      }),
    );
  });
});

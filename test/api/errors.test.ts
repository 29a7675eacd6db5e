import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSignedInAs, type TestContext } from '../helpers/app.js';

describe('HTTP contract', () => {
  let ctx: TestContext;
  let admin: string;
  beforeAll(async () => {
    ({ ctx, cookie: admin } = await demoSignedInAs('sqlite', 'admin'));
  });
  afterAll(async () => ctx.close());

  it('answers /healthz and /readyz', async () => {
    expect((await ctx.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await ctx.app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready', database: 'sqlite' });
  });

  it('publishes an OpenAPI document listing the routes, and a docs page', async () => {
    const doc = (await ctx.app.inject({ url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/sites', '/api/sites/{id}', '/api/staff', '/api/auth/sign-in']));
    const page = await ctx.app.inject({ url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/html/);
  });

  it('names an unknown field with 400', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/sites', headers: { cookie: admin }, payload: { kind: 'shop', colour: 'red' } });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toContain('colour');
  });

  it('names a field with the wrong type', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/sites?limit=lots', headers: { cookie: admin } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'limit' }] } });
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/sites', headers: { cookie: admin, 'content-type': 'application/json' }, payload: '{"kind":' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBeTruthy();
  });

  it('answers an unknown route with the error shape', async () => {
    const res = await ctx.app.inject({ url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});

import fc from 'fast-check';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { resolveJurisdiction } from '../../src/domain/open311/jurisdictions.js';
import { buildApp } from '../../src/server/app.js';
import { cachedList, cacheSize, MAX_CACHE_BYTES, MAX_FRAGMENT_BYTES } from '../../src/server/open311/cache.js';
import type { App } from '../../src/server/route.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { testLogOptions } from '../helpers/test-logs.js';
import { FORM, form, HQ, newKey } from './helpers.js';

/** A second handle on the same database: what another server instance is (its own per-process cache). */
const identity: KyselyPlugin = { transformQuery: (a) => a.node, transformResult: async (a) => a.result };
const otherInstance = (db: Db) => db.withPlugin(identity);

/**
 * The GET requests cache never serves an answer older than the last public change, on either
 * instance: after any sequence of public changes (filings, transitions, a report marked abusive, a
 * renamed site or category) each instance's answer is byte for byte what an instance with an empty
 * cache answers.
 */
for (const dialect of DIALECTS) {
  describe(`Open311 answer cache [${dialect}]`, () => {
    let ctx: TestContext;
    let appB: App;
    let key: string;
    let admin: string;
    let operator: string;
    let hqId: string;
    let unitId: string;
    let siteId: string;
    let categoryId: string;
    let point: { lat: string; long: string };
    const numbers: string[] = [];

    const QUERIES = [
      '',
      '&status=open',
      '&status=closed',
      '&service_code=A0301,A0302',
      '&start_date=2026-05-25T00:00:00Z&end_date=2026-05-27T00:00:00Z',
    ];

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      appB = await buildApp({ ...ctx.deps, db: otherInstance(ctx.handle.db) }, testLogOptions('app-b'));
      key = (await newKey(ctx)).key;
      admin = await signInAs(ctx.app, 'admin');
      operator = await signInAs(ctx.app, 'operator');
      const db = ctx.handle.db;
      hqId = (await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
      const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hqId).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      siteId = site.id;
      point = { lat: String(Number(site.lat)), long: String(Number(site.lng)) };
      unitId = (await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
      categoryId = (await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hqId).where('code', '=', 'A0301').executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => {
      await appB?.close();
      await ctx?.close();
    });

    const caseOf = (number: string) => ctx.handle.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    const ok = (res: { statusCode: number; body: string }) => expect(res.statusCode, res.body).toBe(200);

    type Change = { kind: 'file'; via: 0 | 1 } | { kind: 'advance'; pick: number } | { kind: 'abusive'; pick: number } | { kind: 'site'; n: number } | { kind: 'category'; n: number };

    async function apply(c: Change) {
      const app = [ctx.app, appB][c.kind === 'file' ? c.via : 0]!;
      const pick = 'pick' in c && numbers.length ? numbers[c.pick % numbers.length] : undefined;
      switch (c.kind) {
        case 'file': {
          const res = await app.inject({
            method: 'POST', url: '/open311/v2/requests.json', headers: FORM,
            payload: form([['api_key', key], ['jurisdiction_id', HQ], ['service_code', 'A0301'], ['lat', point.lat], ['long', point.long], ['attribute[site_kind]', 'bin_room'], ['description', `缓存测试 ${numbers.length}`]]),
          });
          ok(res);
          numbers.push(res.json()[0].service_request_id);
          return;
        }
        case 'advance': {
          if (!pick) return;
          const k = await caseOf(pick);
          const body = k.status === 'reported' ? { action: 'file' } : k.status === 'filed' ? { action: 'dispatch', unitId } : null;
          if (!body) return;
          ok(await ctx.app.inject({ method: 'POST', url: `/api/cases/${k.id}/transitions`, headers: { cookie: operator }, payload: { version: k.version, ...body } }));
          return;
        }
        case 'abusive': {
          if (!pick) return;
          const k = await caseOf(pick);
          const side = await ctx.handle.db.selectFrom('open311_requests').select('abusive').where('case_id', '=', k.id).executeTakeFirstOrThrow();
          if (Number(side.abusive)) return;
          ok(await ctx.app.inject({ method: 'POST', url: `/api/cases/${k.id}/abusive`, headers: { cookie: operator }, payload: { reason: '虚假上报' } }));
          return;
        }
        case 'site': {
          const s = await ctx.handle.db.selectFrom('sites').select('version').where('id', '=', siteId).executeTakeFirstOrThrow();
          ok(await ctx.app.inject({ method: 'PATCH', url: `/api/sites/${siteId}`, headers: { cookie: admin }, payload: { name: `一号箱房 ${c.n}`, version: Number(s.version) } }));
          return;
        }
        case 'category': {
          const cat = await ctx.handle.db.selectFrom('case_categories').select('version').where('id', '=', categoryId).executeTakeFirstOrThrow();
          ok(await ctx.app.inject({ method: 'PATCH', url: `/api/catalogue/${categoryId}`, headers: { cookie: admin }, payload: { nameZh: `垃圾箱房满溢 ${c.n}`, version: Number(cat.version) } }));
          return;
        }
      }
    }

    /** Every entity tag seen in the run, with the body it was given for: one tag, one body (tags are made from stamps, not bytes). */
    const bodyOfTag = new Map<string, string>();

    /** Both instances answer every query exactly as an instance with an empty cache would. */
    async function expectFresh(format: 'json' | 'xml') {
      const j = await resolveJurisdiction(ctx.handle.db, HQ);
      for (const q of [...QUERIES, `&service_request_id=${numbers.slice(-3).join(',')}`]) {
        // With the key: reads count against its budget, not the one all test requests share.
        const url = `/open311/v2/requests.${format}?jurisdiction_id=${HQ}&api_key=${key}${q}`;
        const a = await ctx.app.inject({ method: 'GET', url });
        const b = await appB.inject({ method: 'GET', url });
        ok(a);
        ok(b);
        const params = new URLSearchParams(q);
        const list = (name: string) => params.get(name)?.split(',');
        const fresh = await cachedList(otherInstance(ctx.handle.db), j, {
          format, mediaBase: 'http://localhost:80/open311/v2', now: ctx.clock.now(),
          filter: { ids: list('service_request_id'), serviceCodes: list('service_code'), start: params.get('start_date') ?? undefined, end: params.get('end_date') ?? undefined, statuses: list('status') as ('open' | 'closed')[] | undefined },
        });
        expect(a.body, url).toBe(fresh.body.toString('utf8'));
        expect(b.body, url).toBe(fresh.body.toString('utf8'));
        expect(a.headers.etag).toBe(fresh.etag);
        const body = fresh.body.toString('utf8');
        if (bodyOfTag.has(fresh.etag)) expect(bodyOfTag.get(fresh.etag), `${url}: one entity tag for two bodies`).toBe(body);
        bodyOfTag.set(fresh.etag, body);
      }
    }

    it('after any sequence of public changes, through either instance, every answer equals a fresh one (both formats)', async () => {
      const change: fc.Arbitrary<Change> = fc.oneof(
        fc.record({ kind: fc.constant('file' as const), via: fc.constantFrom(0 as const, 1 as const) }),
        fc.record({ kind: fc.constant('advance' as const), pick: fc.nat() }),
        fc.record({ kind: fc.constant('abusive' as const), pick: fc.nat() }),
        fc.record({ kind: fc.constant('site' as const), n: fc.nat(1000) }),
        fc.record({ kind: fc.constant('category' as const), n: fc.nat(1000) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(change, fc.constantFrom('json' as const, 'xml' as const)), { minLength: 1, maxLength: 4 }), async (steps) => {
          await expectFresh('json');
          for (const [c, format] of steps) {
            await apply(c);
            await expectFresh(format);
          }
        }),
        { numRuns: 6 },
      );
      expect(cacheSize(ctx.handle.db).entries).toBeGreaterThan(0);
      expect(cacheSize(ctx.handle.db).bytes).toBeLessThanOrEqual(MAX_CACHE_BYTES);
      expect(cacheSize(ctx.handle.db).fragmentBytes).toBeLessThanOrEqual(MAX_FRAGMENT_BYTES);
    }, 180_000);

    it('answers carry an ETag: If-None-Match gets 304 until a public change; gzip when the client accepts it', async () => {
      const url = `/open311/v2/requests.json?jurisdiction_id=${HQ}&api_key=${key}&status=open`;
      const first = await ctx.app.inject({ method: 'GET', url });
      ok(first);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[\w-]+"$/);
      expect(first.headers.vary).toContain('accept-encoding');
      const again = await appB.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      const gz = await appB.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate' } });
      expect(gz.headers['content-encoding']).toBe('gzip');
      const { gunzipSync } = await import('node:zlib');
      expect(gunzipSync(gz.rawPayload).toString('utf8')).toBe(first.body);
      const refused = await appB.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip;q=0' } });
      expect(refused.headers['content-encoding']).toBeUndefined();
      expect(refused.body).toBe(first.body);

      await apply({ kind: 'file', via: 1 });
      const changed = await ctx.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
      expect(changed.statusCode).toBe(200);
      expect(changed.headers.etag).not.toBe(etag);
      expect(changed.json().map((r: { service_request_id: string }) => r.service_request_id)).toContain(numbers.at(-1));
    });
  });
}

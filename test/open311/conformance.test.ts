import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { asText, FORM, form, HQ, newKey, spark, W3C_UTC, XX } from './helpers.js';

/**
 * GeoReport v2 conformance, one test per rule of the specification's own text
 * (wiki.open311.org GeoReport_v2, Service_Discovery, JSON_and_XML_Conversion).
 */
for (const dialect of DIALECTS) {
  describe(`Open311 GeoReport v2 conformance [${dialect}]`, () => {
    let ctx: TestContext;
    let key: string;
    let point: { lat: string; long: string };
    let filed: string;

    const get = (url: string) => ctx.app.inject({ method: 'GET', url });
    const post = (fmt: 'xml' | 'json', fields: [string, string][], headers: Record<string, string> = {}) =>
      ctx.app.inject({ method: 'POST', url: `/open311/v2/requests.${fmt}`, headers: { ...FORM, ...headers }, payload: form(fields) });
    const base = (): [string, string][] => [['api_key', key], ['jurisdiction_id', HQ], ['service_code', 'A0301'], ['lat', point.lat], ['long', point.long], ['attribute[site_kind]', 'bin_room']];

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      key = (await newKey(ctx)).key;
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const site = await db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      point = { lat: String(Number(site.lat)), long: String(Number(site.lng)) };
      const res = await post('json', [...base(), ['description', '箱房旁湿垃圾桶里混有干垃圾']]);
      expect(res.statusCode, res.body).toBe(200);
      filed = res.json()[0].service_request_id;
    });
    afterAll(async () => ctx?.close());

    const RESOURCES = () => [
      `/open311/v2/discovery`,
      `/open311/v2/services`,
      `/open311/v2/services/A0301`,
      `/open311/v2/requests`,
      `/open311/v2/requests/${filed}`,
    ];
    const q = (path: string, fmt: string) => `${path}.${fmt}${path.endsWith('discovery') ? '' : `?jurisdiction_id=${HQ}`}`;

    it('XML output carries Content-Type text/xml; charset=utf-8 and starts with the XML declaration with encoding="utf-8"', async () => {
      for (const path of RESOURCES()) {
        const res = await get(q(path, 'xml'));
        expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
        expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
        expect(res.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
        expect(res.body).not.toMatch(/xmlns/);
      }
    });

    it('JSON output carries Content-Type application/json; charset=utf-8', async () => {
      for (const path of RESOURCES()) {
        const res = await get(q(path, 'json'));
        expect(res.statusCode, path).toBe(200);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(() => JSON.parse(res.body)).not.toThrow();
      }
    });

    it('JSON is the Spark mapping of the XML for every resource (containers are arrays, even of one)', async () => {
      for (const path of RESOURCES()) {
        const xml = spark((await get(q(path, 'xml'))).body) as Record<string, unknown>;
        const json = (await get(q(path, 'json'))).json();
        const root = Object.keys(xml)[0]!;
        expect(asText(json), path).toEqual(xml[root]);
      }
    });

    it('discovery has every required field, in XML and JSON: changeset, contact, key_service, endpoints with specification, url, changeset, type, formats', async () => {
      const json = (await get('/open311/v2/discovery.json')).json();
      for (const f of ['changeset', 'contact', 'key_service']) expect(typeof json[f], f).toBe('string');
      expect(Array.isArray(json.endpoints)).toBe(true);
      const ep = json.endpoints[0];
      expect(ep.specification).toBe('http://wiki.open311.org/GeoReport_v2');
      expect(ep.url).toMatch(/\/open311\/v2$/);
      expect(['production', 'test']).toContain(ep.type);
      expect(ep.formats).toEqual(['text/xml', 'application/json']);
      const xml = spark((await get('/open311/v2/discovery.xml')).body) as any;
      expect(xml.discovery.endpoints[0].formats).toEqual(['text/xml', 'application/json']);
    });

    it('services: each service has service_code, service_name, description, metadata (true|false), type (realtime|batch|blackbox), keywords, group', async () => {
      const list = (await get(`/open311/v2/services.json?jurisdiction_id=${HQ}`)).json();
      expect(list.length).toBeGreaterThan(1);
      for (const s of list) {
        expect(Object.keys(s).sort()).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type']);
        expect(typeof s.metadata).toBe('boolean');
        expect(['realtime', 'batch', 'blackbox']).toContain(s.type);
      }
      const xml = (await get(`/open311/v2/services.xml?jurisdiction_id=${HQ}`)).body;
      expect(xml).toContain('<metadata>true</metadata>');
    });

    it('service definition: echoes service_code; attributes ordered by distinct positive order; all six datatypes; values only on list types', async () => {
      const def = (await get(`/open311/v2/services/A0301.json?jurisdiction_id=${HQ}`)).json();
      expect(def.service_code).toBe('A0301');
      const orders = def.attributes.map((a: any) => a.order);
      expect(new Set(orders).size).toBe(orders.length);
      for (const o of orders) expect(Number.isInteger(o) && o > 0).toBe(true);
      expect(new Set(def.attributes.map((a: any) => a.datatype))).toEqual(new Set(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']));
      for (const a of def.attributes) {
        expect(typeof a.variable).toBe('boolean');
        expect(typeof a.required).toBe('boolean');
        if (a.datatype.endsWith('valuelist')) {
          expect(Array.isArray(a.values)).toBe(true);
          for (const v of a.values) expect(Object.keys(v).sort()).toEqual(['key', 'name']);
        } else expect(a.values).toBeUndefined();
      }
      expect(def.attributes.some((a: any) => a.required) && def.attributes.some((a: any) => !a.required)).toBe(true);
    });

    it('jurisdiction_id: 400 when not provided (several jurisdictions served), 404 when not found; an empty parameter counts as not provided', async () => {
      for (const fmt of ['xml', 'json']) {
        for (const path of ['services', 'requests', 'services/A0301', `requests/${filed}`]) {
          const missing = await get(`/open311/v2/${path}.${fmt}`);
          expect(missing.statusCode, path).toBe(400);
          const empty = await get(`/open311/v2/${path}.${fmt}?jurisdiction_id=`);
          expect(empty.statusCode).toBe(400);
          expect(empty.body).toBe(missing.body);
          const unknown = await get(`/open311/v2/${path}.${fmt}?jurisdiction_id=nowhere.gov`);
          expect(unknown.statusCode).toBe(404);
        }
      }
    });

    it('error bodies: <errors><error><code/><description/></error></errors>, a JSON array of {code, description}, code = HTTP status', async () => {
      const cases: [string, number][] = [
        [`/open311/v2/services/NOPE.%s?jurisdiction_id=${HQ}`, 404],
        [`/open311/v2/requests/NOPE-1.%s?jurisdiction_id=${HQ}`, 404],
        [`/open311/v2/tokens/not-a-token.%s?jurisdiction_id=${HQ}`, 404],
        [`/open311/v2/services.%s`, 400],
        [`/open311/v2/requests.%s?jurisdiction_id=${HQ}&status=pending`, 400],
        [`/open311/v2/requests.%s?jurisdiction_id=${HQ}&start_date=yesterday`, 400],
        [`/open311/v2/nothing-here.%s`, 404],
      ];
      for (const [url, status] of cases) {
        const x = await get(url.replace('%s', 'xml'));
        expect(x.statusCode, url).toBe(status);
        expect(x.headers['content-type']).toBe('text/xml; charset=utf-8');
        const parsed = spark(x.body) as any;
        expect(parsed.errors).toHaveLength(1);
        expect(parsed.errors[0].code).toBe(String(status));
        expect(parsed.errors[0].description.length).toBeGreaterThan(0);
        const j = await get(url.replace('%s', 'json'));
        expect(j.statusCode).toBe(status);
        expect(j.json()).toEqual([{ code: status, description: expect.any(String) }]);
      }
    });

    it('POST without an api_key, with a wrong one or a revoked one: 403 with an error body, nothing filed', async () => {
      const count = async () => Number((await ctx.handle.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const before = await count();
      const revoked = await newKey(ctx);
      const { revokeKey } = await import('../../src/domain/open311/keys.js');
      const { actorOf } = await import('../helpers/app.js');
      await revokeKey(ctx.handle.db, ctx.clock, await actorOf(ctx, 'district-admin'), revoked.id);
      for (const fmt of ['xml', 'json'] as const) {
        for (const k of [null, 'cl311_wrong', revoked.key]) {
          const fields = base().filter(([f]) => f !== 'api_key');
          const res = await post(fmt, k ? [['api_key', k], ...fields] : fields);
          expect(res.statusCode, res.body).toBe(403);
          if (fmt === 'json') expect(res.json()[0].code).toBe(403);
          else expect((spark(res.body) as any).errors[0].code).toBe('403');
        }
      }
      expect(await count()).toBe(before);
    });

    it('POST: 400 naming the field when service_code, the location, or one of lat/long is missing; 404 for an unknown service_code', async () => {
      const without = (f: string) => base().filter(([k]) => k !== f);
      const r1 = await post('json', without('service_code'));
      expect(r1.statusCode).toBe(400);
      expect(r1.json()[0].description).toMatch(/service_code/);
      const r2 = await post('json', base().filter(([k]) => k !== 'lat' && k !== 'long'));
      expect(r2.statusCode).toBe(400);
      expect(r2.json()[0].description).toMatch(/location|lat/);
      const r3 = await post('json', without('long'));
      expect(r3.statusCode).toBe(400);
      expect(r3.json()[0].description).toMatch(/long/);
      const r4 = await post('xml', [...without('service_code'), ['service_code', 'ZZ99']]);
      expect(r4.statusCode).toBe(404);
      const r5 = await post('json', without('attribute[site_kind]'));
      expect(r5.statusCode).toBe(400);
      expect(r5.json()[0].description).toMatch(/attribute\[site_kind\]/);
      const r6 = await ctx.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/json' }, payload: { api_key: key } });
      expect(r6.statusCode).toBe(400);
      expect(r6.json()[0].code).toBe(400);
    });

    it('POST response: service_requests/request with service_request_id and no token (realtime), in both formats', async () => {
      const x = await post('xml', base());
      expect(x.statusCode).toBe(200);
      const req = (spark(x.body) as any).service_requests[0];
      expect(req.service_request_id).toMatch(/\S/);
      expect(req.token).toBeUndefined();
      expect(Object.keys(req)).toEqual(['service_request_id', 'service_notice', 'account_id']);
      const j = (await post('json', base())).json();
      expect(j).toHaveLength(1);
      expect(j[0].account_id).toBeNull();
    });

    it('POST accepts the location as lat/long, as address_id (a closeloop site) or as address_string alone', async () => {
      const db = ctx.handle.db;
      const site = await db.selectFrom('sites').select(['id', 'name']).where('kind', '=', 'bin_room').where('lng', '=', Number(point.long)).executeTakeFirstOrThrow();
      const noPoint = base().filter(([k]) => k !== 'lat' && k !== 'long');
      const byId = await post('json', [...noPoint, ['address_id', site.id]]);
      expect(byId.statusCode, byId.body).toBe(200);
      const one = (await get(`/open311/v2/requests/${byId.json()[0].service_request_id}.json?jurisdiction_id=${HQ}`)).json()[0];
      expect(one.address_id).toBe(site.id);
      const byText = await post('json', [...noPoint, ['address_string', `长宁区 ${site.name} 门口`]]);
      expect(byText.statusCode, byText.body).toBe(200);
      const bad = await post('json', [...noPoint, ['address_id', 'no-such-site']]);
      expect(bad.statusCode).toBe(400);
    });

    it('POST takes attribute[code] and multivaluelist attribute[code][] values; values outside the list are 400', async () => {
      const ok = await post('json', [...base(), ['attribute[waste_types][]', 'wet'], ['attribute[waste_types][]', 'dry'], ['attribute[quantity]', '3'], ['attribute[details]', '第一行\n第二行']]);
      expect(ok.statusCode, ok.body).toBe(200);
      const row = await ctx.handle.db.selectFrom('open311_requests as o').innerJoin('cases as c', 'c.id', 'o.case_id').select('o.attributes').where('c.number', '=', ok.json()[0].service_request_id).executeTakeFirstOrThrow();
      expect(JSON.parse(row.attributes)).toMatchObject({ waste_types: ['wet', 'dry'], quantity: '3', site_kind: 'bin_room' });
      const bad = await post('json', [...base(), ['attribute[waste_types][]', 'plutonium']]);
      expect(bad.statusCode).toBe(400);
      const nan = await post('json', [...base(), ['attribute[quantity]', 'many']]);
      expect(nan.statusCode).toBe(400);
      const line = await post('json', [...base(), ['attribute[landmark]', 'a\nb']]);
      expect(line.statusCode).toBe(400);
    });

    it('POST parameters may come in any order: the same request in another order is the same request (device_id retry replays it)', async () => {
      const fields: [string, string][] = [...base(), ['device_id', 'dev-order-1'], ['description', '顺序无关'], ['attribute[waste_types][]', 'wet']];
      const a = await post('json', fields);
      const b = await post('json', [...fields].reverse().sort(([x], [y]) => (x.startsWith('attribute[waste') || y.startsWith('attribute[waste') ? 0 : y.localeCompare(x))));
      expect(b.statusCode).toBe(200);
      expect(b.json()[0].service_request_id).toBe(a.json()[0].service_request_id);
    });

    it('dates are w3c with a time zone, here UTC Z without fractions: requested_datetime, updated_datetime, expected_datetime', async () => {
      const list = (await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}`)).json();
      expect(list.length).toBeGreaterThan(0);
      for (const r of list) {
        expect(r.requested_datetime).toMatch(W3C_UTC);
        expect(r.updated_datetime).toMatch(W3C_UTC);
        if (r.expected_datetime !== null) expect(r.expected_datetime).toMatch(W3C_UTC);
      }
      const xml = (await get(`/open311/v2/requests.xml?jurisdiction_id=${HQ}`)).body;
      for (const m of xml.matchAll(/<(\w+_datetime)>([^<]*)<\//g)) expect(m[2], m[1]).toMatch(W3C_UTC);
    });

    it('a request has every response field, in the spec order, and no reporter data', async () => {
      const r = await post('json', [...base(), ['email', 'zhang.san@example.com'], ['first_name', '三'], ['last_name', '张'], ['phone', '13800138000'], ['account_id', 'acct-77'], ['device_id', 'imei-1234']]);
      const id = r.json()[0].service_request_id;
      const one = await get(`/open311/v2/requests/${id}.json?jurisdiction_id=${HQ}`);
      expect(Object.keys(one.json()[0])).toEqual([
        'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
        'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url',
      ]);
      for (const url of [`/open311/v2/requests.json?jurisdiction_id=${HQ}`, `/open311/v2/requests.xml?jurisdiction_id=${HQ}`, `/open311/v2/requests/${id}.xml?jurisdiction_id=${HQ}`]) {
        const body = (await get(url)).body;
        for (const pii of ['zhang.san', '13800138000', 'acct-77', 'imei-1234', '张']) expect(body, `${url} leaks ${pii}`).not.toContain(pii);
      }
      const xml = spark((await get(`/open311/v2/requests/${id}.xml?jurisdiction_id=${HQ}`)).body) as any;
      expect(Object.keys(xml.service_requests[0])[0]).toBe('service_request_id');
    });

    it('one element: a list of exactly one request is still a list (XML container with one child, JSON array of one)', async () => {
      const j = (await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&service_request_id=${filed}`)).json();
      expect(Array.isArray(j)).toBe(true);
      expect(j).toHaveLength(1);
      const x = (await get(`/open311/v2/requests.xml?jurisdiction_id=${HQ}&service_request_id=${filed}`)).body;
      expect(x.match(/<request>/g)).toHaveLength(1);
      expect(x).toMatch(/^<\?xml[^>]*\?><service_requests><request>.*<\/request><\/service_requests>$/);
      const err = (await get(`/open311/v2/services.json`)).json();
      expect(err).toHaveLength(1);
    });

    it('empty: no matching requests gives an empty container (<service_requests></service_requests>, JSON []); empty values are empty elements / null', async () => {
      const q0 = `jurisdiction_id=${HQ}&start_date=2001-01-01T00:00:00Z&end_date=2001-01-02T00:00:00Z`;
      const j = await get(`/open311/v2/requests.json?${q0}`);
      expect(j.statusCode).toBe(200);
      expect(j.json()).toEqual([]);
      const x = await get(`/open311/v2/requests.xml?${q0}`);
      expect(x.body).toBe('<?xml version="1.0" encoding="utf-8"?><service_requests></service_requests>');
      const one = (await get(`/open311/v2/requests/${filed}.json?jurisdiction_id=${HQ}`)).json()[0];
      expect(one.zipcode).toBeNull();
      const ox = (await get(`/open311/v2/requests/${filed}.xml?jurisdiction_id=${HQ}`)).body;
      expect(ox).toContain('<zipcode></zipcode>');
    });

    it('GET requests: service_request_id (comma list) overrides every other argument', async () => {
      const second = (await post('json', base())).json()[0].service_request_id;
      const j = (await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&service_request_id=${filed},${second}&status=closed&service_code=ZZ&start_date=2001-01-01T00:00:00Z&end_date=2001-01-02T00:00:00Z`)).json();
      expect(j.map((r: any) => r.service_request_id).sort()).toEqual([filed, second].sort());
    });

    it('GET requests: service_code and status take comma lists; status is open or closed', async () => {
      const open = (await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&status=open`)).json();
      expect(open.length).toBeGreaterThan(0);
      expect(open.every((r: any) => r.status === 'open')).toBe(true);
      const both = (await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&status=open,closed`)).json();
      const all = (await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}`)).json();
      expect(both.length).toBe(all.length);
      const closed = (await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&status=closed`)).json();
      expect(closed.every((r: any) => r.status === 'closed')).toBe(true);
      const codes = (await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&service_code=A0301,ZZ9`)).json();
      expect(codes.length).toBeGreaterThan(0);
      expect(codes.every((r: any) => r.service_code === 'A0301')).toBe(true);
      const none = (await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&service_code=ZZ9`)).json();
      expect(none).toEqual([]);
    });

    it('GET requests: the default window is the most recent 90 days; an explicit range may not span more than 90 days', async () => {
      const old = (await post('json', base())).json()[0].service_request_id;
      const reported = new Date(ctx.clock.now().getTime() - 100 * 86_400_000).toISOString();
      await ctx.handle.db.updateTable('cases').set({ reported_at: reported }).where('number', '=', old).execute();
      const recent = (await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&service_code=A0301,A0302&status=open,closed`)).json();
      expect(recent.map((r: any) => r.service_request_id)).not.toContain(old);
      const start = new Date(Date.parse(reported) - 86_400_000).toISOString().slice(0, 19) + 'Z';
      const end = new Date(Date.parse(reported) + 86_400_000).toISOString().slice(0, 19) + 'Z';
      const ranged = (await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&start_date=${start}&end_date=${end}`)).json();
      expect(ranged.map((r: any) => r.service_request_id)).toContain(old);
      const tooLong = await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&start_date=2026-01-01T00:00:00Z&end_date=2026-05-01T00:00:00Z`);
      expect(tooLong.statusCode).toBe(400);
      const offset = (await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&start_date=${encodeURIComponent(start.replace('Z', '+08:00'))}&end_date=${encodeURIComponent(end.replace('Z', '+08:00'))}`));
      expect(offset.statusCode).toBe(200);
    });

    it('tokens/{token}: returns service_request_id and the token; unknown is 404; another jurisdiction does not see it; the stored hash is no token', async () => {
      // The plain token is kept only in the filing's idempotency row (until the retention job), the request holds its hash.
      const res0 = await post('json', [...base(), ['description', '箱房门口堆放大件垃圾']], { 'idempotency-key': `tokens-${dialect}-0001` });
      expect(res0.statusCode, res0.body).toBe(200);
      const number = res0.json()[0].service_request_id;
      const db = ctx.handle.db;
      const row = await db.selectFrom('open311_idempotency as i').innerJoin('cases as c', 'c.id', 'i.case_id').innerJoin('open311_requests as o', 'o.case_id', 'i.case_id')
        .select(['i.token', 'o.token_hash', 'c.number']).where('c.number', '=', number).executeTakeFirstOrThrow();
      const token = row.token!;
      expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
      for (const fmt of ['xml', 'json']) {
        const res = await get(`/open311/v2/tokens/${token}.${fmt}?jurisdiction_id=${HQ}`);
        expect(res.statusCode).toBe(200);
        const body = fmt === 'json' ? asText(res.json()) : (spark(res.body) as any).service_requests;
        expect(body).toEqual([{ service_request_id: number, token }]);
      }
      expect((await get(`/open311/v2/tokens/${token}.json?jurisdiction_id=${XX}`)).statusCode).toBe(404);
      expect((await get(`/open311/v2/tokens/${row.token_hash}.json?jurisdiction_id=${HQ}`)).statusCode).toBe(404);
    });

    it('multipart/form-data POST with an uploaded photo: filed, the photo is the media_url, served without EXIF', async () => {
      const sharp = (await import('sharp')).default;
      const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 120, b: 60 } } })
        .jpeg()
        .withExif({ IFD0: { Make: 'TestPhone', Model: 'GPS-Leaker' } })
        .toBuffer();
      const boundary = '----o311';
      const parts: Buffer[] = [];
      for (const [k, v] of base()) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`), jpeg, Buffer.from(`\r\n--${boundary}--\r\n`));
      const res = await ctx.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat(parts) });
      expect(res.statusCode, res.body).toBe(200);
      const one = (await get(`/open311/v2/requests/${res.json()[0].service_request_id}.json?jurisdiction_id=${HQ}`)).json()[0];
      expect(one.media_url).toMatch(/\/open311\/v2\/media\/[\w-]+\.jpg$/);
      const img = await get(new URL(one.media_url).pathname);
      expect(img.statusCode).toBe(200);
      expect(img.headers['content-type']).toBe('image/jpeg');
      expect(img.rawPayload.includes(Buffer.from('GPS-Leaker'))).toBe(false);
      const notImage = Buffer.concat([Buffer.from(`--${boundary}\r\n`), ...base().map(([k, v]) => Buffer.from(`Content-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n--${boundary}\r\n`)), Buffer.from(`Content-Disposition: form-data; name="media"; filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\nnot an image\r\n--${boundary}--\r\n`)]);
      const bad = await ctx.app.inject({ method: 'POST', url: '/open311/v2/requests.xml', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: notImage });
      expect(bad.statusCode, bad.body).toBeGreaterThanOrEqual(400);
      expect(bad.statusCode).toBeLessThan(500);
      expect(bad.headers['content-type']).toBe('text/xml; charset=utf-8');
    });
  });
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCaseEvent } from '../../src/domain/cases/events.js';
import { INTAKE_USERNAME } from '../../src/domain/open311/intake-actor.js';
import { MAX_UPDATES, TOO_MANY_UPDATES } from '../../src/domain/open311/updates.js';
import { RATE } from '../../src/server/open311/rate-limit.js';
import { demoContext, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { jpegWithExif } from '../helpers/images.js';
import { FORM, form, HQ, newKey, spark } from './helpers.js';

/**
 * What Open311 refuses, it refuses cleanly: a 4xx in the spec's error shape naming the field,
 * every refusal counted against the client's budget, and nothing left behind in the database or
 * the photo store.
 */
for (const dialect of DIALECTS) {
  describe(`Open311 refusals [${dialect}]`, () => {
    let ctx: TestContext;
    let key: string;
    let dataDir: string;
    let site: { id: string; lat: number; lng: number };
    let seed = 0;
    const db = () => ctx.handle.db;

    const base = (): [string, string][] => [
      ['api_key', key], ['jurisdiction_id', HQ], ['service_code', 'A0301'], ['lat', String(site.lat)], ['long', String(site.lng)], ['attribute[site_kind]', 'bin_room'],
    ];
    const post = (fields: [string, string][], headers: Record<string, string> = {}) =>
      ctx.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { ...FORM, ...headers }, payload: form(fields) });
    /** A multipart POST: text fields, then photos as `media`. */
    const postMultipart = (fields: [string, string][], photos: Buffer[], headers: Record<string, string> = {}) => {
      const b = `----refusals${Math.random().toString(16).slice(2)}`;
      const parts: Buffer[] = fields.map(([k, v]) => Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
      for (const p of photos) parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="media"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`), p, Buffer.from('\r\n'));
      parts.push(Buffer.from(`--${b}--\r\n`));
      return ctx.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': `multipart/form-data; boundary=${b}`, ...headers }, payload: Buffer.concat(parts) });
    };
    const countOf = async (table: 'cases' | 'photos') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    /** Files in this suite's own photo store. */
    const storedFiles = () => (fs.readdirSync(dataDir, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((d) => d.isFile() && /[0-9a-f]{64}/.test(d.name)).length;
    const photo = () => jpegWithExif({ seed: ++seed });

    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `closeloop-refusals-${dialect}-`));
      ctx = await demoContext(dialect, { DATA_DIR: dataDir });
      key = (await newKey(ctx)).key;
      const hq = await db().selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const s = await db().selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      site = { id: s.id, lat: Number(s.lat), lng: Number(s.lng) };
    });
    afterAll(async () => {
      await ctx?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('a wrong or missing api_key counts against the address\'s budget: past it, 429 with Retry-After, on GET, POST and updates', async () => {
      const ip = `10.31.${dialect === 'sqlite' ? 1 : 2}.1`;
      const get = (url: string, from = ip) => ctx.app.inject({ method: 'GET', url, remoteAddress: from });
      const codes = new Map<number, number>();
      for (let i = 0; i < RATE.publicGet; i++) {
        const res = await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&api_key=junk${i}`);
        codes.set(res.statusCode, (codes.get(res.statusCode) ?? 0) + 1);
      }
      expect(Object.fromEntries(codes)).toEqual({ 403: RATE.publicGet });
      const over = await get(`/open311/v2/requests.xml?jurisdiction_id=${HQ}&api_key=junk`);
      expect(over.statusCode).toBe(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect((spark(over.body) as any).errors[0].code).toBe('429');
      // The same address's bad-key POST and updates read share that budget.
      const bad = await ctx.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: FORM, remoteAddress: ip, payload: form([['api_key', 'junk'], ['jurisdiction_id', HQ]]) });
      expect(bad.statusCode).toBe(429);
      expect(Number(bad.headers['retry-after'])).toBeGreaterThan(0);
      const keyless = await ctx.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: FORM, remoteAddress: ip, payload: form([['jurisdiction_id', HQ]]) });
      expect(keyless.statusCode).toBe(429);
      expect((await get(`/open311/v2/servicerequestupdates.json?jurisdiction_id=${HQ}&api_key=junk`)).statusCode).toBe(429);
      // Another address still gets the 403 that names the key; a valid key keeps its own budget.
      const other = await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&api_key=junk`, `10.31.${dialect === 'sqlite' ? 1 : 2}.2`);
      expect(other.statusCode).toBe(403);
      expect(other.json()[0].description).toMatch(/api_key/);
      expect((await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&api_key=${key}`)).statusCode).toBe(200);
    });

    it('a point sent with address_id or attribute[bin_room] must lie by that site: 400 naming lat, nothing filed', async () => {
      const before = await countOf('cases');
      const beijing: [string, string][] = [['lat', '39.9'], ['long', '116.4']];
      const noPoint = base().filter(([k]) => k !== 'lat' && k !== 'long');
      for (const named of [['address_id', site.id], ['attribute[bin_room]', site.id]] as [string, string][]) {
        const res = await post([...noPoint, named, ...beijing]);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json()[0].description).toMatch(/^lat\/long .* site named by (address_id|attribute\[bin_room\])$/);
      }
      expect(await countOf('cases')).toBe(before);
      // A point beside the site (about 110 m north) is the case's point.
      const near = await post([...noPoint, ['address_id', site.id], ['lat', String(site.lat + 0.001)], ['long', String(site.lng)]]);
      expect(near.statusCode, near.body).toBe(200);
      const c = await db().selectFrom('cases').select(['lat', 'site_id']).where('number', '=', near.json()[0].service_request_id).executeTakeFirstOrThrow();
      expect(c.site_id).toBe(site.id);
      expect(Number(c.lat)).toBeCloseTo(site.lat + 0.001, 6);
    });

    it('a NUL character in a form-encoded or multipart field is 400 naming the field, nothing filed', async () => {
      const before = await countOf('cases');
      for (const [field, value] of [['description', 'a\u0000b'], ['address_string', 'x\u0000y'], ['attribute[landmark]', 'x\u0000']] as const) {
        const res = await post([...base(), [field, value]]);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json()[0].description).toBe(`${field}: contains a NUL character`);
      }
      const mp = await postMultipart([...base(), ['description', 'a\u0000b']], []);
      expect(mp.statusCode, mp.body).toBe(400);
      expect(mp.json()[0].description).toBe('description: contains a NUL character');
      expect(await countOf('cases')).toBe(before);
    });

    it('a field the spec names once, sent twice, is 400 naming it (not one of the values taken), nothing filed', async () => {
      const before = await countOf('cases');
      for (const [field, value] of [['service_code', 'A0101'], ['jurisdiction_id', 'elsewhere'], ['lat', '31.3'], ['api_key', 'other']] as const) {
        const res = await post([...base(), [field, value], ['description', '桶满溢']]);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json()[0].description).toBe(`${field}: given more than once`);
      }
      const mp = await postMultipart([...base(), ['service_code', 'A0101']], []);
      expect(mp.statusCode, mp.body).toBe(400);
      expect(mp.json()[0].description).toBe('service_code: given more than once');
      // Attributes may repeat (multivaluelist): still accepted.
      expect((await post([...base(), ['attribute[landmark]', '东门'], ['description', '桶满溢']])).statusCode).toBe(200);
      expect(await countOf('cases')).toBe(before + 1);
    });

    it(`servicerequestupdates answers up to ${MAX_UPDATES} updates; a window holding more is 400 ${TOO_MANY_UPDATES}, never silently cut short`, async () => {
      ctx.clock.advance(2 * 86_400_000);
      const start = new Date(ctx.clock.now().getTime() - 1000).toISOString();
      const filed = await post(base());
      expect(filed.statusCode, filed.body).toBe(200);
      const c = await db().selectFrom('cases').select(['id', 'subdistrict_id']).where('number', '=', filed.json()[0].service_request_id).executeTakeFirstOrThrow();
      // Public events appended straight into the history (one transaction): the filing's report event and these make the count.
      const append = (n: number) =>
        db().transaction().execute(async (trx) => {
          for (let i = 0; i < n; i++) {
            await appendCaseEvent(trx, ctx.clock, { subdistrictId: c.subdistrict_id, caseId: c.id, action: 'report', fromStatus: null, toStatus: 'reported', actor: { userId: null, role: 'integration' } });
          }
        });
      await append(MAX_UPDATES - 1);
      const end = new Date(ctx.clock.now().getTime() + 1000).toISOString();
      const url = (fmt: string) => `/open311/v2/servicerequestupdates.${fmt}?api_key=${key}&jurisdiction_id=${HQ}&start_date=${start}&end_date=${end}`;
      const full = await ctx.app.inject({ method: 'GET', url: url('json') });
      expect(full.statusCode, full.body.slice(0, 200)).toBe(200);
      expect(full.json()).toHaveLength(MAX_UPDATES);
      await append(1);
      for (const fmt of ['json', 'xml']) {
        const res = await ctx.app.inject({ method: 'GET', url: url(fmt) });
        expect(res.statusCode).toBe(400);
        const err = fmt === 'json' ? res.json()[0] : (spark(res.body) as any).errors[0];
        expect(String(err.code)).toBe('400');
        expect(err.description).toMatch(new RegExp(`^${TOO_MANY_UPDATES}: .*start_date/end_date`));
      }
    });

    it('a resource name holding % (sent as %25) is an ordinary name: 404 in the spec\'s error shape, not 500', async () => {
      for (const url of [`/open311/v2/requests/%25.json`, `/open311/v2/services/%25.xml`, `/open311/v2/tokens/%25.json`, `/open311/v2/requests/100%25.json`]) {
        const res = await ctx.app.inject({ method: 'GET', url: `${url}?jurisdiction_id=${HQ}` });
        expect(res.statusCode, `${url} ${res.body}`).toBe(404);
        if (url.endsWith('.json')) expect(res.json()).toEqual([{ code: 404, description: expect.stringContaining('%') }]);
        else expect((spark(res.body) as any).errors[0].code).toBe('404');
      }
    });

    it('photos of a refused or replayed multipart request are not stored: no photos row, no file', async () => {
      const photos = await countOf('photos');
      const files = storedFiles();
      const cases = await countOf('cases');
      const unknown = await postMultipart([...base().filter(([k]) => k !== 'service_code'), ['service_code', 'NOPE']], [await photo()]);
      expect(unknown.statusCode).toBe(404);
      const far = await postMultipart([...base().filter(([k]) => k !== 'lat' && k !== 'long'), ['lat', '39.9'], ['long', '116.4']], [await photo()]);
      expect(far.statusCode).toBe(400);
      const badContact = await postMultipart([...base(), ['email', 'not-an-address']], [await photo(), await photo()]);
      expect(badContact.statusCode).toBe(400);
      expect(await countOf('photos')).toBe(photos);
      expect(storedFiles()).toBe(files);
      expect(await countOf('cases')).toBe(cases);

      // A retry with the same Idempotency-Key replays the first filing and stores nothing new.
      const token = `photos-${dialect}-0001`;
      const first = await postMultipart(base(), [await photo()], { 'idempotency-key': token });
      expect(first.statusCode, first.body).toBe(200);
      expect(await countOf('photos')).toBe(photos + 1);
      const afterFirst = storedFiles();
      expect(afterFirst).toBeGreaterThan(files);
      const retry = await postMultipart(base(), [await photo()], { 'idempotency-key': token });
      expect(retry.statusCode).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.json()[0].service_request_id).toBe(first.json()[0].service_request_id);
      expect(await countOf('photos')).toBe(photos + 1);
      expect(storedFiles()).toBe(afterFirst);
      // Concurrent first attempts with one token, each with its own photo: one filing, one photo row
      // (a loser's rolled-back transaction takes its photo row with it).
      const racers = await Promise.all([1, 2, 3].map(async () => postMultipart(base(), [await photo()], { 'idempotency-key': `photos-${dialect}-0002` })));
      expect(racers.map((r) => r.statusCode)).toEqual([200, 200, 200]);
      expect(new Set(racers.map((r) => r.json()[0].service_request_id)).size).toBe(1);
      expect(await countOf('photos')).toBe(photos + 2);
      // Every photo that came in over Open311 belongs to a case.
      const unlinked = await db()
        .selectFrom('photos as p')
        .innerJoin('users as u', 'u.id', 'p.uploaded_by')
        .leftJoin('case_photos as cp', 'cp.photo_id', 'p.id')
        .select('p.id')
        .where('u.username', '=', INTAKE_USERNAME)
        .where('cp.photo_id', 'is', null)
        .execute();
      expect(unlinked).toEqual([]);
    });
  });
}

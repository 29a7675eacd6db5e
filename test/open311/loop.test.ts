import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadPhoto } from '../api/cases-helpers.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { FORM, form, HQ, newKey, W3C_UTC, XX } from './helpers.js';

/** The closed loop seen through Open311: lifecycle mapping, scope of keys, idempotent retries, sources, duplicates, limits. */
for (const dialect of DIALECTS) {
  describe(`Open311 and the closed loop [${dialect}]`, () => {
    let ctx: TestContext;
    let key: string;
    const cookies: Record<string, string> = {};
    let point: { lat: string; long: string };
    let unit1: string;

    const get = (url: string) => ctx.app.inject({ method: 'GET', url });
    const post = (fields: [string, string][], headers: Record<string, string> = {}, fmt = 'json') =>
      ctx.app.inject({ method: 'POST', url: `/open311/v2/requests.${fmt}`, headers: { ...FORM, ...headers }, payload: form(fields) });
    const base = (k = key): [string, string][] => [['api_key', k], ['jurisdiction_id', HQ], ['service_code', 'A0301'], ['lat', point.lat], ['long', point.long], ['attribute[site_kind]', 'bin_room']];
    const caseOf = (number: string) => ctx.handle.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    const count = async () => Number((await ctx.handle.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const act = async (who: string, number: string, body: Record<string, unknown>) => {
      const c = await caseOf(number);
      const res = await ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/transitions`, headers: { cookie: cookies[who]! }, payload: { version: c.version, ...body } });
      expect(res.statusCode, res.body).toBe(200);
    };
    const view = async (number: string) => (await get(`/open311/v2/requests/${number}.json?jurisdiction_id=${HQ}`)).json()[0];

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      key = (await newKey(ctx)).key;
      for (const u of ['operator', 'patrol1', 'handler1']) cookies[u] = await signInAs(ctx.app, u);
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const site = await db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      point = { lat: String(Number(site.lat)), long: String(Number(site.lng)) };
      unit1 = (await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
    });
    afterAll(async () => ctx?.close());

    it('maps each lifecycle state to Open311 fields: open until 核查 passes, the stage in Chinese, due time, handling unit, last public change', async () => {
      const number = (await post(base())).json()[0].service_request_id;
      const c = await caseOf(number);
      expect(c.source).toBe('open311');
      expect(c.status).toBe('reported');
      let v = await view(number);
      expect(v).toMatchObject({ status: 'open', status_notes: '已受理，等待城运中心核实立案', agency_responsible: '虹桥街道城运中心' });
      expect(v.expected_datetime).toBe(new Date(c.stage_due_at!).toISOString().slice(0, 19) + 'Z');

      ctx.clock.advance(60_000);
      await act('operator', number, { action: 'file' });
      v = await view(number);
      expect(v).toMatchObject({ status: 'open', status_notes: '已立案，等待派遣处置单位' });
      expect(v.updated_datetime).toBe(ctx.clock.now().toISOString().slice(0, 19) + 'Z');

      ctx.clock.advance(60_000);
      await act('operator', number, { action: 'dispatch', unitId: unit1 });
      const unitName = (await ctx.handle.db.selectFrom('handling_units').select('name').where('id', '=', unit1).executeTakeFirstOrThrow()).name;
      v = await view(number);
      expect(v).toMatchObject({ status: 'open', status_notes: `已派遣至${unitName}，正在处置`, agency_responsible: unitName });
      expect(v.expected_datetime).toBe(new Date((await caseOf(number)).stage_due_at!).toISOString().slice(0, 19) + 'Z');

      ctx.clock.advance(60_000);
      const photo = await uploadPhoto(ctx.app, cookies.handler1!);
      await act('handler1', number, { action: 'handle', note: '已分拣', photoIds: [photo.id] });
      v = await view(number);
      expect(v).toMatchObject({ status: 'open', status_notes: '处置单位已反馈结果，等待独立核查' });

      ctx.clock.advance(60_000);
      await act('patrol1', number, { action: 'check_fail', note: '仍有混投' });
      v = await view(number);
      expect(v).toMatchObject({ status: 'open', status_notes: `核查未通过，${unitName}正在返工` });

      ctx.clock.advance(60_000);
      const photo2 = await uploadPhoto(ctx.app, cookies.handler1!);
      await act('handler1', number, { action: 'handle', note: '再次分拣', photoIds: [photo2.id] });
      ctx.clock.advance(60_000);
      await act('patrol1', number, { action: 'check_pass' });
      v = await view(number);
      expect(v).toMatchObject({ status: 'closed', status_notes: '经核查已整改到位，已结案', expected_datetime: null });
      expect(v.updated_datetime).toBe(new Date((await caseOf(number)).closed_at!).toISOString().slice(0, 19) + 'Z');
    });

    it('maps cancel, merge and hold: cancelled and merged are closed, a case on hold stays open', async () => {
      const a = (await post(base())).json()[0].service_request_id;
      await act('operator', a, { action: 'cancel', reason: '重复来电，内部原因不公开' });
      const va = await view(a);
      expect(va).toMatchObject({ status: 'closed', status_notes: '经核实不予立案，已注销' });
      expect(JSON.stringify(va)).not.toContain('内部原因');

      const target = (await post(base())).json()[0].service_request_id;
      const dup = (await post(base())).json()[0].service_request_id;
      await act('operator', dup, { action: 'merge', targetCaseId: (await caseOf(target)).id });
      expect(await view(dup)).toMatchObject({ status: 'closed', status_notes: `与案件 ${target} 为同一问题，已合并办理` });

      const h = (await post(base())).json()[0].service_request_id;
      await act('operator', h, { action: 'file' });
      await act('operator', h, { action: 'dispatch', unitId: unit1 });
      await act('handler1', h, { action: 'request_hold', reason: '等待物业整改设施' });
      await act('operator', h, { action: 'approve_hold' });
      expect(await view(h)).toMatchObject({ status: 'open', status_notes: '暂缓处置（挂账），条件具备后继续办理', expected_datetime: null });
    });

    it('updated_datetime is the last public change: a failed check and a release from hold move it, internal steps do not', async () => {
      const stamp = () => ctx.clock.now().toISOString().slice(0, 19) + 'Z';
      const n = (await post(base())).json()[0].service_request_id;
      ctx.clock.advance(60_000);
      await act('operator', n, { action: 'file' });
      ctx.clock.advance(60_000);
      await act('operator', n, { action: 'dispatch', unitId: unit1 });
      ctx.clock.advance(60_000);
      const photo = await uploadPhoto(ctx.app, cookies.handler1!);
      await act('handler1', n, { action: 'handle', note: '已分拣', photoIds: [photo.id] });
      ctx.clock.advance(60_000);
      await act('patrol1', n, { action: 'check_fail', note: '仍有混投' });
      expect((await view(n)).updated_datetime).toBe(stamp());
      const failedAt = stamp();
      ctx.clock.advance(60_000);
      await act('handler1', n, { action: 'request_hold', reason: '等待物业整改设施' });
      expect((await view(n)).updated_datetime).toBe(failedAt);
      ctx.clock.advance(60_000);
      await act('operator', n, { action: 'approve_hold' });
      expect((await view(n)).updated_datetime).toBe(stamp());
      ctx.clock.advance(60_000);
      await act('operator', n, { action: 'release_hold' });
      expect((await view(n)).updated_datetime).toBe(stamp());
    });

    it('a nearby open request of the same service is offered to the operators as a possible duplicate, never merged', async () => {
      const first = (await post(base())).json()[0].service_request_id;
      const second = (await post(base())).json()[0].service_request_id;
      expect(second).not.toBe(first);
      const c2 = await caseOf(second);
      expect(c2.status).toBe('reported');
      expect(c2.merged_into_id).toBeNull();
      const n = await ctx.handle.db.selectFrom('notifications').select(['kind', 'title']).where('case_id', '=', c2.id).executeTakeFirstOrThrow();
      expect(n.kind).toBe('case_possible_duplicate');
      expect(n.title).toContain(first);
    });

    it('a hotline key files with source hotline, an Open311 key with source open311', async () => {
      const hot = (await newKey(ctx, { kind: 'hotline' })).key;
      const h = (await post(base(hot))).json()[0].service_request_id;
      expect((await caseOf(h)).source).toBe('hotline');
      const o = (await post(base())).json()[0].service_request_id;
      expect((await caseOf(o)).source).toBe('open311');
    });

    it('scope: a key for subdistrict A cannot file into B nor read B\'s updates; a key of one subdistrict needs no jurisdiction_id', async () => {
      const before = await count();
      const res = await post([...base().filter(([k]) => k !== 'jurisdiction_id'), ['jurisdiction_id', XX]]);
      expect(res.statusCode).toBe(403);
      expect(res.json()[0].code).toBe(403);
      expect(await count()).toBe(before);
      const upd = await get(`/open311/v2/servicerequestupdates.json?api_key=${key}&jurisdiction_id=${XX}`);
      expect(upd.statusCode).toBe(403);
      const mine = await get(`/open311/v2/servicerequestupdates.json?api_key=${key}&jurisdiction_id=${HQ}`);
      expect(mine.statusCode).toBe(200);
      const implicit = await post(base().filter(([k]) => k !== 'jurisdiction_id'));
      expect(implicit.statusCode, implicit.body).toBe(200);
      const both = (await newKey(ctx, { subdistricts: [HQ, XX] })).key;
      const ambiguous = await post(base(both).filter(([k]) => k !== 'jurisdiction_id'));
      expect(ambiguous.statusCode).toBe(400);
      // A's reporter data and tokens are not reachable through B's jurisdiction either.
      const n = implicit.json()[0].service_request_id;
      expect((await get(`/open311/v2/requests/${n}.json?jurisdiction_id=${XX}`)).statusCode).toBe(404);
    });

    it('idempotent retries: the same Idempotency-Key files once (even concurrently); reused for another body it is 400', async () => {
      const before = await count();
      const token = `retry-${dialect}-0001`;
      const replies = await Promise.all([1, 2, 3].map(() => post(base(), { 'idempotency-key': token })));
      const ids = new Set(replies.map((r) => (expect(r.statusCode, r.body).toBe(200), r.json()[0].service_request_id)));
      expect(ids.size).toBe(1);
      expect(await count()).toBe(before + 1);
      const again = await post(base(), { 'idempotency-key': token }, 'xml');
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toContain([...ids][0]);
      const other = await post([...base(), ['description', '另一件事']], { 'idempotency-key': token });
      expect(other.statusCode).toBe(400);
      expect(await count()).toBe(before + 1);
    });

    it('idempotent retries: device_id + the same request files once within a day; another request or a day later files anew', async () => {
      const before = await count();
      const fields: [string, string][] = [...base(), ['device_id', `phone-${dialect}`], ['description', '满溢']];
      const a = (await post(fields)).json()[0].service_request_id;
      const b = (await post(fields)).json()[0].service_request_id;
      expect(b).toBe(a);
      expect(await count()).toBe(before + 1);
      const c = (await post([...fields, ['attribute[quantity]', '2']])).json()[0].service_request_id;
      expect(c).not.toBe(a);
      ctx.clock.advance(25 * 3600_000);
      const d = (await post(fields)).json()[0].service_request_id;
      expect(d).not.toBe(a);
      expect(await count()).toBe(before + 3);
    });

    it('servicerequestupdates: one request_update per public change, FixMyStreet statuses, w3c dates, no staff notes', async () => {
      for (const u of ['operator', 'patrol1', 'handler1']) cookies[u] = await signInAs(ctx.app, u);
      const start = new Date(ctx.clock.now().getTime() - 1000).toISOString();
      const number = (await post(base())).json()[0].service_request_id;
      await act('operator', number, { action: 'file' });
      await act('operator', number, { action: 'dispatch', unitId: unit1 });
      const photo = await uploadPhoto(ctx.app, cookies.handler1!);
      await act('handler1', number, { action: 'handle', note: '处置人员内部备注 秘密', photoIds: [photo.id] });
      await act('patrol1', number, { action: 'check_pass' });
      const end = new Date(ctx.clock.now().getTime() + 1000).toISOString();
      const url = (fmt: string) => `/open311/v2/servicerequestupdates.${fmt}?api_key=${key}&jurisdiction_id=${HQ}&start_date=${start}&end_date=${end}`;
      const res = await get(url('json'));
      expect(res.statusCode, res.body).toBe(200);
      const mine = res.json().filter((u: any) => u.service_request_id === number);
      expect(mine.map((u: any) => u.status)).toEqual(['open', 'investigating', 'action_scheduled', 'in_progress', 'fixed']);
      for (const u of mine) {
        expect(Object.keys(u)).toEqual(['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url']);
        expect(u.updated_datetime).toMatch(W3C_UTC);
      }
      expect(new Set(mine.map((u: any) => u.update_id)).size).toBe(5);
      expect(mine[3].media_url).toMatch(/\/media\/.+\.jpg$/);
      expect(res.body).not.toContain('秘密');
      const xml = await get(url('xml'));
      expect(xml.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><service_requests_updates><request_update><update_id>/);
      expect((await get(`/open311/v2/servicerequestupdates.json?jurisdiction_id=${HQ}`)).statusCode).toBe(403);
    });

    it('rate limits: a key past its budget gets 429 with an error body and Retry-After; reads are limited per client', async () => {
      const slow = (await newKey(ctx, { rate: 2 })).key;
      expect((await post(base(slow))).statusCode).toBe(200);
      expect((await post(base(slow))).statusCode).toBe(200);
      const third = await post(base(slow), {}, 'xml');
      expect(third.statusCode).toBe(429);
      expect(third.body).toContain('<errors><error><code>429</code>');
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      const reads = [];
      for (let i = 0; i < 3; i++) reads.push((await ctx.app.inject({ method: 'GET', url: `/open311/v2/services.json?jurisdiction_id=${HQ}&api_key=${slow}` })).statusCode);
      expect(reads).toContain(429);
    });
  });
}

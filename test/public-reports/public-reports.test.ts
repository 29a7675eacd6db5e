import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadPhoto } from '../api/cases-helpers.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { englishRobot, seeNotice } from '../notifications/notice-reading.js';
import { jpegWithExif } from '../helpers/images.js';
import { HQ } from '../open311/helpers.js';
import { PUBLIC_REPORT_RATE } from '../../src/server/routes/public-reports.js';
import { solvedChallenge, submitReport } from './helpers.js';

const PHONE = '13912345678';

/** The citizens' report-and-track API: proof of work, limits, tracking, confirm/contest, abuse, no personal data. */
for (const dialect of DIALECTS) {
  describe(`public report page API [${dialect}]`, () => {
    let ctx: TestContext;
    const cookies: Record<string, string> = {};
    let point: { lat: string; lng: string };
    let code: string;
    let unit1: string;
    let seed = 0;
    let ipSeq = 0;
    /** Each test its own client address: the per-client budgets are per process. */
    const newIp = () => `10.${dialect === 'sqlite' ? 1 : 2}.0.${++ipSeq}`;
    const fields = (over: Record<string, string> = {}) => ({
      jurisdiction_id: HQ, service_code: code, lat: point.lat, lng: point.lng, site_kind: 'bin_room', description: '箱房门口垃圾满溢', phone: PHONE, ...over,
    });
    const photo = () => jpegWithExif({ seed: ++seed });
    const caseOf = (number: string) => ctx.handle.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    const count = async () => Number((await ctx.handle.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const track = (token: string) => ctx.app.inject({ method: 'GET', url: `/api/public/reports/${token}`, remoteAddress: newIp() });
    const act = async (who: string, number: string, body: Record<string, unknown>) => {
      const c = await caseOf(number);
      const res = await ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/transitions`, headers: { cookie: cookies[who]! }, payload: { version: c.version, ...body } });
      expect(res.statusCode, res.body).toBe(200);
    };
    /** The staff's loop: file, dispatch, handle with an after photo, independent check passes. */
    const closeLoop = async (number: string) => {
      ctx.clock.advance(60_000);
      await act('operator', number, { action: 'file' });
      await act('operator', number, { action: 'dispatch', unitId: unit1 });
      const after = await uploadPhoto(ctx.app, cookies.handler1!);
      await act('handler1', number, { action: 'handle', note: '已清运，保洁员王师傅处理', photoIds: [after.id] });
      await act('patrol1', number, { action: 'check_pass' });
      return after.id!;
    };
    const report = async (ip = newIp()) => {
      const res = await submitReport(ctx.app, fields(), await photo(), { ip });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { number: string; token: string; trackPath: string };
    };

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      for (const u of ['operator', 'patrol1', 'handler1', 'xx-operator']) cookies[u] = await signInAs(ctx.app, u);
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const site = await db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      point = { lat: String(Number(site.lat)), lng: String(Number(site.lng)) };
      const near = await ctx.app.inject({ method: 'GET', url: `/api/public/reports/categories?lat=${point.lat}&lng=${point.lng}` });
      code = near.json().categories[0].code;
      unit1 = (await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
    });
    afterAll(async () => ctx?.close());

    it('offers the categories that apply to the nearest site type, in the subdistrict where the citizen stands; refuses a point outside', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/public/reports/categories?lat=${point.lat}&lng=${point.lng}` });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ jurisdictionId: HQ, siteKind: 'bin_room', distanceM: 0 });
      const cats = await ctx.handle.db.selectFrom('case_categories').select(['code', 'site_kinds']).where('level', '=', 'standard').execute();
      const kindsOf = new Map(cats.map((c) => [c.code, JSON.parse(c.site_kinds) as string[]]));
      expect(body.categories.length).toBeGreaterThan(0);
      for (const c of body.categories) {
        const kinds = kindsOf.get(c.code)!;
        expect(kinds.length === 0 || kinds.includes('bin_room'), c.code).toBe(true);
      }
      // The class above each category comes in both languages (the page shows it by the UI language).
      const binRoom = body.categories.find((c: { code: string }) => c.code.startsWith('A'));
      expect(binRoom).toMatchObject({ group: '箱房问题', groupEn: 'Bin-room problems' });
      for (const c of body.categories) expect(c.groupEn, c.code).not.toMatch(/[\u4e00-\u9fff]/);
      const shopOnly = [...kindsOf].filter(([, k]) => k.length && !k.includes('bin_room')).map(([c]) => c);
      expect(shopOnly.length).toBeGreaterThan(0);
      for (const c of shopOnly) expect(body.categories.map((x: { code: string }) => x.code)).not.toContain(c);

      const far = await ctx.app.inject({ method: 'GET', url: '/api/public/reports/categories?lat=39.9&lng=116.4' });
      expect(far.statusCode).toBe(400);
      expect(far.json().error.details.fields[0].field).toBe('lat');
    });

    it('files a report with a solved challenge: a citizen case, a tracking token that is not the case number, the phone kept apart and the address never stored', async () => {
      const ip = newIp();
      const before = await count();
      const r = await report(ip);
      expect(await count()).toBe(before + 1);
      expect(r.token).not.toContain(r.number);
      expect(r.token.length).toBeGreaterThanOrEqual(24);
      expect(r.trackPath).toBe(`/report/t/${r.token}`);
      const c = await caseOf(r.number);
      expect(c).toMatchObject({ source: 'citizen', status: 'reported', reporter_role: 'public' });
      const o = await ctx.handle.db.selectFrom('open311_requests').selectAll().where('case_id', '=', c.id).executeTakeFirstOrThrow();
      expect(o.channel).toBe('web');
      expect(JSON.parse(o.contact).phone).toBe(PHONE);
      expect(o.client_hash).toBeTruthy();
      expect(o.client_hash).not.toContain(ip);
      const photos = await ctx.handle.db.selectFrom('case_photos as p').innerJoin('photos as ph', 'ph.id', 'p.photo_id').select(['p.purpose', 'ph.exif_taken_at', 'ph.exif_lat']).where('p.case_id', '=', c.id).execute();
      expect(photos).toHaveLength(1);
      expect(photos[0]!.purpose).toBe('before');
      expect(photos[0]!.exif_taken_at).toBeTruthy();
      expect(photos[0]!.exif_lat).not.toBeNull();
    });

    it('refuses a missing, wrong, forged or expired proof of work (403 challenge_failed) and files nothing', async () => {
      const before = await count();
      const ip = newIp();
      const missing = await submitReport(ctx.app, fields(), await photo(), { ip, pow: null });
      expect(missing.statusCode).toBe(403);
      expect(missing.json().error).toMatchObject({ code: 'challenge_failed', details: { fields: [{ field: 'challenge' }] } });

      const good = await solvedChallenge(ctx.app, ip);
      // A nonce that does not solve it (the right one's neighbours almost surely do not).
      let wrong = String(Number(good.nonce) + 1);
      const { leadingZeroBits, powDigest, POW_BITS } = await import('../../src/domain/public-reports/proof-of-work.js');
      while (leadingZeroBits(powDigest(good.challenge, wrong)) >= POW_BITS) wrong = String(Number(wrong) + 1);
      const unsolved = await submitReport(ctx.app, fields(), await photo(), { ip, pow: { challenge: good.challenge, nonce: wrong } });
      expect(unsolved.statusCode).toBe(403);
      expect(unsolved.json().error.message).toContain('does not solve');

      // An easier challenge made up by the client (its own "signature"), solved honestly.
      const [id, , exp] = good.challenge.split('.');
      const forged = `${id}.4.${exp}.AAAA`;
      const { solveChallenge } = await import('../../src/domain/public-reports/proof-of-work.js');
      const forgedRes = await submitReport(ctx.app, fields(), await photo(), { ip, pow: { challenge: forged, nonce: solveChallenge(forged, 4) } });
      expect(forgedRes.statusCode).toBe(403);
      expect(forgedRes.json().error.message).toContain('not issued by this server');

      ctx.clock.advance(11 * 60_000);
      const expired = await submitReport(ctx.app, fields(), await photo(), { ip, pow: good });
      expect(expired.statusCode).toBe(403);
      expect(expired.json().error.message).toContain('expired');
      expect(await count()).toBe(before);
    });

    it('refuses a replayed challenge (409 challenge_replayed); a refused report does not spend its challenge', async () => {
      const ip = newIp();
      const pow = await solvedChallenge(ctx.app, ip);
      const bad = await submitReport(ctx.app, fields({ service_code: 'NOPE' }), await photo(), { ip, pow });
      expect(bad.statusCode).toBe(404);
      const first = await submitReport(ctx.app, fields(), await photo(), { ip, pow });
      expect(first.statusCode, first.body).toBe(201);
      const before = await count();
      const replay = await submitReport(ctx.app, fields({ description: '另一个问题' }), await photo(), { ip, pow });
      expect(replay.statusCode).toBe(409);
      expect(replay.json().error).toMatchObject({ code: 'challenge_replayed', details: { fields: [{ field: 'challenge' }] } });
      expect(await count()).toBe(before);
    });

    it('names the field of bad input: no photo, no description, no point, a phone that is not one', async () => {
      const ip = newIp();
      const noPhoto = await submitReport(ctx.app, fields(), undefined, { ip });
      expect(noPhoto.statusCode).toBe(400);
      expect(noPhoto.json().error.details.fields[0].field).toBe('photo');
      const noText = await submitReport(ctx.app, fields({ description: '  ' }), await photo(), { ip });
      expect(noText.json().error.details.fields[0].field).toBe('description');
      const ip2 = newIp();
      const noPoint = await submitReport(ctx.app, fields({ lat: '', lng: '' }), await photo(), { ip: ip2 });
      expect(noPoint.json().error.details.fields[0].field).toBe('lat');
      const phone = await submitReport(ctx.app, fields({ phone: 'call me' }), await photo(), { ip: ip2 });
      expect(phone.statusCode).toBe(400);
      expect(phone.json().error.details.field).toBe('phone');
    });

    it('the original photo\'s EXIF sent beside it is bounded: a time outside 2000…now+1 day, a forged year or a number beyond the globe is 400 naming the field, nothing filed', async () => {
      const before = await count();
      for (const [over, field] of [
        [{ exif_taken_at: '+275760-09-13T00:00:00Z' }, 'exif_taken_at'],
        [{ exif_taken_at: '-000001-01-01T00:00:00Z' }, 'exif_taken_at'],
        [{ exif_taken_at: '0000-01-01T00:00:00Z' }, 'exif_taken_at'],
        [{ exif_taken_at: '1999-12-31T23:59:59Z' }, 'exif_taken_at'],
        [{ exif_taken_at: '12' }, 'exif_taken_at'],
        [{ exif_taken_at: new Date(ctx.clock.now().getTime() + 2 * 86_400_000).toISOString() }, 'exif_taken_at'],
        [{ exif_lat: '1e300', exif_lng: '121.4' }, 'exif_lat'],
        [{ exif_lat: '31.2', exif_lng: '-5000' }, 'exif_lng'],
        [{ exif_lat: '31.2' }, 'exif_lng'],
      ] as const) {
        const res = await submitReport(ctx.app, fields(over), await photo(), { ip: newIp() });
        expect(res.statusCode, `${JSON.stringify(over)} ${res.body}`).toBe(400);
        expect(res.json().error.details.fields[0].field).toBe(field);
      }
      expect(await count()).toBe(before);
      const ok = await submitReport(ctx.app, fields({ exif_taken_at: '2026-05-26T18:20:00+08:00', exif_lat: '31.2001', exif_lng: '121.4002' }), await photo(), { ip: newIp() });
      expect(ok.statusCode, ok.body).toBe(201);
    });

    it('a retry with the client token of a filed report (answer lost, fresh challenge) files nothing new and answers with the first case and its tracking token', async () => {
      const photos = async () => Number((await ctx.handle.db.selectFrom('photos').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const [cases0, photos0] = [await count(), await photos()];
      const ip = newIp();
      const draft = fields({ description: '箱房旁堆放装修垃圾', client_token: `draft-${dialect}-0001` });
      const img = await photo();
      const a = await submitReport(ctx.app, draft, img, { ip });
      expect(a.statusCode, a.body).toBe(201);
      const b = await submitReport(ctx.app, draft, img, { ip });
      expect(b.statusCode, b.body).toBe(201);
      expect(b.json()).toMatchObject({ number: a.json().number, token: a.json().token, trackPath: a.json().trackPath });
      expect([await count(), await photos()]).toEqual([cases0 + 1, photos0 + 1]);
      expect((await track(a.json().token)).statusCode).toBe(200);
      // Another draft, another token: another case. Two first attempts sent at once: one case.
      const twice = fields({ description: '箱房门口污水外溢', client_token: `draft-${dialect}-0002` });
      const both = await Promise.all([newIp(), newIp()].map(async (from) => submitReport(ctx.app, twice, await photo(), { ip: from })));
      expect(both.map((r) => r.statusCode), both.map((r) => r.body).join('\n')).toEqual([201, 201]);
      expect(both[1]!.json().token).toBe(both[0]!.json().token);
      expect(both[0]!.json().number).not.toBe(a.json().number);
      expect(await count()).toBe(cases0 + 2);
      const bad = await submitReport(ctx.app, fields({ client_token: 'x y' }), await photo(), { ip: newIp() });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.fields[0].field).toBe('client_token');
      // The same token with another report: refused naming client_token, nothing filed.
      const reused = await submitReport(ctx.app, fields({ description: '另一处问题', client_token: `draft-${dialect}-0001` }), await photo(), { ip: newIp() });
      expect(reused.statusCode).toBe(422);
      expect(reused.json().error).toMatchObject({ code: 'idempotency_mismatch', details: { fields: [{ field: 'client_token' }] } });
      expect(await count()).toBe(cases0 + 2);
    });

    it('a NUL character in a text field is 400 naming the field (not a database error), nothing filed', async () => {
      const before = await count();
      for (const field of ['description', 'phone', 'site_kind']) {
        const res = await submitReport(ctx.app, fields({ [field]: 'a\u0000b' }), await photo(), { ip: newIp() });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field, reason: 'contains a NUL character' }] } });
      }
      expect(await count()).toBe(before);
    });

    it('a refused report stores no photo: unknown category (404), no description (400), a replayed challenge (409)', async () => {
      const photos = async () => Number((await ctx.handle.db.selectFrom('photos').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const before = await photos();
      const ip = newIp();
      const pow = await solvedChallenge(ctx.app, ip);
      expect((await submitReport(ctx.app, fields({ service_code: 'NOPE' }), await photo(), { ip, pow })).statusCode).toBe(404);
      expect((await submitReport(ctx.app, fields({ description: '' }), await photo(), { ip, pow })).statusCode).toBe(400);
      expect((await submitReport(ctx.app, fields({ lat: '39.9', lng: '116.4' }), await photo(), { ip, pow })).statusCode).toBe(400);
      expect(await photos()).toBe(before);
      const filed = await submitReport(ctx.app, fields(), await photo(), { ip, pow });
      expect(filed.statusCode, filed.body).toBe(201);
      expect(await photos()).toBe(before + 1);
      const replay = await submitReport(ctx.app, fields(), await photo(), { ip: newIp(), pow });
      expect(replay.statusCode).toBe(409);
      expect(await photos()).toBe(before + 1);
      // One challenge sent twice at once: one report, one photo (the loser's transaction takes its photo row with it).
      const once = await solvedChallenge(ctx.app, ip);
      const both = await Promise.all([newIp(), newIp()].map(async (from) => submitReport(ctx.app, fields(), await photo(), { ip: from, pow: once })));
      expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      expect(await photos()).toBe(before + 2);
    });

    it('limits reports per client address per minute (429), other clients unaffected', async () => {
      const ip = newIp();
      const codes: number[] = [];
      for (let i = 0; i <= PUBLIC_REPORT_RATE.submit; i++) codes.push((await submitReport(ctx.app, fields(), undefined, { ip, pow: null })).statusCode);
      expect(codes.slice(0, PUBLIC_REPORT_RATE.submit).every((s) => s === 403)).toBe(true);
      expect(codes.at(-1)).toBe(429);
      const other = await submitReport(ctx.app, fields(), await photo(), { ip: newIp() });
      expect(other.statusCode).toBe(201);
    });

    it('the tracking page follows the loop and shows no personal data; once closed it shows before and after photos and the reporter confirms once', async () => {
      const r = await report();
      let v = (await track(r.token)).json();
      expect(v).toMatchObject({ number: r.number, status: 'open', statusNotes: '已受理，等待城运中心核实立案', canRespond: false, feedback: null });
      expect(v.photos.before).toHaveLength(1);
      expect(v.photos.after).toHaveLength(0);
      const afterId = await closeLoop(r.number);
      const res = await track(r.token);
      expect(res.headers['cache-control']).toBe('no-store');
      v = res.json();
      expect(v).toMatchObject({ status: 'closed', stage: 'fixed', statusNotes: '经核查已整改到位，已结案', canRespond: true });
      expect(v.stages.map((s: { action: string }) => s.action)).toEqual(['report', 'file', 'dispatch', 'handle', 'check_pass']);
      expect(v.photos.after).toEqual([`/open311/v2/media/${afterId}.jpg`]);
      const media = await ctx.app.inject({ method: 'GET', url: v.photos.after[0] });
      expect(media.statusCode).toBe(200);
      expect(media.headers['content-type']).toBe('image/jpeg');
      // No personal data: the reporter's phone, staff names and notes, user ids, the token itself.
      const text = res.body;
      expect(text).not.toContain(PHONE);
      expect(text).not.toContain('王师傅');
      const users = await ctx.handle.db.selectFrom('users').select(['id', 'display_name', 'phone']).execute();
      for (const u of users) {
        expect(text).not.toContain(u.id);
        expect(text).not.toContain(u.display_name);
        if (u.phone) expect(text).not.toContain(u.phone);
      }
      expect(text).not.toContain(r.token);
      expect(Object.keys(v)).not.toContain('contact');

      const ok = await ctx.app.inject({ method: 'POST', remoteAddress: newIp(), url: `/api/public/reports/${r.token}/confirm`, payload: { note: '很干净' } });
      expect(ok.statusCode, ok.body).toBe(200);
      v = (await track(r.token)).json();
      expect(v).toMatchObject({ feedback: 'confirmed', canRespond: false });
      expect(v.stages.at(-1).action).toBe('public_confirm');
      const again = await ctx.app.inject({ method: 'POST', remoteAddress: newIp(), url: `/api/public/reports/${r.token}/contest`, payload: { reason: '又满了' } });
      expect(again.statusCode).toBe(400);
      expect(again.json().error.details.fields[0].field).toBe('status');
    });

    it('only the tracking token opens a report: the case number or a made-up token is 404; an open case cannot be confirmed', async () => {
      const r = await report();
      expect((await track(r.number)).statusCode).toBe(404);
      expect((await track('A'.repeat(24))).statusCode).toBe(404);
      const early = await ctx.app.inject({ method: 'POST', remoteAddress: newIp(), url: `/api/public/reports/${r.token}/confirm`, payload: {} });
      expect(early.statusCode).toBe(400);
      const other = await ctx.app.inject({ method: 'POST', remoteAddress: newIp(), url: `/api/public/reports/${'B'.repeat(24)}/confirm`, payload: {} });
      expect(other.statusCode).toBe(404);
    });

    it("names who handles the report in the page's language: the unit's English name when registered, else its Chinese one; before dispatch the operations centre", async () => {
      const db = ctx.handle.db;
      const sub = await db.selectFrom('subdistricts').select(['id', 'name', 'name_en']).where('code', '=', '008').executeTakeFirstOrThrow();
      const r = await report();
      let v = (await track(r.token)).json();
      expect([v.agency, v.agencyEn]).toEqual([`${sub.name}城运中心`, `${sub.name_en} Operations Centre`]);
      expect(v.agencyEn).not.toMatch(/[\u4e00-\u9fff]/);

      // An administrator registers a unit with its English name (optional, named when bad).
      const admin = await signInAs(ctx.app, 'admin');
      const unit = (nameEn: unknown) => ctx.app.inject({
        method: 'POST', url: '/api/handling-units', headers: { cookie: admin },
        payload: { subdistrictId: sub.id, kind: 'property_company', name: '上海虹联物业管理有限公司', nameEn, contactName: null, contactPhone: null },
      });
      const bad = await unit('x'.repeat(101));
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.fields[0].field).toBe('nameEn');
      const made = await unit('Shanghai Honglian Property Management Co., Ltd.');
      expect(made.statusCode, made.body).toBe(201);
      const listed = (await ctx.app.inject({ method: 'GET', url: `/api/handling-units?subdistrictId=${sub.id}`, headers: { cookie: admin } })).json().items;
      const named = listed.find((u: { id: string }) => u.id === made.json().id);
      expect(named).toMatchObject({ name: '上海虹联物业管理有限公司', nameEn: 'Shanghai Honglian Property Management Co., Ltd.' });

      await act('operator', r.number, { action: 'file' });
      await act('operator', r.number, { action: 'dispatch', unitId: named.id });
      v = (await track(r.token)).json();
      expect([v.agency, v.agencyEn]).toEqual(['上海虹联物业管理有限公司', 'Shanghai Honglian Property Management Co., Ltd.']);

      // A unit registered without one: English readers read its Chinese name.
      const plainMade = await unit(undefined);
      expect(plainMade.statusCode, plainMade.body).toBe(201);
      const plain = await db.selectFrom('handling_units').select(['id', 'name', 'name_en']).where('id', '=', plainMade.json().id).executeTakeFirstOrThrow();
      expect(plain.name_en).toBeNull();
      const other = await report();
      await act('operator', other.number, { action: 'file' });
      await act('operator', other.number, { action: 'dispatch', unitId: plain.id });
      v = (await track(other.token)).json();
      expect([v.agency, v.agencyEn]).toEqual([plain.name, plain.name]);
    });

    it("the demo's handling units come with English names: the English page names a demo unit in English out of the box", async () => {
      const db = ctx.handle.db;
      const sub = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const units = await db.selectFrom('handling_units').select(['name', 'name_en', 'kind']).where('subdistrict_id', '=', sub.id).execute();
      const seeded = units.filter((u) => u.name !== '上海虹联物业管理有限公司'); // registered by the test above
      expect(new Set(seeded.map((u) => u.kind))).toEqual(new Set(['property_company', 'sanitation_company', 'committee', 'enforcement_team']));
      for (const u of seeded) expect(u.name_en ?? '', u.name).toMatch(/^[^\u4e00-\u9fff（）]+$/);
      const sanitation = seeded.find((u) => u.kind === 'sanitation_company')!;
      expect(sanitation.name_en).toBe('Shanghai Changning Environmental Development Co., Ltd. (Hongqiao Subdistrict)');

      const demoUnit = await db.selectFrom('handling_units').select(['name', 'name_en']).where('id', '=', unit1).executeTakeFirstOrThrow();
      const r = await report();
      await act('operator', r.number, { action: 'file' });
      await act('operator', r.number, { action: 'dispatch', unitId: unit1 });
      const v = (await track(r.token)).json();
      expect([v.agency, v.agencyEn]).toEqual([demoUnit.name, demoUnit.name_en]);
      expect(v.agencyEn).toMatch(/^Shanghai .+ Co\., Ltd\.$/);
    });

    it('a contest reopens the closed case for the operator: an event by the public in the history, the operators told in their inbox, the page says so', async () => {
      const r = await report();
      await closeLoop(r.number);
      const noReason = await ctx.app.inject({ method: 'POST', remoteAddress: newIp(), url: `/api/public/reports/${r.token}/contest`, payload: { reason: ' ' } });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().error.details.fields[0].field).toBe('reason');
      ctx.clock.advance(60_000);
      const robot = await englishRobot(ctx.handle.db, (await caseOf(r.number)).subdistrict_id);
      const res = await ctx.app.inject({ method: 'POST', remoteAddress: newIp(), url: `/api/public/reports/${r.token}/contest`, payload: { reason: '垃圾又堆起来了' } });
      await robot.remove();
      expect(res.statusCode, res.body).toBe(200);
      const c = await caseOf(r.number);
      expect(c).toMatchObject({ status: 'filed', reopen_count: 1, closed_at: null });
      expect(c.stage_due_at).toBeTruthy();
      const ev = await ctx.handle.db.selectFrom('case_events').selectAll().where('case_id', '=', c.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect(ev).toMatchObject({ action: 'reopen', from_status: 'closed', to_status: 'filed', actor_role: 'public', actor_user_id: null });
      expect(ev.note).toContain('垃圾又堆起来了');
      const op = await ctx.handle.db.selectFrom('users').select('id').where('username', '=', 'operator').executeTakeFirstOrThrow();
      const inbox = await ctx.handle.db.selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id')
        .select(['n.kind', 'n.title']).where('i.user_id', '=', op.id).where('n.case_id', '=', c.id).execute();
      expect(inbox.map((i) => i.kind)).toContain('case_contested');
      // Read in the reader's language: the inbox in English or Chinese, an English robot in English.
      const seen = await seeNotice(ctx.app, ctx.handle.db, cookies.operator!, 'case_contested', c.id);
      expect(seen.zh).toEqual({ title: `市民对案件 ${r.number} 的整改结果提出异议，已重新打开`, body: '垃圾又堆起来了' });
      expect(seen.en).toEqual({ title: `A resident contested the fix of case ${r.number}; the case is reopened`, body: '垃圾又堆起来了' });
      expect(seen.robot).toBe(`[CloseLoop] ${seen.en.title}\n垃圾又堆起来了`);
      const v = (await track(r.token)).json();
      expect(v).toMatchObject({ status: 'open', feedback: 'contested', canRespond: false, statusNotes: '已重新打开，等待派遣处置单位' });
      expect(v.stages.at(-1).action).toBe('public_contest');
      // The operator decides: dispatch again as any filed case.
      await act('operator', r.number, { action: 'dispatch', unitId: unit1 });
      expect((await caseOf(r.number)).status).toBe('dispatched');
    });

    it('confirm and contest sent at once: exactly one is recorded, and the case agrees with it', async () => {
      const r = await report();
      await closeLoop(r.number);
      const [a, b] = await Promise.all([
        ctx.app.inject({ method: 'POST', remoteAddress: newIp(), url: `/api/public/reports/${r.token}/confirm`, payload: {} }),
        ctx.app.inject({ method: 'POST', remoteAddress: newIp(), url: `/api/public/reports/${r.token}/contest`, payload: { reason: '还是很脏' } }),
      ]);
      expect([a.statusCode, b.statusCode].filter((s) => s === 200), `${a.body} ${b.body}`).toHaveLength(1);
      const v = (await track(r.token)).json();
      const c = await caseOf(r.number);
      if (a.statusCode === 200) expect([v.feedback, c.status]).toEqual(['confirmed', 'closed']);
      else expect([v.feedback, c.status]).toEqual(['contested', 'filed']);
    });

    it('operators mark a report abusive (audited, in scope only); the page says so, Open311 hides it, and a client with repeated abuse is limited', async () => {
      const ip = newIp();
      const a = await report(ip);
      const b = await report(ip);
      const idOf = async (n: string) => (await caseOf(n)).id;
      const mark = (who: string, id: string, reason = '虚假上报，照片与现场不符') =>
        ctx.app.inject({ method: 'POST', url: `/api/cases/${id}/abusive`, headers: { cookie: cookies[who]! }, payload: { reason } });
      expect((await mark('patrol1', await idOf(a.number))).statusCode).toBe(403);
      expect((await mark('xx-operator', await idOf(a.number))).statusCode).toBe(404);
      const empty = await mark('operator', await idOf(a.number), '');
      expect(empty.statusCode).toBe(400);
      expect(empty.json().error.details.fields[0].field).toBe('reason');
      const res = await mark('operator', await idOf(a.number));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ abusive: true, abusiveReason: '虚假上报，照片与现场不符' });
      const audit = await ctx.handle.db.selectFrom('audit_log').selectAll().where('action', '=', 'public_report.mark_abusive').where('entity_id', '=', await idOf(a.number)).execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor_username).toBe('operator');
      expect(JSON.parse(audit[0]!.before_json!)).toMatchObject({ abusive: false });
      expect(JSON.parse(audit[0]!.after_json!)).toMatchObject({ abusive: true });
      expect((await mark('operator', await idOf(a.number))).statusCode).toBe(400);

      const side = await ctx.app.inject({ method: 'GET', url: `/api/cases/${await idOf(a.number)}/public-report`, headers: { cookie: cookies.operator! } });
      expect(side.json().item).toMatchObject({ channel: 'web', abusive: true });
      const v = (await track(a.token)).json();
      expect(v).toMatchObject({ abusive: true, canRespond: false, stages: [], photos: { before: [], after: [] } });
      expect(v.statusNotes).toContain('恶意');
      expect((await ctx.app.inject({ method: 'GET', url: `/open311/v2/requests/${a.number}.json?jurisdiction_id=${HQ}` })).statusCode).toBe(404);
      const answer = await ctx.app.inject({ method: 'POST', remoteAddress: newIp(), url: `/api/public/reports/${a.token}/contest`, payload: { reason: '没处理' } });
      expect(answer.statusCode).toBe(403);
      expect(answer.json().error.details.fields[0].field).toBe('token');

      // One abusive report: the client still reports. Two within the look-back: one report a day.
      expect((await submitReport(ctx.app, fields(), await photo(), { ip })).statusCode).toBe(201);
      expect((await mark('operator', await idOf(b.number))).statusCode).toBe(200);
      const limited = await submitReport(ctx.app, fields(), await photo(), { ip });
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.details.fields[0].field).toBe('client');
      ctx.clock.advance(25 * 3600_000);
      expect((await submitReport(ctx.app, fields(), await photo(), { ip })).statusCode).toBe(201);
      expect((await submitReport(ctx.app, fields(), await photo(), { ip })).statusCode).toBe(429);
      // Another client is not affected.
      expect((await submitReport(ctx.app, fields(), await photo(), { ip: newIp() })).statusCode).toBe(201);
    });

    it('an IPv6 client limited for abuse is its /64: the next address of the prefix is limited too, another prefix is not', async () => {
      const net = `2001:db8:${dialect === 'sqlite' ? 1 : 2}:7`;
      const operator = await signInAs(ctx.app, 'operator');
      for (const d of ['垃圾1', '垃圾2']) {
        const r = await submitReport(ctx.app, fields({ description: d }), await photo(), { ip: `${net}::1` });
        expect(r.statusCode, r.body).toBe(201);
        const c = await caseOf(r.json().number);
        const m = await ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/abusive`, headers: { cookie: operator }, payload: { reason: '恶意' } });
        expect(m.statusCode, m.body).toBe(200);
      }
      const next = await submitReport(ctx.app, fields({ description: '垃圾3' }), await photo(), { ip: `${net}::2` });
      expect(next.statusCode, next.body).toBe(429);
      expect(next.json().error.details.fields[0].field).toBe('client');
      const other = await submitReport(ctx.app, fields({ description: '垃圾4' }), await photo(), { ip: `2001:db8:${dialect === 'sqlite' ? 1 : 2}:8::1` });
      expect(other.statusCode, other.body).toBe(201);
    });
  });
}

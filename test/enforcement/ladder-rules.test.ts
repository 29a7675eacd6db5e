import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { runEnforcementClocks } from '../../src/domain/enforcement/clocks.js';
import { subjectHistory } from '../../src/domain/enforcement/history.js';
import { actorOf, demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { pdfText } from '../helpers/pdf-text.js';
import { hongqiao, HQ_GPS, shopOn, tableCounts, uploadPhoto, walkToDecision, workingDeadline } from './helpers.js';

for (const dialect of DIALECTS) {
  describe(`enforcement ladder rules [${dialect}]`, { timeout: 120_000 }, () => {
    let ctx: TestContext;
    let photoDir: string;
    let e1: string;
    let e2: string;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    let e1Id: string;
    let e2Id: string;
    let shopIndex = 100;

    beforeAll(async () => {
      photoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-enf-'));
      ctx = await demoContext(dialect, { PHOTO_DIR: photoDir });
      ctx.clock.set('2026-07-01T10:00:00+08:00');
      e1 = await signInAs(ctx.app, 'enforcer1');
      e2 = await signInAs(ctx.app, 'enforcer2');
      hq = await hongqiao(ctx);
      e1Id = await hq.userId('enforcer1');
      e2Id = await hq.userId('enforcer2');
    });
    afterAll(async () => {
      await ctx.close();
      fs.rmSync(photoDir, { recursive: true, force: true });
    });

    const post = (cookie: string, url: string, payload: unknown) => ctx.app.inject({ method: 'POST', url, headers: { cookie }, payload: payload as object });
    const get = (cookie: string, url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie } });

    /** Opens a ladder at a fresh shop on 仙霞路 (or the given site). */
    async function openLadder(siteId?: string, basis = hq.art26) {
      const site = siteId ?? (await shopOn(ctx, hq.subdistrictId, '', '', shopIndex++)).id;
      const res = await post(e1, '/api/enforcement/cases', { siteId: site, categoryId: hq.categoryId, gps: HQ_GPS, legalBasisId: basis, facts: '未设置分类标识' });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    }
    const orderBody = async (version: number, extra: object = {}) => ({
      kind: 'order', version, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [await uploadPhoto(ctx, e1)], educationGiven: true,
      deadlineAt: workingDeadline(ctx.clock.now()), deadlineReason: '与当事人约定', ...extra,
    });

    it('refuses bad input with a clear code, writing nothing and consuming no number', async () => {
      const ec = await openLadder();
      const before = await tableCounts(ctx);
      const stepUrl = `/api/enforcement/cases/${ec.id}/steps`;
      const cases: [string, string, object, number, string, string | null][] = [
        ['deadline before the issue time', e1, await orderBody(1, { deadlineAt: '2026-06-30T10:00:00+08:00' }), 400, 'validation_failed', 'deadlineAt'],
        ['deadline equal to the issue time', e1, await orderBody(1, { deadlineAt: ctx.clock.now().toISOString() }), 400, 'validation_failed', 'deadlineAt'],
        ['no second officer', e1, await orderBody(1, { coOfficerId: undefined }), 400, 'validation_failed', 'coOfficerId'],
        ['the same officer twice', e1, await orderBody(1, { coOfficerId: e1Id }), 400, 'validation_failed', 'coOfficerId'],
        ['a second officer who is not an enforcement officer', e1, await orderBody(1, { coOfficerId: await hq.userId('patrol1') }), 400, 'validation_failed', 'coOfficerId'],
        ['a step out of order (decision first)', e1, { kind: 'decision', version: 1, coOfficerId: e2Id, fineAmount: 500 }, 409, 'step_out_of_order', null],
        ['a fine on an order', e1, await orderBody(1, { fineAmount: 500 }), 400, 'validation_failed', 'fineAmount'],
        ['an unknown field', e1, await orderBody(1, { signature: 'x' }), 400, 'validation_failed', 'signature'],
        ['a stale version', e1, await orderBody(7), 409, 'stale_version', null],
        ['a user without the enforcement role', await signInAs(ctx.app, 'operator'), await orderBody(1), 403, 'forbidden', null],
        ['a patrol officer', await signInAs(ctx.app, 'patrol1'), await orderBody(1), 403, 'forbidden', null],
      ];
      for (const [what, cookie, body, status, code, field] of cases) {
        const res = await post(cookie, stepUrl, body);
        expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
        expect(res.json().error.code, what).toBe(code);
        if (field) expect(JSON.stringify(res.json().error.details), what).toContain(field);
      }
      // Officers sign with their 执法证号: without one on file, neither the second officer nor the first signs.
      for (const [officer, field] of [[e2Id, 'coOfficerId'], [e1Id, 'actor']] as const) {
        const { cert_number } = await ctx.handle.db.selectFrom('users').select('cert_number').where('id', '=', officer).executeTakeFirstOrThrow();
        await ctx.handle.db.updateTable('users').set({ cert_number: null }).where('id', '=', officer).execute();
        const res = await post(e1, stepUrl, await orderBody(1));
        await ctx.handle.db.updateTable('users').set({ cert_number }).where('id', '=', officer).execute();
        expect(res.statusCode, res.body).toBe(422);
        expect(res.json().error).toMatchObject({ code: 'officer_without_certificate', details: { fields: [{ field }] } });
      }
      // Opening without a legal basis, or with another subdistrict's.
      const site = (await shopOn(ctx, hq.subdistrictId, '', '', 90)).id;
      const noBasis = await post(e1, '/api/enforcement/cases', { siteId: site, categoryId: hq.categoryId, gps: HQ_GPS, facts: 'x' });
      expect(noBasis.statusCode).toBe(400);
      expect(noBasis.json().error.details.fields[0].field).toBe('legalBasisId');
      const xxBasis = await ctx.handle.db.selectFrom('legal_bases').select('id').where('subdistrict_id', '!=', hq.subdistrictId).executeTakeFirstOrThrow();
      const foreign = await post(e1, '/api/enforcement/cases', { siteId: site, categoryId: hq.categoryId, gps: HQ_GPS, facts: 'x', legalBasisId: xxBasis.id });
      expect(foreign.statusCode).toBe(400);
      expect((await post(await signInAs(ctx.app, 'operator'), '/api/enforcement/cases', { siteId: site, categoryId: hq.categoryId, gps: HQ_GPS, facts: 'x', legalBasisId: hq.art26 })).statusCode).toBe(403);
      expect(await tableCounts(ctx)).toEqual(before);

      // The valid order then takes number 1 of the year's orders: nothing was consumed before.
      const ok = await post(e1, stepUrl, await orderBody(1));
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json().document.seq).toBe(1);
      // Not rectified cannot be found before the deadline; rectified can, and closes the ladder.
      // The case was dispatched to the officers' own team: their re-inspection is its handling, and
      // the case waits for an independent 核查 (DOMAIN.md §4), never closed on the team's word.
      const early = await post(e2, stepUrl, { kind: 'reinspection', version: 2, gps: HQ_GPS, result: 'not_rectified', photoIds: [await uploadPhoto(ctx, e2)] });
      expect(early.statusCode).toBe(400);
      expect(early.json().error.details.fields[0].field).toBe('result');
      const fixed = await post(e2, stepUrl, { kind: 'reinspection', version: 2, gps: HQ_GPS, result: 'rectified', note: '已张贴分类标识', photoIds: [await uploadPhoto(ctx, e2)] });
      expect(fixed.statusCode, fixed.body).toBe(201);
      expect(fixed.json().case).toMatchObject({ stage: 'closed', outcome: 'rectified' });
      expect(fixed.json().case.nextSteps).toEqual([]);
      const linked = await ctx.handle.db.selectFrom('cases').select('status').where('id', '=', ec.caseId).executeTakeFirstOrThrow();
      expect(linked.status).toBe('handled');
      // Past the deadline, nothing is dispatched for a closed ladder.
      ctx.clock.set('2026-07-03T10:00:00+08:00');
      expect(await runEnforcementClocks(ctx.handle.db, ctx.clock)).toBe(0);
      ctx.clock.set('2026-07-01T10:00:00+08:00');
      expect((await post(e1, stepUrl, { kind: 'payment', version: 3, note: 'x' })).json().error.code).toBe('step_out_of_order');
    });

    it('gives two officers issuing documents at once distinct consecutive numbers', async () => {
      const a = await openLadder();
      const b = await openLadder();
      const c = await openLadder();
      const [ba, bb, bc] = [await orderBody(1), { ...(await orderBody(1)), coOfficerId: e1Id, photoIds: [await uploadPhoto(ctx, e2)] }, await orderBody(1)];
      const res = await Promise.all([
        post(e1, `/api/enforcement/cases/${a.id}/steps`, ba),
        post(e2, `/api/enforcement/cases/${b.id}/steps`, bb),
        post(e1, `/api/enforcement/cases/${c.id}/steps`, bc),
      ]);
      for (const r of res) expect(r.statusCode, r.body).toBe(201);
      const seqs = res.map((r) => r.json().document.seq).sort((x: number, y: number) => x - y);
      expect(seqs[1]).toBe(seqs[0] + 1);
      expect(seqs[2]).toBe(seqs[0] + 2);
      expect(new Set(res.map((r) => r.json().document.number)).size).toBe(3);
      // The same case twice at once: one wins, the other is stale; one number is used.
      const d = await openLadder();
      const before = await tableCounts(ctx);
      const twice = await Promise.all([post(e1, `/api/enforcement/cases/${d.id}/steps`, await orderBody(1)), post(e1, `/api/enforcement/cases/${d.id}/steps`, await orderBody(1))]);
      expect(twice.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      expect((await tableCounts(ctx)).documents).toBe(before.documents + 1);
      expect((await verifyChain(ctx.handle.db, hq.subdistrictId)).ok).toBe(true);
    });

    it('counts as a repeat offence only a penalty decision on the same provision within 12 months, never an obeyed order', async () => {
      const site = await shopOn(ctx, hq.subdistrictId, '', '', 60);
      const first = await openLadder(site.id);
      expect(first.priorViolations).toBe(0);
      const o = await post(e1, `/api/enforcement/cases/${first.id}/steps`, await orderBody(1));
      expect(o.statusCode).toBe(201);
      await post(e2, `/api/enforcement/cases/${first.id}/steps`, { kind: 'reinspection', version: 2, gps: HQ_GPS, result: 'rectified', photoIds: [await uploadPhoto(ctx, e2)] });
      // Two months later the same shop again: it obeyed the order, so it is not a repeat offender.
      ctx.clock.set('2026-09-01T10:00:00+08:00');
      [e1, e2] = [await signInAs(ctx.app, 'enforcer1'), await signInAs(ctx.app, 'enforcer2')];
      const second = await openLadder(site.id);
      expect(second.priorViolations).toBe(0);
      expect((await get(e1, `/api/enforcement/cases/${second.id}`)).json().fineProposal).toMatchObject({ offence: 'first', proposed: 500 });
      // This time it is penalised.
      const decided = await walkToDecision(ctx, second.id, 500, { first: 'enforcer1', second: 'enforcer2', secondId: e2Id });
      expect(decided.document.content.fine).toMatchObject({ offence: 'first', amount: 500 });
      [e1, e2] = [await signInAs(ctx.app, 'enforcer1'), await signInAs(ctx.app, 'enforcer2')];
      // A new breach of the same provision within a year: the repeat band; of another provision: first offence.
      const third = await openLadder(site.id);
      expect(third.priorViolations).toBe(1);
      const detail = (await get(e1, `/api/enforcement/cases/${third.id}`)).json();
      expect(detail.fineProposal).toMatchObject({ offence: 'repeat', proposed: 2000, band: { min: 2000, max: 5000 }, legalMin: 500, legalMax: 5000 });
      const other = await openLadder(site.id, hq.art57).catch(() => null);
      if (other) expect(other.priorViolations).toBe(0);
      const hist = (await get(e1, `/api/enforcement/subjects/${site.responsible_party_id}/history`)).json();
      expect(hist).toMatchObject({ repeatOffender: true, violationsInWindow: 1 });
      // The lists hold the newest; the totals count every ladder and case of the party.
      expect(hist.laddersTotal).toBe(hist.ladders.length);
      expect(hist.casesTotal).toBe(hist.cases.length);
      expect(hist.ladders.length).toBeGreaterThan(1);
      const newest = await subjectHistory(ctx.handle.db, await actorOf(ctx, 'enforcer1'), site.responsible_party_id!, ctx.clock.now(), 1);
      expect(newest).toMatchObject({ laddersTotal: hist.ladders.length, casesTotal: hist.cases.length });
      expect(newest.ladders.map((l) => l.id)).toEqual([hist.ladders[0].id]);
      expect(newest.cases.map((c) => c.id)).toEqual([hist.cases[0].id]);
      // The subdistrict turns on "repeat offenders start at the notice".
      const admin = await signInAs(ctx.app, 'admin');
      const set = await ctx.app.inject({ method: 'PATCH', url: `/api/enforcement/settings/${hq.subdistrictId}`, headers: { cookie: admin }, payload: { repeatStartsAtNotice: true } });
      expect(set.statusCode, set.body).toBe(200);
      const now = (await get(e1, `/api/enforcement/cases/${third.id}`)).json();
      expect(now.nextSteps.map((x: { kind: string }) => x.kind)).toEqual(['order', 'notice']);
      const notice = await post(e1, `/api/enforcement/cases/${third.id}/steps`, { ...(await orderBody(1)), kind: 'notice', photoIds: [] });
      expect(notice.statusCode, notice.body).toBe(201);
      expect(notice.json().case.stage).toBe('noticed');
      // The shop complies: the ladder ends (while it runs, no other ladder on the same provision opens).
      const complied = await post(e2, `/api/enforcement/cases/${third.id}/steps`, { kind: 'reinspection', version: notice.json().case.version, gps: HQ_GPS, result: 'rectified', photoIds: [await uploadPhoto(ctx, e2)] });
      expect(complied.statusCode, complied.body).toBe(201);
      // More than 12 months after the decision it no longer counts.
      ctx.clock.set('2027-10-01T10:00:00+08:00');
      e1 = await signInAs(ctx.app, 'enforcer1');
      const later = await openLadder(site.id);
      expect(later.priorViolations).toBe(0);
      await ctx.app.inject({ method: 'PATCH', url: `/api/enforcement/settings/${hq.subdistrictId}`, headers: { cookie: await signInAs(ctx.app, 'admin') }, payload: { repeatStartsAtNotice: false } });
      ctx.clock.set('2026-07-01T10:00:00+08:00');
      [e1, e2] = [await signInAs(ctx.app, 'enforcer1'), await signInAs(ctx.app, 'enforcer2')];
    });

    it('versions legal bases: an edit adds a version, issued documents keep citing theirs; corrections issue a new revision', async () => {
      const admin = await signInAs(ctx.app, 'admin');
      const ec = await openLadder();
      const o = (await post(e1, `/api/enforcement/cases/${ec.id}/steps`, await orderBody(1))).json();
      expect(o.document.content.legalBasis.version).toBe(1);
      const list = (await get(admin, '/api/enforcement/legal-bases')).json().items;
      const art26 = list.find((b: { id: string }) => b.id === hq.art26);
      expect(art26.version).toBe(1);
      const { id: _i, code: _c, subdistrictId: _s, active: _a, versionId: _v, version: _n, createdAt: _t, ...fields } = art26;
      const badRange = await ctx.app.inject({ method: 'PATCH', url: `/api/enforcement/legal-bases/${hq.art26}`, headers: { cookie: admin }, payload: { ...fields, version: 1, fineMin: 6000 } });
      expect(badRange.statusCode).toBe(400);
      const edit = await ctx.app.inject({ method: 'PATCH', url: `/api/enforcement/legal-bases/${hq.art26}`, headers: { cookie: admin }, payload: { ...fields, version: 1, article: '第二十七条' } });
      expect(edit.statusCode, edit.body).toBe(200);
      expect(edit.json()).toMatchObject({ version: 2, article: '第二十七条' });
      const stale = await ctx.app.inject({ method: 'PATCH', url: `/api/enforcement/legal-bases/${hq.art26}`, headers: { cookie: admin }, payload: { ...fields, version: 1 } });
      expect(stale.statusCode).toBe(409);
      expect((await ctx.app.inject({ method: 'PATCH', url: `/api/enforcement/legal-bases/${hq.art26}`, headers: { cookie: e1 }, payload: { ...fields, version: 2 } })).statusCode).toBe(403);
      const old = (await get(e1, `/api/enforcement/documents/${o.document.id}`)).json();
      expect(old.content.legalBasis).toMatchObject({ version: 1, citation: '《上海市生活垃圾管理条例》第二十六条第一款' });
      expect(await pdfText((await get(e1, `/api/enforcement/documents/${o.document.id}/pdf`)).rawPayload)).toContain('第二十六条第一款');
      const ec2 = await openLadder();
      const o2 = (await post(e1, `/api/enforcement/cases/${ec2.id}/steps`, await orderBody(1))).json();
      expect(o2.document.content.legalBasis).toMatchObject({ version: 2, citation: '《上海市生活垃圾管理条例》第二十七条第一款' });
      // Restore the seed wording for the other tests.
      await ctx.app.inject({ method: 'PATCH', url: `/api/enforcement/legal-bases/${hq.art26}`, headers: { cookie: admin }, payload: { ...fields, version: 2 } });

      // Correction: same number, revision 2, refers to the old one; the old bytes are untouched.
      const oldPdf = (await get(e1, `/api/enforcement/documents/${o.document.id}/pdf`)).rawPayload;
      const fix = await post(e1, `/api/enforcement/documents/${o.document.id}/corrections`, { reason: '事实表述有误', facts: '未设置可回收物、有害垃圾分类标识' });
      expect(fix.statusCode, fix.body).toBe(201);
      expect(fix.json()).toMatchObject({ number: o.document.number, revision: 2, supersedesId: o.document.id });
      expect(fix.json().verifyCode).not.toBe(o.document.verifyCode);
      const fixText = await pdfText((await get(e1, `/api/enforcement/documents/${fix.json().id}/pdf`)).rawPayload);
      expect(fixText).toContain('更正第2版');
      expect(fixText).toContain('未设置可回收物、有害垃圾分类标识');
      expect(Buffer.compare((await get(e1, `/api/enforcement/documents/${o.document.id}/pdf`)).rawPayload, oldPdf)).toBe(0);
      const vOld = (await get(e1, `/api/enforcement/documents/verify?code=${o.document.verifyCode}`)).json();
      expect(vOld).toMatchObject({ valid: true, superseded: true });
      expect((await post(e1, `/api/enforcement/documents/${o.document.id}/corrections`, { reason: 'again' })).statusCode).toBe(409);
      // Tampering with the stored record is detected.
      await ctx.handle.db.updateTable('enforcement_documents').set({ content: o2.document ? JSON.stringify({ ...o2.document.content, facts: '改过' }) : '' }).where('id', '=', o2.document.id).execute();
      const tampered = (await get(e1, `/api/enforcement/documents/verify?code=${o2.document.verifyCode}`)).json();
      expect(tampered).toMatchObject({ valid: false, checks: { content: false } });
      expect((await get(e1, '/api/enforcement/documents/verify?code=nonsense')).statusCode).toBe(400);
    });

    it('opens from a case in the loop; keeps other subdistricts out (404)', async () => {
      const site = await shopOn(ctx, hq.subdistrictId, '', '', 70);
      const patrol = await signInAs(ctx.app, 'patrol1');
      const reported = await post(patrol, '/api/cases', { source: 'patrol', categoryId: hq.categoryId, siteId: site.id, lng: HQ_GPS.lng, lat: HQ_GPS.lat, description: '商铺无分类标识' });
      expect(reported.statusCode, reported.body).toBe(201);
      const esc = await post(e1, '/api/enforcement/cases', { caseId: reported.json().id, legalBasisId: hq.art26, facts: '巡查上报：商铺无分类标识' });
      expect(esc.statusCode, esc.body).toBe(201);
      expect(esc.json()).toMatchObject({ origin: 'case', caseId: reported.json().id, partyId: site.responsible_party_id });
      const dup = await post(e1, '/api/enforcement/cases', { caseId: reported.json().id, legalBasisId: hq.art26, facts: 'again' });
      expect(dup.statusCode).toBe(409);
      const both = await post(e1, '/api/enforcement/cases', { caseId: reported.json().id, siteId: site.id, legalBasisId: hq.art26, facts: 'x' });
      expect(both.statusCode).toBe(400);

      const xx = await signInAs(ctx.app, 'xx-enforcer1');
      const xxAdmin = await signInAs(ctx.app, 'xx-admin');
      const id = esc.json().id;
      expect((await get(xx, `/api/enforcement/cases/${id}`)).statusCode).toBe(404);
      expect((await get(xxAdmin, `/api/enforcement/cases/${id}`)).statusCode).toBe(404);
      const before = await tableCounts(ctx);
      const step = await post(xx, `/api/enforcement/cases/${id}/steps`, { kind: 'order', version: 1, coOfficerId: await hq.userId('xx-enforcer2'), gps: HQ_GPS, photoIds: [await uploadPhoto(ctx, xx)], deadlineAt: '2027-01-04T08:00:00Z' });
      expect(step.statusCode).toBe(404);
      expect((await post(xx, '/api/enforcement/cases', { caseId: reported.json().id, legalBasisId: hq.art26, facts: 'x' })).statusCode).toBe(400);
      expect((await get(xx, `/api/enforcement/subjects/${site.responsible_party_id}/history`)).statusCode).toBe(404);
      expect(((await get(xx, '/api/enforcement/cases?view=all')).json().items as { id: string }[]).some((c) => c.id === id)).toBe(false);
      const { events: _e, ...rest } = await tableCounts(ctx);
      const { events: _e2, ...restBefore } = before;
      expect(rest).toEqual(restBefore);
      // Readers: operator and leader see the desk; a cadre does not.
      expect((await get(await signInAs(ctx.app, 'leader'), `/api/enforcement/cases/${id}`)).statusCode).toBe(200);
      expect((await get(await signInAs(ctx.app, 'operator'), '/api/enforcement/cases')).statusCode).toBe(200);
      expect((await get(await signInAs(ctx.app, 'cadre01'), '/api/enforcement/cases')).statusCode).toBe(403);
    });

    it('keeps the phone’s time of an opening and of a step sent later from the outbox on the case events', async () => {
      const site = (await shopOn(ctx, hq.subdistrictId, '', '', shopIndex++)).id;
      const openedAt = new Date(ctx.clock.now().getTime() - 40 * 60_000).toISOString(); // captured offline 40 min ago
      const opened = await post(e1, '/api/enforcement/cases', { siteId: site, categoryId: hq.categoryId, gps: HQ_GPS, legalBasisId: hq.art26, facts: '未设置分类标识', deviceAt: openedAt });
      expect(opened.statusCode, opened.body).toBe(201);
      const stepAt = new Date(ctx.clock.now().getTime() - 30 * 60_000).toISOString();
      const step = await post(e1, `/api/enforcement/cases/${opened.json().id}/steps`, await orderBody(opened.json().version, { deviceAt: stepAt }));
      expect(step.statusCode, step.body).toBe(201);
      const events = await ctx.handle.db.selectFrom('case_events').select(['action', 'device_at', 'at'])
        .where('action', 'in', ['enforcement_open', 'enforcement_order']).orderBy('seq', 'desc').limit(2).execute();
      expect(events.map((e) => [e.action, e.device_at])).toEqual([['enforcement_order', stepAt], ['enforcement_open', openedAt]]);
      expect(events.every((e) => e.at === ctx.clock.now().toISOString())).toBe(true); // the server's time stays beside it
      const bad = await post(e1, `/api/enforcement/cases/${opened.json().id}/steps`, await orderBody(step.json().version ?? 2, { deviceAt: 'yesterday' }));
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('deviceAt');
    });

    it('refuses as proof of a re-inspection a photo the ladder already cited (by id or content) or one uploaded before the deadline', async () => {
      const start = ctx.clock.now();
      const ec = await openLadder();
      const stepUrl = `/api/enforcement/cases/${ec.id}/steps`;
      const order = await post(e1, stepUrl, await orderBody(1));
      expect(order.statusCode, order.body).toBe(201);
      const cited = order.json().step.photoIds[0] as string;
      const early = await uploadPhoto(ctx, e1); // before the deadline, cited by nothing
      ctx.clock.set(new Date(start.getTime() + 25 * 3600_000));
      const cookie = await signInAs(ctx.app, 'enforcer1');
      const db = ctx.handle.db;
      const original = await db.selectFrom('photos').selectAll().where('id', '=', cited).executeTakeFirstOrThrow();
      const copyId = `copy-${ec.id}`.slice(0, 60);
      await db.insertInto('photos').values({ ...original, id: copyId, uploaded_by: e2Id, created_at: ctx.clock.now().toISOString() }).execute();
      const second = await signInAs(ctx.app, 'enforcer2'); // the co-officer re-uploads the order's picture
      const reinspect = (photoIds: string[]) => post(photoIds[0] === copyId ? second : cookie, stepUrl, { kind: 'reinspection', version: 2, gps: HQ_GPS, result: 'not_rectified', findings: ['仍未设置分类标识'], photoIds });
      for (const [what, photoIds, reason] of [
        ['the order\'s own photo', [cited], 'already cited'],
        ['the order\'s photo uploaded again', [copyId], 'already cited'],
        ['a photo uploaded before the deadline', [early], 'before the rectification deadline'],
      ] as const) {
        const res = await reinspect([...photoIds]);
        expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
        expect(res.json().error.code, what).toBe('validation_failed');
        expect(res.json().error.details.fields[0].field, what).toBe('photoIds.0');
        expect(res.json().error.details.fields[0].reason, what).toContain(reason);
      }
      const fresh = await post(cookie, stepUrl, { kind: 'reinspection', version: 2, gps: HQ_GPS, result: 'not_rectified', findings: ['仍未设置分类标识'], photoIds: [await uploadPhoto(ctx, cookie)] });
      expect(fresh.statusCode, fresh.body).toBe(201);
      ctx.clock.set(start);
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureTime } from '../../src/domain/checkins/capture-time.js';
import { type DocumentContent, zhDateTime } from '../../src/domain/enforcement/document-content.js';
import { issueDocument } from '../../src/domain/enforcement/documents.js';
import { loadSettings } from '../../src/domain/enforcement/settings.js';
import { maskPhone } from '../../src/domain/service-records/masking.js';
import { filesFor } from '../../src/domain/storage/index.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { jpegWithExif, multipart } from '../helpers/images.js';
import { pdfText } from '../helpers/pdf-text.js';
import { enforcementContext, exifTime, HQ_GPS, shopOn, type hongqiao, uploadPhoto, walkToDecision, workingDeadline } from './helpers.js';

const HOUR = 3600_000;
const MINUTE = 60_000;
const flat = (s: string) => s.replace(/\s+/g, '');

/**
 * What an enforcement document prints is what happened: the rungs the ladder took, when the
 * officers were on site, who corrected it and when, every photo it cites; the party's phone as the
 * reader may see it; and a re-inspection's photos prove that visit only.
 */
for (const dialect of DIALECTS) {
  describe(`enforcement documents state what happened [${dialect}]`, { timeout: 300_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    let ctx: TestContext;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    let e2Id: string;
    let shop = 520;

    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-docs-');
      ({ ctx, hq, e2Id } = env);
      ctx.clock.set('2026-07-01T10:00:00+08:00');
    });
    afterAll(async () => env?.close());

    const post = async (user: string, url: string, payload: object) =>
      ctx.app.inject({ method: 'POST', url, headers: { cookie: await signInAs(ctx.app, user) }, payload });
    const get = async (user: string, url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie: await signInAs(ctx.app, user) } });
    const later = (ms: number) => ctx.clock.set(new Date(ctx.clock.now().getTime() + ms));
    const deadline = () => workingDeadline(ctx.clock.now());
    const text = async (user: string, pdfUrl: string) => flat(await pdfText((await get(user, pdfUrl)).rawPayload));
    const officers = { first: 'enforcer1', second: 'enforcer2', secondId: '' };

    async function open(site?: { id: string }, facts = '未设置分类标识') {
      const s = site ?? (await shopOn(ctx, hq.subdistrictId, '', '', shop++));
      const r = await post('enforcer1', '/api/enforcement/cases', { siteId: s.id, categoryId: hq.categoryId, gps: HQ_GPS, legalBasisId: hq.art26, facts });
      expect(r.statusCode, r.body).toBe(201);
      return { ec: r.json(), site: s };
    }
    const step = async (ecId: string, body: object, user = 'enforcer1') => {
      const r = await post(user, `/api/enforcement/cases/${ecId}/steps`, body);
      expect(r.statusCode, r.body).toBe(201);
      return r.json();
    };
    const order = async (ecId: string, extra: object = {}) =>
      step(ecId, { kind: 'order', version: 1, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [await uploadPhoto(ctx, await signInAs(ctx.app, 'enforcer1'))], deadlineAt: deadline(), deadlineReason: '约定', ...extra });
    async function documentsOf(ecId: string, user = 'enforcer1') {
      const d = (await get(user, `/api/enforcement/cases/${ecId}`)).json();
      return { detail: d, byKind: Object.fromEntries(d.documents.map((x: { kind: string }) => [x.kind, x])) as Record<string, { id: string; pdfUrl: string; content: DocumentContent }> };
    }

    it('a notice, prior notice and decision claim an order and its re-inspection only where the ladder took them', async () => {
      officers.secondId = e2Id;
      // The full ladder: order, failed re-inspection, notice, failed re-inspection, prior notice, decision.
      const { ec, site } = await open();
      await walkToDecision(ctx, ec.id, 500, officers);
      const full = (await documentsOf(ec.id)).byKind;
      // A repeat offender under the subdistrict's shortcut: straight to a notice, no order.
      const set = await ctx.app.inject({ method: 'PATCH', url: `/api/enforcement/settings/${hq.subdistrictId}`, headers: { cookie: await signInAs(ctx.app, 'admin') }, payload: { repeatStartsAtNotice: true } });
      expect(set.statusCode, set.body).toBe(200);
      try {
        const again = await open(site, '再次未设置分类标识');
        expect(again.ec.priorViolations).toBeGreaterThan(0);
        let r = await step(again.ec.id, { kind: 'notice', version: 1, coOfficerId: e2Id, gps: HQ_GPS, deadlineAt: deadline(), deadlineReason: '约定' });
        ctx.clock.set(new Date(Date.parse(r.case.deadlineAt) + HOUR));
        r = await step(again.ec.id, { kind: 'reinspection', version: r.case.version, gps: HQ_GPS, photoIds: [await uploadPhoto(ctx, await signInAs(ctx.app, 'enforcer1'))], result: 'not_rectified', findings: ['仍未整改'] });
        r = await step(again.ec.id, { kind: 'prior_notice', version: r.case.version, coOfficerId: e2Id, fineAmount: 1000, fineReason: '再次违法' });
        ctx.clock.set(new Date(new Date(r.case.hearingRequestEndsAt ?? r.case.statementEndsAt).getTime() + HOUR));
        await step(again.ec.id, { kind: 'decision', version: r.case.version, coOfficerId: e2Id, fineAmount: 1000, fineReason: '再次违法' });
        const shortcut = (await documentsOf(again.ec.id)).byKind;
        expect(shortcut.order).toBeUndefined();

        // The rule, for each document of both ladders: it says there was an order (and a
        // re-inspection after it) exactly when the ladder issued one.
        for (const [ladder, docs, ordered] of [['full', full, true], ['shortcut', shortcut, false]] as const) {
          for (const kind of ['notice', 'prior_notice', 'decision']) {
            const t = await text('enforcer1', docs[kind]!.pdfUrl);
            const claimsOrder = /经责令改正/.test(t) || t.includes('复查仍未整改到位');
            expect(claimsOrder, `${ladder} ${kind}: ${t}`).toBe(ordered);
            if (kind !== 'notice') expect(t, `${ladder} ${kind}`).toContain(ordered ? '经责令改正并告知后，逾期仍未改正' : '经责令整改告知后，逾期仍未改正');
          }
        }
        expect(await text('enforcer1', shortcut.notice!.pdfUrl)).toContain('内再次违反同一规定，属再次违法');
      } finally {
        await ctx.app.inject({ method: 'PATCH', url: `/api/enforcement/settings/${hq.subdistrictId}`, headers: { cookie: await signInAs(ctx.app, 'admin') }, payload: { repeatStartsAtNotice: false } });
      }
    });

    it('prints 检查时间 on on-site documents only, as the step\'s time, and a correction keeps it and names who corrected it and when', async () => {
      const { ec } = await open();
      const o = await order(ec.id);
      const inspected = `检查时间：${zhDateTime(o.step.at)}`;
      expect(await text('enforcer1', o.document.pdfUrl)).toContain(inspected);
      later(72 * HOUR);
      const fixedAt = ctx.clock.now().toISOString();
      // enforcer2 corrects what enforcer1 issued.
      const c = await post('enforcer2', `/api/enforcement/documents/${o.document.id}/corrections`, { reason: '当事人名称笔误' });
      expect(c.statusCode, c.body).toBe(201);
      const t = await text('enforcer1', c.json().pdfUrl);
      expect(t).toContain(inspected);
      expect(t).not.toContain(`检查时间：${zhDateTime(fixedAt)}`);
      const e2 = await ctx.handle.db.selectFrom('users').select(['display_name', 'cert_number']).where('id', '=', e2Id).executeTakeFirstOrThrow();
      expect(t).toContain(`更正日期：${zhDateTime(fixedAt)}更正人：${e2.display_name}（执法证号：${e2.cert_number}）`);
      expect(c.json().issuedBy).toBe(e2Id);
      // The original officers stay on the document: they inspected.
      expect(t).toContain(flat(`执法人员：${o.document.content.officers.map((x: { name: string; certNumber: string }) => `${x.name}（执法证号：${x.certNumber}）`).join('、')}`));

      // Office documents (prior notice, decision) were not made at the site: no 检查时间 or 地点.
      const walked = await open();
      await walkToDecision(ctx, walked.ec.id, 500, { ...officers, secondId: e2Id });
      const docs = (await documentsOf(walked.ec.id)).byKind;
      for (const kind of ['order', 'notice', 'prior_notice', 'decision']) {
        const has = (await text('enforcer1', docs[kind]!.pdfUrl)).includes('检查时间：');
        expect(has, kind).toBe(kind === 'order' || kind === 'notice');
        expect(docs[kind]!.content.inspectedAt === null, kind).toBe(kind === 'prior_notice' || kind === 'decision');
      }
    });

    it('takes the 检查时间 from the phone when its time is believable, else from the server', async () => {
      const { ec } = await open();
      const o = await order(ec.id);
      const stepAt = new Date(o.step.at);
      const { settings, signingKey } = await loadSettings(ctx.handle.db, hq.subdistrictId);
      const files = filesFor(ctx.deps.config);
      const e1Id = await hq.userId('enforcer1');
      const { number: _n, title: _t, photos: _p, revision: _r, supersedesNumber: _s, correctionReason: _c, office: _o, course: _k, correctedBy: _b, inspectedAt: _i, ...content } = o.document.content as DocumentContent;
      // Sent later from the outbox (4 h), a phone clock ahead of the server, one two days behind, none.
      for (const deviceAt of [new Date(stepAt.getTime() - 4 * HOUR), new Date(stepAt.getTime() + 10 * MINUTE), new Date(stepAt.getTime() - 50 * HOUR), null]) {
        const doc = await ctx.handle.db.transaction().execute((trx) =>
          issueDocument(trx, { settings, signingKey, files }, {
            subdistrictId: hq.subdistrictId, enforcementCaseId: ec.id, stepId: o.step.id, kind: 'order', issuedBy: e1Id,
            photoIds: [], content, deviceAt: deviceAt?.toISOString() ?? null,
          }),
        );
        const expected = captureTime(stepAt, deviceAt?.toISOString()).at.toISOString();
        const label = `deviceAt ${deviceAt?.toISOString()}`;
        expect((JSON.parse(doc.content) as DocumentContent).inspectedAt, label).toBe(expected);
        expect(expected === deviceAt?.toISOString(), label).toBe(deviceAt !== null && deviceAt < stepAt && stepAt.getTime() - deviceAt.getTime() < 24 * HOUR);
        expect(flat(await pdfText(doc.pdf)), label).toContain(`检查时间：${zhDateTime(expected)}`);
      }
    });

    it('masks the party\'s phone in document content and PDFs for a reader who may not see it whole, as on the ladder', async () => {
      const { ec } = await open();
      const o = await order(ec.id);
      const party = await ctx.handle.db.selectFrom('responsible_parties').select('contact_phone').where('id', '=', ec.partyId).executeTakeFirstOrThrow();
      const full = party.contact_phone!;
      expect(full).toMatch(/^\d{8,}$/);
      const masked = maskPhone(full)!;
      for (const [user, expected] of [['leader', masked], ['enforcer1', full], ['operator', full]] as const) {
        const { detail } = await documentsOf(ec.id, user);
        expect(detail.party.contactPhone, user).toBe(expected);
        expect(detail.documents.map((d: { content: DocumentContent }) => d.content.subject.contactPhone), user).toEqual([expected]);
        expect((await get(user, `/api/enforcement/documents/${o.document.id}`)).json().content.subject.contactPhone, user).toBe(expected);
        const t = await text(user, o.document.pdfUrl);
        expect(t, user).toContain(`联系电话：${expected}`);
        if (expected !== full) expect(t, user).not.toContain(full);
      }
      // The stored PDF is the one verified; the masked copy is a view of the same content.
      const v = (await get('leader', `/api/enforcement/documents/verify?code=${o.document.verifyCode}`)).json();
      expect(v.valid).toBe(true);
    });

    it('refuses as a re-inspection photo one another ladder cites (by id or picture), or one whose camera time is before the deadline', async () => {
      const a = await open();
      const b = await open();
      const oa = await order(a.ec.id);
      const ob = await order(b.ec.id);
      // An hour past both deadlines (a day later, or after the rest days a deadline was moved past).
      ctx.clock.set(new Date(Math.max(Date.parse(oa.case.deadlineAt), Date.parse(ob.case.deadlineAt)) + HOUR));
      const e1 = await signInAs(ctx.app, 'enforcer1');
      const e2 = await signInAs(ctx.app, 'enforcer2');
      const bytes = await jpegWithExif({ seed: 9001, taken: exifTime(ctx.clock.now()) });
      const up = async (cookie: string) => {
        const m = multipart(bytes);
        const r = await ctx.app.inject({ method: 'POST', url: '/api/photos', payload: m.payload, headers: { ...m.headers, cookie } });
        expect(r.statusCode, r.body).toBe(201);
        return r.json().id as string;
      };
      const p = await up(e1);
      const twin = await up(e2);
      expect(twin).not.toBe(p);
      const reinspect = (ecId: string, version: number, photoIds: string[], user = 'enforcer1', result = 'not_rectified') =>
        post(user, `/api/enforcement/cases/${ecId}/steps`, { kind: 'reinspection', version, gps: HQ_GPS, photoIds, result, ...(result === 'not_rectified' && { findings: ['仍未整改'] }) });
      expect((await reinspect(a.ec.id, oa.case.version, [p])).statusCode).toBe(201);
      const fresh = await uploadPhoto(ctx, e1);
      for (const [photoIds, user, result] of [[[p], 'enforcer1', 'not_rectified'], [[fresh, p], 'enforcer1', 'rectified'], [[twin], 'enforcer2', 'not_rectified']] as const) {
        const r = await reinspect(b.ec.id, ob.case.version, [...photoIds], user, result);
        expect(r.statusCode, r.body).toBe(400);
        expect(r.json().error.details.fields[0].field).toBe(`photoIds.${photoIds.length - 1}`);
      }

      // Camera time (EXIF) against the deadline of the order: before it, beyond a phone clock's drift, refused.
      const due = new Date(ob.case.deadlineAt).getTime();
      for (const offset of [-26 * HOUR, -HOUR, -3 * MINUTE]) {
        const old = await uploadPhoto(ctx, e1, exifTime(new Date(due + offset)));
        const r = await reinspect(b.ec.id, ob.case.version, [old]);
        expect(r.statusCode, `${offset}: ${r.body}`).toBe(400);
        expect(r.json().error.details.fields[0].field).toBe('photoIds.0');
      }
      const onTime = await uploadPhoto(ctx, e1, exifTime(new Date(due + MINUTE)));
      expect((await reinspect(b.ec.id, ob.case.version, [onTime])).statusCode).toBe(201);
    });

    it('prints every photo a document cites', async () => {
      const cookie = await signInAs(ctx.app, 'enforcer1');
      // One row, a row and a bit, the most a step may cite (StepInput: 9).
      for (const n of [1, 6, 9]) {
        const { ec } = await open();
        const photoIds = [];
        for (let i = 0; i < n; i++) photoIds.push(await uploadPhoto(ctx, cookie));
        const o = await order(ec.id, { photoIds });
        const pdf = (await get('enforcer1', o.document.pdfUrl)).rawPayload;
        const images = pdf.toString('latin1').match(/\/Subtype \/Image/g) ?? [];
        expect(images.length).toBe(n);
        expect(flat(await pdfText(pdf))).toContain(`现场照片（${n}张）`);
      }
    });
  });
}

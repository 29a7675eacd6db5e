import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { zhDate } from '../../src/domain/enforcement/document-content.js';
import { periodEnd } from '../../src/domain/enforcement/periods.js';
import { PUBLIC_NOTICE_DAYS } from '../../src/domain/enforcement/service.js';
import { loadSettings } from '../../src/domain/enforcement/settings.js';
import { reasonZh } from '../../web/src/shared/field-reasons.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { pdfText } from '../helpers/pdf-text.js';
import { enforcementContext, HQ_GPS, type hongqiao, shopOn, tableCounts, uploadPhoto, walkToPriorNotice, workingDeadline } from './helpers.js';

const SEED = Number(process.env.FC_SEED ?? 20261207);
const HOUR = 3600_000;
const DAY = 86_400_000;
const flat = (s: string) => s.replace(/\s+/g, '');

/**
 * Service (送达): the party's periods run from the day it receives the document. A document the
 * party was absent for is not served: it starts no period, and the step waiting on it is refused
 * until its later service (post, electronic with consent, public notice) is recorded and the
 * period counted from that day has run.
 */
for (const dialect of DIALECTS) {
  describe(`service starts the party's periods [${dialect}]`, { timeout: 600_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    let ctx: TestContext;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    let e2Id: string;
    let shop = 600;

    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-service-');
      ({ ctx, hq, e2Id } = env);
      ctx.clock.set('2026-09-01T10:00:00+08:00');
    });
    afterAll(async () => env?.close());

    const post = async (url: string, payload: object, user = 'enforcer1') =>
      ctx.app.inject({ method: 'POST', url, headers: { cookie: await signInAs(ctx.app, user) }, payload });
    const get = async (url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie: await signInAs(ctx.app, 'enforcer1') } });
    const ladder = async (id: string) => (await get(`/api/enforcement/cases/${id}`)).json();
    const decide = (id: string, version: number) => post(`/api/enforcement/cases/${id}/steps`, { kind: 'decision', version, coOfficerId: e2Id, fineAmount: 500, fineReason: '依裁量基准' });
    const serve = (docId: string, body: object) => post(`/api/enforcement/documents/${docId}/service`, body);
    const today = () => shanghaiDate(ctx.clock.now());
    const statementDays = async () => (await loadSettings(ctx.handle.db, hq.subdistrictId)).settings.statementDays;

    it('no period starts before service, and no decision before the statement period counted from service has closed (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('signed' as const, 'refused' as const, 'absent' as const),
          fc.constantFrom('post' as const, 'electronic_with_consent' as const, 'public_notice' as const),
          fc.integer({ min: 0, max: 20 }),
          async (ack, method, delayDays) => {
            const refusal = ack === 'refused' ? { refusal: { witness: '居委会干部王某' } } : {};
            const { id, r } = await walkToPriorNotice(ctx, hq, e2Id, shop++, { fineAmount: 500, acknowledgement: ack, ...refusal });
            const issuedAt = Date.parse(r.step.at);
            let servedAt: number;
            let version = r.case.version as number;
            if (ack === 'absent') {
              // Not served: no period, and a decision is refused however long after the notice was issued.
              expect(r.case.statementEndsAt).toBeNull();
              expect(r.case.hearingRequestEndsAt).toBeNull();
              expect(r.case.unservedStepId).toBe(r.step.id);
              expect(r.step.service).toBeNull();
              ctx.clock.set(new Date(issuedAt + (delayDays + 1) * DAY));
              const early = await decide(id, version);
              expect(early.statusCode, early.body).toBe(409);
              expect(early.json().error.code).toBe('document_not_served');
              expect(early.json().error.details.fields[0].field).toBe('kind');
              const body = method === 'post'
                ? { method, version, receivedOn: today(), trackingNumber: 'XA123456789CN' }
                : method === 'electronic_with_consent'
                  ? { method, version, deliveredAt: ctx.clock.now().toISOString(), address: 'party@example.cn', consent: '当事人签署送达地址确认书，同意电子送达' }
                  : { method, version, publishedOn: today(), medium: '街道公告栏及区政府网站', reason: '当事人下落不明，邮寄被退回' };
              const served = await serve(r.document.id, body);
              expect(served.statusCode, served.body).toBe(201);
              servedAt = Date.parse(served.json().service.servedAt);
              if (method === 'public_notice') expect(shanghaiDate(servedAt)).toBe(addDays(today(), PUBLIC_NOTICE_DAYS));
              else expect(shanghaiDate(servedAt)).toBe(today());
              expect(served.json().document.revision).toBe(2);
              expect(served.json().case.unservedStepId).toBeNull();
              version = served.json().case.version;
            } else {
              expect(r.step.service.method).toBe(ack === 'signed' ? 'direct' : 'left_on_refusal');
              servedAt = Date.parse(r.step.service.servedAt);
              expect(servedAt).toBe(issuedAt);
            }
            const ec = await ladder(id);
            const ends = Date.parse(ec.statementEndsAt);
            // Counted from the day of service (that day not counting), on the subdistrict's calendar.
            expect(ends).toBe((await periodEnd(ctx.handle.db, hq.subdistrictId, new Date(servedAt), await statementDays(), 'working')).getTime());
            expect(shanghaiDate(ends) > shanghaiDate(servedAt)).toBe(true);
            // Just before the period closes: refused; after it: the decision is made.
            ctx.clock.set(new Date(Math.max(ctx.clock.now().getTime(), ends - HOUR)));
            const inside = await decide(id, version);
            expect(inside.statusCode, inside.body).toBe(409);
            expect(inside.json().error.code).toBe('procedure_period_open');
            ctx.clock.set(new Date(ends + HOUR));
            const decided = await decide(id, version);
            expect(decided.statusCode, decided.body).toBe(201);
            // The decision itself is served on the spot here: its payment period runs from today.
            expect(decided.json().case.paymentDueAt).not.toBeNull();
          },
        ),
        { seed: SEED, numRuns: 6 },
      );
    });

    it('an order the party was absent for runs no rectification deadline and dispatches no re-inspection until it is posted', async () => {
      const site = await shopOn(ctx, hq.subdistrictId, '', '', shop++);
      const opened = await post('/api/enforcement/cases', { siteId: site.id, categoryId: hq.categoryId, gps: HQ_GPS, legalBasisId: hq.art26, facts: '未设置分类标识' });
      expect(opened.statusCode, opened.body).toBe(201);
      const id = opened.json().id;
      const chosen = workingDeadline(ctx.clock.now());
      const photo = await uploadPhoto(ctx, await signInAs(ctx.app, 'enforcer1'));
      const ordered = await post(`/api/enforcement/cases/${id}/steps`, { kind: 'order', version: 1, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [photo], deadlineAt: chosen, deadlineReason: '约定', acknowledgement: 'absent' });
      expect(ordered.statusCode, ordered.body).toBe(201);
      expect(ordered.json().case.deadlineAt).toBeNull();
      expect(ordered.json().case.reinspectAt).toBeNull();
      ctx.clock.set(new Date(Date.parse(chosen) + 3 * DAY));
      const failed = await post(`/api/enforcement/cases/${id}/steps`, {
        kind: 'reinspection', version: ordered.json().case.version, gps: HQ_GPS, photoIds: [await uploadPhoto(ctx, await signInAs(ctx.app, 'enforcer1'))], result: 'not_rectified', findings: ['仍未整改'],
      });
      expect(failed.statusCode, failed.body).toBe(409);
      expect(failed.json().error.code).toBe('document_not_served');
      const served = await serve(ordered.json().document.id, { method: 'post', version: ordered.json().case.version, receivedOn: today(), trackingNumber: 'XA000000001CN' });
      expect(served.statusCode, served.body).toBe(201);
      // The working time the order gave, counted from service: later than today, never before the date it states.
      const deadline = Date.parse(served.json().case.deadlineAt);
      expect(deadline).toBeGreaterThan(ctx.clock.now().getTime());
      expect(deadline).toBeGreaterThanOrEqual(Date.parse(chosen));
      expect(served.json().case.reinspectAt).toBe(served.json().case.deadlineAt);
    });

    it('the later-service route refuses bad input naming the field, and writes nothing', async () => {
      const { id, r } = await walkToPriorNotice(ctx, hq, e2Id, shop++, { fineAmount: 500, acknowledgement: 'absent' });
      const version = r.case.version;
      const before = { counts: await tableCounts(ctx), ec: await ladder(id) };
      const cases: [object, number, string][] = [
        [{ method: 'post', version, trackingNumber: 'XA1' }, 400, 'receivedOn'],
        [{ method: 'post', version, receivedOn: today() }, 400, 'trackingNumber'],
        [{ method: 'post', version, receivedOn: '2020-01-01', trackingNumber: 'XA1' }, 400, 'receivedOn'],
        [{ method: 'post', version, receivedOn: shanghaiDate(ctx.clock.now().getTime() + 3 * DAY), trackingNumber: 'XA1' }, 400, 'receivedOn'],
        [{ method: 'post', version, receivedOn: today(), trackingNumber: 'XA1', consent: '同意' }, 400, 'consent'],
        [{ method: 'electronic_with_consent', version, deliveredAt: ctx.clock.now().toISOString(), address: 'a@b.cn' }, 400, 'consent'],
        [{ method: 'public_notice', version, publishedOn: today(), medium: '公告栏' }, 400, 'reason'],
        [{ method: 'left_on_refusal', version }, 400, 'method'],
      ];
      for (const [body, status, field] of cases) {
        const res = await serve(r.document.id, body);
        expect(res.statusCode, res.body).toBe(status);
        const fields = res.json().error.details.fields as { field: string; reason: string }[];
        expect(fields.map((f) => f.field), res.body).toContain(field);
        for (const f of fields) if (!f.reason.startsWith('Invalid')) expect(reasonZh(f.reason), f.reason).toMatch(/[\u4e00-\u9fff]/);
      }
      expect(await tableCounts(ctx)).toEqual(before.counts);
      expect(await ladder(id)).toEqual(before.ec);
      // Served once: a second service is refused.
      const ok = await serve(r.document.id, { method: 'post', version, receivedOn: today(), trackingNumber: 'XA2' });
      expect(ok.statusCode, ok.body).toBe(201);
      const again = await serve(r.document.id, { method: 'post', version: ok.json().case.version, receivedOn: today(), trackingNumber: 'XA3' });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('document_already_served');
    });

    it('a refusal to sign needs a witness or photos, and nothing is written without them', async () => {
      const before = await tableCounts(ctx);
      const site = await shopOn(ctx, hq.subdistrictId, '', '', shop++);
      const opened = await post('/api/enforcement/cases', { siteId: site.id, categoryId: hq.categoryId, gps: HQ_GPS, legalBasisId: hq.art26, facts: '未设置分类标识' });
      const id = opened.json().id;
      const afterOpen = await tableCounts(ctx);
      expect(afterOpen.cases).toBe(before.cases + 1);
      const photo = await uploadPhoto(ctx, await signInAs(ctx.app, 'enforcer1'));
      const res = await post(`/api/enforcement/cases/${id}/steps`, { kind: 'order', version: 1, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [photo], deadlineAt: workingDeadline(ctx.clock.now()), deadlineReason: '约定', acknowledgement: 'refused' });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.fields.map((f: { field: string }) => f.field)).toEqual(['refusal']);
      expect(reasonZh(res.json().error.details.fields[0].reason)).toMatch(/[\u4e00-\u9fff]/);
      expect(await tableCounts(ctx)).toEqual(afterOpen);
    });

    it('the PDF states 留置送达 with its witness for a refusal, and for an absent party the later post and its receipt date', async () => {
      const refused = await walkToPriorNotice(ctx, hq, e2Id, shop++, { fineAmount: 500, acknowledgement: 'refused', refusal: { witness: '居委会干部王某', photoIds: [] } });
      const t1 = flat(await pdfText((await get(refused.r.document.pdfUrl)).rawPayload));
      expect(t1).toContain('留置送达');
      expect(t1).toContain('见证人：居委会干部王某');
      expect(t1).not.toContain('不在场');

      const absent = await walkToPriorNotice(ctx, hq, e2Id, shop++, { fineAmount: 500, acknowledgement: 'absent' });
      const t2 = flat(await pdfText((await get(absent.r.document.pdfUrl)).rawPayload));
      expect(t2).toContain('未当场送达');
      expect(t2).not.toContain('留置送达');
      expect(t2).toContain(`自收到本告知书之日起${await statementDays()}个工作日内`);
      ctx.clock.set(new Date(ctx.clock.now().getTime() + 2 * DAY));
      const served = await serve(absent.r.document.id, { method: 'post', version: absent.r.case.version, receivedOn: today(), trackingNumber: 'XA987654321CN' });
      expect(served.statusCode, served.body).toBe(201);
      const t3 = flat(await pdfText((await get(served.json().document.pdfUrl)).rawPayload));
      expect(t3).toContain('邮寄送达');
      expect(t3).toContain('XA987654321CN');
      expect(t3).toContain(`回执签收日期${zhDate(served.json().service.servedAt)}`);
      expect(t3).toContain(`可于${zhDate(served.json().case.statementEndsAt)}前`);
      expect(t3).not.toContain('留置送达');
    });
  });
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { shanghaiInstant } from '../../src/domain/checkins/local-time.js';
import { zhDate } from '../../src/domain/enforcement/document-content.js';
import { priorViolations } from '../../src/domain/enforcement/history.js';
import { endOfShanghaiDay, lastDayOf, periodEnd } from '../../src/domain/enforcement/periods.js';
import { hearingEligible } from '../../src/domain/enforcement/procedure.js';
import { loadSettings } from '../../src/domain/enforcement/settings.js';
import { newId } from '../../src/domain/shared/ids.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { pdfText } from '../helpers/pdf-text.js';
import { reasonZh } from '../../web/src/shared/field-reasons.js';
import { hongqiao, shopOn, walkToPriorNotice } from './helpers.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);

/** The id of the version a legal basis currently cites. */
async function currentVersionId(db: TestContext['handle']['db'], legalBasisId: string) {
  const b = await db.selectFrom('legal_bases').select('current_version').where('id', '=', legalBasisId).executeTakeFirstOrThrow();
  return (await db.selectFrom('legal_basis_versions').select('id').where('legal_basis_id', '=', legalBasisId).where('version', '=', Number(b.current_version)).executeTakeFirstOrThrow()).id;
}
const HOUR = 3600_000;
const DAY_MS = 86_400_000;

/** A calendar: weekends off, plus some drawn holidays, minus some drawn make-up workdays. */
const calendarArb = fc.record({
  holidays: fc.uniqueArray(fc.integer({ min: 0, max: 90 }), { maxLength: 15 }),
  makeUps: fc.uniqueArray(fc.integer({ min: 0, max: 90 }), { maxLength: 4 }),
});
const START = '2026-09-20';
function isWorkingIn(cal: { holidays: number[]; makeUps: number[] }) {
  return (date: string) => {
    const n = Math.round((Date.parse(date) - Date.parse(START)) / DAY_MS);
    if (cal.makeUps.includes(n)) return true;
    if (cal.holidays.includes(n)) return false;
    const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
    return dow !== 0 && dow !== 6;
  };
}

describe('periods of the penalty procedure (rules)', () => {
  it('a calendar-day period runs its days from the day after service, and a last day off moves to the next working day', () => {
    fc.assert(
      fc.property(calendarArb, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 30 }), (cal, offset, days) => {
        const working = isWorkingIn(cal);
        const start = addDays(START, offset);
        const end = lastDayOf(start, days, 'calendar', working);
        const nominal = addDays(start, days);
        expect(working(end)).toBe(true);
        expect(end >= nominal).toBe(true);
        for (let d = nominal; d < end; d = addDays(d, 1)) expect(working(d)).toBe(false);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a working-day period (行政处罚法 art. 85) ends on the n-th working day after service', () => {
    fc.assert(
      fc.property(calendarArb, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 10 }), (cal, offset, days) => {
        const working = isWorkingIn(cal);
        const start = addDays(START, offset);
        const end = lastDayOf(start, days, 'working', working);
        expect(working(end)).toBe(true);
        let n = 0;
        for (let d = addDays(start, 1); d <= end; d = addDays(d, 1)) if (working(d)) n++;
        expect(n).toBe(days);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a period ends at 24:00 (Asia/Shanghai) of its last day', () => {
    expect(endOfShanghaiDay('2026-06-22').toISOString()).toBe('2026-06-22T15:59:59.999Z');
  });

  it('the party may request a hearing exactly when the fine reaches the threshold of the legal basis for its class', () => {
    fc.assert(
      fc.property(
        fc.option(fc.record({ unit: fc.integer({ min: 0, max: 100_000 }), individual: fc.integer({ min: 0, max: 10_000 }) }), { nil: null }),
        fc.constantFrom('unit' as const, 'individual' as const),
        fc.integer({ min: 0, max: 100_000 }),
        (thresholds, subject, fine) => {
          expect(hearingEligible({ hearingThresholds: thresholds }, subject, fine)).toBe(thresholds !== null && fine >= thresholds[subject]);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});

for (const dialect of DIALECTS) {
  describe(`penalty procedure before a fine [${dialect}]`, { timeout: 180_000 }, () => {
    let ctx: TestContext;
    let photoDir: string;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    let e2Id: string;
    let shopIndex = 300;

    beforeAll(async () => {
      photoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-enf-'));
      ctx = await demoContext(dialect, { PHOTO_DIR: photoDir });
      ctx.clock.set('2026-09-07T10:00:00+08:00');
      hq = await hongqiao(ctx);
      e2Id = await hq.userId('enforcer2');
    });
    afterAll(async () => {
      await ctx.close();
      fs.rmSync(photoDir, { recursive: true, force: true });
    });

    const as = async (username: string) => signInAs(ctx.app, username);
    const post = async (username: string, url: string, payload: object) => ctx.app.inject({ method: 'POST', url, headers: { cookie: await as(username) }, payload });
    const step = (ecId: string, body: object, username = 'enforcer1') => post(username, `/api/enforcement/cases/${ecId}/steps`, body);
    const later = (h: number) => ctx.clock.set(new Date(ctx.clock.now().getTime() + h * HOUR));
    const deadline = () => new Date(ctx.clock.now().getTime() + 24 * HOUR).toISOString();

    /** Opens a ladder at a fresh shop and walks it to the prior notice. */
    const toPriorNotice = (fineAmount: number, extra: object = {}) => walkToPriorNotice(ctx, hq, e2Id, shopIndex++, { fineAmount, ...extra });

    it('records a statement within its period only; after it the party is taken to have waived it', async () => {
      const { id, r } = await toPriorNotice(500);
      ctx.clock.set(new Date(new Date(r.case.statementEndsAt).getTime() + HOUR));
      const late = await step(id, { kind: 'statement', version: r.case.version, statement: { kind: 'statement', form: 'written', text: '已整改，请求免罚' } });
      expect(late.statusCode, late.body).toBe(409);
      expect(late.json().error.code).toBe('transition_not_allowed');
      // The decision then says no statement was made in the period, which is true.
      const decided = await step(id, { kind: 'decision', version: r.case.version, coOfficerId: e2Id, fineAmount: 500, fineReason: '依裁量基准' });
      expect(decided.statusCode, decided.body).toBe(201);
      const pdf = await ctx.app.inject({ method: 'GET', url: `/api/enforcement/documents/${decided.json().document.id}/pdf`, headers: { cookie: await as('enforcer1') } });
      const text = await pdfText(pdf.rawPayload);
      expect(text).toContain('当事人在规定期限内未提出陈述、申辩');
      expect(text).toContain('十五日内');
    });

    it('prints the payment period and the repeat-offence window the subdistrict set, as the dates it gives', async () => {
      const set = async (payload: object) => ctx.app.inject({ method: 'PATCH', url: `/api/enforcement/settings/${hq.subdistrictId}`, headers: { cookie: await as('admin') }, payload });
      expect((await set({ paymentDays: 30 })).statusCode).toBe(200);
      try {
        const { id, r } = await toPriorNotice(500);
        ctx.clock.set(new Date(new Date(r.case.statementEndsAt).getTime() + HOUR));
        const decided = await step(id, { kind: 'decision', version: r.case.version, coOfficerId: e2Id, fineAmount: 500, fineReason: '依裁量基准' });
        expect(decided.statusCode, decided.body).toBe(201);
        const pdf = await ctx.app.inject({ method: 'GET', url: `/api/enforcement/documents/${decided.json().document.id}/pdf`, headers: { cookie: await as('enforcer1') } });
        const text = await pdfText(pdf.rawPayload);
        expect(text).toContain('之日起30日内');
        expect(text).not.toContain('十五日内');
      } finally {
        expect((await set({ paymentDays: 15 })).statusCode).toBe(200);
      }
      // Two kinds of document numbered alike would give two documents one number: refused.
      const same = '{office}字〔{year}〕第{seq4}号';
      const clash = await set({ patterns: { order: same, notice: same, decision: '{office}罚决字〔{year}〕第{seq4}号' } });
      expect(clash.statusCode).toBe(400);
      expect(clash.json().error.details.fields[0]).toMatchObject({ field: 'patterns.notice', reason: 'must differ from the pattern of another kind of document' });
    });

    it('refuses a payment period shorter than the fifteen days the law gives the party (行政处罚法 art. 67)', async () => {
      const set = async (paymentDays: number) => ctx.app.inject({ method: 'PATCH', url: `/api/enforcement/settings/${hq.subdistrictId}`, headers: { cookie: await as('admin') }, payload: { paymentDays } });
      for (const days of [1, 7, 14]) {
        const res = await set(days);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error.details.fields.map((f: { field: string }) => f.field)).toEqual(['paymentDays']);
      }
      expect((await set(15)).statusCode).toBe(200);
      expect((await ctx.app.inject({ method: 'GET', url: `/api/enforcement/settings/${hq.subdistrictId}`, headers: { cookie: await as('admin') } })).json().paymentDays).toBe(15);
      // A period saved shorter before the rule was enforced is read as the law's fifteen days.
      await ctx.handle.db.updateTable('enforcement_settings').set({ payment_days: 10 }).where('subdistrict_id', '=', hq.subdistrictId).execute();
      expect((await loadSettings(ctx.handle.db, hq.subdistrictId)).settings.paymentDays).toBe(15);
      expect((await ctx.app.inject({ method: 'GET', url: `/api/enforcement/settings/${hq.subdistrictId}`, headers: { cookie: await as('admin') } })).json().paymentDays).toBe(15);
      expect((await set(30)).statusCode).toBe(200);
    });

    it('serves a corrected prior notice again: its statement period runs again from the correction; no correction after the decision', async () => {
      const { id, r } = await toPriorNotice(500);
      const firstEnd = Date.parse(r.case.statementEndsAt);
      // The last evening of the period, the facts on the notice are corrected.
      ctx.clock.set(new Date(firstEnd - 2 * HOUR));
      const fix = await post('enforcer1', `/api/enforcement/documents/${r.document.id}/corrections`, { reason: '事实表述有误', facts: '未设置任何生活垃圾分类标识及分类收集容器' });
      expect(fix.statusCode, fix.body).toBe(201);
      const newEnd = (await periodEnd(ctx.handle.db, hq.subdistrictId, ctx.clock.now(), 3, 'working')).toISOString();
      expect(fix.json().content.rights.statementEndsAt).toBe(newEnd);
      expect(await pdfText((await ctx.app.inject({ method: 'GET', url: fix.json().pdfUrl, headers: { cookie: await as('enforcer1') } })).rawPayload)).toContain(`${zhDate(newEnd)}前向本机关提出陈述和申辩`);
      const current = async () => (await ctx.app.inject({ method: 'GET', url: `/api/enforcement/cases/${id}`, headers: { cookie: await as('enforcer1') } })).json();
      expect((await current()).statementEndsAt).toBe(newEnd);
      // After the first period but inside the one the corrected notice gives: no decision.
      ctx.clock.set(new Date(firstEnd + HOUR));
      const early = await step(id, { kind: 'decision', version: (await current()).version, coOfficerId: e2Id, fineAmount: 500, fineReason: '依裁量基准' });
      expect(early.statusCode, early.body).toBe(409);
      expect(early.json().error).toMatchObject({ code: 'procedure_period_open', details: { period: 'statement', endsAt: newEnd } });
      ctx.clock.set(new Date(Date.parse(newEnd) + HOUR));
      const decided = await step(id, { kind: 'decision', version: (await current()).version, coOfficerId: e2Id, fineAmount: 500, fineReason: '依裁量基准' });
      expect(decided.statusCode, decided.body).toBe(201);
      // The decision names the notice the party was heard on, served when it was corrected.
      expect(decided.json().document.content.procedure.priorNotice.issuedAt).toBe(fix.json().issuedAt);
      const late = await post('enforcer1', `/api/enforcement/documents/${fix.json().id}/corrections`, { reason: '笔误' });
      expect(late.statusCode, late.body).toBe(409);
      expect(late.json().error.code).toBe('transition_not_allowed');
    });

    it('refuses a decision at any time up to the end of the statement period, and only then', async () => {
      const { id, r } = await toPriorNotice(500);
      const end = new Date(r.case.statementEndsAt).getTime();
      const served = ctx.clock.now().getTime();
      // The statement period is the subdistrict's three working days after the day of service, to 24:00.
      expect(r.case.statementEndsAt).toBe((await periodEnd(ctx.handle.db, hq.subdistrictId, new Date(served), 3, 'working')).toISOString());
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: served, max: end + 4 * 24 * HOUR }), async (t) => {
          ctx.clock.set(new Date(t));
          const cookie = await as('enforcer1');
          // A fine above the prior notice's: the only refusal left once the period has closed; nothing is written either way.
          const res = await ctx.app.inject({ method: 'POST', url: `/api/enforcement/cases/${id}/steps`, headers: { cookie }, payload: {
            kind: 'decision', version: r.case.version, coOfficerId: e2Id, fineAmount: 600, fineReason: '依裁量基准' } });
          expect(res.json().error.code).toBe(t <= end ? 'procedure_period_open' : 'fine_exceeds_prior_notice');
          expect(res.statusCode).toBe(t <= end ? 409 : 422);
        }),
        { seed: SEED, numRuns: dialect === 'sqlite' ? 30 : 15 },
      );
    });

    it('ends the statement period on the next working day when the calendar makes its last day a holiday', async () => {
      const served = new Date('2026-09-07T10:00:00+08:00'); // a Monday
      const before = await periodEnd(ctx.handle.db, hq.subdistrictId, served, 3, 'working');
      expect(before.toISOString()).toBe('2026-09-10T15:59:59.999Z');
      await ctx.handle.db.insertInto('calendar_overrides').values({ id: newId(), subdistrict_id: hq.subdistrictId, date: '2026-09-09', kind: 'holiday', note: '测试', created_by: null, created_at: served.toISOString(), updated_at: served.toISOString() }).execute();
      expect((await periodEnd(ctx.handle.db, hq.subdistrictId, served, 3, 'working')).toISOString()).toBe('2026-09-11T15:59:59.999Z');
      // A calendar period ending on a Saturday ends on Monday.
      expect((await periodEnd(ctx.handle.db, hq.subdistrictId, served, 5, 'calendar')).toISOString()).toBe('2026-09-14T15:59:59.999Z');
      await ctx.handle.db.deleteFrom('calendar_overrides').where('date', '=', '2026-09-09').execute();
    });

    it('gives a hearing where the fine reaches the threshold: request window, an independent host, and a decision that answers the defence', async () => {
      ctx.clock.set('2026-09-07T10:00:00+08:00');
      // The threshold is data on the legal basis version: 1,000 RMB for units under Art. 26(1).
      const admin = await as('admin');
      const basis = (await ctx.app.inject({ method: 'GET', url: '/api/enforcement/legal-bases', headers: { cookie: admin } })).json().items.find((b: { id: string }) => b.id === hq.art26);
      const { id: _i, code: _c, subdistrictId: _s, active: _a, versionId: _v, version, createdAt: _t, ...rest } = basis;
      const edit = await ctx.app.inject({ method: 'PATCH', url: `/api/enforcement/legal-bases/${hq.art26}`, headers: { cookie: admin }, payload: { ...rest, version, hearingThresholds: { unit: 1000, individual: 500 } } });
      expect(edit.statusCode, edit.body).toBe(200);

      // Below the threshold: no hearing to request.
      const small = await toPriorNotice(800);
      expect(small.r.case).toMatchObject({ hearingEligible: false, hearingRequestEndsAt: null });
      const refused = await step(small.id, { kind: 'hearing_request', version: small.r.case.version });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('hearing_not_available');

      // At the threshold: the prior notice states the right to a hearing and its five working days.
      const big = await toPriorNotice(1000);
      expect(big.r.case).toMatchObject({ hearingEligible: true });
      expect(big.r.case.nextSteps.map((s: { kind: string }) => s.kind)).toEqual(['statement', 'hearing_request', 'decision']);
      const pnPdf = await ctx.app.inject({ method: 'GET', url: `/api/enforcement/documents/${big.r.document.id}/pdf`, headers: { cookie: await as('enforcer1') } });
      expect(await pdfText(pnPdf.rawPayload)).toContain('有权要求举行听证');
      // After the statement period but within the hearing-request period: still no decision.
      ctx.clock.set(new Date(new Date(big.r.case.statementEndsAt).getTime() + HOUR));
      expect(new Date(big.r.case.hearingRequestEndsAt).getTime()).toBeGreaterThan(ctx.clock.now().getTime());
      const early = await step(big.id, { kind: 'decision', version: big.r.case.version, coOfficerId: e2Id, fineAmount: 1000, fineReason: '依裁量基准' });
      expect(early.statusCode).toBe(409);
      expect(early.json().error).toMatchObject({ code: 'procedure_period_open', details: { period: 'hearing_request' } });
      const req = await step(big.id, { kind: 'hearing_request', version: big.r.case.version });
      expect(req.statusCode, req.body).toBe(201);
      expect(req.json().case.stage).toBe('hearing_requested');
      const waiting = await step(big.id, { kind: 'decision', version: req.json().case.version, coOfficerId: e2Id, fineAmount: 1000, fineReason: '依裁量基准' });
      expect(waiting.json().error.code).toBe('step_out_of_order');
      // The party is told of the hearing seven working days before it (art. 64(2), art. 85): not
      // held before the seventh working day after the request.
      const noticeLastDay = shanghaiDate(await periodEnd(ctx.handle.db, hq.subdistrictId, new Date(req.json().step.at), 7, 'working'));
      ctx.clock.set(shanghaiInstant(noticeLastDay, '10:00'));
      const tooSoon = await step(big.id, { kind: 'hearing', version: req.json().case.version, hearing: { heldAt: shanghaiInstant(addDays(noticeLastDay, -1), '10:00').toISOString(), summary: '当事人到场', hostId: await hq.userId('leader') } });
      expect(tooSoon.statusCode, tooSoon.body).toBe(400);
      expect(tooSoon.json().error.details.fields[0]).toMatchObject({ field: 'hearing.heldAt', reason: `the party is told of the hearing seven working days before it: not before ${noticeLastDay}` });
      expect(reasonZh(tooSoon.json().error.details.fields[0].reason)).toContain(noticeLastDay);
      // The investigating officers may not preside.
      const hearing = { heldAt: ctx.clock.now().toISOString(), summary: '当事人称已购置分类桶，请求减轻处罚' };
      const byInvestigator = await step(big.id, { kind: 'hearing', version: req.json().case.version, hearing: { ...hearing, hostId: e2Id } });
      expect(byInvestigator.statusCode).toBe(400);
      expect(byInvestigator.json().error.details.fields[0].field).toBe('hearing.hostId');
      // A hearing is held after it was requested: a date before the request is refused (the decision prints it).
      const backdated = await step(big.id, { kind: 'hearing', version: req.json().case.version, hearing: { ...hearing, heldAt: '2020-01-01T02:00:00.000Z', hostId: await hq.userId('leader') } });
      expect(backdated.statusCode).toBe(400);
      expect(backdated.json().error.details.fields[0]).toMatchObject({ field: 'hearing.heldAt', reason: 'the hearing is held after it was requested' });
      const held = await step(big.id, { kind: 'hearing', version: req.json().case.version, hearing: { ...hearing, hostId: await hq.userId('leader') } });
      expect(held.statusCode, held.body).toBe(201);
      expect(held.json().case.stage).toBe('heard');
      // Heard, the decision must say whether the defence is adopted.
      const noAnswer = await step(big.id, { kind: 'decision', version: held.json().case.version, coOfficerId: e2Id, fineAmount: 1000, fineReason: '依裁量基准' });
      expect(noAnswer.json().error.details.fields[0].field).toBe('defence');
      const decided = await step(big.id, { kind: 'decision', version: held.json().case.version, coOfficerId: e2Id, fineAmount: 800, fineReason: '依裁量基准', defence: 'partly_adopted', defenceReason: '已购置分类桶，酌情减轻' });
      expect(decided.statusCode, decided.body).toBe(201);
      const text = await pdfText((await ctx.app.inject({ method: 'GET', url: `/api/enforcement/documents/${decided.json().document.id}/pdf`, headers: { cookie: await as('enforcer1') } })).rawPayload);
      for (const s of ['举行听证', '部分予以采纳', '已购置分类桶，酌情减轻', big.r.document.number]) expect(text).toContain(s);
    });

    it('counts as prior offences exactly the penalty decisions on the same provision within the look-back window', async () => {
      const db = ctx.handle.db;
      const party = (await shopOn(ctx, hq.subdistrictId, '', '', 400)).responsible_party_id!;
      // Template rows: a ladder with a decision from the test above.
      const template = await db.selectFrom('enforcement_documents').selectAll().where('kind', '=', 'decision').where('subdistrict_id', '=', hq.subdistrictId).executeTakeFirstOrThrow();
      const tCase = await db.selectFrom('enforcement_cases').selectAll().where('id', '=', template.enforcement_case_id).executeTakeFirstOrThrow();
      const tStep = await db.selectFrom('enforcement_steps').selectAll().where('id', '=', template.step_id).executeTakeFirstOrThrow();
      const now = new Date('2026-12-01T10:00:00+08:00');
      // Each fabricated document cites the current version of its own ladder's basis, as issued ones do.
      const versionOf = { art26: await currentVersionId(db, hq.art26), art57: await currentVersionId(db, hq.art57) };
      let seq = 90_000;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ basis: fc.constantFrom('art26', 'art57'), kind: fc.constantFrom('decision' as const, 'order' as const), daysAgo: fc.integer({ min: 0, max: 800 }) }), { maxLength: 5 }),
          async (history) => {
            const ids: string[] = [];
            for (const h of history) {
              const at = new Date(now.getTime() - h.daysAgo * DAY_MS).toISOString();
              const ecId = newId();
              const stepId = newId();
              ids.push(ecId);
              await db.insertInto('enforcement_cases').values({ ...tCase, id: ecId, party_id: party, legal_basis_id: hq[h.basis], opened_at: at }).execute();
              await db.insertInto('enforcement_steps').values({ ...tStep, id: stepId, enforcement_case_id: ecId, kind: h.kind, at, event_id: null, document_id: null }).execute();
              await db.insertInto('enforcement_documents').values({ ...template, id: newId(), enforcement_case_id: ecId, step_id: stepId, kind: h.kind, seq: seq++, verify_code: newId(), issued_at: at, legal_basis_version_id: versionOf[h.basis] }).execute();
            }
            const expected = history.filter((h) => h.basis === 'art26' && h.kind === 'decision' && h.daysAgo <= 365).length;
            expect(await priorViolations(db, party, hq.art26, now, 365)).toBe(expected);
            await db.deleteFrom('enforcement_documents').where('enforcement_case_id', 'in', ids.length ? ids : ['-']).execute();
            await db.deleteFrom('enforcement_steps').where('enforcement_case_id', 'in', ids.length ? ids : ['-']).execute();
            await db.deleteFrom('enforcement_cases').where('id', 'in', ids.length ? ids : ['-']).execute();
          },
        ),
        { seed: SEED, numRuns: dialect === 'sqlite' ? 40 : 20 },
      );
    });

    it('counts a decision on the same provision under another legal-basis row, and none on another clause or article', async () => {
      const db = ctx.handle.db;
      const party = (await shopOn(ctx, hq.subdistrictId, '', '', 402)).responsible_party_id!;
      const template = await db.selectFrom('enforcement_documents').selectAll().where('kind', '=', 'decision').where('subdistrict_id', '=', hq.subdistrictId).executeTakeFirstOrThrow();
      const tCase = await db.selectFrom('enforcement_cases').selectAll().where('id', '=', template.enforcement_case_id).executeTakeFirstOrThrow();
      const tStep = await db.selectFrom('enforcement_steps').selectAll().where('id', '=', template.step_id).executeTakeFirstOrThrow();
      // Rows of the catalogue: art. 26 as seeded; a second row for the same provision (a new code,
      // amended amounts); a row for another clause of art. 26; art. 57.
      const a26 = await db.selectFrom('legal_basis_versions').selectAll().where('id', '=', await currentVersionId(db, hq.art26)).executeTakeFirstOrThrow();
      const copyOf = async (code: string, change: Partial<typeof a26>) => {
        const id = newId();
        const at = new Date().toISOString();
        await db.insertInto('legal_bases').values({ id, subdistrict_id: hq.subdistrictId, code, current_version: 1, active: 1, created_at: at, updated_at: at }).execute();
        await db.insertInto('legal_basis_versions').values({ ...a26, ...change, id: newId(), legal_basis_id: id, version: 1 }).execute();
        return id;
      };
      const rows = {
        art26: hq.art26,
        art26again: await copyOf(`SH-DWMR-26-1-R${dialect}`, { fine_min: 200, fine_max: 60000 }),
        art26clause2: await copyOf(`SH-DWMR-26-2-${dialect}`, { clause: a26.clause === '第二款' ? '第三款' : '第二款' }),
        art57: hq.art57,
      };
      const sameProvision = (a: keyof typeof rows, b: keyof typeof rows) => (a === 'art26' || a === 'art26again') ? (b === 'art26' || b === 'art26again') : a === b;
      const versionOf = Object.fromEntries(await Promise.all(Object.entries(rows).map(async ([k, id]) => [k, await currentVersionId(db, id)]))) as Record<keyof typeof rows, string>;
      const keys = Object.keys(rows) as (keyof typeof rows)[];
      const now = new Date('2026-12-01T10:00:00+08:00');
      let seq = 97_000;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ basis: fc.constantFrom(...keys), kind: fc.constantFrom('decision' as const, 'order' as const), daysAgo: fc.integer({ min: 0, max: 800 }) }), { maxLength: 5 }),
          fc.constantFrom(...keys),
          async (history, asked) => {
            const ids: string[] = [];
            try {
              for (const h of history) {
                const at = new Date(now.getTime() - h.daysAgo * DAY_MS).toISOString();
                const ecId = newId();
                const stepId = newId();
                ids.push(ecId);
                await db.insertInto('enforcement_cases').values({ ...tCase, id: ecId, party_id: party, legal_basis_id: rows[h.basis], opened_at: at }).execute();
                await db.insertInto('enforcement_steps').values({ ...tStep, id: stepId, enforcement_case_id: ecId, kind: h.kind, at, event_id: null, document_id: null }).execute();
                await db.insertInto('enforcement_documents').values({ ...template, id: newId(), enforcement_case_id: ecId, step_id: stepId, kind: h.kind, seq: seq++, verify_code: newId(), issued_at: at, legal_basis_version_id: versionOf[h.basis] }).execute();
              }
              const expected = history.filter((h) => sameProvision(h.basis, asked) && h.kind === 'decision' && h.daysAgo <= 365).length;
              expect(await priorViolations(db, party, rows[asked], now, 365)).toBe(expected);
            } finally {
              await db.deleteFrom('enforcement_documents').where('enforcement_case_id', 'in', ids.length ? ids : ['-']).execute();
              await db.deleteFrom('enforcement_steps').where('enforcement_case_id', 'in', ids.length ? ids : ['-']).execute();
              await db.deleteFrom('enforcement_cases').where('id', 'in', ids.length ? ids : ['-']).execute();
            }
          },
        ),
        // The case the rule is about first: a decision under the old row, the new row asked.
        { seed: SEED, numRuns: dialect === 'sqlite' ? 40 : 20, examples: [[[{ basis: 'art26', kind: 'decision', daysAgo: 30 }], 'art26again'], [[{ basis: 'art26again', kind: 'decision', daysAgo: 30 }], 'art26'], [[{ basis: 'art26', kind: 'decision', daysAgo: 30 }], 'art26clause2']] },
      );
      for (const k of ['art26again', 'art26clause2'] as const) {
        await db.deleteFrom('legal_basis_versions').where('legal_basis_id', '=', rows[k]).execute();
        await db.deleteFrom('legal_bases').where('id', '=', rows[k]).execute();
      }
    });

    it('counts the look-back window in days: a decision on day D counts through day D + window, whatever the hour', async () => {
      const db = ctx.handle.db;
      const party = (await shopOn(ctx, hq.subdistrictId, '', '', 401)).responsible_party_id!;
      const template = await db.selectFrom('enforcement_documents').selectAll().where('kind', '=', 'decision').where('subdistrict_id', '=', hq.subdistrictId).executeTakeFirstOrThrow();
      const tCase = await db.selectFrom('enforcement_cases').selectAll().where('id', '=', template.enforcement_case_id).executeTakeFirstOrThrow();
      const tStep = await db.selectFrom('enforcement_steps').selectAll().where('id', '=', template.step_id).executeTakeFirstOrThrow();
      const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
      let seq = 95_000;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 362, max: 368 }), hhmm, hhmm, async (daysAgo, decidedAt, nowAt) => {
          const now = shanghaiInstant('2026-12-01', nowAt);
          const at = shanghaiInstant(addDays('2026-12-01', -daysAgo), decidedAt).toISOString();
          const ecId = newId();
          const stepId = newId();
          await db.insertInto('enforcement_cases').values({ ...tCase, id: ecId, party_id: party, legal_basis_id: hq.art26, opened_at: at }).execute();
          await db.insertInto('enforcement_steps').values({ ...tStep, id: stepId, enforcement_case_id: ecId, kind: 'decision', at, event_id: null, document_id: null }).execute();
          await db.insertInto('enforcement_documents').values({ ...template, id: newId(), enforcement_case_id: ecId, step_id: stepId, kind: 'decision', seq: seq++, verify_code: newId(), issued_at: at }).execute();
          try {
            expect(await priorViolations(db, party, hq.art26, now, 365)).toBe(daysAgo <= 365 ? 1 : 0);
          } finally {
            await db.deleteFrom('enforcement_documents').where('enforcement_case_id', '=', ecId).execute();
            await db.deleteFrom('enforcement_steps').where('enforcement_case_id', '=', ecId).execute();
            await db.deleteFrom('enforcement_cases').where('id', '=', ecId).execute();
          }
        }),
        // The edges first: the window's last day, earlier and later in the day than now.
        { seed: SEED, numRuns: dialect === 'sqlite' ? 40 : 20, examples: [[365, '00:00', '23:59'], [366, '23:59', '00:00'], [365, '23:59', '00:00']] },
      );
    });

    it('counts a repeat offence back from the breach the ladder was opened on, not from the later prior notice', async () => {
      // A decision against the shop; within the year after it, the same breach is found again.
      const first = await walkToPriorNotice(ctx, hq, e2Id, 470, { fineAmount: 500 });
      ctx.clock.set(new Date(Date.parse(first.r.case.statementEndsAt) + HOUR));
      const decided = await step(first.id, { kind: 'decision', version: first.r.case.version, coOfficerId: e2Id, fineAmount: 500, fineReason: '依裁量基准' });
      expect(decided.statusCode, decided.body).toBe(201);
      ctx.clock.set(new Date(Date.parse(decided.json().document.issuedAt) + 364 * DAY_MS));
      const again = await walkToPriorNotice(ctx, hq, e2Id, 470, { fineAmount: 2000 });
      // The order and notice took the prior notice past the year; the breach was within it.
      expect(Date.parse(again.r.document.issuedAt) - Date.parse(decided.json().document.issuedAt)).toBeGreaterThan(366 * DAY_MS);
      expect(again.r.case.priorViolations).toBe(1);
      expect(again.r.document.content.fine).toMatchObject({ offence: 'repeat', priorViolations: 1, proposed: 2000 });
      expect(await pdfText((await ctx.app.inject({ method: 'GET', url: again.r.document.pdfUrl, headers: { cookie: await as('enforcer1') } })).rawPayload)).toContain('属再次违法');
    });

    it('counts a decision under the old catalogue entry when a new entry for the same article and clause is cited', async () => {
      const admin = await as('admin');
      const art26 = (await ctx.app.inject({ method: 'GET', url: '/api/enforcement/legal-bases', headers: { cookie: admin } })).json().items.find((b: { id: string }) => b.id === hq.art26);
      const { id: _i, code: _c, subdistrictId: _s, active: _a, versionId: _v, version: _n, createdAt: _t, ...fields } = art26;
      const created = await ctx.app.inject({ method: 'POST', url: `/api/enforcement/legal-bases/${hq.subdistrictId}`, headers: { cookie: admin }, payload: { ...fields, code: 'SH-DWMR-26-1-2027' } });
      expect(created.statusCode, created.body).toBe(201);
      const first = await walkToPriorNotice(ctx, hq, e2Id, 480, { fineAmount: 500 });
      ctx.clock.set(new Date(Date.parse(first.r.case.statementEndsAt) + HOUR));
      const decided = await step(first.id, { kind: 'decision', version: first.r.case.version, coOfficerId: e2Id, fineAmount: 500, fineReason: '依裁量基准' });
      expect(decided.statusCode, decided.body).toBe(201);
      ctx.clock.set(new Date(Date.parse(decided.json().document.issuedAt) + 30 * DAY_MS));
      const again = await walkToPriorNotice(ctx, { ...hq, art26: created.json().id }, e2Id, 480, { fineAmount: 2000 });
      expect(again.r.case.priorViolations).toBe(1);
      expect(again.r.document.content.fine).toMatchObject({ offence: 'repeat', priorViolations: 1 });
    });
  });
}
